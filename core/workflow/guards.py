"""Deciding whether an actor passes a guard, as DCWorkflow's `Guard.check` does."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from hamyar.core.workflow.definition import Guard, State, WorkflowDefinition

MANAGER = "Manager"


def has_permission(state: State, permission: str, roles: Collection[str]) -> bool:
    """A permission is held through a role the state grants it to.

    A permission the state does not map is held by nobody: we have no container to acquire
    it from, and refusing is the safe reading of an incomplete definition.
    """
    return any(role in roles for role in state.roles_with(permission))


def guard_allows(
    guard: Guard,
    *,
    workflow: WorkflowDefinition,
    state: State,
    roles: Collection[str],
    groups: Collection[str] = (),
    names: Mapping[str, Any] | None = None,
) -> bool:
    """True when every part of the guard that is set lets the actor through.

    `roles` are the actor's roles *for this object* (global ones plus those held in the
    object's agency); the caller works them out, so a role in another agency never counts.
    """
    if workflow.manager_bypass and MANAGER in roles:
        return True
    if guard.permissions and not any(has_permission(state, p, roles) for p in guard.permissions):
        return False
    if guard.roles and not any(role in roles for role in guard.roles):
        return False
    if guard.groups and not any(group in groups for group in guard.groups):
        return False
    if guard.expression is not None:
        return guard.expression.evaluate(names if names is not None else {})
    return True
