"""Moving running cases and tasks from their workflow version to another (Plone's
`remap_workflow`, Camunda's process-instance migration).

A migration names the version to move to and a state map (`old_state=new_state`); a state the
new version also has maps to itself unless the map says otherwise. Every item whose state maps
nowhere is listed and nothing moves, so an operator never ends with half a workflow migrated and
cases stranded in states that no longer exist. Each move is version-checked like a transition
(an open page gets its 409) and leaves a history entry saying what moved where.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from hamyar.core.auth.actor import Actor
from hamyar.core.engine import history
from hamyar.core.exceptions import InvalidInput, StaleVersion
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task, utcnow
from hamyar.core.storage.workflow_versions import definition_at

MIGRATE_ACTION = "migrate_workflow"
"""The history action of an item moved to another workflow version."""


@dataclass(frozen=True)
class Move:
    kind: str
    """"case" or "task"."""
    id: int
    case_id: int
    from_version: int | None
    from_state: str
    to_state: str


class MigrationRefused(InvalidInput):
    """Some running items are in states the map does not place; nothing moved."""

    def __init__(self, plan: MigrationPlan) -> None:
        self.plan = plan
        states = sorted({m.from_state for m in plan.refused})
        super().__init__(
            f"{len(plan.refused)} running item(s) of {plan.workflow_id!r} are in states with no "
            f"mapping to version {plan.to_version}: {', '.join(states)}; add --map STATE=NEW for "
            "each (nothing was moved)"
        )


@dataclass
class MigrationPlan:
    workflow_id: str
    to_version: int
    moves: list[Move] = field(default_factory=list)
    refused: list[Move] = field(default_factory=list)
    """Items whose state has no mapping (their `to_state` is empty)."""


def _running(session: Session, workflow_id: str, to: int) -> list[Case | Task]:
    """Open cases and tasks of the workflow on any other version (or none recorded)."""
    cases = session.exec(
        select(Case)
        .where(
            col(Case.workflow_id) == workflow_id,
            or_(col(Case.workflow_version).is_(None), col(Case.workflow_version) != to),
            col(Case.resolved_at).is_(None),
        )
        .order_by(col(Case.id))
    ).all()
    tasks = session.exec(
        select(Task)
        .where(
            col(Task.workflow_id) == workflow_id,
            or_(col(Task.workflow_version).is_(None), col(Task.workflow_version) != to),
            col(Task.resolved_at).is_(None),
        )
        .order_by(col(Task.id))
    ).all()
    return [*cases, *tasks]


def _load(session: Session, kind: str, item_id: int) -> Case | Task | None:
    return session.get(Case, item_id) if kind == "case" else session.get(Task, item_id)


def plan_migration(
    session: Session,
    registry: Registry,
    workflow_id: str,
    to_version: int,
    state_map: Mapping[str, str],
) -> MigrationPlan:
    """What moving every running item of `workflow_id` to `to_version` would do."""
    target = definition_at(session, registry, workflow_id, to_version)
    wrong = sorted(s for s in state_map.values() if s not in target.states)
    if wrong:
        raise InvalidInput(
            f"version {to_version} of {workflow_id!r} has no state "
            + ", ".join(repr(s) for s in wrong)
            + "; its states: "
            + ", ".join(target.states)
        )
    plan = MigrationPlan(workflow_id=workflow_id, to_version=to_version)
    for item in _running(session, workflow_id, to_version):
        assert item.id is not None
        kind = "case" if isinstance(item, Case) else "task"
        new_state = state_map.get(item.state) or (item.state if item.state in target.states else "")
        move = Move(
            kind=kind,
            id=item.id,
            case_id=item.id if isinstance(item, Case) else item.case_id,
            from_version=item.workflow_version,
            from_state=item.state,
            to_state=new_state,
        )
        (plan.moves if new_state else plan.refused).append(move)
    return plan


def apply_moves(
    session: Session,
    registry: Registry,
    plan: MigrationPlan,
    moves: list[Move],
    actor: Actor,
) -> int:
    """Write `moves` of `plan` (one batch, in the caller's transaction); how many moved.

    An item that changed since the plan was made is planned again from its present state; one
    that moved on to a terminal state, or to the target version already, is left alone.
    """
    target = definition_at(session, registry, plan.workflow_id, plan.to_version)
    moved = 0
    now = utcnow()
    for move in moves:
        item = _load(session, move.kind, move.id)
        if item is None or item.resolved_at is not None:
            continue
        if item.workflow_id != plan.workflow_id or item.workflow_version == plan.to_version:
            continue
        to_state = move.to_state if item.state == move.from_state else ""
        if not to_state:
            raise StaleVersion(
                f"{move.kind} {move.id} moved to {item.state!r} during the migration; run it again"
            )
        variables = dict(item.variables)
        variables.update(target.state(to_state).variables)
        sa_table = (Case if isinstance(item, Case) else Task).__table__  # type: ignore[union-attr]
        result = session.execute(
            update(sa_table)
            .where(and_(sa_table.c.id == item.id, sa_table.c.version == item.version))
            .values(
                workflow_version=plan.to_version,
                state=to_state,
                version=item.version + 1,
                variables=variables,
                updated_at=now,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleVersion(f"{move.kind} {move.id} changed just now; run the migration again")
        history.record(
            session,
            case_id=move.case_id,
            task_id=move.id if move.kind == "task" else None,
            action=MIGRATE_ACTION,
            actor=actor.username,
            comment=(
                f"{plan.workflow_id} v{move.from_version or '?'} → v{plan.to_version}: "
                f"{move.from_state} → {to_state}"
            ),
            from_state=move.from_state,
            to_state=to_state,
            version=item.version + 1,
            at=now,
        )
        session.expire(item)
        moved += 1
    return moved
