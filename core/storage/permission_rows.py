"""The workflow states' permission maps as `state_permission` rows, written and read.

The definitions are plain Python data in each process; listings filter in the database, so
`sync_permission_maps` (called by the registry mirror at start-up) copies every map into rows
the access predicates of `hamyar.core.auth.permission_map` join, and `load_grants` reads them
back for judging one object in Python, so a list and a detail page never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from hamyar.core.storage.models import StatePermission
from hamyar.core.storage.models.permission import ACQUIRED
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.definition import WorkflowDefinition

PERMISSIONS = (R.ACCESS, R.VIEW, R.MODIFY)
"""The permissions access decides by; others in a map only count where a guard names them."""
ALIASES = {R.MODIFY: ("Modify portal content",)}
"""Plone's names for our permissions, read when a map (an imported one) lacks ours."""

Key = tuple[str, str, str]
"""(workflow id, state id, permission)."""


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str] = frozenset()
    acquired: bool = True
    """Also held by whoever the container grants it to; a permission a state does not map is
    acquired, as in DCWorkflow, where an unmanaged permission keeps the container's setting."""


def grants_of(definition: WorkflowDefinition) -> dict[Key, Grant]:
    """Every state's grant of the three permissions, as the definition declares them."""
    found: dict[Key, Grant] = {}
    for state in definition.states.values():
        for permission in PERMISSIONS:
            name = next(
                (
                    p
                    for p in (permission, *ALIASES.get(permission, ()))
                    if p in state.permission_roles
                ),
                None,
            )
            if name is None:
                found[(definition.id, state.id, permission)] = Grant()
                continue
            found[(definition.id, state.id, permission)] = Grant(
                roles=frozenset(state.roles_with(name)),
                acquired=name in state.acquired_permissions,
            )
    return found


def sync_permission_maps(session: Session, definitions: Iterable[WorkflowDefinition]) -> None:
    """Make the `state_permission` rows of these workflows say what their maps say.

    Idempotent: rows already right are left alone, so processes starting together do not fight.
    """
    wanted: set[tuple[str, str, str, str]] = set()
    ids: set[str] = set()
    for definition in definitions:
        ids.add(definition.id)
        for (workflow, state, permission), grant in grants_of(definition).items():
            wanted.update((workflow, state, permission, role) for role in grant.roles)
            if grant.acquired:
                wanted.add((workflow, state, permission, ACQUIRED))
    if not ids:
        return
    present = {
        (row.workflow_id, row.state, row.permission, row.role): row
        for row in session.exec(
            select(StatePermission).where(col(StatePermission.workflow_id).in_(sorted(ids)))
        ).all()
    }
    for key, row in present.items():
        if key not in wanted:
            session.delete(row)
    for workflow, state, permission, role in sorted(wanted - present.keys()):
        session.add(
            StatePermission(workflow_id=workflow, state=state, permission=permission, role=role)
        )
    session.flush()


def load_grants(session: Session, workflow_ids: Iterable[str]) -> dict[Key, Grant]:
    """The grants of every state of these workflows, from the rows (cached in the session)."""
    cache: dict[str, dict[Key, Grant]] = session.info.setdefault("hamyar.grants", {})
    missing = sorted(set(workflow_ids) - cache.keys())
    if missing:
        rows: dict[str, dict[tuple[str, str], set[str]]] = {w: {} for w in missing}
        for wf, state, permission, role in session.execute(
            select(
                col(StatePermission.workflow_id),
                col(StatePermission.state),
                col(StatePermission.permission),
                col(StatePermission.role),
            ).where(col(StatePermission.workflow_id).in_(missing))
        ):
            rows[wf].setdefault((state, permission), set()).add(role)
        for wf, by_key in rows.items():
            cache[wf] = {
                (wf, state, permission): Grant(
                    roles=frozenset(roles - {ACQUIRED}), acquired=ACQUIRED in roles
                )
                for (state, permission), roles in by_key.items()
            }
    found: dict[Key, Grant] = {}
    for wf in set(workflow_ids):
        found.update(cache.get(wf, {}))
    return found


def forget_grants(session: Session) -> None:
    """Drop the session's cached grants (after `sync_permission_maps` changed them)."""
    session.info.pop("hamyar.grants", None)
