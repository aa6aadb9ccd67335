"""`/api/queue` and `/api/incidents`: the background work, and the steps that failed.

Queue internals come from `workers.status.queue_status()`; this module only adds who may see
them. Incidents are listed per case visibility, and retried by the `retry_incident` command.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from sqlalchemy import func
from sqlmodel import col, select

from hamyar.core.application import commands
from hamyar.core.auth.access import may_see_queue, visible_cases
from hamyar.core.exceptions import GuardRefused
from hamyar.core.storage.models import Case, Incident, OutboxMessage
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep


def _backlog(db: DbDep) -> dict[str, int]:
    pending = db.exec(
        select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
    ).one()
    incidents = db.exec(
        select(func.count()).select_from(Incident).where(col(Incident.resolved_at).is_(None))
    ).one()
    return {"outbox_backlog": int(pending), "open_incidents": int(incidents)}


def incident_view(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "kind": incident.kind,
        "case_id": incident.case_id,
        "task_id": incident.task_id,
        "error": incident.error,
        "attempts": incident.attempts,
        "created_at": incident.created_at,
        "retried_at": incident.retried_at,
        "resolved_at": incident.resolved_at,
        "step": incident.outbox_key,
    }


@get("/queue", sync_to_thread=True, tags=["queue"])
def queue(db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """RQ queues (queued, started, scheduled, failed), live workers, outbox backlog, incidents."""
    if not may_see_queue(actor):
        raise GuardRefused("the queue is for coordinators, supervisors, auditors and managers")
    try:
        from hamyar.workers.status import queue_status
    except ImportError:
        return {
            "available": False,
            "detail": "the workers package has no status yet",
            **_backlog(db),
        }
    status = queue_status(db)
    body = dict(status) if isinstance(status, dict) else {"status": status}
    for key, value in _backlog(db).items():
        body.setdefault(key, value)
    return body


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
        query = select(Incident).outerjoin(Case, Case.id == Incident.case_id)  # type: ignore[arg-type]
        query = query.where(visible_cases(actor) | Incident.case_id.is_(None))  # type: ignore[union-attr]
        if not include_resolved:
            query = query.where(Incident.resolved_at.is_(None))  # type: ignore[union-attr]
        rows = db.exec(query.order_by(Incident.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
        return [incident_view(i) for i in rows]

    @post("/{incident_id:int}/retry", status_code=202, sync_to_thread=True)
    def retry(self, incident_id: FromPath[int], uow: UowDep, actor: ActorDep) -> dict[str, Any]:
        """Put the failed step back on the queue; the incident closes when it succeeds."""
        return incident_view(commands.retry_incident(uow, actor, incident_id))
