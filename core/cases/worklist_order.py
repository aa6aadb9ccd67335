"""Worklist order, filters and pages: most urgent first, with a cursor that never skips or
repeats an item.

Urgency is: crisis work first (priority 2: a flood or snow report due in hours outranks a
routine request days late), then overdue, then the nearest due time (no due time last), then
the higher priority, then the older id — the last key makes every row's place unique, so ties on the
others are broken the same way on every page. A page is "the rows after the last one shown"
in that order (keyset pagination), which an index answers as fast on page 100 as on page 1
and which stays correct when rows arrive between pages.

"Overdue" depends on the clock, so the cursor carries the instant the first page was read at
and every later page judges overdue against that same instant: a task falling due while
someone pages does not jump over the page boundary. The cursor is opaque to clients.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal_column, or_
from sqlmodel import Session, col

from hamyar.core.cases.listing import decode_cursor as decode_id_cursor
from hamyar.core.cases.listing import resolve_neighbourhood
from hamyar.core.cases.status import case_is_overdue, task_is_overdue
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import Case, Task
from hamyar.core.storage.models.case import CRISIS
from hamyar.core.text.input_limits import MAX_INT

URGENCY = "urgency"
NEWEST = "newest"
SORTS = (URGENCY, NEWEST)
UNASSIGNED = "-"
"""The `assignee` filter's value for "nobody holds it"."""


@dataclass(frozen=True)
class WorklistFilters:
    service: str | None = None
    neighbourhood: int | str | None = None
    """An id or a neighbourhood code."""
    state: str | None = None
    """The task's (or case's) state; several separated by commas."""
    overdue: bool | None = None
    assignee: str | None = None
    """A username, or `UNASSIGNED`; for task worklists."""


@dataclass(frozen=True)
class Columns:
    """The columns a worklist's order and filters read, on its table (and the task's case)."""

    table: Any
    id: Any
    due: Any
    priority: Any
    case: Any
    """The case table (or its alias joined to the task) for case-level filters."""
    late: Any
    """A function now -> SQL condition: overdue at that instant."""


def columns(kind: str, case_alias: Any = None) -> Columns:
    if kind == "case":
        return Columns(
            Case, col(Case.id), col(Case.due_at), col(Case.priority), Case, case_is_overdue
        )
    assert case_alias is not None
    return Columns(
        Task, col(Task.id), col(Task.due_at), col(Task.priority), case_alias, task_is_overdue
    )


def filter_condition(
    session: Session, kind: str, cols: Columns, filters: WorklistFilters, now: datetime
) -> list[ColumnElement[bool]]:
    """SQL conditions for `filters` (empty ones ignored)."""
    found: list[ColumnElement[bool]] = []
    table = cols.table
    if filters.service:
        found.append(table.service_code == filters.service)
    if filters.neighbourhood not in (None, ""):
        assert filters.neighbourhood is not None
        place = resolve_neighbourhood(session, filters.neighbourhood)
        found.append(cols.case.neighbourhood_id == place)
    if filters.state:
        states = [s.strip() for s in filters.state.split(",") if s.strip()]
        if states:
            found.append(table.state.in_(states))
    if filters.overdue is not None:
        late = cols.late(now)
        # not overdue includes "no due time": NOT (NULL < now) would be NULL, not true
        found.append(late if filters.overdue else or_(cols.due.is_(None), ~late))
    if filters.assignee and kind == "task":
        if filters.assignee == UNASSIGNED:
            found.append(col(Task.assignee).is_(None))
        else:
            found.append(col(Task.assignee) == filters.assignee)
    return found


def order_by(cols: Columns, sort: str, now: datetime, *, open_only: bool = False) -> list[Any]:
    """The ORDER BY of `sort`. For open tasks only (`open_only`), "overdue first, then by due
    time, none last" is simply "by due time, nulls last" (an open task is overdue exactly when
    its due time has passed): the same order, in keys the partial index `ix_task_open_urgency`
    holds, so PostgreSQL reads a page off the index instead of sorting every open task."""
    if sort == NEWEST:
        return [cols.id.desc()]
    if open_only and cols.table is Task:
        return [
            _crisis_key(cols, literal=True),
            cols.due.asc().nulls_last(),
            cols.priority.desc(),
            cols.id.asc(),
        ]
    return [
        _crisis_key(cols),
        _late_key(cols, now),
        _no_due_key(cols),
        cols.due.asc(),
        cols.priority.desc(),
        cols.id.asc(),
    ]


def _crisis_key(cols: Columns, *, literal: bool = False) -> Any:
    """0 for crisis work, else 1. `literal` writes the numbers into the SQL, as the index
    expression has them (a bound parameter would not match it)."""
    if literal:
        return case(
            (cols.priority >= literal_column(str(CRISIS)), literal_column("0")),
            else_=literal_column("1"),
        )
    return case((cols.priority >= CRISIS, 0), else_=1)


def _late_key(cols: Columns, now: datetime) -> Any:
    return case((cols.late(now), 0), else_=1)


def _no_due_key(cols: Columns) -> Any:
    return case((cols.due.is_(None), 1), else_=0)


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last row's sort keys (and the instant overdue was judged at)."""

    sort: str
    id: int
    now: datetime | None = None
    late: int = 1
    no_due: int = 1
    due: datetime | None = None
    priority: int = 0


def position_of(
    sort: str, now: datetime, row_id: int, due: datetime | None, priority: int, late: bool
) -> Position:
    if sort == NEWEST:
        return Position(NEWEST, row_id)
    return Position(
        URGENCY,
        row_id,
        now=now,
        late=0 if late else 1,
        no_due=1 if due is None else 0,
        due=due,
        priority=priority,
    )


def after(cols: Columns, position: Position) -> ColumnElement[bool]:
    """SQL: the rows after `position` in its order."""
    if position.sort == NEWEST:
        return cols.id < position.id
    assert position.now is not None
    tail = or_(
        cols.priority < position.priority,
        and_(cols.priority == position.priority, cols.id > position.id),
    )
    if position.no_due:
        within_due = tail  # only rows without a due time are left in this group
    else:
        within_due = or_(cols.due > position.due, and_(cols.due == position.due, tail))
    late, no_due = _late_key(cols, position.now), _no_due_key(cols)
    within_crisis = or_(
        late > position.late,
        and_(
            late == position.late,
            or_(no_due > position.no_due, and_(no_due == position.no_due, within_due)),
        ),
    )
    # The crisis group is known from the last row's priority: the cursor needs no new field.
    crisis, crisis_at = _crisis_key(cols), 0 if position.priority >= CRISIS else 1
    return or_(crisis > crisis_at, and_(crisis == crisis_at, within_crisis))


def encode(position: Position) -> str:
    body: dict[str, Any] = {"v": 1, "s": position.sort, "i": position.id}
    if position.sort == URGENCY:
        assert position.now is not None
        body |= {
            "n": position.now.isoformat(),
            "l": position.late,
            "z": position.no_due,
            "d": position.due.isoformat() if position.due else None,
            "p": position.priority,
        }
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> InvalidInput:
    return InvalidInput(
        "cursor is not one this API gave out; start again without it",
        [{"field": "cursor", "message": "invalid cursor"}],
    )


def decode(cursor: str, sort: str) -> Position:
    """The position a cursor names; InvalidInput for a forged one or one of another sort.

    A cursor of the older id-only form (`hamyar.core.cases.listing`) continues newest-first.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if raw.startswith("c1:"):
        return Position(NEWEST, decode_id_cursor(cursor))
    try:
        body = json.loads(raw)
        if not isinstance(body, dict) or body.get("v") != 1:
            raise ValueError
        found = str(body["s"])
        if found != sort:
            raise InvalidInput(
                f"this cursor continues sort={found}, not sort={sort}; "
                "keep the sort or start again without a cursor",
                [{"field": "cursor", "message": "belongs to another sort"}],
            )
        last_id = int(body["i"])
        priority = int(body.get("p", 0))
        if not (1 <= last_id <= MAX_INT and -MAX_INT <= priority <= MAX_INT):
            raise ValueError  # a forged cursor: the columns are 32 bits
        if found == NEWEST:
            return Position(NEWEST, last_id)
        return Position(
            URGENCY,
            last_id,
            now=datetime.fromisoformat(body["n"]),
            late=int(body["l"]),
            no_due=int(body["z"]),
            due=datetime.fromisoformat(body["d"]) if body["d"] else None,
            priority=priority,
        )
    except (KeyError, TypeError, ValueError):
        raise _bad_cursor() from None


def check_sort(sort: str) -> str:
    if sort not in SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(SORTS)}",
            [{"field": "sort", "message": f"one of {', '.join(SORTS)}"}],
        )
    return sort
