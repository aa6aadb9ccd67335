"""Binding a workflow to a service: validated first, then effective for new tasks in every
process at once (the binding is read from the database when a task opens)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from hamyar.core.application import administration as admin
from hamyar.core.application.context import Application
from hamyar.core.application.setup import prepare_database
from hamyar.core.auth.actor import OPERATOR, Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.exceptions import GuardRefused, InvalidInput, NotFound
from hamyar.core.routing.router import open_task
from hamyar.core.storage.workflow_store import bindings
from hamyar.core.workflow import roles as R
from hamyar.plugins.library.demo import VISIT_FORMS
from tests.test_cli import hamyar

FIXTURES = Path(__file__).parent / "fixtures" / "dcworkflow"
SIMPLE = FIXTURES / "simple_publication_workflow.xml"
ROLES = {
    "Owner": (R.CASEWORKER,),
    "Editor": (R.CASEWORKER,),
    "Contributor": (R.CASEWORKER,),
    "Reviewer": (R.SUPERVISOR,),
    "Reader": (R.AUDITOR,),
    "Anonymous": (R.AUDITOR,),
    "Site Administrator": (R.MANAGER,),
}
GRANTS = {"Review portal content": (R.SUPERVISOR,), "Request review": (R.CASEWORKER,)}
CLI_ROLES = [
    "--role=Owner=Caseworker",
    "--role=Editor=Caseworker",
    "--role=Contributor=Caseworker",
    "--role=Reviewer=Supervisor",
    "--role=Reader=Auditor",
    "--role=Anonymous=Auditor",
    "--role=Site Administrator=Manager",
]


def started(engine: Engine) -> Application:
    app = Application.build(engine=engine)
    prepare_database(app)
    return app


def new_task_workflow(app: Application, service: str = "library.mobile_visit") -> tuple[str, str]:
    with app.unit_of_work() as uow:
        case = open_case(
            uow.session,
            uow.registry,
            OPERATOR,
            service=service,
            title="بازدید",
            data=dict(VISIT_FORMS[0]),
        )
        task = open_task(uow.session, uow.registry, case, service, kind="primary", reason="")
        return task.workflow_id, task.state


def test_a_binding_counts_at_once_in_a_process_that_started_before_it(engine: Engine) -> None:
    web, worker = started(engine), started(engine)  # two processes sharing the database
    admin.import_workflow(
        web.unit_of_work(), OPERATOR, SIMPLE.read_bytes(), role_map=ROLES, site_permissions=GRANTS
    )
    admin.set_service_workflow(
        web.unit_of_work(), OPERATOR, "library.mobile_visit", "simple_publication_workflow"
    )
    assert new_task_workflow(worker) == ("simple_publication_workflow", "private")
    # binding the plugin's own workflow again removes the binding
    admin.set_service_workflow(
        web.unit_of_work(), OPERATOR, "library.mobile_visit", "library.visit"
    )
    assert new_task_workflow(worker) == ("library.visit", "open")
    with worker.read_session() as session:
        assert bindings(session) == {}


def test_a_workflow_that_cannot_run_is_refused_with_every_problem(engine: Engine) -> None:
    app = started(engine)
    admin.import_workflow(
        app.unit_of_work(), OPERATOR, SIMPLE.read_bytes(), keep_unknown_roles=True
    )
    with pytest.raises(InvalidInput) as refused:
        admin.set_service_workflow(
            app.unit_of_work(), OPERATOR, "library.mobile_visit", "simple_publication_workflow"
        )
    message = str(refused.value)
    assert "roles not known here: Contributor, Editor, Reader, Reviewer" in message
    assert "Site Administrator" in message
    assert "transitions nobody may take" in message and "publish (from pending" in message
    assert new_task_workflow(app) == ("library.visit", "open")


def test_only_an_administrator_binds_and_only_known_things(engine: Engine) -> None:
    app = started(engine)
    clerk = Actor.from_assignments("clerk", [(R.COORDINATOR, None)])
    with pytest.raises(GuardRefused):
        admin.set_service_workflow(app.unit_of_work(), clerk, "library.mobile_visit", "hamyar.task")
    with pytest.raises(NotFound, match="no service 'nope'"):
        admin.set_service_workflow(app.unit_of_work(), OPERATOR, "nope", "hamyar.task")
    with pytest.raises(NotFound, match="no workflow 'nope'"):
        admin.set_service_workflow(app.unit_of_work(), OPERATOR, "library.mobile_visit", "nope")


def test_the_cli_imports_with_a_role_map_binds_and_lists_versions(db_url: str) -> None:
    unmapped = hamyar("workflow", "import", str(SIMPLE), db_url=db_url)
    assert unmapped.returncode == 2 and "Traceback" not in unmapped.stderr
    assert unmapped.stderr.count("\n") == 1
    assert "roles neither known here nor mapped: Contributor, Editor" in unmapped.stderr

    grants = ["--site-permission=Review portal content=Supervisor"]
    grants += ["--site-permission=Request review=Caseworker"]
    imported = hamyar("workflow", "import", str(SIMPLE), *CLI_ROLES, *grants, db_url=db_url)
    assert imported.returncode == 0, imported.stderr
    bound = hamyar(
        "service",
        "set-workflow",
        "library.mobile_visit",
        "simple_publication_workflow",
        db_url=db_url,
    )
    assert bound.returncode == 0, bound.stderr
    assert "starting in private" in bound.stdout
    versions = hamyar("workflow", "versions", "simple_publication_workflow", db_url=db_url)
    assert versions.returncode == 0 and versions.stdout.startswith("1\t")
    assert "(newest)" in versions.stdout
    again = hamyar("workflow", "import", str(SIMPLE), *CLI_ROLES, *grants, db_url=db_url)
    assert again.returncode == 0
    versions = hamyar("workflow", "versions", "simple_publication_workflow", db_url=db_url)
    assert len(versions.stdout.splitlines()) == 1  # the same content makes no new version
    unknown = hamyar("service", "set-workflow", "library.mobile_visit", "nope", db_url=db_url)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_the_cli_refuses_a_bad_role_option_in_one_line(db_url: str) -> None:
    result = hamyar("workflow", "import", str(SIMPLE), "--role", "Reviewer", db_url=db_url)
    assert result.returncode == 2 and "PLONE_ROLE=HAMYAR_ROLE" in result.stderr
    result = hamyar("workflow", "import", str(SIMPLE), "--role", "Reviewer=Pope", db_url=db_url)
    assert result.returncode == 2 and "Pope" in result.stderr and "Traceback" not in result.stderr
