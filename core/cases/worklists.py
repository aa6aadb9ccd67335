"""Worklists: the queues a person works from, with live counts.

Two sources, one shape. Built-in lists every deployment needs — the tasks I hold, my agency's
unassigned queue, its open and overdue tasks, my team's tasks for a supervisor, and the
coordinators' triage and unrouted cases — and every `Worklist` a workflow definition declares
(DCWorkflow's worklists: objects of that workflow in the listed states, for the roles its
guard names). Every list is filtered by `hamyar.core.auth.access`; pages come most urgent
first, filtered and keyed as `hamyar.core.cases.worklist_order` describes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from hamyar.core.auth.access import (
    sees_everything,
    visible_cases,
    visible_own_tasks,
    visible_tasks,
)
from hamyar.core.auth.actor import Actor
from hamyar.core.cases import task_tally
from hamyar.core.cases import worklist_order as order
from hamyar.core.cases.listing import MAX_LIMIT
from hamyar.core.cases.ownership import agency_people
from hamyar.core.cases.status import is_overdue, task_is_open, task_is_overdue
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.i18n.fa import MESSAGES
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task, utcnow
from hamyar.core.workflow import guard_allows
from hamyar.core.workflow import roles as R

WorklistFilters = order.WorklistFilters


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
    """The condition selects the actor's own agencies' tasks: most pass on their own state's
    permission map (`access.visible_own_tasks`), so the case's test is run for the rest only."""
    team: frozenset[str] = frozenset()
    """For a supervisor's team list: the agencies whose people it counts tasks per person of
    (`by_person`)."""
    open_tasks: bool = False
    """The condition selects open tasks only: urgency order is then read off the index of
    open tasks (`worklist_order.order_by`), not sorted from every row."""


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


def _fa(msgid: str) -> str:
    """A built-in list's Persian title, from the catalogue (its English id is `title_en`)."""
    return MESSAGES.get(msgid, msgid)


def _supervised(actor: Actor) -> frozenset[str]:
    return frozenset(a for a, roles in actor.agency_roles.items() if R.SUPERVISOR in roles)


def _ownership_lists(actor: Actor) -> list[WorklistSpec]:
    """The tasks I hold, my agencies' unassigned queue, and for a supervisor the team's."""
    agencies = actor.agencies
    lists = [
        WorklistSpec(
            "assigned-to-me",
            _fa("My tasks"),
            "My tasks",
            "task",
            lambda: _open_tasks_of(agencies) & (col(Task.assignee) == actor.username),
            implies_visible=True,
            open_tasks=True,
        ),
        WorklistSpec(
            "unassigned",
            _fa("My agency's unassigned tasks"),
            "My agency's unassigned tasks",
            "task",
            lambda: _open_tasks_of(agencies) & col(Task.assignee).is_(None),
            implies_visible=True,
            open_tasks=True,
        ),
    ]
    supervised = _supervised(actor)
    if supervised:
        lists.append(
            WorklistSpec(
                "team",
                _fa("My team's tasks"),
                "My team's tasks",
                "task",
                lambda: _open_tasks_of(supervised),
                implies_visible=True,
                open_tasks=True,
                team=supervised,
            )
        )
    return lists


def _builtin(actor: Actor) -> list[WorklistSpec]:
    lists: list[WorklistSpec] = []
    if actor.agencies:
        lists.extend(_ownership_lists(actor))
        lists.append(
            WorklistSpec(
                "my-tasks",
                "وظایف باز دستگاه من",
                "My agency's open tasks",
                "task",
                lambda: _open_tasks_of(actor.agencies),
                implies_visible=True,
                open_tasks=True,
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
                open_tasks=True,
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
                open_tasks=True,
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
    if spec.implies_visible and spec.kind == "case":
        return spec.condition()
    if spec.implies_visible:
        # The agency's own tasks: visible unless their state's map hides them from the actor.
        return spec.condition() & visible_own_tasks(actor)
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


def count(
    session: Session,
    spec: WorklistSpec,
    actor: Actor,
    filters: WorklistFilters | None = None,
) -> Count:
    """How many items the worklist holds (matching `filters`, when given)."""
    query, _cols = _query(session, spec, actor, filters, utcnow(), select_ids=True)
    first = query.limit(COUNT_LIMIT + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(first)).scalar_one())
    return Count(min(found, COUNT_LIMIT), more=found > COUNT_LIMIT)


def counts(session: Session, specs: list[WorklistSpec], actor: Actor) -> list[Count]:
    """How many items each worklist holds, as `count` says, in one statement: the live refresh
    of a worklists page asks for all of them every few seconds, and one round trip with one
    scalar subquery per list costs less than a query each."""
    if not specs:
        return []
    now = utcnow()
    each = []
    for spec in specs:
        query, _cols = _query(session, spec, actor, None, now, select_ids=True)
        first = query.limit(COUNT_LIMIT + 1).subquery()
        each.append(select(func.count()).select_from(first).scalar_subquery())
    row = session.execute(select(*each)).one()
    return [Count(min(int(n), COUNT_LIMIT), more=int(n) > COUNT_LIMIT) for n in row]


def find(actor: Actor, registry: Registry, worklist_id: str) -> WorklistSpec:
    for spec in worklists_for(actor, registry):
        if spec.id == worklist_id:
            return spec
    raise NotFound(f"no worklist {worklist_id!r} for you; GET /api/worklists lists yours")


def _query(
    session: Session,
    spec: WorklistSpec,
    actor: Actor,
    filters: WorklistFilters | None,
    now: datetime,
    *,
    select_ids: bool = False,
) -> tuple[Any, order.Columns]:
    """The worklist's SELECT (rows with their case's priority, or ids), with its filters."""
    query: Any
    if spec.kind == "case":
        cols = order.columns("case")
        query = select(col(Case.id)) if select_ids else select(Case, col(Case.priority))
    else:
        owner: Any = aliased(Case)
        cols = order.columns("task", owner)
        query = select(col(Task.id)) if select_ids else select(Task, col(Task.priority))
        if filters is not None and filters.neighbourhood not in (None, ""):
            query = query.join(owner, owner.id == Task.case_id)  # the only filter on the case
    query = query.where(_where(spec, actor))
    if filters is not None:
        for condition in order.filter_condition(session, spec.kind, cols, filters, now):
            query = query.where(condition)
    return query, cols


def items(
    session: Session,
    spec: WorklistSpec,
    actor: Actor,
    *,
    limit: int = 50,
    cursor: str | None = None,
    sort: str = order.URGENCY,
    filters: WorklistFilters | None = None,
) -> tuple[list[Any], str | None]:
    """One page of the worklist's cases or tasks in `sort` order (most urgent first by
    default), and the cursor of the next page (None on the last)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be 1..{MAX_LIMIT}", [{"field": "limit", "message": f"1..{MAX_LIMIT}"}]
        )
    order.check_sort(sort)
    position = order.decode(cursor, sort) if cursor else None
    now = position.now if position is not None and position.now is not None else utcnow()
    query, cols = _query(session, spec, actor, filters, now)
    if position is not None:
        query = query.where(order.after(cols, position))
        sort = position.sort
    keys = order.order_by(cols, sort, now, open_only=spec.open_tasks)
    found = session.execute(query.order_by(*keys).limit(limit + 1))
    pairs = [(row[0], int(row[1] or 0)) for row in found]
    more = len(pairs) > limit
    pairs = pairs[:limit]
    if not more:
        return [item for item, _ in pairs], None
    last, priority = pairs[-1]
    late = is_overdue(last.due_at, last.resolved_at, now, last.state if spec.kind == "case" else "")
    next_position = order.position_of(sort, now, last.id, last.due_at, priority, late)
    return [item for item, _ in pairs], order.encode(next_position)


@dataclass(frozen=True)
class PersonCount:
    """One person of a supervisor's team (None: the unassigned queue) and their open tasks."""

    username: str | None
    full_name: str
    count: int


def by_person(session: Session, spec: WorklistSpec) -> list[PersonCount]:
    """A team list's open tasks per person — everyone of the team, with none too, and anyone
    else still holding some (who has left the agency: their tasks are the first to hand on) —
    and the unassigned ones last. Read off the tally the database keeps (`task_tally`), not
    by counting every open task of the agency on each refresh."""
    if not spec.team:
        return []
    counted = task_tally.held(session, spec.team)
    people: dict[str, str] = {}
    for agency in sorted(spec.team):
        for person in agency_people(session, agency):
            people.setdefault(person.username, person.full_name)
    for username in counted:
        if username is not None:
            people.setdefault(username, "")
    rows = [PersonCount(u, people[u], counted.get(u, 0)) for u in sorted(people)]
    rows.append(PersonCount(None, "", counted.get(None, 0)))
    return rows
