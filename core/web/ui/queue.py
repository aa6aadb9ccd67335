"""The queue: RQ queues and workers, scheduled jobs, the outbox backlog and incidents to retry.

Figures come from `hamyar.workers.status.queue_status` (the same as `GET /api/queue`); a retry is
the `retry_incident` command. Redis being down is shown as such, not as an error page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from hamyar.core.application import commands
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.incidents import incidents_for, readable_errors
from hamyar.core.exceptions import HamyarError
from hamyar.core.web.dependencies import ActorDep, UowDep, application_of
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import Message, is_htmx, render, t
from hamyar.workers.status import queue_status


def _page(
    request: Request[Any, Any, Any],
    actor: Actor,
    *,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    app = application_of(request)
    # A session of its own that never takes SQLite's write lock: the page then waits on Redis.
    with app.read_session() as session:
        status = queue_status(session)
        incidents = incidents_for(session, actor)
        errors = readable_errors(session, actor, incidents)
    return render(
        request,
        "queue.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Queue"),
        status=status,
        incidents=incidents,
        errors=errors,
        may_retry=access.may_write(actor),
        periodic_jobs=sorted(app.registry.periodic_jobs.values(), key=lambda j: j.name),
        messages=messages or [],
    )


@get("/queue", name="ui:queue", sync_to_thread=True)
def queue_page(request: Request[Any, Any, Any], actor: ActorDep) -> Template:
    access.require_queue_reader(actor)
    return _page(request, actor)


@post(
    "/queue/incidents/{incident_id:int}/retry",
    name="ui:incident-retry",
    sync_to_thread=True,
    status_code=303,
)
def retry_incident(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, incident_id: FromPath[Id]
) -> Template | Redirect:
    access.require_queue_reader(actor)
    access.require_writer(actor)
    try:
        commands.retry_incident(uow, actor, incident_id)
    except HamyarError as exc:
        return _page(
            request, actor, status_code=exc.status_code, messages=[Message(str(exc), "error")]
        )
    message = Message(
        t(request, "The step was queued again; the incident closes when it succeeds.")
    )
    if is_htmx(request):
        return _page(request, actor, messages=[message])
    return Redirect("/queue", status_code=303)
