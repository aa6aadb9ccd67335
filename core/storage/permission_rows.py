"""The workflow states' permission maps as `state_permission` rows, written and read.

The definitions are plain Python data in each process; listings filter in the database, so
`sync_permission_maps` (called by the registry mirror at start-up and by an import) copies the
map of every stored version into rows the access predicates of `hamyar.core.auth.permission_map`
join, and `load_grants` reads them back for judging one object in Python, so a list and a
detail page never disagree. Rows are keyed by version because a case keeps the version it
started on: renaming a state or narrowing its View map in a new version must not change who
reads the cases still running on the old one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from hamyar.core.storage.models import StatePermission
from hamyar.core.storage.models.permission import ACQUIRED
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.definition import WorkflowDefinition

PERMISSIONS = (R.ACCESS, R.VIEW, R.MODIFY)
"""The permissions access decides by; others in a map only count where a guard names them."""
ALIASES = {R.MODIFY: ("Modify portal content",)}
"""Plone's names for our permissions, read when a map (an imported one) lacks ours."""

Key = tuple[str, int, str, str]
"""(workflow id, version number, state id, permission)."""
Version = tuple[str, int]
"""(workflow id, version number): what a case or task runs on."""


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str] = frozenset()
    acquired: bool = True
    """Also held by whoever the container grants it to; a permission a state does not map is
    acquired, as in DCWorkflow, where an unmanaged permission keeps the container's setting."""


def grants_of(definition: WorkflowDefinition, number: int) -> dict[Key, Grant]:
    """Every state's grant of the three permissions, as version `number` declares them."""
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
                found[(definition.id, number, state.id, permission)] = Grant()
                continue
            found[(definition.id, number, state.id, permission)] = Grant(
                roles=frozenset(state.roles_with(name)),
                acquired=name in state.acquired_permissions,
            )
    return found


def sync_permission_maps(
    session: Session, versions: Iterable[tuple[WorkflowDefinition, int]]
) -> None:
    """Make the `state_permission` rows of these (definition, version number) pairs say what
    their maps say.

    Idempotent: rows already right are left alone, so processes starting together do not fight.
    """
    wanted: set[tuple[str, int, str, str, str]] = set()
    ids: set[str] = set()
    numbers: set[Version] = set()
    for definition, number in versions:
        ids.add(definition.id)
        numbers.add((definition.id, number))
        for (workflow, version, state, permission), grant in grants_of(definition, number).items():
            wanted.update((workflow, version, state, permission, role) for role in grant.roles)
            if grant.acquired:
                wanted.add((workflow, version, state, permission, ACQUIRED))
    if not ids:
        return
    present = {
        (row.workflow_id, row.workflow_version, row.state, row.permission, row.role): row
        for row in session.exec(
            select(StatePermission).where(col(StatePermission.workflow_id).in_(sorted(ids)))
        ).all()
        if (row.workflow_id, row.workflow_version) in numbers
    }
    for key, row in present.items():
        if key not in wanted:
            session.delete(row)
    for workflow, version, state, permission, role in sorted(wanted - present.keys()):
        session.add(
            StatePermission(
                workflow_id=workflow,
                workflow_version=version,
                state=state,
                permission=permission,
                role=role,
            )
        )
    session.flush()


_PROCESS_GRANTS: dict[tuple[str, str, int], dict[Key, Grant]] = {}
"""(database URL, workflow, version) → its grants, for every session of this process.

A version's map is fixed once it is recorded (a new map is a new version), so the rows are read
once per process rather than once per request: every detail page, list row and command judges
by them, and reading and rebuilding them was a tenth of a list's time and a fifth of a
transition's. Writing rows (`sync_permission_maps`) empties it; a version with no rows yet (one
being recorded by another transaction) is never kept, so it is read again once it has them."""
_PROCESS_LOCK = threading.Lock()


def load_grants(session: Session, versions: Iterable[tuple[str, int | None]]) -> dict[Key, Grant]:
    """The grants of every state of these workflow versions, from the rows (cached in the
    session and the process). A version of None (a row from a database never mirrored) has no
    rows."""
    cache: dict[Version, dict[Key, Grant]] = session.info.setdefault("hamyar.grants", {})
    asked = {(w, n) for w, n in versions if n is not None}
    database = str(session.get_bind().engine.url)
    with _PROCESS_LOCK:
        for version in asked - cache.keys():
            known = _PROCESS_GRANTS.get((database, *version))
            if known is not None:
                cache[version] = known
    missing = sorted(asked - cache.keys())
    if missing:
        rows: dict[Version, dict[tuple[str, str], set[str]]] = {v: {} for v in missing}
        for wf, number, state, permission, role in session.execute(
            sa_select(
                col(StatePermission.workflow_id),
                col(StatePermission.workflow_version),
                col(StatePermission.state),
                col(StatePermission.permission),
                col(StatePermission.role),
            ).where(col(StatePermission.workflow_id).in_(sorted({w for w, _ in missing})))
        ):
            if (wf, number) in rows:
                rows[(wf, number)].setdefault((state, permission), set()).add(role)
        for (wf, number), by_key in rows.items():
            cache[(wf, number)] = {
                (wf, number, state, permission): Grant(
                    roles=frozenset(roles - {ACQUIRED}), acquired=ACQUIRED in roles
                )
                for (state, permission), roles in by_key.items()
            }
            if by_key:
                with _PROCESS_LOCK:
                    _PROCESS_GRANTS[(database, wf, number)] = cache[(wf, number)]
    found: dict[Key, Grant] = {}
    for version in asked:
        found.update(cache.get(version, {}))
    return found


def forget_grants(session: Session) -> None:
    """Drop the cached grants, the session's and the process's (after `sync_permission_maps`
    changed them)."""
    session.info.pop("hamyar.grants", None)
    with _PROCESS_LOCK:
        _PROCESS_GRANTS.clear()
