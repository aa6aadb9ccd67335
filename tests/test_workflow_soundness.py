"""What binding checks before a workflow may run a service, and how a role map rewrites one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hamyar.core.workflow import Guard, State, Transition, WorkflowDefinition
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.role_map import (
    RoleMapError,
    apply_role_map,
    grant_site_permissions,
    parse_role_map,
    roles_named,
    unknown_roles,
)
from hamyar.core.workflow.soundness import binding_problems, unreachable_states

KNOWN = (*R.ROLES, "Owner")


def plone_like() -> WorkflowDefinition:
    return WorkflowDefinition.build(
        "plone_like",
        initial_state="private",
        states=[
            State(
                id="private",
                transitions=("submit",),
                permission_roles={"View": ("Owner", "Reader"), "Modify": ("Owner",)},
            ),
            State(id="pending", transitions=("publish",), permission_roles={"View": ("Reviewer",)}),
            State(id="published", permission_roles={"View": ("Anonymous",)}),
            State(id="orphan"),
        ],
        transitions=[
            Transition(id="submit", new_state="pending", guard=Guard(roles=("Owner",))),
            Transition(
                id="publish",
                new_state="published",
                guard=Guard(permissions=("Review portal content",)),
                handler="notify.press",
            ),
        ],
    )


def test_binding_lists_every_problem_at_once() -> None:
    problems = binding_problems(plone_like(), known_roles=KNOWN, handlers=())
    text = "\n".join(problems)
    assert "roles not known here: Anonymous, Reader, Reviewer" in text
    assert "handlers no plugin registered: notify.press" in text
    assert "states no transition reaches: orphan" in text
    assert "publish (from pending: nobody holds Review portal content)" in text
    assert len(problems) == 4


def test_a_mapped_and_granted_definition_has_no_problem_but_its_orphan() -> None:
    mapped = apply_role_map(
        plone_like(),
        parse_role_map(["Reader=Auditor", "Reviewer=Supervisor,Coordinator", "Anonymous="]),
    )
    mapped = grant_site_permissions(mapped, {"Review portal content": (R.SUPERVISOR,)})
    assert mapped.states["pending"].permission_roles["View"] == (R.SUPERVISOR, R.COORDINATOR)
    assert mapped.states["published"].permission_roles["View"] == ()
    assert mapped.states["pending"].roles_with("Review portal content") == (R.SUPERVISOR,)
    assert unknown_roles(mapped, KNOWN) == []
    assert binding_problems(mapped, known_roles=KNOWN, handlers=("notify.press",)) == [
        "states no transition reaches: orphan"
    ]


def test_a_state_keeps_its_own_map_over_a_site_grant() -> None:
    granted = grant_site_permissions(plone_like(), {"View": (R.MANAGER,)})
    assert granted.states["private"].permission_roles["View"] == ("Owner", "Reader")
    assert granted.states["orphan"].permission_roles["View"] == (R.MANAGER,)


def test_roles_named_reads_guards_and_maps() -> None:
    assert roles_named(plone_like()) == {"Owner", "Reader", "Reviewer", "Anonymous"}


def test_unreachable_states_follow_transitions_from_the_initial_state() -> None:
    definition = plone_like()
    assert unreachable_states(definition) == ["orphan"]
    broken = replace(definition, initial_state="nowhere")
    assert "it has no initial state ('nowhere' is not a state)" in binding_problems(
        broken, known_roles=KNOWN, handlers=("notify.press",)
    )


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["Reviewer"], "write it as PLONE_ROLE=HAMYAR_ROLE"),
        (["=Supervisor"], "write it as PLONE_ROLE=HAMYAR_ROLE"),
        (["Reviewer=Supervisor", "Reviewer=Caseworker"], "'Reviewer' is given twice"),
    ],
)
def test_a_bad_role_option_is_one_line_saying_how(pairs: list[str], message: str) -> None:
    with pytest.raises(RoleMapError, match=message):
        parse_role_map(pairs)
