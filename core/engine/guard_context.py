"""The names a guard expression may use for a case or a task, read only when asked for.

Most guards look at roles and state, which cost nothing; `open_tasks` costs a query, and the
case's data a load. `GuardNames` computes each name on first use, so a transition pays only for
what its guards read. `CaseHead` and the task counts let the engine decide a case's automatic
step after a task moved from one query, without loading the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task
from hamyar.core.storage.workflow_versions import workflow_of
from hamyar.core.workflow import WorkflowDefinition, WorkflowError
from hamyar.core.workflow import roles as R

Target = Case | Task


class GuardNames(Mapping[str, Any]):
    """The names a guard expression may use, computed only when an expression asks for them.

    Counting a case's tasks costs a query; most guards never need it.
    """

    def __init__(
        self,
        session: Session,
        target: Target | CaseHead,
        actor: Actor,
        registry: Registry,
        *,
        counts: dict[str, int] | None = None,
    ) -> None:
        self._session, self._target, self._actor = session, target, actor
        self._registry = registry
        self._cache: dict[str, Any] = {}
        self._counts = counts

    def _full_target(self) -> Target:
        if isinstance(self._target, CaseHead):  # only the state was read; a guard needs more
            case = self._session.get(Case, self._target.id)
            assert case is not None
            self._target = case
        return self._target

    def _compute(self, name: str) -> Any:
        target, actor = self._target, self._actor
        agency = agency_of(target)
        if name == "state":
            return target.state
        if name == "agency":
            return agency
        if name == "roles":
            return sorted(actor.roles_in(agency))
        if name == "user":
            return actor.username
        if name == "variables":
            return self._full_target().variables
        if name == "referrer_roles":
            referrer = target.referred_by if isinstance(target, Task) else None
            return sorted(actor.agency_roles.get(referrer, frozenset())) if referrer else []
        if name in ("case", "data", "priority", "channel", "category"):
            full = self._full_target()
            case = full if isinstance(full, Case) else self._session.get(Case, full.case_id)
            assert case is not None
            values = {
                "data": case.data,
                "priority": case.priority,
                "channel": case.channel,
                "category": case.category,
                "case": {
                    "state": case.state,
                    "priority": case.priority,
                    "channel": case.channel,
                    "service": case.service_code,
                },
            }
            return values[name]
        if name in ("open_tasks", "done_tasks", "tasks") and not isinstance(target, Task):
            if self._counts is None:
                self._counts = task_counts(self._session, target, self._registry)
            return self._counts[name]
        return None

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._compute(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)


@dataclass(frozen=True)
class CaseHead:
    """What deciding a case's automatic step usually needs, read without loading the case."""

    id: int
    workflow_id: str
    workflow_version: int | None
    state: str
    agency_code: str | None


def agency_of(target: Target | CaseHead) -> str | None:
    return target.agency_code


def roles_on(actor: Actor, target: Target | CaseHead) -> frozenset[str]:
    """The roles that count for `actor` in a guard on `target`: global ones, those held in
    the object's agency, and Plone's implicit ones — Owner when they opened the case or hold
    (claimed or were assigned) the task, Authenticated when signed in, Anonymous always."""
    roles = set(actor.roles_in(agency_of(target))) | {R.ANONYMOUS}
    if actor.username:
        roles.add(R.AUTHENTICATED)
        owner = getattr(target, "assignee", None) if isinstance(target, Task) else None
        if isinstance(target, Case):
            owner = target.created_by
        if owner is not None and owner == actor.username:
            roles.add(R.OWNER)
    return frozenset(roles)


_TASKS = Task.__table__.c  # type: ignore[attr-defined]
_CASES = Case.__table__.c  # type: ignore[attr-defined]
_COUNTS = (
    select(_TASKS.workflow_id, _TASKS.workflow_version, _TASKS.state, func.count())
    .where(_TASKS.case_id == bindparam("case_id"))
    .group_by(_TASKS.workflow_id, _TASKS.workflow_version, _TASKS.state)
)
HEAD_AND_COUNTS = (
    select(
        _CASES.workflow_id,
        _CASES.workflow_version,
        _CASES.state,
        _CASES.agency_code,
        _TASKS.workflow_id,
        _TASKS.workflow_version,
        _TASKS.state,
        func.count(_TASKS.id),
    )
    .select_from(Case.__table__.outerjoin(Task.__table__, _TASKS.case_id == _CASES.id))  # type: ignore[attr-defined]
    .where(_CASES.id == bindparam("case_id"))
    .group_by(
        _CASES.workflow_id,
        _CASES.workflow_version,
        _CASES.state,
        _CASES.agency_code,
        _TASKS.workflow_id,
        _TASKS.workflow_version,
        _TASKS.state,
    )
)
"""A case's workflow, state and agency beside its task counts, in one query."""


def task_counts(session: Session, case: Case | CaseHead, registry: Registry) -> dict[str, int]:
    """Open (not in a terminal state), done, and all tasks of a case, by its workflows."""
    rows = session.execute(_COUNTS, {"case_id": case.id}).all()
    return tally(rows, registry, session)


def tally(rows: Any, registry: Registry, session: Session) -> dict[str, int]:
    """Open, done and all tasks, from (workflow, version, state, count) rows; each task's
    terminal states are those of the version it runs on."""
    counts = {"open_tasks": 0, "done_tasks": 0, "tasks": 0}
    for workflow_id, number, state, n in rows:
        if workflow_id is None:  # the outer join's row for a case without tasks
            continue
        counts["tasks"] += n
        definition = _definition(session, registry, workflow_id, number)
        if definition is None or state not in definition.terminal_states:
            counts["open_tasks"] += n
        elif state in definition.done_states:  # the workflow's own flag, not a state's name
            counts["done_tasks"] += n
    return counts


def _definition(
    session: Session, registry: Registry, workflow_id: str, number: int | None
) -> WorkflowDefinition | None:
    try:
        return workflow_of(session, registry, _Versioned(workflow_id, number))
    except WorkflowError:  # its plugin is gone: the task counts as open, as it always did
        return None


@dataclass(frozen=True)
class _Versioned:
    workflow_id: str
    workflow_version: int | None
