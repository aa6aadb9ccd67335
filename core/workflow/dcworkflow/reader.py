"""Reading DCWorkflow's GenericSetup `definition.xml` into a WorkflowDefinition.

The reader follows DCWorkflow's own (`Products.DCWorkflow.exportimport`) rule for rule — text
coalesced, booleans and match values read the same way — so a definition means here what it meant
there. What Hamyar cannot carry over (Zope scripts, instance-creation conditions, guard
expressions outside our language) becomes a line in `WorkflowDefinition.warnings`; such a guard
refuses everyone, so an import is never more permissive than its author meant. A file Hamyar
cannot use raises DefinitionXMLError.

The XML comes from people we do not know, so defusedxml parses it: no DTD, no entity, no external
reference.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from hamyar.core.workflow.dcworkflow.namespace import hamyar_attribute
from hamyar.core.workflow.definition import (
    Guard,
    State,
    Transition,
    Trigger,
    Variable,
    WorkflowDefinition,
    WorkflowError,
    Worklist,
)
from hamyar.core.workflow.expression import Expression

_TRUE = ("true", "yes", "1")
_MATCH_SPLIT = re.compile(r";[ ]*")
_KNOWN_CHILDREN = {
    "dc-workflow": {
        "instance-creation-conditions", "permission", "group", "state", "transition",
        "worklist", "variable", "script",
    },
    "state": {"description", "exit-transition", "permission-map", "group-map", "assignment"},
    "transition": {"description", "action", "guard", "assignment"},
    "worklist": {"description", "action", "guard", "match"},
    "variable": {"description", "default", "guard"},
}  # fmt: skip

_Item = TypeVar("_Item", State, Transition, Worklist, Variable)


class DefinitionXMLError(ValueError):
    """The XML is not a DCWorkflow definition Hamyar can use. The message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.splitlines()))


def _text(node: ET.Element | None) -> str:
    """An element's own text as DCWorkflow reads it: lines left-stripped, the end right-stripped."""
    if node is None:
        return ""
    joined = (node.text or "") + "".join(child.tail or "" for child in node)
    return "".join(line.lstrip() for line in joined.splitlines(True)).rstrip()


def _texts(node: ET.Element, tag: str) -> tuple[str, ...]:
    return tuple(_text(child) for child in node.findall(tag))


def _flag(node: ET.Element, name: str) -> bool:
    return node.get(name, "").strip().lower() in _TRUE


def _required(node: ET.Element, name: str, where: str) -> str:
    value = node.get(name, "")
    if not value.strip():
        raise DefinitionXMLError(f"{where}: the {name} attribute is missing or empty")
    return value


def _warn_unknown(node: ET.Element, kind: str, where: str, warnings: list[str]) -> None:
    """A misspelt element (`<exit-transtion>`) would otherwise vanish without a trace."""
    for child in node:
        if not child.tag.startswith("{") and child.tag not in _KNOWN_CHILDREN[kind]:
            warnings.append(f"{where}: unknown element <{child.tag}> ignored")


def _guard(parent: ET.Element, owner: str, warnings: list[str]) -> Guard:
    node = parent.find("guard")
    if node is None:
        return Guard()
    text = _text(node.find("guard-expression"))
    expression = Expression.lenient(text) if text else None
    if expression is not None and not expression.supported:
        warnings.append(
            f"{owner}: guard expression {text!r} is not supported ({expression.error}); "
            "it refuses everyone until rewritten"
        )
    return Guard(
        permissions=_texts(node, "guard-permission"),
        roles=_texts(node, "guard-role"),
        groups=_texts(node, "guard-group"),
        expression=expression,
    )


def _typed_value(text: str, type_id: str, where: str, warnings: list[str]) -> Any:
    """A state's variable value, converted as DCWorkflow's `_convertVariableValue` does."""
    if type_id == "none":
        return None
    if type_id == "bool":
        return text.lower() in _TRUE
    try:
        if type_id == "int":
            return int(text)
        if type_id == "float":
            return float(text)
    except ValueError:
        raise DefinitionXMLError(f"{where}: {text!r} is not a valid {type_id}") from None
    if type_id == "datetime":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            warnings.append(f"{where}: date {text!r} is not ISO 8601 and is kept as text")
    elif type_id not in ("string", ""):
        warnings.append(f"{where}: value type {type_id!r} is unknown; kept as text")
    return text


def _state(node: ET.Element, warnings: list[str]) -> State:
    sid = _required(node, "state_id", "<state>")
    where = f"state {sid!r}"
    _warn_unknown(node, "state", where, warnings)
    permission_roles: dict[str, tuple[str, ...]] = {}
    acquired: set[str] = set()
    for pmap in node.findall("permission-map"):
        name = _required(pmap, "name", f"{where}: <permission-map>")
        permission_roles[name] = _texts(pmap, "permission-role")
        if _flag(pmap, "acquired"):
            acquired.add(name)
    group_roles = {
        _required(gmap, "name", f"{where}: <group-map>"): _texts(gmap, "group-role")
        for gmap in node.findall("group-map")
    }
    variables: dict[str, Any] = {}
    for assignment in node.findall("assignment"):
        name = _required(assignment, "name", f"{where}: <assignment>")
        value_where = f"{where}: assignment {name!r}"
        variables[name] = _typed_value(
            _text(assignment), assignment.get("type", ""), value_where, warnings
        )
    exits = tuple(
        _required(x, "transition_id", f"{where}: <exit-transition>")
        for x in node.findall("exit-transition")
    )
    return State(
        id=sid,
        title=node.get("title", ""),
        description=_text(node.find("description")),
        transitions=exits,
        permission_roles=permission_roles,
        acquired_permissions=frozenset(acquired),
        group_roles=group_roles,
        variables=variables,
        title_en=node.get(hamyar_attribute("title_en"), ""),
        terminal=_flag(node, hamyar_attribute("terminal")),
        done=_flag(node, hamyar_attribute("done")),
    )


def _trigger(text: str, where: str, warnings: list[str]) -> Trigger:
    if text == "WORKFLOW_METHOD":
        warnings.append(f"{where}: trigger WORKFLOW_METHOD is imported as USER")
        return Trigger.USER
    try:
        return Trigger(text)
    except ValueError:
        raise DefinitionXMLError(
            f"{where}: trigger {text!r} is not USER, AUTOMATIC or WORKFLOW_METHOD"
        ) from None


def _action(node: ET.Element) -> dict[str, str]:
    """A transition's or worklist's `<action>`; absent, the dataclass defaults stand."""
    action = node.find("action")
    if action is None:
        return {}
    return {
        "action_url": action.get("url", ""),
        "actbox_name": _text(action),
        "actbox_category": action.get("category", ""),
    }


def _transition(node: ET.Element, warnings: list[str]) -> Transition:
    tid = _required(node, "transition_id", "<transition>")
    where = f"transition {tid!r}"
    _warn_unknown(node, "transition", where, warnings)
    variables = {
        _required(a, "name", f"{where}: <assignment>"): _text(a) for a in node.findall("assignment")
    }
    before, after = node.get("before_script", ""), node.get("after_script", "")
    for kind, script in (("before_script", before), ("after_script", after)):
        if script:
            warnings.append(f"{where}: {kind} {script!r} will not run; Hamyar runs handlers")
    return Transition(
        id=tid,
        title=node.get("title", ""),
        description=_text(node.find("description")),
        new_state=node.get("new_state", ""),
        trigger=_trigger(node.get("trigger", "USER").strip(), where, warnings),
        guard=_guard(node, where, warnings),
        handler=node.get(hamyar_attribute("handler")) or None,
        before_script=before,
        after_script=after,
        variables=variables,
        title_en=node.get(hamyar_attribute("title_en"), ""),
        requires_comment=_flag(node, hamyar_attribute("requires_comment")),
        **_action(node),
    )


def _worklist(node: ET.Element, warnings: list[str]) -> Worklist:
    wid = _required(node, "worklist_id", "<worklist>")
    where = f"worklist {wid!r}"
    _warn_unknown(node, "worklist", where, warnings)
    matches = {
        _required(m, "name", f"{where}: <match>"): tuple(
            _MATCH_SPLIT.split(_required(m, "values", f"{where}: <match>"))
        )
        for m in node.findall("match")
    }
    return Worklist(
        id=wid,
        title=node.get("title", ""),
        description=_text(node.find("description")),
        matches=matches,
        guard=_guard(node, where, warnings),
        title_en=node.get(hamyar_attribute("title_en"), ""),
        **_action(node),
    )


def _variable(node: ET.Element, warnings: list[str]) -> Variable:
    vid = _required(node, "variable_id", "<variable>")
    where = f"variable {vid!r}"
    _warn_unknown(node, "variable", where, warnings)
    default = node.find("default")
    value = default.find("value") if default is not None else None
    expression = default.find("expression") if default is not None else None
    return Variable(
        id=vid,
        description=_text(node.find("description")),
        default_value=_text(value),
        default_expr=_text(expression),
        for_catalog=_flag(node, "for_catalog"),
        for_status=_flag(node, "for_status"),
        update_always=_flag(node, "update_always"),
        guard=_guard(node, where, warnings),
        type=value.get("type", "") if value is not None else "",
    )


def _unique(items: Iterable[_Item], kind: str) -> dict[str, _Item]:
    found: dict[str, _Item] = {}
    for item in items:
        if item.id in found:
            raise DefinitionXMLError(f"{kind} {item.id!r} is defined twice")
        found[item.id] = item
    return found


def _parse_xml(xml: str | bytes) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(xml, forbid_dtd=True)
    except ET.ParseError as exc:
        raise DefinitionXMLError(f"not well-formed XML: {exc}") from None
    except DefusedXmlException as exc:
        raise DefinitionXMLError(
            f"unsafe XML refused ({type(exc).__name__}): DTDs and entities are not allowed"
        ) from None
    if root.tag != "dc-workflow":
        raise DefinitionXMLError(f"expected a <dc-workflow> root element, found <{root.tag}>")
    return root


def parse_definition(xml: str | bytes) -> WorkflowDefinition:
    """Read a GenericSetup `definition.xml`; raise DefinitionXMLError if it cannot be used."""
    root = _parse_xml(xml)
    warnings: list[str] = []
    workflow_id = _required(root, "workflow_id", "<dc-workflow>")
    initial_state = _required(root, "initial_state", "<dc-workflow>")
    _warn_unknown(root, "dc-workflow", "<dc-workflow>", warnings)

    creation = root.find("instance-creation-conditions")
    if creation is not None and not _guard(creation, "creation guard", warnings).is_empty:
        warnings.append("instance-creation-conditions are not supported and were dropped")

    states = _unique((_state(n, warnings) for n in root.findall("state")), "state")
    transitions = _unique(
        (_transition(n, warnings) for n in root.findall("transition")), "transition"
    )
    worklists = _unique((_worklist(n, warnings) for n in root.findall("worklist")), "worklist")
    variables = _unique((_variable(n, warnings) for n in root.findall("variable")), "variable")

    scripts_used = {t.before_script for t in transitions.values()}
    scripts_used |= {t.after_script for t in transitions.values()}
    for script in root.findall("script"):
        name = script.get("script_id", "")
        if name not in scripts_used:
            warnings.append(f"script {name!r} ({script.get('type', '')}) ignored: no Zope scripts")

    definition = WorkflowDefinition(
        id=workflow_id,
        title=root.get("title", ""),
        description=root.get("description", ""),
        initial_state=initial_state,
        state_variable=root.get("state_variable") or "review_state",
        states=states,
        transitions=transitions,
        worklists=worklists,
        variables=variables,
        permissions=_texts(root, "permission"),
        groups=_texts(root, "group"),
        manager_bypass=_flag(root, "manager_bypass"),
        title_en=root.get(hamyar_attribute("title_en"), ""),
        warnings=tuple(warnings),
    )
    try:
        definition.validate()
    except WorkflowError as exc:
        raise DefinitionXMLError(str(exc)) from None
    return definition
