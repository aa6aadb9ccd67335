"""The ownership forms of the worklist and case pages: claim, give back, assign, move the due date.

Each form posts the task's version and the page it came from (`next`); the command runs, and
the browser goes back to that page, which now shows the change. A refusal comes back as that
same page with a banner saying why — above all a stale version: someone else changed the task
first, and the page now shows what they did.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from hamyar.core.application import ownership
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.ownership import AlreadyAssigned
from hamyar.core.engine import ownership as recorded
from hamyar.core.exceptions import GuardRefused, HamyarError, InvalidInput, StaleVersion
from hamyar.core.i18n import gettext
from hamyar.core.storage.models import Task
from hamyar.core.text.input_limits import parse_id
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import FormData, Message, form_value, plugins_of, t

_CASE_PAGE = re.compile(r"^/cases/(\d+)$")
_WORKLIST_PAGE = re.compile(r"^/worklists/([^/?#]+)$")

_FIELD_MESSAGES = {
    "username": "Choose a caseworker or supervisor of this agency.",
    "due_at": "Type a future date such as 1404/09/20, with a time such as 14:30 if you need one.",
    "reason": "Say why the due date moves.",
    "task": "This task is finished, or nobody holds it: there is nothing to change.",
}


_HISTORY_TITLES = {
    recorded.CLAIM: "Claimed the task",
    recorded.UNCLAIM: "Gave the task back",
    recorded.ASSIGN: "Assigned the task",
    recorded.MOVE_DUE: "Moved the due date",
}


def history_title(locale: str, action: str) -> str | None:
    """The timeline's title of an ownership entry; None for any other action."""
    msgid = _HISTORY_TITLES.get(action)
    return gettext(locale, msgid) if msgid else None


def _back(request: Request[Any, Any, Any], data: dict[str, Any], task: Task | None) -> str:
    """Where the form came from: a worklist or case page of ours, else the task's case."""
    target = form_value(data, "next")
    path = urlsplit(target).path
    if (
        target.startswith("/")
        and not target.startswith("//")
        and (_CASE_PAGE.match(path) or _WORKLIST_PAGE.match(path))
    ):
        return target
    return f"/cases/{task.case_id}" if task is not None else "/"


def _refusal(request: Request[Any, Any, Any], exc: HamyarError) -> Message:
    if isinstance(exc, StaleVersion):
        return Message(
            t(
                request,
                "Someone else changed this task first. The page now shows the latest "
                "version: check it, then try again.",
            ),
            "conflict",
        )
    if isinstance(exc, AlreadyAssigned):
        return Message(t(request, "Someone else holds this task already."), "conflict")
    if isinstance(exc, GuardRefused):
        return Message(t(request, "You may not do this on this task."), "error")
    if isinstance(exc, InvalidInput):
        fields = [e.get("field", "") for e in exc.errors]
        for name in fields:
            if name in _FIELD_MESSAGES:
                return Message(t(request, _FIELD_MESSAGES[name]), "error")
    return Message(str(exc), "error")


def _again(
    request: Request[Any, Any, Any], uow: Any, actor: Actor, back: str, exc: HamyarError
) -> Template:
    """The page the form came from, with the refusal above it."""
    from hamyar.core.web.ui.case_page import _page
    from hamyar.core.web.ui.worklists import render_worklist

    db = uow.session
    db.expire_all()
    message = _refusal(request, exc)
    status = exc.status_code
    parts = urlsplit(back)
    if found := _WORKLIST_PAGE.match(parts.path):
        params = dict(parse_qsl(parts.query))
        return render_worklist(
            request, db, actor, found.group(1), params, messages=[message], status_code=status
        )
    case_match = _CASE_PAGE.match(parts.path)
    assert case_match is not None
    return _page(
        request,
        db,
        plugins_of(request),
        actor,
        int(case_match.group(1)),
        status_code=status,
        messages=[message],
    )


def _run(
    request: Request[Any, Any, Any],
    uow: Any,
    actor: Actor,
    task_id: int,
    data: dict[str, Any],
    command: Callable[[int | None], object],
) -> Template | Redirect:
    access.require_writer(actor)  # a reader is refused outright, not shown the page again
    task = uow.session.get(Task, task_id)
    back = _back(request, data, task)
    raw = form_value(data, "version")
    version = parse_id(raw)
    try:
        command(version)
    except HamyarError as exc:
        if exc.status_code == 404:
            raise
        return _again(request, uow, actor, back, exc)
    return Redirect(back, status_code=303)


@post("/tasks/{task_id:int}/claim", name="ui:task-claim", sync_to_thread=True, status_code=303)
def claim(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    return _run(
        request,
        uow,
        actor,
        task_id,
        data,
        lambda v: ownership.claim_task(uow, actor, task_id, version=v),
    )


@post("/tasks/{task_id:int}/unclaim", name="ui:task-unclaim", sync_to_thread=True, status_code=303)
def unclaim(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    return _run(
        request,
        uow,
        actor,
        task_id,
        data,
        lambda v: ownership.unclaim_task(uow, actor, task_id, version=v),
    )


@post("/tasks/{task_id:int}/assignee", name="ui:task-assign", sync_to_thread=True, status_code=303)
def assign(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    username = form_value(data, "username")
    return _run(
        request,
        uow,
        actor,
        task_id,
        data,
        lambda v: ownership.assign_task(uow, actor, task_id, username, version=v),
    )


@post("/tasks/{task_id:int}/due", name="ui:task-due", sync_to_thread=True, status_code=303)
def move_due(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    due_at, reason = form_value(data, "due_at"), form_value(data, "reason")
    return _run(
        request,
        uow,
        actor,
        task_id,
        data,
        lambda v: ownership.move_due(uow, actor, task_id, due_at, reason, version=v),
    )


HANDLERS = [claim, unclaim, assign, move_due]
"""The routes `hamyar.core.web.ui.ui_router` mounts."""
