"""Writing a WorkflowDefinition as GenericSetup `definition.xml` that Plone reads too.

Only what differs from an absent element's reading is written (an `<action>` with default values
is left out), and Hamyar's own fields are namespaced attributes Plone ignores, so the same file
imports into a Plone site and back into Hamyar unchanged.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from hamyar.core.workflow.dcworkflow.namespace import hamyar_attribute
from hamyar.core.workflow.definition import (
    Guard,
    State,
    Transition,
    Variable,
    WorkflowDefinition,
    Worklist,
)


def _bool_text(value: bool) -> str:
    return "True" if value else "False"


def _element(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    child.text = text or None
    return child


def _extensions(node: ET.Element, **values: str | bool | None) -> None:
    """Set Hamyar's namespaced attributes that carry something; Plone never sees empty ones."""
    for name, value in values.items():
        if value:
            node.set(hamyar_attribute(name), "True" if value is True else str(value))


def _dump_guard(parent: ET.Element, guard: Guard) -> None:
    node = _element(parent, "guard")
    for tag, values in (
        ("guard-permission", guard.permissions),
        ("guard-role", guard.roles),
        ("guard-group", guard.groups),
    ):
        for value in values:
            _element(node, tag, value)
    if guard.expression is not None:
        _element(node, "guard-expression", guard.expression.text)


def _dump_action(parent: ET.Element, item: Transition | Worklist) -> None:
    """Write `<action>` only when it says more than the defaults an absent one reads as."""
    default_category = type(item)(id="").actbox_category
    if item.action_url or item.actbox_name or item.actbox_category != default_category:
        attrs = {"url": item.action_url, "category": item.actbox_category}
        _element(parent, "action", item.actbox_name, **attrs)


_VALUE_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "bool"), (int, "int"), (float, "float"), (datetime, "datetime"), (str, "string"),
)  # fmt: skip


def _typed_text(value: Any) -> tuple[str, str]:
    """A state's assigned value as (type, text), DCWorkflow's `_guessVariableType` reversed."""
    if value is None:
        return "none", ""
    kind = next((name for cls, name in _VALUE_TYPES if isinstance(value, cls)), "string")
    if kind == "bool":
        return kind, _bool_text(value)
    return kind, value.isoformat() if kind == "datetime" else str(value)


def _dump_state(root: ET.Element, state: State) -> None:
    node = _element(root, "state", state_id=state.id, title=state.title)
    _extensions(node, title_en=state.title_en, terminal=state.terminal, done=state.done)
    _element(node, "description", state.description)
    for tid in state.transitions:
        _element(node, "exit-transition", transition_id=tid)
    names = list(state.permission_roles)
    names += sorted(state.acquired_permissions - set(names))
    for name in names:
        acquired = _bool_text(name in state.acquired_permissions)
        pmap = _element(node, "permission-map", name=name, acquired=acquired)
        for role in state.roles_with(name):
            _element(pmap, "permission-role", role)
    for group, roles in state.group_roles.items():
        gmap = _element(node, "group-map", name=group)
        for role in roles:
            _element(gmap, "group-role", role)
    for name, value in state.variables.items():
        kind, text = _typed_text(value)
        _element(node, "assignment", text, name=name, type=kind)


def _dump_transition(root: ET.Element, transition: Transition) -> None:
    node = _element(
        root,
        "transition",
        transition_id=transition.id,
        title=transition.title,
        new_state=transition.new_state,
        trigger=transition.trigger.value,
        before_script=transition.before_script,
        after_script=transition.after_script,
    )
    _extensions(
        node,
        handler=transition.handler,
        title_en=transition.title_en,
        requires_comment=transition.requires_comment,
    )
    _element(node, "description", transition.description)
    _dump_action(node, transition)
    _dump_guard(node, transition.guard)
    for name, expression in transition.variables.items():
        _element(node, "assignment", expression, name=name)


def _dump_worklist(root: ET.Element, worklist: Worklist) -> None:
    node = _element(root, "worklist", worklist_id=worklist.id, title=worklist.title)
    _extensions(node, title_en=worklist.title_en)
    _element(node, "description", worklist.description)
    _dump_action(node, worklist)
    _dump_guard(node, worklist.guard)
    for name, values in worklist.matches.items():
        _element(node, "match", name=name, values="; ".join(values))


def _dump_variable(root: ET.Element, variable: Variable) -> None:
    node = _element(
        root,
        "variable",
        variable_id=variable.id,
        for_catalog=_bool_text(variable.for_catalog),
        for_status=_bool_text(variable.for_status),
        update_always=_bool_text(variable.update_always),
    )
    _element(node, "description", variable.description)
    default = _element(node, "default")
    if variable.default_value or variable.type:
        attrs = {"type": variable.type} if variable.type else {}
        _element(default, "value", variable.default_value, **attrs)
    if variable.default_expr:
        _element(default, "expression", variable.default_expr)
    _dump_guard(node, variable.guard)


def dump_definition(definition: WorkflowDefinition) -> str:
    """Write a definition as GenericSetup XML that Plone and `parse_definition` both read."""
    root = ET.Element(
        "dc-workflow",
        {
            "workflow_id": definition.id,
            "title": definition.title,
            "description": definition.description,
            "state_variable": definition.state_variable,
            "initial_state": definition.initial_state,
            "manager_bypass": _bool_text(definition.manager_bypass),
        },
    )
    _extensions(root, title_en=definition.title_en)
    for permission in definition.permissions:
        _element(root, "permission", permission)
    for group in definition.groups:
        _element(root, "group", group)
    for state in definition.states.values():
        _dump_state(root, state)
    for transition in definition.transitions.values():
        _dump_transition(root, transition)
    for worklist in definition.worklists.values():
        _dump_worklist(root, worklist)
    for variable in definition.variables.values():
        _dump_variable(root, variable)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"
