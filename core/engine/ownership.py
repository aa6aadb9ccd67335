"""Writing a task's owner and due date: the engine's one writer for what is not a state change.

A claim, an assignment or a moved deadline changes who acts on a task, or by when, without
moving it through its workflow. It is still a change two people can race for, so it follows
the rules of `hamyar.core.engine.transition`: the version check is part of the UPDATE, the
version goes up by one, the history says who did what, and the caller gets a `TransitionEvent`
(from and to the same state) to announce once the unit of work commits, so open pages update.
Who may do it is decided before, by `hamyar.core.application.ownership`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.engine import history
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.exceptions import StaleVersion
from hamyar.core.storage.models import Task, utcnow

CLAIM = "claim"
UNCLAIM = "unclaim"
ASSIGN = "assign_to"
MOVE_DUE = "move_due"
ACTIONS = (CLAIM, UNCLAIM, ASSIGN, MOVE_DUE)
"""The history actions this module writes (the case page titles them)."""


def check_version(task: Task, expected_version: int | None) -> None:
    """A stale page is told so before anything else is judged (as a transition is)."""
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion(
            f"this task changed (version {task.version}, you had {expected_version}); "
            "reload it and try again"
        )


def change_task(
    session: Session,
    task: Task,
    actor: Actor,
    action: str,
    values: dict[str, Any],
    *,
    comment: str,
    expected_version: int | None = None,
) -> TransitionEvent:
    """Write `values` (assignee, due_at) onto the task at the version it was read, bump the
    version and record `action` in the case's history (no from/to state: the task stays where
    it is, and the comment says what moved); StaleVersion (409) if someone else
    changed the task first. Nothing is committed here."""
    check_version(task, expected_version)
    assert task.id is not None
    now = utcnow()
    changes = {**values, "version": task.version + 1, "updated_at": now}
    table = Task.__table__  # type: ignore[attr-defined]
    with session.no_autoflush:
        session.flush()
        result = session.execute(
            update(table)
            .where(and_(table.c.id == task.id, table.c.version == task.version))
            .values(**changes)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleVersion("this task was changed by someone else just now; reload it")
        for key, value in changes.items():
            set_committed_value(task, key, value)
        history.record(
            session,
            case_id=task.case_id,
            task_id=task.id,
            action=action,
            actor=actor.username,
            comment=comment,
            version=task.version,
            at=now,
        )
    return TransitionEvent(
        kind="task",
        object_id=task.id,
        case_id=task.case_id,
        agency=task.agency_code,
        transition=action,
        actor=actor.username,
        from_state=task.state,
        to_state=task.state,
        version=task.version,
        comment=comment,
        automatic=False,
        at=now,
    )
