"""`/api/queue` and `/api/incidents`: the background work, and the steps that failed.

Queue internals come from `hamyar.workers.status.queue_status()`; this module only adds who may
see them. Incidents are listed per case visibility (`cases.incidents`), and retried by the
`retry_incident` command.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, QueryParameter

from hamyar.core.application import commands
from hamyar.core.auth.access import require_queue_reader
from hamyar.core.cases.incidents import incidents_for, readable_errors
from hamyar.core.storage.models import Incident
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.workers.status import queue_status


def incident_view(incident: Incident, error: str | None) -> dict[str, Any]:
    """`error` is None (and `redacted` true) when it may quote what the caller may not read."""
    return {
        "id": incident.id,
        "kind": incident.kind,
        "case_id": incident.case_id,
        "task_id": incident.task_id,
        "error": error,
        "redacted": error is None,
        "attempts": incident.attempts,
        "created_at": incident.created_at,
        "retried_at": incident.retried_at,
        "resolved_at": incident.resolved_at,
        "step": incident.outbox_key,
    }


@get("/queue", sync_to_thread=True, tags=["queue"])
def queue(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """RQ queues (queued, started, scheduled, failed), live workers, outbox backlog, incidents."""
    require_queue_reader(actor)
    status = queue_status(db)
    return {**status, "outbox_backlog": status["outbox"]["backlog"]}


class IncidentController(Controller):
    path = "/incidents"
    tags = ["queue"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/", sync_to_thread=True)
    def list(
        self,
        db: DbDep,
        actor: ActorDep,
        include_resolved: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        """Failed automatic steps on cases you may see, newest first."""
        rows = incidents_for(db, actor, include_resolved=include_resolved, limit=limit)
        errors = readable_errors(db, actor, rows)
        return [incident_view(i, errors[i.id]) for i in rows]  # type: ignore[index]

    @post("/{incident_id:int}/retry", status_code=202, sync_to_thread=True)
    def retry(self, incident_id: FromPath[Id], uow: UowDep, actor: ActorDep) -> dict[str, Any]:
        """Put the failed step back on the queue; the incident closes when it succeeds."""
        incident = commands.retry_incident(uow, actor, incident_id)
        errors = readable_errors(uow.session, actor, [incident])
        return incident_view(incident, errors[incident_id])
