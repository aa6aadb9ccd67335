"""Spreading a freshly driven demo case over its past, so dashboards have history to show.

The engine stamps everything "now"; a demo case claims to be `age_days` old, so its history,
its tasks and their deadlines are moved back in time and the deadlines recomputed from the new
times on each agency's working calendar.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, HistoryEntry, Task, utcnow
from hamyar.core.time.deadlines import due_at, working_calendar


def _due(
    session: Session, registry: Registry, service_code: str, start: Any, calendars: dict[str, Any]
) -> Any:
    """`hamyar.core.routing.router.due_at` with each agency's calendar built once per load, not per
    task."""
    spec = registry.service(service_code)
    if spec.sla_days is None:
        return due_at(session, registry, service_code, start)
    if spec.agency not in calendars:
        calendars[spec.agency] = working_calendar(session, registry, spec.agency)
    return calendars[spec.agency].add_working_days(start, spec.sla_days)


def backdate(
    session: Session,
    registry: Registry,
    case: Case,
    age_days: int,
    rng: random.Random,
    calendars: dict[str, Any],
) -> None:
    """Spread the case's history over its age, and recompute deadlines from the new times."""
    now = utcnow()
    start = now - timedelta(days=age_days, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
    entries = list(
        session.exec(
            select(HistoryEntry)
            .where(col(HistoryEntry.case_id) == case.id)
            .order_by(col(HistoryEntry.id))
        ).all()
    )
    span = (now - start) * 0.8
    step = span / max(len(entries), 1)
    for i, entry in enumerate(entries):
        entry.created_at = start + step * i + timedelta(minutes=rng.randint(0, 30) if i else 0)
        session.add(entry)
    case.created_at = start
    case.updated_at = entries[-1].created_at if entries else start
    for task in session.exec(select(Task).where(Task.case_id == case.id)).all():
        mine = [e for e in entries if e.task_id == task.id]
        task.created_at = mine[0].created_at if mine else start
        task.updated_at = mine[-1].created_at if mine else start
        task.due_at = _due(session, registry, task.service_code, task.created_at, calendars)
        if task.resolved_at is not None and mine:
            task.resolved_at = mine[-1].created_at
        session.add(task)
        if task.kind == "primary" and task.agency_code == case.agency_code:
            case.due_at = task.due_at
    if case.resolved_at is not None:
        case.resolved_at = next(
            (
                e.created_at
                for e in entries
                if e.to_state in ("resolved", "rejected", "duplicate") and e.task_id is None
            ),
            case.updated_at,
        )
    session.add(case)
