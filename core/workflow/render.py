"""A workflow drawn for people: plain text for the CLI, Mermaid for the web UI, DOT for Graphviz.

All three show the same facts — each state with its title, each exit transition with its
trigger and target, the initial and terminal states — so a reviewer can check an imported
definition against what its author meant; the text form adds guards, handlers and worklists.
Titles are often Persian, so labels are escaped for each language rather than restricted to
ASCII, and diagram identifiers are derived from the states' order (`s0_private`), never used raw:
a state id may be Persian, or a word the diagram language reserves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hamyar.core.workflow.definition import Guard, State, Transition, Trigger, WorkflowDefinition

_UNSAFE_ID = re.compile(r"[^0-9A-Za-z_]+")
_MERMAID_SPECIAL = re.compile(r"[#\"&<>;:%{}\[\]|`\\]")


def guard_summary(guard: Guard) -> str:
    """One line saying who a guard lets through; its parts combine with AND, as DCWorkflow's do."""
    if guard.is_empty:
        return "anyone"
    parts = [
        f"{kind} {' or '.join(values)}"
        for kind, values in (
            ("permission", guard.permissions),
            ("role", guard.roles),
            ("group", guard.groups),
        )
        if values
    ]
    if guard.expression is not None:
        refused = "" if guard.expression.supported else " (unsupported: refuses everyone)"
        parts.append(f"expression{_quoted(guard.expression.text)}{refused}")
    return " and ".join(parts)


def _quoted(text: str) -> str:
    """Quoted for reading, not `repr`: repr would show a Persian ZWNJ as `\\u200c`."""
    return f' "{text}"' if text else ""


def _label(item: State | Transition) -> str:
    return item.title or item.id


def _edge_label(
    transition: Transition, label: Callable[[State | Transition], str] = _label, auto: str = "auto"
) -> str:
    suffix = f" ({auto})" if transition.trigger == Trigger.AUTOMATIC else ""
    return label(transition) + suffix


def _diagram_ids(definition: WorkflowDefinition) -> dict[str, str]:
    """Safe, unique identifiers: the state's position, then whatever ASCII its id has."""
    ids = {}
    for index, state_id in enumerate(definition.states):
        readable = _UNSAFE_ID.sub("_", state_id).strip("_")
        ids[state_id] = f"s{index}_{readable}" if readable else f"s{index}"
    return ids


def _edges(definition: WorkflowDefinition) -> list[tuple[str, Transition, str]]:
    """(from, transition, to) for every exit of every state; an empty target stays put."""
    return [
        (state.id, transition, definition.target(transition, state.id))
        for state in definition.states.values()
        for transition in definition.exits(state.id)
    ]


def _target_text(transition: Transition) -> str:
    return transition.new_state or "(stays)"


def _transition_line(transition: Transition) -> str:
    title = _quoted(transition.title)
    extras = [transition.trigger.value, f"guard: {guard_summary(transition.guard)}"]
    if transition.handler:
        extras.append(f"handler: {transition.handler}")
    if transition.requires_comment:
        extras.append("comment required")
    return f"{transition.id}{title} -> {_target_text(transition)} [{'; '.join(extras)}]"


def render_text(definition: WorkflowDefinition) -> str:
    """A plain listing for terminals and logs: states, their exits, worklists, warnings."""
    title = f"{definition.title} ({definition.id})" if definition.title else definition.id
    bypass = "on" if definition.manager_bypass else "off"
    lines = [
        title,
        f"initial state: {definition.initial_state}; state variable: "
        f"{definition.state_variable}; manager bypass: {bypass}",
        "",
        "States:",
    ]
    for state in definition.states.values():
        flags = (
            ("initial", state.id == definition.initial_state),
            ("terminal", state.terminal),
            ("done", state.id in definition.done_states),
        )
        marks = [m for m, on in flags if on]
        suffix = f" ({', '.join(marks)})" if marks else ""
        lines.append(f"  {state.id}{_quoted(state.title)}{suffix}")
        exits = definition.exits(state.id)
        lines.extend(f"    {_transition_line(t)}" for t in exits)
        if not exits:
            lines.append("    (no exits)")
    used = {tid for state in definition.states.values() for tid in state.transitions}
    unused = [t for t in definition.transitions.values() if t.id not in used]
    if unused:
        lines += ["", "Transitions no state exits by:"]
        lines.extend(f"  {_transition_line(t)}" for t in unused)
    if definition.worklists:
        lines += ["", "Worklists:"]
    for worklist in definition.worklists.values():
        name = worklist.title or worklist.description
        matches = ", ".join(f"{var} in {'|'.join(vals)}" for var, vals in worklist.matches.items())
        lines.append(
            f"  {worklist.id}{_quoted(name)}: {matches or 'everything'} "
            f"[guard: {guard_summary(worklist.guard)}]"
        )
    if definition.warnings:
        lines += ["", "Warnings:"]
        lines.extend(f"  - {warning}" for warning in definition.warnings)
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Mermaid label text: one line, with its syntax characters as `#NN;` entity codes."""
    return _MERMAID_SPECIAL.sub(lambda m: f"#{ord(m.group())};", " ".join(text.split()))


def render_mermaid(
    definition: WorkflowDefinition,
    *,
    label: Callable[[State | Transition], str] = _label,
    auto: str = "auto",
) -> str:
    """A Mermaid `stateDiagram-v2`, as the web UI draws it.

    `label` names a state or transition and `auto` marks an automatic transition, in the
    reader's language (the web page passes its own; the default is the definition's title).
    """
    ids = _diagram_ids(definition)
    lines = ["stateDiagram-v2", f"    %% {_mermaid_text(definition.title or definition.id)}"]
    for state in definition.states.values():
        lines.append(f'    state "{_mermaid_text(label(state))}" as {ids[state.id]}')
    lines.append(f"    [*] --> {ids[definition.initial_state]}")
    for source, transition, target in _edges(definition):
        edge = _mermaid_text(_edge_label(transition, label, auto))
        lines.append(f"    {ids[source]} --> {ids[target]} : {edge}")
    lines.extend(f"    {ids[s.id]} --> [*]" for s in definition.states.values() if s.terminal)
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    """A DOT quoted string: backslashes and quotes escaped, whitespace runs made one space."""
    escaped = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_dot(definition: WorkflowDefinition) -> str:
    """A Graphviz digraph: dashed edges fire automatically, double borders are terminal."""
    ids = _diagram_ids(definition)
    lines = [
        f"digraph {_dot_string(definition.id)} {{",
        f"  graph [label={_dot_string(definition.title or definition.id)}, labelloc=t, "
        'rankdir=LR, charset="UTF-8"];',
        "  node [shape=box, style=rounded];",
        '  start [shape=point, label=""];',
    ]
    for state in definition.states.values():
        extra = ", peripheries=2" if state.terminal else ""
        lines.append(
            f"  {ids[state.id]} [label={_dot_string(_label(state))}, "
            f"tooltip={_dot_string(state.id)}{extra}];"
        )
    lines.append(f"  start -> {ids[definition.initial_state]};")
    for source, transition, target in _edges(definition):
        tooltip = f"{transition.id}: {guard_summary(transition.guard)}"
        style = ", style=dashed" if transition.trigger == Trigger.AUTOMATIC else ""
        lines.append(
            f"  {ids[source]} -> {ids[target]} [label={_dot_string(_edge_label(transition))}, "
            f"tooltip={_dot_string(tooltip)}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
