"""The steps workers carry out after a change committed: route, run a handler, run a periodic
job, escalate what is late.

Each runs in the unit of work that also marks its outbox step done (`hamyar.workers.steps`), so
the step's effect and its completion land together, and a second delivery finds the step done
and does nothing. Not for plugins: a plugin asks for this work by declaring it (a transition's
handler, a `PeriodicJob`), and the workers deliver it exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases.status import task_is_overdue
from hamyar.core.engine import history
from hamyar.core.engine.contexts import HandlerContext, PeriodicContext
from hamyar.core.exceptions import NotFound
from hamyar.core.routing.router import RoutingResult, route_case
from hamyar.core.storage.models import Case, Task, utcnow


def route_new_case(uow: UnitOfWork, case_id: int) -> RoutingResult:
    """Route a new case: its tasks, a duplicate link, or the coordinators' triage.

    Run by a worker for the case's `route:` step; a case that has left `new` is left alone.
    """
    with uow:
        result = route_case(uow.session, case_id, uow.registry, pm=uow.app.pm)
        uow.announce(result.events)
    return result


def run_handler(uow: UnitOfWork, handler: str, kind: str, object_id: int, transition: str) -> None:
    """Run the plugin handler a transition named, as the engine (SYSTEM), in this unit."""
    with uow:
        spec = uow.registry.handlers.get(handler)
        if spec is None:
            raise LookupError(
                f"no handler {handler!r} is registered (is its plugin installed "
                "and enabled on this worker?)"
            )
        case, task = _load(uow, kind, object_id)
        context = HandlerContext(
            session=uow.session,
            registry=uow.registry,
            case=case,
            task=task,
            transition_name=transition,
        )
        spec.function(context)
        uow.announce(context.events)


def run_periodic_job(uow: UnitOfWork, name: str, slot: str) -> None:
    """Run a plugin's periodic job for the period starting at `slot` (ISO time)."""
    with uow:
        job = uow.registry.periodic_jobs.get(name)
        if job is None:
            raise LookupError(f"no periodic job {name!r} is registered")
        context = PeriodicContext(session=uow.session, registry=uow.registry, name=name, slot=slot)
        job.function(context)
        uow.announce(context.events)


ESCALATION_BATCH = 500


@dataclass(frozen=True)
class Escalation:
    """A task escalated for being late, for supervisors to hear of."""

    task_id: int
    case_id: int
    agency: str
    due_at: str


def escalate_overdue(uow: UnitOfWork) -> list[Escalation]:
    """Escalate open tasks past their due time: once per task and due date.

    The task's variables record the due date it was escalated for and a history entry says
    so. A task whose due date moves later can be escalated again when it passes the new one.
    At most ESCALATION_BATCH tasks per run, the longest overdue first.
    """
    now = utcnow()
    escalated: list[Escalation] = []
    with uow:
        session = uow.session
        tasks = session.exec(
            select(Task)
            .where(task_is_overdue(now))
            .order_by(col(Task.due_at))
            .limit(ESCALATION_BATCH)
        ).all()
        for task in tasks:
            assert task.due_at is not None and task.id is not None
            due = task.due_at.isoformat()
            if task.variables.get("escalated") == due:
                continue
            result = session.execute(
                update(Task)
                .where(col(Task.id) == task.id, col(Task.version) == task.version)
                .values(
                    variables={**task.variables, "escalated": due},
                    version=task.version + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue  # someone moved it just now; the next run looks again
            late = max(0, int((now - task.due_at).total_seconds() // 3600))
            history.record(
                session,
                case_id=task.case_id,
                task_id=task.id,
                action="escalate",
                actor=SYSTEM.username,
                params={"hours": late},
                from_state=task.state,
                to_state=task.state,
                version=task.version + 1,
                automatic=True,
                at=now,
            )
            escalated.append(Escalation(task.id, task.case_id, task.agency_code, due))
    return escalated


def _load(uow: UnitOfWork, kind: str, object_id: int) -> tuple[Case, Task | None]:
    session = uow.session
    if kind == "task":
        # Locked as a caseworker's transition locks it: whoever finishes a case's last task
        # second counts the case's tasks after the first commits.
        moving = access.get_task_to_move(session, SYSTEM, object_id)
        return moving.case, moving.task
    if kind != "case":
        raise ValueError(f"kind must be 'case' or 'task', not {kind!r}")
    case = session.get(Case, object_id)
    if case is None:
        raise NotFound(f"no case for {kind} {object_id}")
    return case, None
