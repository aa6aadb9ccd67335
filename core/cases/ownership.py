"""Who may own a task, and who may be given one (Camunda Tasklist's claim and assign).

A task belongs to an agency and, once claimed or assigned, to one person of it. The rules live
here once, for the commands that change ownership and for the pages that offer the buttons (a
button is shown only when its command would accept it):

- a Caseworker or Supervisor *of the task's agency* claims an open, unassigned task, and
  unclaims one they hold;
- a Supervisor of the task's agency assigns it to any active Caseworker or Supervisor of that
  agency (or back to the queue), and moves its due date with a reason;
- nobody else does any of it: not another agency's staff, not a coordinator, never an auditor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from hamyar.core.auth.access import may_write
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import HamyarError, InvalidInput
from hamyar.core.storage.models import RoleAssignment, Task, User
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.time.jalali import TEHRAN, format_datetime, parse_date, parse_datetime
from hamyar.core.workflow import roles as R


class AlreadyAssigned(HamyarError):
    """Someone of the agency holds the task already: a claim would take it from them."""

    status_code = 409


@dataclass(frozen=True)
class Person:
    """Someone a task can be assigned to."""

    username: str
    full_name: str


def works_in(actor: Actor, agency: str) -> bool:
    """A Caseworker or Supervisor *within* `agency` (a global role does not count)."""
    return bool(set(R.WORKERS) & actor.agency_roles.get(agency, frozenset()))


def supervises(actor: Actor, agency: str) -> bool:
    return R.SUPERVISOR in actor.agency_roles.get(agency, frozenset())


def is_open(task: Task) -> bool:
    return task.resolved_at is None


def may_claim(actor: Actor, task: Task) -> bool:
    return (
        may_write(actor)
        and works_in(actor, task.agency_code)
        and is_open(task)
        and task.assignee is None
    )


def may_unclaim(actor: Actor, task: Task) -> bool:
    if not (may_write(actor) and is_open(task) and task.assignee is not None):
        return False
    mine = task.assignee == actor.username and works_in(actor, task.agency_code)
    return mine or supervises(actor, task.agency_code)


def may_assign(actor: Actor, task: Task) -> bool:
    """Assign to a person, or move the due date: the agency's supervisors, on an open task."""
    return may_write(actor) and supervises(actor, task.agency_code) and is_open(task)


def agency_people(session: Session, agency: str) -> list[Person]:
    """The active Caseworkers and Supervisors of `agency`, by name in Persian order: whom a task
    of the agency may be assigned to."""
    rows = session.exec(
        select(User.username, User.full_name)
        .join(RoleAssignment, col(RoleAssignment.user_id) == col(User.id))
        .where(
            col(User.active),
            col(RoleAssignment.agency_code) == agency,
            col(RoleAssignment.role).in_(R.WORKERS),
        )
        .distinct()
    ).all()
    people = [Person(username, full_name or "") for username, full_name in rows]
    return sorted_by_name(people, lambda p: p.full_name or p.username)


def check_assignee(session: Session, agency: str, username: str) -> str:
    """`username` as stored, when they are an active worker of `agency`; else InvalidInput."""
    name = username.strip()
    if not name:
        raise InvalidInput(
            "username: name the person to assign the task to",
            [{"field": "username", "message": "name the person to assign the task to"}],
        )
    if name not in {p.username for p in agency_people(session, agency)}:
        message = f"{name!r} is not an active caseworker or supervisor of {agency}"
        raise InvalidInput(
            f"username: {message}; GET /api/worklists/team lists the agency's people",
            [{"field": "username", "message": "not a caseworker or supervisor of this agency"}],
        )
    return name


def parse_due(text: str) -> datetime:
    """The due instant someone typed: a Jalali or Gregorian date ("1404/09/20", "2025-12-11"),
    meaning the end of that Tehran day as SLA deadlines do, or a date with a Tehran time
    ("1404/09/20 14:30"), or an ISO 8601 instant with its offset ("2025-12-11T11:00:00Z")."""
    value = (text or "").strip()
    if not value:
        raise InvalidInput(
            "due_at: give the new due date", [{"field": "due_at", "message": "required"}]
        )
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        if instant.tzinfo is not None:
            return instant.astimezone(UTC)
    try:
        day: date = parse_date(value)
    except ValueError:
        try:
            return parse_datetime(value)
        except ValueError as exc:
            raise InvalidInput(
                f"due_at: {exc}", [{"field": "due_at", "message": str(exc)}]
            ) from None
    return datetime.combine(day, time.max, tzinfo=TEHRAN).astimezone(UTC)


def describe_due(moment: datetime | None) -> str:
    """A due time as the history keeps it: Tehran time, Jalali, digits either reader knows."""
    return format_datetime(moment, "en") if moment is not None else "—"


def handover(before: str | None, after: str | None) -> str:
    """The history comment of a change of owner: "from → to", a dash for nobody."""
    return f"{before or '—'} → {after or '—'}"
