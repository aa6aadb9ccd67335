"""Worklists: the queues a person works from, with live counts.

Two sources, one shape. Built-in lists every deployment needs — my agency's open tasks, its
overdue ones, and the coordinators' triage and unrouted cases — and every `Worklist` a workflow
definition declares (DCWorkflow's worklists: objects of that workflow in the listed states, for
the roles its guard names). Every list is filtered by `hamyar.core.auth.access`, and pages are
keyed on id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlmodel import Session, col

from hamyar.core.auth.access import sees_everything, visible_cases, visible_tasks
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.listing import MAX_LIMIT, decode_cursor, encode_cursor
from hamyar.core.cases.status import task_is_open, task_is_overdue
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task, utcnow
from hamyar.core.workflow import guard_allows


@dataclass(frozen=True)
class WorklistSpec:
    id: str
    title: str
    title_en: str
    kind: str
    """"task" or "case": which table the items come from."""
    condition: Callable[[], ColumnElement[bool]]
    """SQL condition on the table."""
    implies_visible: bool = False
    """Every item the condition selects is visible to the actor (their own agency's tasks),
    so the visibility test — a correlated subquery per row — can be left out."""


def _open_tasks_of(agencies: frozenset[str]) -> ColumnElement[bool]:
    if not agencies:
        return false()
    return Task.agency_code.in_(sorted(agencies)) & task_is_open()  # type: ignore[attr-defined]


def offered_referrals(agencies: frozenset[str]) -> WorklistSpec:
    """Referrals offered to my agency, waiting for it to accept or reject (Primero's
    incoming referrals); its items show what the agency needs to decide, not the file."""
    return WorklistSpec(
        "offered-referrals",
        "ارجاع‌های پیشنهادی به دستگاه من",
        "Referrals offered to my agency",
        "task",
        lambda: (
            col(Task.agency_code).in_(sorted(agencies))
            & (col(Task.kind) == "referral")
            & (col(Task.state) == "offered")
        ),
        implies_visible=True,
    )


def _builtin(actor: Actor) -> list[WorklistSpec]:
    lists: list[WorklistSpec] = []
    if actor.agencies:
        lists.append(
            WorklistSpec(
                "my-tasks",
                "وظایف باز دستگاه من",
                "My agency's open tasks",
                "task",
                lambda: _open_tasks_of(actor.agencies),
                implies_visible=True,
            )
        )
        lists.append(
            WorklistSpec(
                "my-overdue",
                "وظایف معوق دستگاه من",
                "My agency's overdue tasks",
                "task",
                lambda: _open_tasks_of(actor.agencies) & task_is_overdue(utcnow()),
                implies_visible=True,
            )
        )
        lists.append(offered_referrals(actor.agencies))
    if sees_everything(actor):
        lists.append(
            WorklistSpec(
                "triage",
                "در انتظار تعیین مسئول",
                "Triage",
                "case",
                lambda: col(Case.state) == "triage",
            )
        )
        lists.append(
            WorklistSpec(
                "unrouted",
                "ثبت‌شده و ارجاع‌نشده",
                "Not yet routed",
                "case",
                lambda: col(Case.state) == "new",
            )
        )
        lists.append(
            WorklistSpec(
                "overdue",
                "همه وظایف معوق",
                "All overdue tasks",
                "task",
                lambda: task_is_overdue(utcnow()),
            )
        )
    return lists


def _role_sets(actor: Actor) -> list[tuple[str | None, frozenset[str]]]:
    return [(None, actor.global_roles), *((a, actor.roles_in(a)) for a in sorted(actor.agencies))]


def _declared(actor: Actor, registry: Registry) -> list[WorklistSpec]:
    from hamyar.core.default_plugins.workflows import CASE_WORKFLOW

    lists = []
    for definition in registry.workflows.values():
        state = definition.state(definition.initial_state)
        for worklist in definition.worklists.values():
            allowed = [
                agency
                for agency, roles in _role_sets(actor)
                if guard_allows(
                    worklist.guard,
                    workflow=definition,
                    state=state,
                    roles=roles,
                    groups=actor.groups,
                    names={},
                )
            ]
            if definition.id != CASE_WORKFLOW and None not in allowed:
                # only agencies that have a service following this workflow
                users = {
                    s.agency for s in registry.services.values() if s.workflow == definition.id
                }
                allowed = [a for a in allowed if a in users]
            if not allowed:
                continue
            states = worklist.matches.get(definition.state_variable) or worklist.matches.get(
                "state", ()
            )
            is_case = definition.id == CASE_WORKFLOW
            table: Any = Case if is_case else Task

            def condition(
                table: Any = table,
                wid: str = definition.id,
                states: tuple[str, ...] = tuple(states),
                allowed: list[str | None] = allowed,
            ) -> ColumnElement[bool]:
                cond = (table.workflow_id == wid) & table.state.in_(states)
                if table is Task and None not in allowed:  # held only within some agencies
                    cond = cond & col(Task.agency_code).in_([a for a in allowed if a])
                return cond

            lists.append(
                WorklistSpec(
                    f"{definition.id}:{worklist.id}",
                    worklist.title,
                    worklist.title_en or worklist.title,
                    "case" if is_case else "task",
                    condition,
                )
            )
    return lists


def worklists_for(actor: Actor, registry: Registry) -> list[WorklistSpec]:
    """The worklists `actor` may open, built-in ones first."""
    return [*_builtin(actor), *_declared(actor, registry)]


def _where(spec: WorklistSpec, actor: Actor) -> ColumnElement[bool]:
    if spec.implies_visible:
        return spec.condition()
    visibility = visible_cases(actor) if spec.kind == "case" else visible_tasks(actor)
    return spec.condition() & visibility


COUNT_LIMIT = 1000
"""Counts stop here and read "1000+". Past it a queue's exact length changes no one's next step,
and counting it would scan a share of the table that grows with it, on every live refresh of
every open page; a count that stops early costs the same at 10k cases as at 10M."""


@dataclass(frozen=True)
class Count:
    """How many items a worklist holds, up to `COUNT_LIMIT`; `more` when it holds more."""

    value: int
    more: bool = False


def count(session: Session, spec: WorklistSpec, actor: Actor) -> Count:
    table: Any = Case if spec.kind == "case" else Task
    first = select(table.id).where(_where(spec, actor)).limit(COUNT_LIMIT + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(first)).scalar_one())
    return Count(min(found, COUNT_LIMIT), more=found > COUNT_LIMIT)


def find(actor: Actor, registry: Registry, worklist_id: str) -> WorklistSpec:
    for spec in worklists_for(actor, registry):
        if spec.id == worklist_id:
            return spec
    raise NotFound(f"no worklist {worklist_id!r} for you; GET /api/worklists lists yours")


def items(
    session: Session,
    spec: WorklistSpec,
    actor: Actor,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Any], str | None]:
    """One page of the worklist's cases or tasks, newest first, and the next cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be 1..{MAX_LIMIT}", [{"field": "limit", "message": f"1..{MAX_LIMIT}"}]
        )
    table: Any = Case if spec.kind == "case" else Task
    query = select(table).where(_where(spec, actor))
    if cursor:
        query = query.where(table.id < decode_cursor(cursor))
    rows = list(session.execute(query.order_by(table.id.desc()).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].id) if more else None)
