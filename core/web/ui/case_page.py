"""The case page: details, each agency's task, the history, and the buttons I may press.

A button press is a form post (it works without JavaScript; htmx swaps the case in place).
Whatever the engine refuses comes back as the same page with a banner saying why — above all a
stale version (409): someone else moved the case first, and the page now shows what they did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from hamyar.core.application import attachments, commands
from hamyar.core.auth import access
from hamyar.core.auth.access import CaseAccess
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.status import is_overdue
from hamyar.core.engine.transition import available_transitions
from hamyar.core.exceptions import (
    CommentRequired,
    GuardRefused,
    HamyarError,
    NotFound,
    StaleVersion,
    TransitionNotAvailable,
)
from hamyar.core.i18n import form_schema, gettext, localized
from hamyar.core.i18n.history import action_title, entry_comment
from hamyar.core.plugin.manager import Plugins
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Agency, Case, HistoryEntry, Neighbourhood, Task, utcnow
from hamyar.core.text.input_limits import parse_id
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui import case_routing
from hamyar.core.web.ui.casework_view import casework_view
from hamyar.core.web.ui.ownership import history_title
from hamyar.core.web.ui.page import (
    FormData,
    Message,
    form_value,
    is_htmx,
    locale_of,
    plugins_of,
    render,
    t,
)
from hamyar.core.web.ui.schema_form import agency_titles, answer_text
from hamyar.core.web.ui.task_rows import ownership_views
from hamyar.core.workflow import State, Transition, WorkflowDefinition


@dataclass
class TaskView:
    task: Task
    reason: str
    """The task's reason, or "" when the actor may not read it (`access.may_read_reason`)."""
    agency: Any
    service: Any
    state: State
    terminal: bool
    overdue: bool
    transitions: list[Transition]


@dataclass
class HistoryView:
    action_title: str
    to_state_title: str
    actor: str
    comment: str
    automatic: bool
    created_at: Any
    to_state: str | None
    agency: Any = None
    action: str = ""
    note: str = ""
    """The engine's own words for the entry (`core.i18n.history`), in the page's language."""


@dataclass
class CaseView:
    case_state: State
    case_state_terminal: bool
    service: Any
    agency: Any
    neighbourhood: Neighbourhood | None
    case_transitions: list[Transition]
    tasks: list[TaskView] = field(default_factory=list)
    history: list[HistoryView] = field(default_factory=list)
    data_rows: list[tuple[str, str, bool]] = field(default_factory=list)
    """(label, value, typed): `typed` marks what a person wrote (data, not interface text)."""


def _state(definition: WorkflowDefinition | None, state_id: str) -> tuple[State, bool]:
    if definition is None or state_id not in definition.states:
        return State(id=state_id, title=state_id, title_en=state_id), False
    return definition.states[state_id], state_id in definition.terminal_states


def _title_of(definition: WorkflowDefinition | None, item: str, kind: str, locale: str) -> str:
    found = None
    if definition is not None:
        found = (definition.transitions if kind == "transition" else definition.states).get(item)
    if found is None:
        return gettext(locale, case_routing.ENGINE_ACTIONS.get(item, item))
    return localized(locale, found.title, found.title_en) or item


def _is_choice(node: dict[str, Any]) -> bool:
    """Whether a form field's schema offers fixed choices (an enum, directly or by reference)."""
    parts = [node, *node.get("anyOf", []), *node.get("allOf", [])]
    return any("enum" in p or "$ref" in p or "const" in p for p in parts if isinstance(p, dict))


def _data_rows(registry: Registry, case: Case, locale: str) -> list[tuple[str, str, bool]]:
    """The service form's answers, labelled with the form's own titles and choice labels."""
    spec = registry.services.get(case.service_code)
    nodes = form_schema.properties(spec.form_schema()) if spec else {}
    agencies = agency_titles(registry)
    rows = []
    for name, value in (case.data or {}).items():
        if value is None or value == "" or value == []:
            continue
        node = nodes.get(name, {})
        label = form_schema.title(node, locale, name)
        typed = isinstance(value, str) and not _is_choice(node)
        rows.append((label, answer_text(node, value, locale, agencies), typed))
    return rows


def build_view(
    db: Session, plugins: Plugins, actor: Actor, case: Case, allowed: CaseAccess, locale: str
) -> CaseView:
    """Everything the page shows, cut to what `allowed` lets the actor read."""
    registry = plugins.registry
    writer = access.may_write(actor)
    agencies = {a.code: a for a in db.exec(select(Agency)).all()}
    case_definition = workflow_versions.definition_or_none(db, registry, case)
    state, terminal = _state(case_definition, case.state)
    view = CaseView(
        case_state=state,
        case_state_terminal=terminal,
        service=registry.services.get(case.service_code),
        agency=agencies.get(case.agency_code or ""),
        neighbourhood=db.get(Neighbourhood, case.neighbourhood_id)
        if case.neighbourhood_id
        else None,
        case_transitions=(
            [
                tr
                for tr in available_transitions(db, case, actor, registry)
                if tr.id not in commands.FORM_TRANSITIONS  # they open their own form
            ]
            if writer and case_definition is not None
            else []
        ),
        data_rows=_data_rows(registry, case, locale) if allowed.content else [],
    )
    now = utcnow()
    tasks = _tasks(db, case)
    definitions = {
        task.id: workflow_versions.definition_or_none(db, registry, task) for task in tasks
    }
    for task in tasks:
        task_state, task_terminal = _state(definitions[task.id], task.state)
        view.tasks.append(
            TaskView(
                task=task,
                reason=task.reason if access.may_read_reason(allowed, task) else "",
                agency=agencies.get(task.agency_code),
                service=registry.services.get(task.service_code),
                state=task_state,
                terminal=task_terminal,
                overdue=is_overdue(task.due_at, task.resolved_at, now),
                transitions=(
                    available_transitions(db, task, actor, registry)
                    if writer and definitions[task.id] is not None
                    else []
                ),
            )
        )
    workflows = {task.id: (definitions[task.id], task.agency_code) for task in tasks}
    by_id = {task.id: task for task in tasks}
    entries = db.exec(
        select(HistoryEntry)
        .where(col(HistoryEntry.case_id) == case.id)
        .order_by(col(HistoryEntry.id))
    ).all()
    for entry in entries:
        definition, agency = workflows.get(entry.task_id, (case_definition, None))
        readable = access.may_read_comment(allowed, entry.action, by_id.get(entry.task_id))
        note, comment = entry_comment(locale, entry.action, entry.comment, entry.params)
        view.history.append(
            HistoryView(
                action_title=(
                    t_create(locale)
                    if entry.action == "create"
                    else history_title(locale, entry.action)
                    or action_title(locale, entry.action)
                    or _title_of(definition, entry.action, "transition", locale)
                ),
                to_state_title=_title_of(definition, entry.to_state or "", "state", locale),
                actor=entry.actor,
                comment=comment if readable else "",
                note=note if readable else "",
                automatic=entry.automatic,
                created_at=entry.created_at,
                to_state=entry.to_state,
                agency=agencies.get(agency) if agency else None,
                action=entry.action,
            )
        )
    return view


def _tasks(db: Session, case: Case) -> list[Task]:
    return list(db.exec(select(Task).where(Task.case_id == case.id).order_by(Task.id)).all())  # type: ignore[arg-type]


def t_create(locale: str) -> str:
    return gettext(locale, "Case opened")


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    plugins: Plugins,
    actor: Actor,
    case_id: int,
    *,
    status_code: int = 200,
    messages: list[Message] | None = None,
    comment: str = "",
    task_id: int | None = None,
    edit_values: dict[str, Any] | None = None,
    edit_errors: dict[str, str] | None = None,
    **extra: Any,
) -> Template:
    case, allowed = access.get_case(db, actor, case_id)
    extra.setdefault("note_text", "")
    extra.setdefault("edit_form", None)
    locale = locale_of(request)
    view = build_view(db, plugins, actor, case, allowed, locale)
    casework = casework_view(
        db,
        plugins,
        actor,
        case,
        allowed,
        view,
        locale,
        edit_values=edit_values,
        edit_errors=edit_errors,
    )
    title = case.title if allowed.content else t(request, "Confidential case")
    extra.setdefault(
        "files",
        {
            "rows": attachments.attachments_of(db, allowed, case),
            "readable": access.may_read_attachments(allowed),
            "may_attach": access.may_work_on(actor, allowed),
            "may_publish": access.may_publish_attachment(actor, allowed, case),
            "max_mb": max(1, round(request.app.state["app"].settings.media_max_bytes / 2**20)),
        },
    )
    return render(
        request,
        "case.html",
        actor=actor,
        status_code=status_code,
        case=case,
        view=view,
        allowed=allowed,
        title=title,
        messages=messages or [],
        comment=comment,
        task_id=task_id,
        page_title=title,
        routing=case_routing.routing_view(
            db, plugins, actor, case, [v.task for v in view.tasks], locale
        ),
        casework=casework,
        edit_errors=edit_errors or {},
        ownership=ownership_views(db, actor, [t.task for t in view.tasks], locale_of(request)),
        **extra,
    )


@get("/cases/{case_id:int}", name="ui:case", sync_to_thread=True)
def case_page(
    request: Request[Any, Any, Any], db: DbDep, actor: ActorDep, case_id: FromPath[Id]
) -> Template:
    plugins = plugins_of(request)
    return _page(request, db, plugins, actor, case_id)


def _int(value: str | None) -> int | None:
    """A form's id or version: ASCII digits within the column's range, else None."""
    return parse_id(value) if value else None


@post(
    "/cases/{case_id:int}/transitions",
    name="ui:case-transition",
    sync_to_thread=True,
    status_code=303,
)
def take(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    """Take the pressed transition on the case or one of its tasks, at the version shown."""
    plugins = plugins_of(request)
    access.require_writer(actor)  # a reader is refused outright, not shown the page again
    db = uow.session
    task_id = _int(form_value(data, "task"))
    comment = form_value(data, "comment")
    version = _int(form_value(data, "version"))
    target: Case | Task | None = db.get(Task, task_id) if task_id else db.get(Case, case_id)
    current = target.version if target is not None else None
    try:
        commands.take_transition(
            uow,
            actor,
            "task" if task_id else "case",
            task_id or case_id,
            form_value(data, "transition"),
            comment=comment,
            version=version,
            case_id=case_id,
        )
    except (StaleVersion, TransitionNotAvailable, GuardRefused, CommentRequired) as exc:
        if not isinstance(exc, StaleVersion) and (version is None or version == current):
            return _page(
                request,
                db,
                plugins,
                actor,
                case_id,
                status_code=exc.status_code,
                messages=[Message(_refusal(request, exc), "error")],
                comment=comment,
                task_id=task_id,
            )
        # The page was stale: whatever else the engine says, the news is that someone moved
        # the case first (the step may simply no longer leave the state they moved it to).
        message = Message(
            t(
                request,
                "Someone else changed this case first. The page now shows "
                "the latest version: check it, then try again.",
            ),
            "conflict",
        )
        return _page(
            request,
            db,
            plugins,
            actor,
            case_id,
            status_code=409,
            messages=[message],
            comment=comment,
            task_id=task_id,
        )
    except NotFound:
        raise
    except HamyarError as exc:
        message = Message(_refusal(request, exc), "error")
        return _page(
            request,
            db,
            plugins,
            actor,
            case_id,
            status_code=exc.status_code,
            messages=[message],
            comment=comment,
            task_id=task_id,
        )
    if is_htmx(request):
        db.expire_all()
        return _page(request, db, plugins, actor, case_id)
    return Redirect(f"/cases/{case_id}", status_code=303)


def _refusal(request: Request[Any, Any, Any], exc: HamyarError) -> str:
    if isinstance(exc, CommentRequired):
        return t(request, "This step needs a comment saying why.")
    if isinstance(exc, GuardRefused):
        return t(request, "You may not take this step on this case.")
    if isinstance(exc, TransitionNotAvailable):
        return t(request, "This step is no longer available: the case has moved on.")
    return str(exc)


render_case_page = _page
"""The case page (with banners, a comment kept, a form's errors): for the casework forms."""
