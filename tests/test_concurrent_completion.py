"""Two caseworkers finishing the last two tasks of one case at the same moment.

Each completion decides, in its own transaction, whether the case is now resolved, by counting
the case's open tasks. Read without a lock, each transaction saw the other's task still open
(the other had not committed yet), neither resolved the case, and it stayed "in progress" with
every task done until someone noticed. The command now locks the case's row before reading its
tasks, so the second completion waits for the first and counts after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from hamyar.core.application.commands import take_transition
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.geo import load_places
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Case, HistoryEntry, Neighbourhood, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import roles as R
from hamyar.plugins.library.demo import JOINT_FORMS

CLERK = Actor.from_assignments("operator", [(R.COORDINATOR, None)])


def caseworker(agency: str) -> Actor:
    return Actor.from_assignments(f"{agency}.caseworker", [(R.CASEWORKER, agency)])


@pytest.fixture
def joint_case(application: Application) -> Iterator[tuple[int, dict[str, int]]]:
    """A joint programme routed to the library, health and welfare; the library's task done."""
    with Session(application.engine, expire_on_commit=False) as session:
        sync_registry(session, application.registry)
        load_places(session)
        place = session.exec(
            select(Neighbourhood).where(Neighbourhood.code == "karaj-hesarak")
        ).one()
        case = open_case(
            session,
            application.registry,
            CLERK,
            service="library.joint_programme",
            title="برنامه مشترک کانون، سلامت و بهزیستی در حصارک",
            channel="phone",
            neighbourhood_id=place.id,
            category="joint_programme",
            data=JOINT_FORMS[0],
        )
        session.flush()
        assert case.id is not None
        route_case(session, case.id, application.registry, pm=application.pm)
        session.commit()
        tasks = {
            t.agency_code: t.id
            for t in session.exec(select(Task).where(Task.case_id == case.id))
            if t.id is not None
        }
    assert set(tasks) == {"library", "health", "welfare"}
    take_transition(
        application.unit_of_work(), caseworker("library"), "task", tasks["library"], "complete"
    )
    yield case.id, tasks


def test_the_last_two_tasks_finished_at_once_resolve_the_case_once(
    application: Application, joint_case: tuple[int, dict[str, int]]
) -> None:
    case_id, tasks = joint_case
    first = threading.current_thread()
    first_holds = threading.Event()
    second_started = threading.Event()
    errors: list[BaseException] = []

    def hold_the_first_commit(session: Session) -> None:
        """The health task's completion has written everything; it waits before committing
        until the welfare completion is under way."""
        if threading.current_thread() is first:
            first_holds.set()
            assert second_started.wait(10)
            time.sleep(0.5)  # the second reads the case's tasks now, or waits for our lock

    def finish_welfare() -> None:
        try:
            assert first_holds.wait(10)
            second_started.set()
            take_transition(
                application.unit_of_work(),
                caseworker("welfare"),
                "task",
                tasks["welfare"],
                "complete",
                comment="برگزار شد",
            )
        except BaseException as error:  # reported by the test below
            errors.append(error)

    second = threading.Thread(target=finish_welfare)
    event.listen(Session, "before_commit", hold_the_first_commit)
    try:
        second.start()
        take_transition(
            application.unit_of_work(), caseworker("health"), "task", tasks["health"], "complete"
        )
        second.join(30)
    finally:
        event.remove(Session, "before_commit", hold_the_first_commit)
    assert not second.is_alive() and not errors, errors

    with Session(application.engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.state == "resolved"
        states = {t.state for t in session.exec(select(Task).where(Task.case_id == case_id))}
        assert states == {"done"}
        resolved = session.exec(
            select(HistoryEntry).where(
                HistoryEntry.case_id == case_id, HistoryEntry.action == "resolve"
            )
        ).all()
        assert len(resolved) == 1
        assert "برگزار شد" in resolved[0].comment  # the completion that resolved it says why


def test_a_task_finished_counts_its_case_s_tasks_from_the_rows_it_locked(
    application: Application, joint_case: tuple[int, dict[str, int]]
) -> None:
    """The case's automatic step (resolve when no task is open) is decided from the case's
    tasks the command read under the lock, with the finished task in its new state: no query
    counts them again, and the decision is the same."""
    case_id, tasks = joint_case
    statements: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(application.engine, "before_cursor_execute", note)
    try:
        take_transition(
            application.unit_of_work(), caseworker("health"), "task", tasks["health"], "complete"
        )
        with Session(application.engine) as session:
            case = session.get(Case, case_id)
            assert case is not None and case.state == "in_progress"  # welfare's is still open
        take_transition(
            application.unit_of_work(), caseworker("welfare"), "task", tasks["welfare"], "complete"
        )
    finally:
        event.remove(application.engine, "before_cursor_execute", note)
    with Session(application.engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.state == "resolved"
    assert not [s for s in statements if "count(" in s.lower()], statements
