"""What a person or a worker can do to a case: each command is one unit of work.

A command validates its input and the actor's right to act (through `hamyar.core.auth.access`,
the one place that decides who may see and change what), calls the engine, and runs in the
unit of work it is given: alone it commits and announces on its own; inside a caller's `with
uow:` block it joins that block's transaction. The web API, the UI, the CLI, the workers and
plugins call these functions; none of them commits a change itself. What the workers run
after a change has committed (routing, handlers, periodic jobs, escalation) is in `steps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases import intake
from hamyar.core.cases.listing import resolve_neighbourhood
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.storage.models import Case, Incident, OutboxMessage, Task, utcnow
from hamyar.core.text.input_limits import is_id

FORM_TRANSITIONS = {
    "assign": "assigning a case names the services and a reason: "
    "POST /api/cases/{id}/assign {services, reason, version}",
}
"""Case transitions that need more than a comment, and the command that takes them."""


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
    if kind == "case" and transition in ("reopen", "mark_duplicate", "not_duplicate"):
        return _casework_transition(uow, actor, object_id, transition, comment, version)
    with uow:
        session = uow.session
        target: Case | Task
        case_tasks = None
        if kind == "case":
            case, _access = access.get_case(session, actor, object_id)
            target = case
        elif kind == "task":
            moving = access.get_task_to_move(session, actor, object_id)
            target, case, case_tasks = moving.task, moving.case, moving.case_tasks
            if case_id is not None and case.id != case_id:
                raise NotFound(f"case {case_id} has no task {object_id}")
        else:
            raise InvalidInput(
                f"kind must be 'case' or 'task', not {kind!r}",
                [{"field": "kind", "message": "case or task"}],
            )
        access.require_writer(actor)
        if kind == "case" and transition in FORM_TRANSITIONS:
            raise InvalidInput(
                FORM_TRANSITIONS[transition], [{"field": "transition", "message": transition}]
            )
        events = apply_transition(
            session,
            target,
            transition,
            actor,
            uow.registry,
            comment=comment,
            expected_version=version,
            case_tasks=case_tasks,
        )
        uow.announce(events)
    return Transitioned(target=target, case=case, events=events)


def _casework_transition(
    uow: UnitOfWork, actor: Actor, case_id: int, transition: str, comment: str, version: int | None
) -> Transitioned:
    """The case transitions that need more than a comment, taken through their commands, so a
    bare transition cannot skip what they must do (reopen tasks, record the original, route)."""
    from hamyar.core.application import casework

    if transition == "reopen":
        return casework.reopen_case(uow, actor, case_id, comment=comment, version=version)
    if transition == "not_duplicate":
        return casework.undo_duplicate(uow, actor, case_id, comment=comment, version=version)
    with uow:
        access.get_case(uow.session, actor, case_id)
        access.require_writer(actor)
    raise InvalidInput(
        "marking a duplicate needs the original: POST /api/cases/{id}/duplicate-of "
        "with {original, version}",
        [{"field": "original", "message": "required"}],
    )


def retry_incident(uow: UnitOfWork, actor: Actor, incident_id: int) -> Incident:
    """Put a failed step back in the outbox and queue it now if the queue answers.

    The incident stays open until the step completes. NotFound (404) for an incident the actor
    may not see (its case is hidden from them; one without a case is for queue readers);
    InvalidInput (422) for one already resolved.
    """
    with uow:
        session = uow.session
        access.require_writer(actor)
        incident = session.get(Incident, incident_id) if is_id(incident_id) else None
        if incident is None:
            raise NotFound(f"no incident {incident_id}")
        if incident.case_id is not None:
            access.get_case(session, actor, incident.case_id)
            task = session.get(Task, incident.task_id) if incident.task_id is not None else None
            if task is not None and not access.may_retry_task_step(actor, task):
                raise NotFound(f"no incident {incident_id}")
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
