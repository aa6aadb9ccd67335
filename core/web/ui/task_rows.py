"""Rows of a task worklist, one per task: its case, who holds it, by when, and the ownership
buttons the reader may press on it (only those `hamyar.core.cases.ownership` would accept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases import ownership as O
from hamyar.core.cases.status import is_overdue
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Agency, Case, Neighbourhood, Task, utcnow
from hamyar.core.web.ui.due_times import due_label, hour_based, overdue_by
from hamyar.core.workflow import State


@dataclass(frozen=True)
class OwnershipView:
    """What the reader may do about one task's owner and due date, with the people to offer."""

    assignee: str | None
    may_claim: bool
    may_unclaim: bool
    may_assign: bool
    people: list[O.Person] = field(default_factory=list)
    """Whom a supervisor may assign it to (empty unless `may_assign`)."""
    due_label: str = "—"
    """The deadline, with its hour when it is within a day."""


def ownership_views(
    db: Session, actor: Actor, tasks: Sequence[Task], locale: str = "fa"
) -> dict[int, OwnershipView]:
    """task id → what the reader may do about its owner and due date (a supervisor may assign
    and move the due date alike); each agency's people read once."""
    people: dict[str, list[O.Person]] = {}
    now = utcnow()
    views = {}
    for task in tasks:
        assert task.id is not None
        assign = O.may_assign(actor, task)
        if assign and task.agency_code not in people:
            people[task.agency_code] = O.agency_people(db, task.agency_code)
        views[task.id] = OwnershipView(
            assignee=task.assignee,
            may_claim=O.may_claim(actor, task),
            may_unclaim=O.may_unclaim(actor, task),
            may_assign=assign,
            people=people.get(task.agency_code, []) if assign else [],
            due_label=due_label(task.due_at, now, locale),
        )
    return views


@dataclass(frozen=True)
class TaskRow:
    id: int
    version: int
    case_id: int
    tracking_code: str
    title: str | None
    """None when the reader may know the case exists but not read it (confidential)."""
    service: Any
    agency: Agency | None
    neighbourhood: Neighbourhood | None
    state: State
    terminal: bool
    due_at: datetime | None
    due_label: str
    overdue: bool
    priority: int
    owner: OwnershipView
    overdue_by: str = ""
    """"Overdue by 3 hours" / "… 2 working days" when it is overdue."""


def task_rows(
    db: Session, registry: Registry, actor: Actor, tasks: Sequence[Task], locale: str
) -> list[TaskRow]:
    """One row per task, in the order given (the worklist's)."""
    case_ids = list(dict.fromkeys(t.case_id for t in tasks))
    cases = (
        {c.id: c for c in db.exec(select(Case).where(col(Case.id).in_(case_ids))).all()}
        if case_ids
        else {}
    )
    agencies_of = access.task_agencies(db, case_ids)
    agencies = {a.code: a for a in db.exec(select(Agency)).all()}
    place_ids = {c.neighbourhood_id for c in cases.values() if c.neighbourhood_id}
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
    owners = ownership_views(db, actor, tasks, locale)
    now = utcnow()
    rows = []
    for task in tasks:
        case = cases.get(task.case_id)
        if case is None or task.id is None:
            continue
        allowed = access.case_access(actor, case, agencies_of.get(task.case_id, set()))
        definition = workflow_versions.definition_or_none(db, registry, task)
        state = (definition.states.get(task.state) if definition else None) or State(
            id=task.state, title=task.state, title_en=task.state
        )
        late = is_overdue(task.due_at, task.resolved_at, now)
        rows.append(
            TaskRow(
                id=task.id,
                version=task.version,
                case_id=task.case_id,
                tracking_code=case.tracking_code,
                title=case.title if allowed.content else None,
                service=registry.services.get(task.service_code),
                agency=agencies.get(task.agency_code),
                neighbourhood=places.get(case.neighbourhood_id) if case.neighbourhood_id else None,
                state=state,
                terminal=bool(definition and task.state in definition.terminal_states),
                due_at=task.due_at,
                due_label=due_label(
                    task.due_at, now, locale, hours=hour_based(registry, task.service_code)
                ),
                overdue=late,
                priority=case.priority,
                owner=owners[task.id],
                overdue_by=(
                    overdue_by(
                        task.due_at, now, locale, hours=hour_based(registry, task.service_code)
                    )
                    if late
                    else ""
                ),
            )
        )
    return rows
