"""What "resolved" and "overdue" mean, once, for every list, report, page and job.

A case counts as done when the engine stamped `resolved_at` (it entered a terminal state) or
it is `resolved` or `closed` — `resolved` is not terminal, because a coordinator may reopen it.
A task is done when it entered a terminal state of its workflow (the engine stamps
`resolved_at` then). Either is overdue when it is not done and its due time has passed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement

from hamyar.core.storage.models import Case, Task

RESOLVED_STATES = ("resolved", "closed")
"""Case states in which the case was served: what reports count as resolved."""
REJECTED_STATES = ("rejected",)
"""Refused or cancelled: finished, not served; reports count them apart from resolved."""
DUPLICATE_STATES = ("duplicate",)
"""A repeat of another report: finished, counted apart (the original carries the work)."""
RECEIVED_STATES = ("new", "triage")
"""Written down, not yet with an agency: what the citizen reads as "received"."""

RECEIVED, WITH_AGENCY, RESOLVED, REJECTED, DUPLICATE = (
    "received",
    "with_agency",
    "resolved",
    "rejected",
    "duplicate",
)
PUBLIC_STATES = (RECEIVED, WITH_AGENCY, RESOLVED, REJECTED, DUPLICATE)
"""What the public reads of a case's state, whatever the workflow calls it: the status page,
its JSON and Open311 (`open`/`closed`) all word a case from these."""
FINISHED_PUBLIC_STATES = frozenset({RESOLVED, REJECTED, DUPLICATE})
"""The public states in which the work is over for the citizen (Open311's `closed`)."""


def public_state(state: str, *, terminal: bool = False) -> str:
    """The public state of a case in workflow state `state` (`terminal`: its workflow ends
    there — a plugin's own end state reads as resolved, its other states as with an agency)."""
    if state in RECEIVED_STATES:
        return RECEIVED
    if state in RESOLVED_STATES:
        return RESOLVED
    if state in REJECTED_STATES:
        return REJECTED
    if state in DUPLICATE_STATES:
        return DUPLICATE
    return RESOLVED if terminal else WITH_AGENCY


def case_is_resolved() -> ColumnElement[bool]:
    return Case.resolved_at.is_not(None) | Case.state.in_(RESOLVED_STATES)  # type: ignore[union-attr, attr-defined]


def case_is_overdue(now: datetime) -> ColumnElement[bool]:
    """Open and past its due date."""
    return ~case_is_resolved() & (Case.due_at < now)  # type: ignore[operator]


def task_is_open() -> ColumnElement[bool]:
    return Task.resolved_at.is_(None)  # type: ignore[union-attr]


def task_is_overdue(now: datetime) -> ColumnElement[bool]:
    return task_is_open() & (Task.due_at < now)  # type: ignore[operator]


def is_overdue(
    due_at: datetime | None, resolved_at: datetime | None, now: datetime, state: str = ""
) -> bool:
    """The same test on one loaded case (with its `state`) or task."""
    return (
        due_at is not None and resolved_at is None and state not in RESOLVED_STATES and due_at < now
    )
