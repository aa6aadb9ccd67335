"""What a person or a worker can do to a case: each command is one unit of work.

A command validates its input and the actor's right to act (through `hamyar.core.auth.access`,
the one place that decides who may see and change what), calls the engine, and runs in the
unit of work it is given: alone it commits and announces on its own; inside a caller's `with
uow:` block it joins that block's transaction. The web API, the UI, the CLI, the workers and
plugins call these functions; none of them commits a change itself. The workers deliver the
steps that follow a committed change (routing, handlers, periodic jobs, escalation) and run
them as the commands at the end of this module, each inside the unit of work that also marks
its outbox step done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases import intake
from hamyar.core.cases.listing import resolve_neighbourhood
from hamyar.core.cases.status import task_is_overdue
from hamyar.core.engine import history
from hamyar.core.engine.contexts import HandlerContext, PeriodicContext
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.routing.router import RoutingResult, route_case
from hamyar.core.storage.models import Case, Incident, OutboxMessage, Task, utcnow


def open_case(
    uow: UnitOfWork,
    actor: Actor,
    *,
    service: str,
    title: str,
    neighbourhood: int | str | None = None,
    description: str = "",
    data: dict[str, Any] | None = None,
    channel: str = "web",
    category: str | None = None,
    reporter: dict[str, Any] | None = None,
) -> Case:
    """Open a case in its workflow's initial state; a worker routes it once this commits.

    `neighbourhood` is an id or a neighbourhood code. Raises GuardRefused (403) for an actor
    who may not write and InvalidInput (422), naming each field, for a form that does not
    validate; nothing is written then.
    """
    with uow:
        access.require_writer(actor)
        neighbourhood_id = (
            None
            if neighbourhood in (None, "")
            else resolve_neighbourhood(uow.session, neighbourhood)
        )
        return intake.open_case(
            uow.session,
            uow.registry,
            actor,
            service=service,
            title=title,
            neighbourhood_id=neighbourhood_id,
            description=description,
            data=data,
            channel=channel,
            category=category,
            reporter=reporter,
        )


@dataclass(frozen=True)
class Transitioned:
    """What a transition changed: the item moved, its case, and every step that followed."""

    target: Case | Task
    case: Case
    events: list[TransitionEvent]


def take_transition(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    object_id: int,
    transition: str,
    *,
    comment: str = "",
    version: int | None = None,
    case_id: int | None = None,
) -> Transitioned:
    """Take a USER transition on a case or a task, then every automatic one that follows.

    NotFound (404) when the item does not exist for this actor (or, with `case_id`, is not a
    task of that case); GuardRefused (403); StaleVersion (409) when `version` is not the
    item's; TransitionNotAvailable or CommentRequired (422). Nothing is written on a refusal.
    """
    with uow:
        session = uow.session
        target: Case | Task
        if kind == "case":
            case, _access = access.get_case(session, actor, object_id)
            target = case
        elif kind == "task":
            target, case, _access = access.get_task(session, actor, object_id)
            if case_id is not None and case.id != case_id:
                raise NotFound(f"case {case_id} has no task {object_id}")
        else:
            raise InvalidInput(
                f"kind must be 'case' or 'task', not {kind!r}",
                [{"field": "kind", "message": "case or task"}],
            )
        access.require_writer(actor)
        events = apply_transition(
            session,
            target,
            transition,
            actor,
            uow.registry,
            comment=comment,
            expected_version=version,
        )
        uow.announce(events)
    return Transitioned(target=target, case=case, events=events)


def retry_incident(uow: UnitOfWork, actor: Actor, incident_id: int) -> Incident:
    """Put a failed step back in the outbox and queue it now if the queue answers.

    The incident stays open until the step completes. NotFound (404) for an incident the actor
    may not see (its case is hidden from them; one without a case is for queue readers);
    InvalidInput (422) for one already resolved.
    """
    with uow:
        session = uow.session
        access.require_writer(actor)
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"no incident {incident_id}")
        if incident.case_id is not None:
            access.get_case(session, actor, incident.case_id)
        elif not access.may_see_queue(actor):
            raise NotFound(f"no incident {incident_id}")
        if incident.resolved_at is not None:
            raise InvalidInput(
                f"incident {incident_id} is already resolved; nothing to retry",
                [{"field": "incident", "message": "already resolved"}],
            )
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.key == incident.outbox_key).with_for_update()
        ).first()
        if row is None:
            raise NotFound(
                f"incident {incident_id} names step {incident.outbox_key!r}, "
                "which is no longer in the outbox"
            )
        incident.retried_at = utcnow()
        row.sent_at = None
        row.attempts = 0
        session.add_all([incident, row])
        uow.dispatch([row.key])
    return incident


# -- what the workers run: the steps that follow a committed change ----------------------------


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
        job.function(
            PeriodicContext(session=uow.session, registry=uow.registry, name=name, slot=slot)
        )


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
            definition = uow.registry.workflows.get(task.workflow_id)
            if definition is not None and task.state in definition.terminal_states:
                continue
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
                comment=f"overdue by {late} hours; supervisors notified",
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
    task = None
    if kind == "task":
        task = session.get(Task, object_id)
        if task is None:
            raise NotFound(f"no task {object_id}")
        case = session.get(Case, task.case_id)
    elif kind == "case":
        case = session.get(Case, object_id)
    else:
        raise ValueError(f"kind must be 'case' or 'task', not {kind!r}")
    if case is None:
        raise NotFound(f"no case for {kind} {object_id}")
    return case, task
