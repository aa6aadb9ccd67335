"""`hamyar case …`: an operator routes triage from a shell, through the coordinator's commands."""

from __future__ import annotations

import json

import pluggy
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.geo import load_places
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Case, HistoryEntry, Neighbourhood, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import roles as R
from hamyar.plugins.municipality.demo import REPORT_FORMS
from tests.test_cli import hamyar

CLERK = Actor.from_assignments("operator", [(R.COORDINATOR, None)])


def _triage_case(session: Session, registry: Registry, pm: pluggy.PluginManager) -> int:
    sync_registry(session, registry)
    load_places(session)
    nb = session.exec(select(Neighbourhood).where(Neighbourhood.code == "karaj-hesarak")).one()
    case = open_case(
        session,
        registry,
        CLERK,
        service="municipality.report",
        title="درخت افتاده در کوچه",
        channel="phone",
        neighbourhood_id=nb.id,
        category="other",
        data=REPORT_FORMS[0],
    )
    session.flush()
    assert case.id is not None
    assert route_case(session, case.id, registry, pm=pm).outcome == "triage"
    session.commit()
    return case.id


def test_an_operator_assigns_a_triage_case_once(
    session: Session, registry: Registry, plugin_manager: pluggy.PluginManager, db_url: str
) -> None:
    case_id = _triage_case(session, registry, plugin_manager)

    listed = hamyar("case", "services", str(case_id), "--json", db_url=db_url)
    assert listed.returncode == 0, listed.stderr
    picker = json.loads(listed.stdout)
    assert picker["state"] == "triage" and picker["triage_reason"]
    codes = [row["service"] for row in picker["services"]]
    assert "municipality.report" in codes

    assigned = hamyar(
        "case", "assign", str(case_id), "--service", "municipality.report",
        "--reason", "مسئولیت با منطقه ۵ است", db_url=db_url,
    )  # fmt: skip
    assert assigned.returncode == 0, assigned.stderr
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None and case.state == "in_progress"
    [task] = session.exec(select(Task).where(Task.case_id == case_id)).all()
    assert (task.service_code, task.kind) == ("municipality.report", "primary")
    assert f"task {task.id}: municipality.report (primary)" in assigned.stdout
    entry = session.exec(
        select(HistoryEntry).where(HistoryEntry.case_id == case_id, HistoryEntry.action == "assign")
    ).one()
    assert entry.comment == "مسئولیت با منطقه ۵ است"
    session.rollback()  # end the read, so the next command's write does not wait for it

    again = hamyar(
        "case", "assign", str(case_id), "--service", "municipality.report", "--reason", "x",
        db_url=db_url,
    )  # fmt: skip
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_unknown_case_and_missing_reason_exit_2_with_one_line(db_url: str) -> None:
    missing = hamyar("case", "assign", "999999", "--service", "x", "--reason", "y", db_url=db_url)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "hamyar: no case 999999"
    no_reason = hamyar("case", "assign", "1", "--service", "x", db_url=db_url)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    unknown_task = hamyar(
        "case", "reassign", "999999", "--service", "x", "--reason", "y", db_url=db_url
    )
    assert unknown_task.returncode == 2
    assert unknown_task.stderr.strip() == "hamyar: no task 999999"
