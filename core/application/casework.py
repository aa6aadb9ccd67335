"""Casework beyond a workflow's buttons: notes, corrections, reopening, duplicates.

Each is a command like those in `commands`: it validates the input and the actor's right to
act (`hamyar.core.auth.access`), calls the engine, and runs in the given unit of work, which
commits once and then announces. Reopening and duplicates are transitions of the case
workflow that need more than a comment — which tasks act again, which case is the original —
so `commands.take_transition` hands them to these commands rather than taking them bare.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from hamyar.core.application.commands import Transitioned
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases import corrections, notes
from hamyar.core.cases.dedupe import NOT_DUPLICATE_OF
from hamyar.core.cases.listing import resolve_neighbourhood
from hamyar.core.engine.outbox import ROUTE_CASE
from hamyar.core.engine.transition import apply_transition, available_transitions, reopen_task
from hamyar.core.exceptions import (
    CommentRequired,
    InvalidInput,
    NotFound,
    StaleVersion,
    TransitionNotAvailable,
)
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, CaseNote, Task
from hamyar.core.text.input_limits import parse_id
from hamyar.core.text.tracking_codes import is_valid_tracking_code

REOPEN = "reopen"
MARK_DUPLICATE = "mark_duplicate"
NOT_DUPLICATE = "not_duplicate"
FORM_TRANSITIONS = frozenset({REOPEN, MARK_DUPLICATE})
"""Case transitions that need a form of their own (tasks to pick, an original to find)."""
REOPENABLE_STATES = frozenset({"done"})
"""A task that finished its work (in a state its workflow flags `done`) acts again; one that
handed the case back or was cancelled said it has nothing to do. These names stand in only for a
workflow no plugin registers any more."""


def _stale(item: Case | Task, version: int | None) -> None:
    if version is not None and version != item.version:
        raise StaleVersion(
            f"this item changed (version {item.version}, you had {version}); "
            "reload it and try again"
        )


def add_note(
    uow: UnitOfWork, actor: Actor, case_id: int, *, text: str, visibility: str = "agency"
) -> CaseNote:
    """Write a note on a case, moving nothing. 404 unseen case; 403 for those who may not
    work on it (auditors, uninvolved agencies); 422 bad text or visibility."""
    with uow:
        case, allowed = access.get_case(uow.session, actor, case_id)
        access.require_case_worker(actor, allowed)
        return notes.add_note(uow.session, actor, case, allowed, text=text, visibility=visibility)


def edit_case(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    version: int | None,
    title: str | None = None,
    description: str | None = None,
    neighbourhood: int | str | None = None,
    data: dict[str, Any] | None = None,
) -> tuple[Case, list[str]]:
    """Correct a case; return it and the fields that changed. 409 stale version; 422 bad
    fields (each named), including form answers the service's schema refuses."""
    with uow:
        session = uow.session
        case, allowed = access.get_case(session, actor, case_id)
        access.require_case_worker(actor, allowed)
        _stale(case, version)
        neighbourhood_id = (
            None if neighbourhood in (None, "") else resolve_neighbourhood(session, neighbourhood)
        )
        changed = corrections.correct_case(
            session,
            uow.registry,
            actor,
            case,
            title=title,
            description=description,
            neighbourhood_id=neighbourhood_id,
            data=data,
            version=version,
        )
        return case, changed


def reopenable_tasks(uow_session: Any, case: Case, registry: Registry) -> list[Task]:
    """The case's tasks that finished their work (in a state their workflow flags done): those
    a reopening may send back to it."""
    rows = uow_session.exec(select(Task).where(Task.case_id == case.id).order_by(col(Task.id)))
    return [t for t in rows.all() if t.state in _done_states(registry, t.workflow_id)]


def _done_states(registry: Registry, workflow_id: str) -> frozenset[str]:
    definition = registry.workflows.get(workflow_id)
    return definition.done_states if definition else REOPENABLE_STATES


def reopen_case(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    comment: str,
    version: int | None = None,
    tasks: list[int] | None = None,
) -> Transitioned:
    """Reopen a resolved case together with the tasks that must act again (all finished ones
    when `tasks` is None), so the case stays open until they finish again.

    The tasks go back first: were the case reopened with none open, its automatic `resolve`
    would close it again at once.
    """
    with uow:
        session = uow.session
        case, _allowed = access.get_case(session, actor, case_id, lock=True)  # before its tasks
        access.require_writer(actor)
        _stale(case, version)
        if REOPEN not in {t.id for t in available_transitions(session, case, actor, uow.registry)}:
            # The engine says why (not from this state, or not yours to take), writing nothing.
            apply_transition(session, case, REOPEN, actor, uow.registry, comment=comment)
            raise TransitionNotAvailable(f"{REOPEN!r} is not available on this case")
        if not comment.strip():
            raise CommentRequired("'reopen' needs a comment saying why")
        finished = {t.id: t for t in reopenable_tasks(session, case, uow.registry)}
        if not finished:
            raise InvalidInput(
                "no task of this case has finished, so none can act again",
                [{"field": "tasks", "message": "no finished task"}],
            )
        chosen = list(finished) if tasks is None else list(dict.fromkeys(tasks))
        unknown = [i for i in chosen if i not in finished]
        if unknown or not chosen:
            raise InvalidInput(
                "pick at least one of this case's finished tasks to act again"
                if not chosen
                else f"task {unknown[0]} is not a finished task of this case",
                [{"field": "tasks", "message": "pick finished tasks of this case"}],
            )
        events = []
        for task_id in chosen:
            events += reopen_task(session, finished[task_id], actor, uow.registry, comment=comment)
        events += apply_transition(
            session, case, REOPEN, actor, uow.registry, comment=comment, expected_version=version
        )
        uow.announce(events)
    return Transitioned(target=case, case=case, events=events)


def _find_original(session: Any, actor: Actor, original: int | str) -> Case:
    """The case named by id or tracking code, if the actor may see it; else InvalidInput."""
    found: Case | None = None
    text = str(original).strip()
    if isinstance(original, str) and is_valid_tracking_code(text):
        found = session.exec(select(Case).where(Case.tracking_code == text)).first()
    elif (case_id := parse_id(text)) is not None:
        found = session.get(Case, case_id)
    if found is not None and found.id is not None:
        try:
            access.get_case(session, actor, found.id)
        except NotFound:
            found = None
    if found is None:
        raise InvalidInput(
            f"no case {text!r} that you may see; give the original's id or tracking code",
            [{"field": "original", "message": "unknown case"}],
        )
    return found


def mark_duplicate(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    original: int | str,
    version: int | None = None,
    comment: str = "",
) -> Transitioned:
    """Mark a case as a repeat of `original` (id or tracking code), recording the original.

    422 for an unknown original, the case itself, or an original that is itself a duplicate
    (name the case it repeats instead); 409 stale version; 403 / 422 as the workflow says.
    """
    with uow:
        session = uow.session
        case, _allowed = access.get_case(session, actor, case_id)
        access.require_writer(actor)
        _stale(case, version)
        found = _find_original(session, actor, original)
        if found.id == case.id:
            raise InvalidInput(
                "a case cannot be a duplicate of itself",
                [{"field": "original", "message": "the case itself"}],
            )
        if found.duplicate_of_id is not None or found.state == "duplicate":
            raise InvalidInput(
                f"case {found.tracking_code} is itself a duplicate; mark this one as a duplicate "
                "of the case it repeats",
                [{"field": "original", "message": "itself a duplicate"}],
            )
        case.duplicate_of_id = found.id
        text = comment.strip() or f"تکرار پرونده {found.tracking_code}"
        events = apply_transition(
            session,
            case,
            MARK_DUPLICATE,
            actor,
            uow.registry,
            comment=text,
            expected_version=version,
        )
        uow.announce(events)
    return Transitioned(target=case, case=case, events=events)


def undo_duplicate(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    version: int | None = None,
    comment: str = "",
) -> Transitioned:
    """ "Not a duplicate": unlink the original and send the case back to routing.

    The case returns to `new` and a route step is written to the outbox in the same
    transaction; routing will not mark it a repeat of the same original again.
    """
    with uow:
        session = uow.session
        case, _allowed = access.get_case(session, actor, case_id)
        access.require_writer(actor)
        _stale(case, version)
        if case.state != "duplicate":
            raise TransitionNotAvailable("this case is not marked as a duplicate")
        original = case.duplicate_of_id
        case.duplicate_of_id = None
        case.variables = {**case.variables, NOT_DUPLICATE_OF: original or 0}
        events = apply_transition(
            session,
            case,
            NOT_DUPLICATE,
            actor,
            uow.registry,
            comment=comment,
            expected_version=version,
        )
        step = ROUTE_CASE.message({"case_id": case.id}, priority=case.priority, case_id=case.id)
        step.key = f"{step.key}:again:{case.version}"
        session.add(step)
        uow.dispatch([step.key])
        uow.announce(events)
    return Transitioned(target=case, case=case, events=events)
