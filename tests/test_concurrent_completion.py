"""Two caseworkers finishing the last two tasks of one case at the same moment.

Each completion decides, in its own transaction, whether the case is now resolved, by counting
the case's open tasks. Read without a lock, each transaction saw the other's task still open
(the other had not committed yet), neither resolved the case, and it stayed "in progress" with
every task done until someone noticed. The command now locks the case's row before reading its
tasks, so the second completion waits for the first and counts after it.

Only PostgreSQL runs the two at once: on SQLite one process's writers already take turns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from hamyar.core.application.commands import take_transition
from hamyar.core.application.context import Application
from hamyar.core.application.ownership import claim_task, move_due
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import StaleVersion
from hamyar.core.geo import load_places
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Case, HistoryEntry, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import roles as R
from hamyar.plugins.library.demo import JOINT_FORMS
from tests.test_routing import new_case, tasks_of


def caseworker(agency: str) -> Actor:
    return Actor.from_assignments(f"{agency}.caseworker", [(R.CASEWORKER, agency)])


@pytest.fixture
def joint_case(application: Application) -> Iterator[tuple[int, dict[str, int]]]:
    """A joint programme routed to the library, health and welfare; the library's task done."""
    with Session(application.engine, expire_on_commit=False) as session:
        sync_registry(session, application.registry)
        load_places(session)
        case = new_case(
            session,
            application.registry,
            "library.joint_programme",
            category="joint_programme",
            data=JOINT_FORMS[0],
            title="برنامه مشترک کانون، سلامت و بهزیستی در حصارک",
        )
        assert case.id is not None
        route_case(session, case.id, application.registry, pm=application.pm)
        session.commit()
        tasks = {t.agency_code: t.id for t in tasks_of(session, case) if t.id is not None}
    assert set(tasks) == {"library", "health", "welfare"}
    take_transition(
        application.unit_of_work(), caseworker("library"), "task", tasks["library"], "complete"
    )
    yield case.id, tasks


def _while_held(
    application: Application,
    first: Callable[[], object],
    second: Callable[[], object],
    *,
    at: str = "commit",
) -> BaseException | None:
    """Run `first` in this thread and `second` in another, `first` stopping until `second`
    has finished or waits for a lock; what `second` raised, if anything. Fails on a hang.

    `first` stops before its commit (`at="commit"`: all its statements have run), or right
    after its locked read of the case (`at="lock"`: it holds the lock, has changed nothing).
    """
    me = threading.current_thread()
    first_holds, second_started = threading.Event(), threading.Event()
    raised: list[BaseException] = []

    def hold() -> None:
        if threading.current_thread() is me and not first_holds.is_set():
            first_holds.set()
            assert second_started.wait(10)
            _until_waiting_or_done(application, other)

    def before_commit(session: Session) -> None:
        hold()

    def after_statement(conn: object, cursor: object, statement: str, *args: object) -> None:
        if " FOR " in statement and "UPDATE" in statement.rsplit(" FOR ", 1)[1]:
            hold()

    def run_second() -> None:
        try:
            assert first_holds.wait(10)
            second_started.set()
            second()
        except BaseException as error:  # handed to the test
            raised.append(error)

    other = threading.Thread(target=run_second)
    target: Any = Session if at == "commit" else application.engine
    name, listener = (
        ("before_commit", before_commit)
        if at == "commit"
        else ("after_cursor_execute", after_statement)
    )
    event.listen(target, name, listener)
    try:
        other.start()
        first()
        first_holds.set()  # it never stopped (SQLite has no row locks): the second runs now
        other.join(30)
    finally:
        event.remove(target, name, listener)
    assert not other.is_alive(), "the second command hung"
    return raised[0] if raised else None


def test_the_last_two_tasks_finished_at_once_resolve_the_case_once(
    application: Application, joint_case: tuple[int, dict[str, int]]
) -> None:
    case_id, tasks = joint_case
    raised = _while_held(
        application,
        lambda: take_transition(
            application.unit_of_work(), caseworker("health"), "task", tasks["health"], "complete"
        ),
        lambda: take_transition(
            application.unit_of_work(),
            caseworker("welfare"),
            "task",
            tasks["welfare"],
            "complete",
            comment="برگزار شد",
        ),
    )
    assert raised is None, raised

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


@pytest.mark.parametrize("change", ["claim", "due date"])
def test_a_task_changed_while_it_is_finished_is_refused_not_deadlocked(
    application: Application, joint_case: tuple[int, dict[str, int]], change: str
) -> None:
    """A caseworker claims the task, or a supervisor moves its due date, while a colleague's
    completion of it holds the case: the second waits for the first and is told the task
    changed (409). Had it changed the task before the case was free, and the completion then
    waited for the task, PostgreSQL would end the deadlock after a second with an error (a
    503) for one of them."""
    _case_id, tasks = joint_case
    task_id = tasks["health"]
    with Session(application.engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        version = task.version
    supervisor = Actor.from_assignments("health.supervisor", [(R.SUPERVISOR, "health")])

    def second() -> object:
        if change == "claim":
            return claim_task(
                application.unit_of_work(), caseworker("health"), task_id, version=version
            )
        return move_due(
            application.unit_of_work(),
            supervisor,
            task_id,
            "2027-01-20T10:00:00+03:30",
            "خانواده درخواست زمان دیگری کرد",
            version=version,
        )

    raised = _while_held(
        application,
        lambda: take_transition(
            application.unit_of_work(), caseworker("health"), "task", task_id, "complete"
        ),
        second,
        at="lock",
    )
    assert isinstance(raised, StaleVersion), raised
    with Session(application.engine) as session:
        task = session.get(Task, task_id)
        assert task is not None and task.state == "done" and task.assignee is None


def _until_waiting_or_done(application: Application, second: threading.Thread) -> None:
    """Until `second` has finished, or (on PostgreSQL) waits for a row lock, for at most 10 s."""
    deadline = time.monotonic() + 10
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    postgres = application.engine.dialect.name == "postgresql"
    while second.is_alive() and time.monotonic() < deadline:
        if postgres:
            with application.engine.connect() as conn:
                if conn.execute(waiting).scalar_one():
                    return
        else:
            second.join(0.3)  # waits for this process's writer turn: it cannot overtake
            return
        time.sleep(0.02)


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
