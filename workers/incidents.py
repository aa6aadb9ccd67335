"""Steps that kept failing: one open incident per step, shown to people and retried by them.

A failed try is recorded on the outbox row (tries, last error) in its own transaction, since
the step's transaction rolled back. After the last try the step gets an incident saying what
failed, why, when and after how many tries. Retrying an incident (the `retry_incident`
command) puts the step back in the outbox; the incident closes when the step finally completes.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from hamyar.core.engine.outbox import default_queue
from hamyar.core.storage.models import Incident, OutboxMessage, utcnow
from hamyar.workers.config import get_worker_settings
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)

MAX_ERROR = 4000


def record_failure(
    key: str,
    kind: str,
    exc: BaseException,
    trace: str,
    *,
    payload: dict[str, Any] | None = None,
    case_id: int | None = None,
) -> None:
    """Count the failed try; open (or update) the step's incident when no try is left."""
    last = _is_last_try()
    try:
        with application().unit_of_work() as uow:
            session = uow.session
            row = session.execute(
                select(OutboxMessage).where(OutboxMessage.key == key).with_for_update()  # type: ignore[arg-type]
            ).scalar_one_or_none()
            if row is None:
                row = OutboxMessage(
                    key=key,
                    kind=kind,
                    payload=payload or {},
                    case_id=case_id,
                    sent_at=utcnow(),
                    queue=default_queue(kind),
                )
                session.add(row)
            if row.done_at is not None:  # a concurrent delivery completed it meanwhile
                return
            row.attempts += 1
            row.last_error = trace[-MAX_ERROR:]
            if last is None:
                last = row.attempts >= get_worker_settings().max_tries
            if last:
                open_incident(session, row, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    except Exception:  # the database itself may be what failed; RQ still has the job
        log.exception("could not record the failure of step %s", key)


def _is_last_try() -> bool | None:
    """True when RQ will not retry the running job; None outside a worker."""
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        return None
    return not job.retries_left


def open_incident(session: Session, row: OutboxMessage, error: str) -> Incident:
    """The step's open incident, updated, or a new one: never two open for one step."""
    incident = session.execute(
        select(Incident).where(
            Incident.outbox_key == row.key,  # type: ignore[arg-type]
            col(Incident.resolved_at).is_(None),
        )
    ).scalar_one_or_none()
    if incident is None:
        incident = Incident(
            outbox_key=row.key, kind=row.kind, case_id=row.case_id, task_id=_task_id(row)
        )
    incident.error = error
    incident.attempts = row.attempts
    incident.created_at = utcnow()
    session.add(incident)
    log.warning("step %s failed %d times: %s", row.key, row.attempts, error)
    return incident


def _task_id(row: OutboxMessage) -> int | None:
    payload = row.payload or {}
    return payload.get("id") if payload.get("kind") == "task" else None


def open_incidents(session: Session, limit: int = 100) -> list[Incident]:
    """Unresolved incidents, newest first (what `GET /api/incidents` lists)."""
    return list(
        session.execute(
            select(Incident)
            .where(Incident.resolved_at.is_(None))  # type: ignore[union-attr]
            .order_by(col(Incident.id).desc())
            .limit(limit)
        ).scalars()
    )
