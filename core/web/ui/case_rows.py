"""Rows of a case table (search results, a worklist), cut to what the reader may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.status import is_overdue
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Agency, Case, Neighbourhood, Task, utcnow
from hamyar.core.web.ui.due_times import due_label, hour_based, overdue_by
from hamyar.core.workflow import State


@dataclass(frozen=True)
class CaseRow:
    id: int
    tracking_code: str
    title: str | None
    """None when the reader may know the case exists but not read it (confidential)."""
    service: Any
    agency: Agency | None
    neighbourhood: Neighbourhood | None
    state: State
    terminal: bool
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    priority: int
    due_label: str = "—"
    """The deadline, with its hour for hour-based services and when it is within a day."""
    overdue_by: str = ""
    """"Overdue by 3 hours" / "… 2 working days" when it is overdue."""


def case_rows(
    db: Session,
    registry: Registry,
    actor: Actor,
    cases: Sequence[Case],
    *,
    tasks: Mapping[int, Task] | None = None,
    locale: str = "fa",
) -> list[CaseRow]:
    """One row per case; with `tasks` (case id → task), a row shows that task's agency, state
    and deadline instead of the case's (a task worklist)."""
    tasks = tasks or {}
    allowed_of = access.page_access(db, actor, cases)
    agencies = {a.code: a for a in db.exec(select(Agency)).all()}
    place_ids = {c.neighbourhood_id for c in cases if c.neighbourhood_id}
    places = (
        {
            p.id: p
            for p in db.exec(
                select(Neighbourhood).where(col(Neighbourhood.id).in_(place_ids))
            ).all()
        }
        if place_ids
        else {}
    )
    now = utcnow()
    rows = []
    for case in cases:
        assert case.id is not None
        allowed = allowed_of[case.id]
        subject: Case | Task = tasks.get(case.id, case)
        definition = workflow_versions.definition_or_none(db, registry, subject)
        state = (definition.states.get(subject.state) if definition else None) or State(
            id=subject.state, title=subject.state, title_en=subject.state
        )
        terminal = bool(definition and subject.state in definition.terminal_states)
        late = is_overdue(
            subject.due_at,
            subject.resolved_at,
            now,
            subject.state if isinstance(subject, Case) else "",
        )
        hours = hour_based(registry, subject.service_code)
        rows.append(
            CaseRow(
                id=case.id,
                tracking_code=case.tracking_code,
                title=case.title if allowed.content else None,
                service=registry.services.get(subject.service_code),
                agency=agencies.get(subject.agency_code or ""),
                neighbourhood=places.get(case.neighbourhood_id) if case.neighbourhood_id else None,
                state=state,
                terminal=terminal,
                created_at=case.created_at,
                due_at=subject.due_at,
                overdue=late,
                priority=case.priority,
                due_label=due_label(subject.due_at, now, locale, hours=hours),
                overdue_by=overdue_by(subject.due_at, now, locale, hours=hours) if late else "",
            )
        )
    return rows
