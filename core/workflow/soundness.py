"""Whether a definition can run here: what binding a workflow to a service checks first.

`WorkflowDefinition.validate` refuses a definition that is broken in itself (a transition to a
missing state). A definition can be whole and still strand a case in this installation: a role
nobody holds, a handler no plugin registered, a state no transition reaches. These checks list
every such problem at once, so an administrator mends them in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from hamyar.core.workflow.definition import Trigger, WorkflowDefinition
from hamyar.core.workflow.role_map import unknown_roles


def unreachable_states(definition: WorkflowDefinition) -> list[str]:
    """States no chain of transitions leads to from the initial state, sorted."""
    seen = {definition.initial_state}
    todo = [definition.initial_state]
    while todo:
        state = definition.states.get(todo.pop())
        if state is None:
            continue
        for tid in state.transitions:
            transition = definition.transitions.get(tid)
            if transition and transition.new_state and transition.new_state not in seen:
                seen.add(transition.new_state)
                todo.append(transition.new_state)
    return sorted(set(definition.states) - seen)


def untakeable_transitions(definition: WorkflowDefinition) -> list[str]:
    """USER transitions whose roles or permissions no role holds in a state they leave: the
    buttons nobody would ever see (a permission the state does not grant to anyone)."""
    stuck = set()
    for state in definition.states.values():
        for tid in state.transitions:
            transition = definition.transitions.get(tid)
            if transition is None or transition.trigger != Trigger.USER:
                continue
            guard = transition.guard
            if guard.permissions and not any(state.roles_with(p) for p in guard.permissions):
                stuck.add(f"{tid} (from {state.id}: nobody holds {', '.join(guard.permissions)})")
    return sorted(stuck)


def binding_problems(
    definition: WorkflowDefinition, *, known_roles: Iterable[str], handlers: Iterable[str]
) -> list[str]:
    """Every reason the definition cannot run cases here; empty when it can."""
    problems: list[str] = []
    if not definition.initial_state or definition.initial_state not in definition.states:
        problems.append(f"it has no initial state ({definition.initial_state!r} is not a state)")
    roles = unknown_roles(definition, known_roles)
    if roles:
        problems.append(
            "roles not known here: " + ", ".join(roles) + " (import it again with --role "
            "PLONE_ROLE=HAMYAR_ROLE for each)"
        )
    available = set(handlers)
    missing = sorted({t.handler for t in definition.transitions.values() if t.handler} - available)
    if missing:
        problems.append("handlers no plugin registered: " + ", ".join(missing))
    stranded = (
        unreachable_states(definition) if definition.initial_state in definition.states else []
    )
    if stranded:
        problems.append("states no transition reaches: " + ", ".join(stranded))
    stuck = untakeable_transitions(definition)
    if stuck:
        problems.append(
            "transitions nobody may take: " + "; ".join(stuck) + " (grant the permission on "
            "import with --site-permission PERMISSION=ROLE)"
        )
    return problems
