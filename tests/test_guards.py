"""Specification of guard checks (core/workflow/guards.py), as DCWorkflow's `Guard.check`.

Each part of a guard that is set must let the actor through (AND); within a part, one match is
enough (OR). Permissions are held through the roles the *current state* grants them to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

import pytest

from hamyar.core.workflow.definition import Guard, State, Transition, WorkflowDefinition
from hamyar.core.workflow.expression import Expression
from hamyar.core.workflow.guards import MANAGER, guard_allows, has_permission

REVIEW = "Review portal content"
PENDING = State(
    id="pending",
    title="در انتظار بررسی",
    transitions=("publish",),
    permission_roles={REVIEW: ("Reviewer", "Supervisor"), "View": ()},
)
PUBLISHED = State(id="published", permission_roles={REVIEW: ()})
WORKFLOW = WorkflowDefinition.build(
    "review",
    states=[PENDING, PUBLISHED],
    transitions=[Transition(id="publish", new_state="published")],
    initial_state="pending",
)


def allows(
    guard: Guard,
    roles: Collection[str] = (),
    *,
    groups: Collection[str] = (),
    state: State = PENDING,
    workflow: WorkflowDefinition = WORKFLOW,
    names: dict[str, Any] | None = None,
) -> bool:
    return guard_allows(
        guard, workflow=workflow, state=state, roles=roles, groups=groups, names=names
    )


class TestPermissions:
    def test_a_permission_is_held_through_a_role_the_state_grants_it_to(self) -> None:
        guard = Guard(permissions=(REVIEW,))
        assert allows(guard, ["Reviewer"]) is True
        assert allows(guard, ["Supervisor", "Member"]) is True
        assert allows(guard, ["Owner"]) is False

    def test_the_same_roles_lose_the_permission_in_a_state_that_withholds_it(self) -> None:
        assert allows(Guard(permissions=(REVIEW,)), ["Reviewer"], state=PUBLISHED) is False

    def test_a_permission_the_state_does_not_map_is_held_by_nobody(self) -> None:
        assert has_permission(PENDING, "Delete objects", ["Reviewer", MANAGER]) is False
        assert allows(Guard(permissions=("Delete objects",)), [MANAGER]) is False

    def test_any_one_of_several_permissions_is_enough(self) -> None:
        assert allows(Guard(permissions=("View", REVIEW)), ["Reviewer"]) is True


class TestRolesAndGroups:
    def test_roles(self) -> None:
        guard = Guard(roles=("Owner", "Manager"))
        assert allows(guard, ["Owner"]) is True
        assert allows(guard, ["Reviewer"]) is False
        assert allows(guard, []) is False

    def test_groups(self) -> None:
        guard = Guard(groups=("Content_assassins",))
        assert allows(guard, ["Member"], groups=["Content_assassins"]) is True
        assert allows(guard, ["Member"], groups=["Content_owners"]) is False

    def test_parts_combine_with_and(self) -> None:
        guard = Guard(permissions=(REVIEW,), roles=("Supervisor",), groups=("welfare",))
        assert allows(guard, ["Supervisor"], groups=["welfare"]) is True
        assert allows(guard, ["Reviewer"], groups=["welfare"]) is False  # permission, no role
        assert allows(guard, ["Supervisor"], groups=["health"]) is False


class TestExpression:
    def test_the_expression_sees_the_names_it_is_given(self) -> None:
        guard = Guard(roles=("Reviewer",), expression=Expression.parse("case.consent"))
        assert allows(guard, ["Reviewer"], names={"case": {"consent": True}}) is True
        assert allows(guard, ["Reviewer"], names={"case": {"consent": False}}) is False

    def test_without_names_a_name_is_missing(self) -> None:
        assert allows(Guard(expression=Expression.parse("case.consent"))) is False

    def test_roles_are_checked_before_the_expression(self) -> None:
        guard = Guard(roles=("Reviewer",), expression=Expression.parse("True"))
        assert allows(guard, ["Owner"]) is False

    @pytest.mark.parametrize("roles", [[], ["Reviewer"], [MANAGER]])
    def test_an_unsupported_expression_refuses_everyone(self, roles: list[str]) -> None:
        assert (
            allows(Guard(expression=Expression.lenient("here/isAcquiredPermission")), roles)
            is False
        )


class TestManagerBypass:
    GUARD = Guard(roles=("Nobody",), expression=Expression.lenient("python: here.x()"))

    def test_with_bypass_a_manager_passes_any_guard(self) -> None:
        bypassing = replace(WORKFLOW, manager_bypass=True)
        assert allows(self.GUARD, [MANAGER], workflow=bypassing) is True
        assert allows(self.GUARD, ["Reviewer"], workflow=bypassing) is False

    def test_without_bypass_a_manager_is_checked_like_anyone(self) -> None:
        assert WORKFLOW.manager_bypass is False
        assert allows(self.GUARD, [MANAGER]) is False
        assert allows(Guard(roles=(MANAGER,)), [MANAGER]) is True


class TestEmptyGuard:
    def test_an_empty_guard_lets_everyone_through(self) -> None:
        assert Guard().is_empty
        assert allows(Guard(), []) is True
        assert allows(Guard(), ["Anonymous"], state=PUBLISHED) is True

    def test_a_guard_with_only_an_expression_is_not_empty(self) -> None:
        assert not Guard(expression=Expression.parse("True")).is_empty
