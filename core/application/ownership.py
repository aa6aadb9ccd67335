"""Claiming, unclaiming and assigning a task, and moving its due date: commands of the
application layer, each one unit of work.

Each command finds the task as the actor may see it (404 when they may not), refuses a stale
version (409) before judging anything else, checks the rules of `hamyar.core.cases.ownership`
(403 for the wrong agency or role, never for an auditor who writes nothing; 422 for input that
cannot stand), then has the engine write the change, bump the version and record the history,
and announces it once committed so open worklists and case pages refresh.
"""

from __future__ import annotations

from datetime import datetime

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases import ownership as O
from hamyar.core.engine import ownership as engine
from hamyar.core.exceptions import GuardRefused, InvalidInput
from hamyar.core.storage.models import Case, Task, utcnow

MAX_REASON = 2000


def _task(uow: UnitOfWork, actor: Actor, task_id: int, version: int | None) -> tuple[Task, Case]:
    moving = access.get_task_to_move(uow.session, actor, task_id)  # the case first, then the task
    task, case = moving.task, moving.case
    access.require_writer(actor)
    engine.check_version(task, version)
    return task, case


def _require_open(task: Task) -> None:
    if not O.is_open(task):
        raise InvalidInput(
            f"task {task.id} is finished ({task.state}); its owner and due date no longer change",
            [{"field": "task", "message": "the task is finished"}],
        )


def claim_task(uow: UnitOfWork, actor: Actor, task_id: int, *, version: int | None) -> Task:
    """Take an unassigned task of my agency: it leaves the queue and lands in my tasks."""
    with uow:
        task, _case = _task(uow, actor, task_id, version)
        if not O.works_in(actor, task.agency_code):
            raise GuardRefused(
                f"only caseworkers and supervisors of {task.agency_code} claim its tasks"
            )
        _require_open(task)
        if task.assignee == actor.username:
            raise InvalidInput(
                "you already hold this task", [{"field": "task", "message": "already yours"}]
            )
        if task.assignee is not None:
            raise O.AlreadyAssigned(
                f"{task.assignee} holds this task already; a supervisor can reassign it"
            )
        event = engine.change_task(
            uow.session,
            task,
            actor,
            engine.CLAIM,
            {"assignee": actor.username},
            comment=O.handover(None, actor.username),
            expected_version=version,
        )
        uow.announce([event])
    return task


def unclaim_task(uow: UnitOfWork, actor: Actor, task_id: int, *, version: int | None) -> Task:
    """Give a task I hold back to my agency's unassigned queue (a supervisor may do it for
    anyone of the agency)."""
    with uow:
        task, _case = _task(uow, actor, task_id, version)
        _require_open(task)
        if task.assignee is None:
            raise InvalidInput(
                "nobody holds this task; there is nothing to unclaim",
                [{"field": "task", "message": "not assigned"}],
            )
        if not O.may_unclaim(actor, task):
            raise GuardRefused(
                f"{task.assignee} holds this task; only they or a supervisor of "
                f"{task.agency_code} give it back"
            )
        event = engine.change_task(
            uow.session,
            task,
            actor,
            engine.UNCLAIM,
            {"assignee": None},
            comment=O.handover(task.assignee, None),
            expected_version=version,
        )
        uow.announce([event])
    return task


def assign_task(
    uow: UnitOfWork, actor: Actor, task_id: int, username: str | None, *, version: int | None
) -> Task:
    """A supervisor gives the task to a caseworker or supervisor of its agency (`username`
    None or empty: back to the unassigned queue)."""
    with uow:
        task, _case = _task(uow, actor, task_id, version)
        if not O.supervises(actor, task.agency_code):
            raise GuardRefused(f"only a supervisor of {task.agency_code} assigns its tasks")
        _require_open(task)
        target = (
            O.check_assignee(uow.session, task.agency_code, username)
            if username and username.strip()
            else None
        )
        if target == task.assignee:
            raise InvalidInput(
                f"the task is already {'with ' + target if target else 'unassigned'}",
                [{"field": "username", "message": "no change"}],
            )
        event = engine.change_task(
            uow.session,
            task,
            actor,
            engine.ASSIGN,
            {"assignee": target},
            comment=O.handover(task.assignee, target),
            expected_version=version,
        )
        uow.announce([event])
    return task


def move_due(
    uow: UnitOfWork,
    actor: Actor,
    task_id: int,
    due_at: str | datetime,
    reason: str,
    *,
    version: int | None,
) -> Task:
    """A supervisor moves the task's due date, saying why; the history keeps from and to.

    `due_at` is what was typed (Jalali or ISO, see `ownership.parse_due`) or an instant. The
    case's own due date follows when this is the primary task of the agency holding the case.
    """
    with uow:
        task, case = _task(uow, actor, task_id, version)
        if not O.supervises(actor, task.agency_code):
            raise GuardRefused(f"only a supervisor of {task.agency_code} moves its due dates")
        _require_open(task)
        why = (reason or "").strip()
        if not why:
            raise InvalidInput(
                "reason: say why the due date moves",
                [{"field": "reason", "message": "say why the due date moves"}],
            )
        if len(why) > MAX_REASON:
            raise InvalidInput(
                f"reason: at most {MAX_REASON} characters",
                [{"field": "reason", "message": f"at most {MAX_REASON} characters"}],
            )
        new_due = due_at if isinstance(due_at, datetime) else O.parse_due(due_at)
        if new_due <= utcnow():
            raise InvalidInput(
                "due_at: that time has already passed; give a later one",
                [{"field": "due_at", "message": "that time has already passed"}],
            )
        comment = f"{O.describe_due(task.due_at)} → {O.describe_due(new_due)}: {why}"
        event = engine.change_task(
            uow.session,
            task,
            actor,
            engine.MOVE_DUE,
            {"due_at": new_due},
            comment=comment,
            expected_version=version,
        )
        if task.kind == "primary" and task.agency_code == case.agency_code:
            case.due_at = new_due
            uow.session.add(case)
        uow.announce([event])
    return task
