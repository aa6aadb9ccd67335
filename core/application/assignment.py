"""A coordinator's routing commands: assign a case to services, move a task to another one.

Each is one unit of work around `hamyar.core.routing.assignment`: the case or task must exist
for the actor (404), the actor must write (403 for auditors), and the version they saw must be
the current one (409) — a coordinator who assigned from a stale triage page would otherwise
give a case twice. "Not responsible" needs no command of its own: it is the task transition
`not_responsible`, whose reason every coordinator reads (`access.ROUTING_ACTIONS`).
"""

from __future__ import annotations

from sqlmodel import Session

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput, StaleVersion
from hamyar.core.plugin.manager import Plugins
from hamyar.core.routing.assignment import (
    ServiceChoice,
    assign_services,
    reassign_task,
    service_choices,
    triage_reason,
)
from hamyar.core.storage.models import Case, Task

__all__ = ["ServiceChoice", "assign", "choices", "reassign"]


def _fresh(version: int | None, current: int, what: str) -> None:
    if version is None:
        raise InvalidInput(
            f"send the {what}'s version you saw, so a change made meanwhile is not overwritten",
            [{"field": "version", "message": "required"}],
        )
    if version != current:
        raise StaleVersion(
            f"this {what} changed (version {current}, you had {version}); reload it and try again"
        )


def assign(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    services: list[str],
    reason: str,
    version: int | None,
) -> tuple[Case, list[Task]]:
    """Open tasks for `services` on the case: from triage (the first is primary), or beside the
    tasks of a case in progress. Returns the case and the tasks opened."""
    with uow:
        case, _allowed = access.get_case(uow.session, actor, case_id)
        access.require_writer(actor)
        _fresh(version, case.version, "case")
        tasks, events = assign_services(
            uow.session, case, actor, uow.registry, services, reason, pm=uow.app.pm
        )
        uow.announce(events)
    return case, tasks


def reassign(
    uow: UnitOfWork,
    actor: Actor,
    task_id: int,
    *,
    service: str,
    reason: str,
    version: int | None,
) -> tuple[Task, Task]:
    """Move an open task to `service`; returns (the closed task, the task opened)."""
    with uow:
        # the case is locked first, as every command changing a task locks it
        moving = access.get_task_to_move(uow.session, actor, task_id)
        task, case = moving.task, moving.case
        access.require_writer(actor)
        _fresh(version, task.version, "task")
        new, events = reassign_task(
            uow.session, task, case, actor, uow.registry, service, reason, pm=uow.app.pm
        )
        uow.announce(events)
    return task, new


def choices(
    session: Session, actor: Actor, case_id: int, plugins: Plugins
) -> tuple[Case, list[ServiceChoice], str]:
    """The picker for a case (404 when it is hidden): services, and why it is in triage."""
    case, _allowed = access.get_case(session, actor, case_id)
    found = service_choices(session, plugins.registry, case, plugins.pm)
    return case, found, triage_reason(session, case)
