"""Short constructors for the states and transitions Hamyar's workflows are made of.

Every workflow the core and the agency plugins ship follows the same conventions: a Persian
title with an English one beside it, and one permission map per state that `hamyar.core.auth.
access` reads (docs/access.md): everyone who reads cases may know the object exists (Access
contents information), the staff of the object's agency and its Owner read it (View), both
also acquired from the case's service (so a non-confidential service shares it with every
member of staff), and `modify` may change it (notes, corrections) in every state, terminal ones
included, since a closed case still takes a note. Writing them through these helpers keeps the
conventions in one place, so a workflow module reads as its states and transitions and nothing
else. A definition that needs something
else (a guard mixing roles and an expression, worklists) builds `State` and `Transition` directly.
"""

from __future__ import annotations

from hamyar.core.workflow import roles as R
from hamyar.core.workflow.definition import Guard, State, Transition, Trigger
from hamyar.core.workflow.expression import Expression

NOT_RESPONSIBLE = "not_responsible"
"""The transition `hamyar.core.routing.router.return_to_triage` takes: every task workflow needs
it."""


def when(expression_text: str) -> Guard:
    """A guard that holds when the expression does (`"open_tasks == 0"`); raises on bad syntax."""
    return Guard(expression=Expression.parse(expression_text))


def agency_state(
    id: str,
    fa: str,
    en: str,
    exits: tuple[str, ...] = (),
    *,
    modify: tuple[str, ...] = R.WORKERS,
    view: tuple[str, ...] = (*R.WORKERS, R.OWNER),
    access: tuple[str, ...] = (*R.READERS, R.OWNER),
    acquired: frozenset[str] = frozenset({R.ACCESS, R.VIEW}),
    terminal: bool = False,
    done: bool = False,
) -> State:
    """A state whose map grants Access contents information to `access`, View to `view` and
    Modify to `modify` (by default the agency's workers), `acquired` permissions also coming
    from the case's service.

    `exits` are the transitions leaving it, in the order automatic ones are tried. `done` marks
    the state that finishes the work (a task there counts as done, and its case may resolve); a
    done state is terminal.
    """
    terminal = terminal or done
    return State(
        id=id,
        title=fa,
        title_en=en,
        transitions=exits,
        permission_roles={R.ACCESS: access, R.VIEW: view, R.MODIFY: modify},
        acquired_permissions=acquired,
        terminal=terminal,
        done=done,
    )


def user_transition(
    id: str,
    fa: str,
    en: str,
    to: str,
    roles: tuple[str, ...],
    *,
    comment: bool = False,
    handler: str | None = None,
) -> Transition:
    """A transition a person holding one of `roles` takes; `comment` makes them say why."""
    return Transition(
        id=id,
        title=fa,
        title_en=en,
        new_state=to,
        guard=Guard(roles=roles),
        requires_comment=comment,
        handler=handler,
    )


def automatic_transition(
    id: str,
    fa: str,
    en: str,
    to: str,
    *,
    condition: str | None = None,
    handler: str | None = None,
) -> Transition:
    """A transition the engine takes by itself as soon as `condition` holds (always, if none).

    With a `handler`, a worker runs it after the move commits; the handler usually takes the
    next step, so a state such as "booking" or "assessing" is left without anyone acting.
    """
    return Transition(
        id=id,
        title=fa,
        title_en=en,
        new_state=to,
        trigger=Trigger.AUTOMATIC,
        guard=when(condition) if condition is not None else Guard(),
        handler=handler,
    )


def not_responsible() -> Transition:
    """An agency hands its task back, saying why ("not responsible"), into `returned_state`.

    The case's coordinators see the reason, and the case returns to triage when no other agency
    is still working on it.
    """
    return user_transition(
        NOT_RESPONSIBLE,
        "خارج از حیطه مسئولیت",
        "Not responsible",
        "returned",
        R.WORKERS,
        comment=True,
    )


def returned_state() -> State:
    """Where a task rests once its agency handed it back."""
    return agency_state("returned", "عدم مسئولیت", "Not responsible", terminal=True)
