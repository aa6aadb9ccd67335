"""What changed between two versions of a workflow, line by line, for a person to read.

States, transitions, worklists and variables are compared by id: added (`+`), removed (`-`) or
changed (`~`, naming each field that differs: a state's exits and permission maps, a
transition's target, trigger, guard and handler…). The lines are what an administrator reads
before migrating running cases, so a renamed state shows as one removed and one added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamyar.core.workflow.definition import (
    Guard,
    State,
    Transition,
    Variable,
    WorkflowDefinition,
    Worklist,
)


def _guard(guard: Guard) -> str:
    parts = []
    if guard.roles:
        parts.append("roles " + ", ".join(guard.roles))
    if guard.permissions:
        parts.append("permissions " + ", ".join(guard.permissions))
    if guard.groups:
        parts.append("groups " + ", ".join(guard.groups))
    if guard.expression is not None:
        parts.append(f"expression {guard.expression.text!r}")
    return "; ".join(parts) or "anyone"


def _map(value: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in sorted(value.items())) + "}"


def _value(value: Any) -> str:
    if isinstance(value, Guard):
        return _guard(value)
    if isinstance(value, Mapping):
        return _map(value)
    if isinstance(value, frozenset):
        return "(" + ", ".join(sorted(map(str, value))) + ")"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ")"
    return repr(value)


_FIELDS: dict[type, tuple[str, ...]] = {
    State: (
        "title", "title_en", "transitions", "permission_roles", "acquired_permissions",
        "group_roles", "variables", "terminal",
    ),
    Transition: (
        "title", "title_en", "new_state", "trigger", "guard", "handler", "requires_comment",
        "variables",
    ),
    Worklist: ("title", "title_en", "matches", "guard"),
    Variable: (
        "default_value", "default_expr", "for_catalog", "for_status", "update_always", "guard",
    ),
}  # fmt: skip


def _items(kind: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    lines = []
    for item_id in sorted(set(old) | set(new)):
        if item_id not in new:
            lines.append(f"- {kind} {item_id}")
        elif item_id not in old:
            lines.append(f"+ {kind} {item_id}")
        else:
            a, b = old[item_id], new[item_id]
            for name in _FIELDS[type(a)]:
                va, vb = getattr(a, name), getattr(b, name)
                if va != vb:
                    lines.append(f"~ {kind} {item_id}: {name} {_value(va)} → {_value(vb)}")
    return lines


def diff_definitions(old: WorkflowDefinition, new: WorkflowDefinition) -> list[str]:
    """The differences from `old` to `new`; empty when they mean the same."""
    lines = []
    if old.initial_state != new.initial_state:
        lines.append(f"~ initial state {old.initial_state} → {new.initial_state}")
    lines += _items("state", old.states, new.states)
    lines += _items("transition", old.transitions, new.transitions)
    lines += _items("worklist", old.worklists, new.worklists)
    lines += _items("variable", old.variables, new.variables)
    return lines
