"""The queue: RQ queues and workers, scheduled jobs, the outbox backlog and incidents to retry.

Figures come from `hamyar.workers.status.queue_status` (the same as `GET /api/queue`); a retry is
the `retry_incident` command. Redis being down is shown as such, not as an error page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import commands
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import GuardRefused, HamyarError
from hamyar.core.plugin.manager import Plugins
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.ui.page import Message, is_htmx, plugins_of, render, t


def require_queue_reader(actor: Actor) -> None:
    if not access.may_see_queue(actor):
        raise GuardRefused("the queue is for coordinators, supervisors, managers and auditors")


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    plugins: Plugins,
    actor: Actor,
    *,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    from hamyar.workers.incidents import open_incidents
    from hamyar.workers.status import queue_status

    status = queue_status(db)
    return render(
        request,
        "queue.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Queue"),
        status=status,
        incidents=open_incidents(db),
        may_retry=access.may_write(actor),
        periodic_jobs=sorted(plugins.registry.periodic_jobs.values(), key=lambda j: j.name),
        messages=messages or [],
    )


@get("/queue", name="ui:queue", sync_to_thread=True)
def queue_page(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    plugins = plugins_of(request)
    require_queue_reader(actor)
    return _page(request, db, plugins, actor)


@post(
    "/queue/incidents/{incident_id:int}/retry",
    name="ui:incident-retry",
    sync_to_thread=True,
    status_code=303,
)
def retry_incident(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, incident_id: FromPath[int]
) -> Template | Redirect:
    plugins = plugins_of(request)
    db = uow.session
    require_queue_reader(actor)
    try:
        commands.retry_incident(uow, actor, incident_id)
    except HamyarError as exc:
        return _page(
            request,
            db,
            plugins,
            actor,
            status_code=exc.status_code,
            messages=[Message(str(exc), "error")],
        )
    message = Message(
        t(request, "The step was queued again; the incident closes when it succeeds.")
    )
    if is_htmx(request):
        return _page(request, db, plugins, actor, messages=[message])
    return Redirect("/queue", status_code=303)
