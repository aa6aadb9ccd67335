"""Workflow definitions as plain Python data, with Plone DCWorkflow's semantics.

A definition is immutable once built: the engine, the workers and the web app all read the same
objects from the registry, so nothing may change them behind another process's back. Plugins build
definitions in Python; `hamyar.core.workflow.dcworkflow` reads and writes them as GenericSetup XML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from hamyar.core.workflow.expression import Expression


class Trigger(StrEnum):
    """Who fires a transition: a person (USER) or the engine after every change (AUTOMATIC)."""

    USER = "USER"
    AUTOMATIC = "AUTOMATIC"


@dataclass(frozen=True)
class Guard:
    """Who may take a transition or see a worklist.

    As in DCWorkflow, each part is optional and the parts combine with AND: the actor needs one
    of the permissions, one of the roles, one of the groups, and the expression must hold.
    An empty guard lets everyone through.
    """

    permissions: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    expression: Expression | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.permissions or self.roles or self.groups or self.expression)


@dataclass(frozen=True)
class State:
    """A workflow state: who holds which permission while an object is in it."""

    id: str
    title: str = ""
    description: str = ""
    transitions: tuple[str, ...] = ()
    """Exit transitions, in the order automatic ones are tried (DCWorkflow's order)."""
    permission_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    acquired_permissions: frozenset[str] = frozenset()
    """Permissions whose roles are also acquired from the container (kept for XML round trips)."""
    group_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    """Variable values assigned on entering the state (DCWorkflow `<assignment>`)."""
    title_en: str = ""
    terminal: bool = False
    """A state a case or task rests in when done (resolved, closed, rejected): SLAs stop here."""
    done: bool = False
    """Reaching it finishes the work (a task's `done`, a visit `booked`), as opposed to ending
    it otherwise (handed back, rejected, cancelled): a case resolves once its tasks are all
    terminal and one is done. A done state is terminal. Written to definition.xml as
    `hamyar:done="True"`, which Plone ignores."""

    def roles_with(self, permission: str) -> tuple[str, ...]:
        return tuple(self.permission_roles.get(permission, ()))


@dataclass(frozen=True)
class Transition:
    """A move between states. An empty `new_state` means "stay" (DCWorkflow's remain-in-state)."""

    id: str
    title: str = ""
    description: str = ""
    new_state: str = ""
    trigger: Trigger = Trigger.USER
    guard: Guard = field(default_factory=Guard)
    handler: str | None = None
    """Name of a registered handler a worker runs after the transition commits."""
    action_url: str = ""
    actbox_name: str = ""
    actbox_category: str = "workflow"
    before_script: str = ""
    after_script: str = ""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Variable id → expression text evaluated on taking the transition (kept verbatim)."""
    title_en: str = ""
    requires_comment: bool = False
    """A person must say why (rejecting a referral, "not responsible", a consent override)."""


@dataclass(frozen=True)
class Worklist:
    """A named queue: objects whose variables match, visible to those the guard lets through."""

    id: str
    title: str = ""
    description: str = ""
    matches: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Variable id → accepted values; `state` (the state variable) is the usual one."""
    guard: Guard = field(default_factory=Guard)
    action_url: str = ""
    actbox_name: str = ""
    actbox_category: str = "global"
    title_en: str = ""


@dataclass(frozen=True)
class Variable:
    """A workflow variable, with DCWorkflow's flags."""

    id: str
    description: str = ""
    default_value: str = ""
    default_expr: str = ""
    for_catalog: bool = False
    for_status: bool = False
    update_always: bool = False
    guard: Guard = field(default_factory=Guard)
    type: str = ""


class WorkflowError(Exception):
    """A definition that cannot work: a transition to a missing state, no initial state, …"""


@dataclass(frozen=True)
class WorkflowDefinition:
    """One workflow: states, transitions, worklists, variables and the initial state."""

    id: str
    title: str = ""
    description: str = ""
    initial_state: str = ""
    state_variable: str = "review_state"
    states: Mapping[str, State] = field(default_factory=dict)
    transitions: Mapping[str, Transition] = field(default_factory=dict)
    worklists: Mapping[str, Worklist] = field(default_factory=dict)
    variables: Mapping[str, Variable] = field(default_factory=dict)
    permissions: tuple[str, ...] = ()
    """Permissions the workflow manages."""
    groups: tuple[str, ...] = ()
    """Groups the workflow assigns local roles to."""
    manager_bypass: bool = False
    title_en: str = ""
    warnings: tuple[str, ...] = ()
    """What an import could not carry over faithfully (unsupported guard expressions, …)."""

    @classmethod
    def build(
        cls,
        id: str,
        *,
        states: Iterable[State],
        transitions: Iterable[Transition],
        initial_state: str,
        worklists: Iterable[Worklist] = (),
        variables: Iterable[Variable] = (),
        **fields: Any,
    ) -> WorkflowDefinition:
        """Build from sequences (the natural way to write one in a plugin) and validate."""
        definition = cls(
            id=id,
            initial_state=initial_state,
            states={s.id: s for s in states},
            transitions={t.id: t for t in transitions},
            worklists={w.id: w for w in worklists},
            variables={v.id: v for v in variables},
            **fields,
        )
        definition.validate()
        return definition

    def validate(self) -> None:
        """Refuse a definition that would strand an object; raise WorkflowError saying where."""
        if not self.states:
            raise WorkflowError(f"workflow {self.id!r} has no states")
        if self.initial_state not in self.states:
            raise WorkflowError(
                f"workflow {self.id!r}: initial state {self.initial_state!r} "
                "is not one of its states"
            )
        for state in self.states.values():
            for tid in state.transitions:
                if tid not in self.transitions:
                    raise WorkflowError(
                        f"workflow {self.id!r}: state {state.id!r} "
                        f"exits by unknown transition {tid!r}"
                    )
        for state in self.states.values():
            if state.done and not state.terminal:
                raise WorkflowError(
                    f"workflow {self.id!r}: state {state.id!r} is flagged done but is not "
                    "terminal; a finished task rests where it is (flag it terminal too)"
                )
        for transition in self.transitions.values():
            if transition.new_state and transition.new_state not in self.states:
                raise WorkflowError(
                    f"workflow {self.id!r}: transition {transition.id!r} leads to unknown state "
                    f"{transition.new_state!r}"
                )

    def state(self, state_id: str) -> State:
        try:
            return self.states[state_id]
        except KeyError:
            raise WorkflowError(f"workflow {self.id!r} has no state {state_id!r}") from None

    def exits(self, state_id: str, trigger: Trigger | None = None) -> list[Transition]:
        """The transitions leaving a state, in the state's order, optionally of one trigger."""
        found = [self.transitions[t] for t in self.state(state_id).transitions]
        return [t for t in found if trigger is None or t.trigger == trigger]

    def target(self, transition: Transition, current: str) -> str:
        return transition.new_state or current

    # Definitions are frozen, so what every step looks up can be worked out once per definition.
    @cached_property
    def terminal_states(self) -> frozenset[str]:
        return frozenset(s.id for s in self.states.values() if s.terminal)

    @cached_property
    def done_states(self) -> frozenset[str]:
        """The states that finish the work: those flagged `done`. A workflow flagging none (one
        written before the flag, or imported from Plone) keeps the old rule: a terminal state
        named `done`."""
        flagged = frozenset(s.id for s in self.states.values() if s.done)
        return flagged or (self.terminal_states & {"done"})

    @cached_property
    def automatic_exits(self) -> Mapping[str, tuple[Transition, ...]]:
        """State id → its AUTOMATIC exits, in the order they are tried."""
        return {s: tuple(self.exits(s, Trigger.AUTOMATIC)) for s in self.states}
