"""Applying a transition: the one place a case or task changes state.

Everything a transition writes — the new state and version, the history entry, the outbox rows
for work that must follow — goes into the caller's database transaction, so it all lands or none
of it does. The version check is part of the UPDATE itself, which is what keeps two processes
from applying the same step twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, Update, bindparam, inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.auth.permission_map import HeldTask
from hamyar.core.engine import history, notifications
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.guard_context import (
    HEAD_AND_COUNTS,
    CaseHead,
    GuardNames,
    Target,
    agency_of,
    roles_on,
    tally,
)
from hamyar.core.engine.outbox import RUN_HANDLER
from hamyar.core.exceptions import (
    AutomaticCycle,
    CommentRequired,
    GuardRefused,
    StaleVersion,
    TransitionNotAvailable,
)
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task, utcnow
from hamyar.core.storage.workflow_versions import workflow_of
from hamyar.core.workflow import Transition, Trigger, WorkflowDefinition, guard_allows

MAX_AUTOMATIC_STEPS = 25


def available_transitions(
    session: Session, target: Target, actor: Actor, registry: Registry
) -> list[Transition]:
    """The user transitions `actor` may take now, in the state's order (the buttons to show)."""
    definition = workflow_of(session, registry, target)
    state = definition.state(target.state)
    names = GuardNames(session, target, actor, registry)
    roles = roles_on(actor, target)
    return [
        t
        for t in definition.exits(target.state, Trigger.USER)
        if guard_allows(
            t.guard, workflow=definition, state=state, roles=roles, groups=actor.groups, names=names
        )
    ]


def apply_transition(
    session: Session,
    target: Target,
    transition_id: str,
    actor: Actor,
    registry: Registry,
    *,
    comment: str = "",
    expected_version: int | None = None,
    case_tasks: Sequence[HeldTask] | None = None,
) -> list[TransitionEvent]:
    """Take a USER transition, then every automatic one that follows; return what happened.

    Raises StaleVersion (409), TransitionNotAvailable (422), GuardRefused (403) or
    CommentRequired (422) before writing anything. The caller commits, then tells observers.
    `case_tasks`, for a task: its case's tasks as read with the case locked
    (`access.get_task_to_move`), with no task opened since in this transaction; the case's
    automatic step then counts them, with this task in its new state, instead of asking the
    database again.
    """
    # A stale page is told so first: what it offered may no longer apply to the new state.
    if expected_version is not None and expected_version != target.version:
        raise StaleVersion(
            f"this item changed (version {target.version}, you had {expected_version}); "
            "reload it and try again"
        )
    definition = workflow_of(session, registry, target)
    state = definition.state(target.state)
    transition = definition.transitions.get(transition_id)
    if transition is None or transition_id not in state.transitions:
        raise TransitionNotAvailable(
            f"transition {transition_id!r} does not leave state {target.state!r}"
        )
    if transition.trigger != Trigger.USER:
        raise TransitionNotAvailable(f"transition {transition_id!r} is automatic")
    names = GuardNames(session, target, actor, registry)
    roles = roles_on(actor, target)
    if not guard_allows(
        transition.guard,
        workflow=definition,
        state=state,
        roles=roles,
        groups=actor.groups,
        names=names,
    ):
        raise GuardRefused(f"you may not {transition_id!r} this item in state {target.state!r}")
    if transition.requires_comment and not comment.strip():
        raise CommentRequired(f"{transition_id!r} needs a comment saying why")

    events = [_move(session, target, definition, transition, actor, comment, automatic=False)]
    events += fire_automatic(session, target, actor, registry)
    if isinstance(target, Task):
        # The case's automatic step (back to triage, resolved) records what caused it.
        cause = f"{target.agency_code}: {comment}" if comment.strip() else ""
        events += _fire_case_after(session, target, registry, cause, case_tasks)
    return events


def _fire_case_after(
    session: Session,
    task: Task,
    registry: Registry,
    comment: str,
    case_tasks: Sequence[HeldTask] | None = None,
) -> list[TransitionEvent]:
    """Fire the case's automatic transitions after one of its tasks moved.

    One query reads the case's state and its task counts; the case itself is loaded only
    when a guard needs more of it or a transition fires. With the case in the session and its
    tasks as read under the case's lock, no query at all.
    """
    case = _in_session(session, Case, task.case_id)
    if case is not None:
        counts = _counts_after_move(session, task, registry, case_tasks)
        return _fire_automatic(session, case, SYSTEM, registry, comment=comment, counts=counts)
    rows = session.execute(HEAD_AND_COUNTS, {"case_id": task.case_id}).all()
    if not rows:
        raise AssertionError(f"task {task.id} has no case {task.case_id}")
    workflow_id, number, state_id, agency = rows[0][:4]
    head = CaseHead(
        id=task.case_id,
        workflow_id=workflow_id,
        workflow_version=number,
        state=state_id,
        agency_code=agency,
    )
    definition = workflow_of(session, registry, head)
    exits = definition.automatic_exits.get(state_id, ())
    if not exits:
        return []
    counts = tally([row[4:] for row in rows], registry, session)
    names = GuardNames(session, head, SYSTEM, registry, counts=counts)
    if not any(_passes(t, definition, head, SYSTEM, names) for t in exits):
        return []
    case = session.get(Case, task.case_id)
    assert case is not None
    return _fire_automatic(session, case, SYSTEM, registry, comment=comment, counts=counts)


def _counts_after_move(
    session: Session, task: Task, registry: Registry, case_tasks: Sequence[HeldTask] | None
) -> dict[str, int] | None:
    """The case's task counts from `case_tasks` with `task` in its new state; None (count them
    when a guard asks) without them, or when they do not hold the task.

    Only the moved task changes between the locked read and this count: its own automatic
    steps move only itself, handlers run later from the outbox, and moving the case moves no
    task. A caller that opens a task before the move must not pass `case_tasks`.
    """
    if case_tasks is None or not any(held.id == task.id for held in case_tasks):
        return None
    rows = [
        (
            held.workflow_id,
            held.workflow_version,
            task.state if held.id == task.id else held.state,
            1,
        )
        for held in case_tasks
    ]
    return tally(rows, registry, session)


def _in_session(session: Session, table: type[Case], object_id: int) -> Case | None:
    """The object if this session already holds it; never a query."""
    found = session.identity_map.get(session.identity_key(table, object_id))
    return found if isinstance(found, table) else None


def _passes(
    transition: Transition,
    definition: WorkflowDefinition,
    target: Target | CaseHead,
    actor: Actor,
    names: GuardNames,
) -> bool:
    return guard_allows(
        transition.guard,
        workflow=definition,
        state=definition.state(target.state),
        roles=roles_on(actor, target),
        groups=actor.groups,
        names=names,
    )


def fire_automatic(
    session: Session, target: Target, actor: Actor, registry: Registry, *, comment: str = ""
) -> list[TransitionEvent]:
    """Fire automatic transitions until none applies, first passing guard in state order.

    A definition whose automatic transitions loop is stopped with AutomaticCycle, and the
    caller's transaction rolls back: never a hang, never a half-applied chain.
    """
    return _fire_automatic(session, target, actor, registry, comment=comment)


def _fire_automatic(
    session: Session,
    target: Target,
    actor: Actor,
    registry: Registry,
    *,
    comment: str = "",
    counts: dict[str, int] | None = None,
) -> list[TransitionEvent]:
    """`fire_automatic`, with the case's task counts when the caller already read them (moving
    the case does not change them)."""
    definition = workflow_of(session, registry, target)
    automatic = definition.automatic_exits
    events: list[TransitionEvent] = []
    for _ in range(MAX_AUTOMATIC_STEPS):
        exits = automatic.get(target.state)
        if exits is None:
            definition.state(target.state)  # an unknown state: say so as before
        if not exits:
            return events
        names = GuardNames(session, target, actor, registry, counts=counts)
        chosen = next((t for t in exits if _passes(t, definition, target, actor, names)), None)
        if chosen is None:
            return events
        events.append(_move(session, target, definition, chosen, actor, comment, automatic=True))
    raise AutomaticCycle(
        f"workflow {definition.id!r}: automatic transitions still firing after "
        f"{MAX_AUTOMATIC_STEPS} steps (last state {target.state!r}); the definition loops"
    )


def _move(
    session: Session,
    target: Target,
    definition: WorkflowDefinition,
    transition: Transition,
    actor: Actor,
    comment: str,
    *,
    automatic: bool,
) -> TransitionEvent:
    """Write the state change, history entry and outbox rows; refuse a stale version.

    The target's own unsaved changes (routing sets the case's agency and due date) go into the
    same version-checked UPDATE; the object is then told its new values are what the database
    holds, so the session never writes the row a second time.
    """
    kind = "case" if isinstance(target, Case) else "task"
    from_state = target.state
    to_state = definition.target(transition, from_state)
    now = utcnow()
    terminal = definition.terminal_states
    variables = dict(target.variables)
    variables.update(definition.state(to_state).variables)
    values: dict[str, Any] = {
        "state": to_state,
        "version": target.version + 1,
        "updated_at": now,
        "variables": variables,
    }
    if to_state in terminal and from_state not in terminal:
        values["resolved_at"] = now
    elif to_state not in terminal:
        values["resolved_at"] = None
    instance = inspect(target)
    if instance.persistent:
        pending = {k: getattr(target, k) for k in instance.committed_state if k not in values}
        for key, value in pending.items():
            set_committed_value(target, key, value)
    else:  # not written yet: the flush below inserts it
        pending = {}
    with session.no_autoflush:
        session.flush()  # other pending rows (a new task) go first; nothing to do when clean
        changed = _versioned_update(
            session,
            type(target).__table__,  # type: ignore[union-attr]
            target.id,
            target.version,
            {**pending, **values},
        )
        if changed != 1:
            raise StaleVersion("this item was changed by someone else just now; reload it")
        for key, value in values.items():
            set_committed_value(target, key, value)
        case_id = target.id if isinstance(target, Case) else target.case_id
        task_id = target.id if isinstance(target, Task) else None
        assert target.id is not None and case_id is not None
        history.record(
            session,
            case_id=case_id,
            task_id=task_id,
            action=transition.id,
            actor=actor.username,
            comment=comment,
            from_state=from_state,
            to_state=to_state,
            version=target.version,
            automatic=automatic,
            at=now,
        )
    if isinstance(target, Case):  # the reporter hears of it in this same transaction
        notifications.case_moved(session, target, transition.id, to_state)
    if transition.handler:
        session.add(
            RUN_HANDLER.message(
                {
                    "handler": transition.handler,
                    "kind": kind,
                    "id": target.id,
                    "transition": transition.id,
                    "version": target.version,
                },
                priority=_priority(session, target),
                case_id=case_id,
            )
        )
    return TransitionEvent(
        kind=kind,
        object_id=target.id,
        case_id=case_id,
        agency=agency_of(target),
        transition=transition.id,
        actor=actor.username,
        from_state=from_state,
        to_state=to_state,
        version=target.version,
        comment=comment,
        automatic=automatic,
        at=now,
    )


_UPDATES: dict[str, tuple[Update, frozenset[str]]] = {}


def _versioned_update(
    session: Session, table: Table, row_id: int | None, version: int, values: dict[str, Any]
) -> int:
    """`UPDATE table SET … WHERE id = :_id AND version = :_expected`; the rows it changed
    (1, or 0 when the row was no longer at `version`).

    The statement is built once per table and its SET clause is the columns named in the
    parameters, so SQLAlchemy reuses its cache key instead of building and keying a new
    statement on every move. A name that is not a column would be dropped without a word
    there, so it is refused here instead.
    """
    built = _UPDATES.get(table.name)
    if built is None:
        statement = update(table).where(
            table.c.id == bindparam("_id"), table.c.version == bindparam("_expected")
        )
        built = _UPDATES[table.name] = (statement, frozenset(table.c.keys()))
    statement, columns = built
    if not columns.issuperset(values):
        unknown = ", ".join(sorted(set(values) - columns))
        raise ValueError(f"{table.name} has no column {unknown}")
    result = session.execute(statement, {"_id": row_id, "_expected": version, **values})
    return int(result.rowcount)  # type: ignore[attr-defined]


def _priority(session: Session, target: Target) -> int:
    if isinstance(target, Case):
        return target.priority
    case = session.get(Case, target.case_id)
    return case.priority if case else 0


REOPEN_TASK = "reopen"
"""The history action of a task sent back to work when its resolved case is reopened."""


def reopen_task(
    session: Session, task: Task, actor: Actor, registry: Registry, *, comment: str = ""
) -> list[TransitionEvent]:
    """Send a finished task back to its workflow's initial state, then fire what follows there.

    Reopening is the case's decision (its `reopen` transition), so it works on every task
    workflow, including plugins' that never declared a way back: the move is written like any
    transition (version-checked, with its history entry) and the task's automatic steps (a
    plugin's booking or eligibility handler) run again as they did when it first opened.
    """
    definition = workflow_of(session, registry, task)
    back = Transition(
        id=REOPEN_TASK,
        title="بازگشایی",
        title_en="Reopen",
        new_state=definition.initial_state,
    )
    events = [_move(session, task, definition, back, actor, comment, automatic=False)]
    events += fire_automatic(session, task, SYSTEM, registry)
    return events


def apply_correction(
    session: Session,
    case: Case,
    values: dict[str, Any],
    actor: Actor,
    entries: list[str],
    *,
    expected_version: int | None = None,
) -> int:
    """Write corrected fields of a case with a new version, one history entry per change.

    `entries` are the history comments, one per changed field (the caller says what changed,
    from what to what). StaleVersion (409) when the case is not at `expected_version`, or
    someone else wrote it between the read and this write. Returns the new version.
    """
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion(
            f"this item changed (version {case.version}, you had {expected_version}); "
            "reload it and try again"
        )
    now = utcnow()
    new = {**values, "version": case.version + 1, "updated_at": now}
    with session.no_autoflush:
        session.flush()
        changed = _versioned_update(
            session,
            Case.__table__,  # type: ignore[attr-defined]
            case.id,
            case.version,
            new,
        )
        if changed != 1:
            raise StaleVersion("this item was changed by someone else just now; reload it")
        for key, value in new.items():
            set_committed_value(case, key, value)
        assert case.id is not None
        for comment in entries:
            history.record(
                session,
                case_id=case.id,
                action="edit",
                actor=actor.username,
                comment=comment,
                version=case.version,
                at=now,
            )
    return case.version
