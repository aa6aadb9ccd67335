"""The case page's casework forms: a note, a correction, reopening with the tasks that act
again, marking a duplicate (with a search picker for the original), and retrying a failed step.

Each form runs one command of `hamyar.core.application.casework` (or `commands`); a refusal
comes back as the case page with a banner saying why — a stale version as "someone else
changed it first" — and with what the person typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlmodel import select

from hamyar.core.application import casework, commands
from hamyar.core.auth import access
from hamyar.core.cases.listing import CaseFilters, list_cases
from hamyar.core.exceptions import HamyarError, InvalidInput, NotFound, StaleVersion
from hamyar.core.storage.models import Case, Incident
from hamyar.core.text.folding import to_ascii_digits
from hamyar.core.text.input_limits import parse_id
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.case_page import render_case_page
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
from hamyar.core.web.ui.schema_form import PREFIX, data_from_form

PICKER_SIZE = 8


def _all(data: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def _run(
    request: Request[Any, Any, Any],
    uow: Any,
    actor: Any,
    case_id: int,
    command: Callable[[], object],
    done: str,
    **keep: Any,
) -> Template | Redirect:
    """Run a form's command; the case page again with a banner either way (htmx), or a
    redirect to it when it landed (a plain form post)."""
    plugins = plugins_of(request)
    access.require_writer(actor)  # a reader is refused outright, not shown the page again
    try:
        command()
    except NotFound:
        raise
    except StaleVersion:
        message = Message(
            t(
                request,
                "Someone else changed this case first. The page now shows "
                "the latest version: check it, then try again.",
            ),
            "conflict",
        )
        return render_case_page(
            request, uow.session, plugins, actor, case_id, status_code=409, messages=[message]
        )
    except HamyarError as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else []
        editing = "edit_form" in keep
        if editing and errors:
            text = t(request, "Please correct the marked fields.")
        else:
            text = "; ".join(t(request, e["message"]) for e in errors if e.get("message"))
            text = text or str(exc)
        by_field = {e.get("field", "").removeprefix(PREFIX): e.get("message", "") for e in errors}
        return render_case_page(
            request,
            uow.session,
            plugins,
            actor,
            case_id,
            status_code=exc.status_code,
            messages=[Message(text, "error")],
            edit_errors=by_field if editing else None,
            **keep,
        )
    if is_htmx(request):
        uow.session.expire_all()
        return render_case_page(
            request, uow.session, plugins, actor, case_id, messages=[Message(t(request, done))]
        )
    return Redirect(f"/cases/{case_id}", status_code=303)


@post("/cases/{case_id:int}/notes", name="ui:case-note", sync_to_thread=True, status_code=303)
def add_note(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    text, visibility = form_value(data, "text"), form_value(data, "visibility") or "agency"
    return _run(
        request,
        uow,
        actor,
        case_id,
        lambda: casework.add_note(uow, actor, case_id, text=text, visibility=visibility),
        "The note was added.",
        note_text=text,
    )


@post("/cases/{case_id:int}/edit", name="ui:case-edit", sync_to_thread=True, status_code=303)
def edit_case(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    plugins = plugins_of(request)
    case = uow.session.get(Case, case_id)
    spec = plugins.registry.services.get(case.service_code) if case else None
    schema = spec.form_schema() if spec else {}
    answers: dict[str, Any] | None = None
    if schema.get("properties"):
        answers = data_from_form(schema, _all(data))
        for name in schema["properties"]:  # an emptied answer is removed, not kept
            answers.setdefault(name, None)
    posted = {k.removeprefix(PREFIX): v for k, v in data.items() if k.startswith(PREFIX)}
    return _run(
        request,
        uow,
        actor,
        case_id,
        lambda: casework.edit_case(
            uow,
            actor,
            case_id,
            version=parse_id(form_value(data, "version")),
            title=form_value(data, "title"),
            description=str(data.get("description", "")),
            neighbourhood=form_value(data, "neighbourhood") or None,
            data=answers,
        ),
        "The case was corrected.",
        edit_values=posted,
        edit_form={
            "title": form_value(data, "title"),
            "description": str(data.get("description", "")),
            "neighbourhood": form_value(data, "neighbourhood"),
        },
    )


@post("/cases/{case_id:int}/reopen", name="ui:case-reopen", sync_to_thread=True, status_code=303)
def reopen_case(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    picked = [parse_id(v) for v in _all(data).get("tasks", [])]
    return _run(
        request,
        uow,
        actor,
        case_id,
        lambda: casework.reopen_case(
            uow,
            actor,
            case_id,
            comment=form_value(data, "comment"),
            version=parse_id(form_value(data, "version")),
            tasks=[i for i in picked if i is not None],
        ),
        "The case was reopened.",
    )


@post(
    "/cases/{case_id:int}/duplicate-of",
    name="ui:case-duplicate",
    sync_to_thread=True,
    status_code=303,
)
def mark_duplicate(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    original = form_value(data, "original") or form_value(data, "q")
    return _run(
        request,
        uow,
        actor,
        case_id,
        lambda: casework.mark_duplicate(
            uow,
            actor,
            case_id,
            original=original,
            version=parse_id(form_value(data, "version")),
            comment=form_value(data, "comment"),
        ),
        "The case was marked as a duplicate.",
    )


@get("/cases/{case_id:int}/original-picker", name="ui:original-picker", sync_to_thread=True)
def original_picker(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    q: FromQuery[str] = "",
) -> Template:
    """The cases a search finds (by tracking code or title) that could be the original: only
    cases the reader may see, never the case itself or another duplicate."""
    access.get_case(db, actor, case_id)
    rows: list[tuple[Case, bool]] = []
    code = to_ascii_digits(q.strip())
    if code:
        candidates = list(db.exec(select(Case).where(Case.tracking_code == code)).all())
        if not candidates:
            candidates = list_cases(db, actor, CaseFilters(q=q), limit=PICKER_SIZE + 5).items
        agencies = access.task_agencies(db, [c.id for c in candidates if c.id is not None])
        for found in candidates:
            if not access.case_access(actor, found, agencies[found.id]).visible:  # type: ignore[index]
                continue
            if found.id == case_id or found.state == "duplicate":
                continue
            seen = access.case_access(actor, found, agencies[found.id])  # type: ignore[index]
            rows.append((found, seen.content))
    return render(
        request,
        "partials/original_picker.html",
        actor=actor,
        rows=rows[:PICKER_SIZE],
        q=q,
        locale=locale_of(request),
    )


@post(
    "/cases/{case_id:int}/incidents/{incident_id:int}/retry",
    name="ui:case-incident-retry",
    sync_to_thread=True,
    status_code=303,
)
def retry_incident(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    incident_id: FromPath[Id],
) -> Template | Redirect:
    def retry() -> None:
        _case, allowed = access.get_case(uow.session, actor, case_id)
        access.require_case_worker(actor, allowed)
        incident = uow.session.get(Incident, incident_id)
        if incident is None or incident.case_id != case_id:
            raise NotFound(f"case {case_id} has no incident {incident_id}")
        commands.retry_incident(uow, actor, incident_id)

    return _run(
        request,
        uow,
        actor,
        case_id,
        retry,
        "The step was queued again; the incident closes when it succeeds.",
    )


run_case_command = _run
"""Run a casework command from a case-page form and answer as the other casework forms do
(the page with a banner on refusal, a redirect or the refreshed case on success)."""
