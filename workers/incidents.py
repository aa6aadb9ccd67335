"""Steps that kept failing: one open incident per step, shown to people and retried by them.

A failed try is recorded on the outbox row (tries, last error) in its own transaction, since
the step's transaction rolled back. After the last try the step gets an incident saying what
failed, why, when and after how many tries. Retrying an incident puts the step back in the
outbox; the incident closes when the step finally completes.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.storage.database import session_scope
from hamyar.core.storage.models import Incident, OutboxMessage, utcnow
from hamyar.workers.config import get_worker_settings

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
        with session_scope() as session:
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
                    queue="bulk",
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
            Incident.resolved_at.is_(None),
        )  # type: ignore[union-attr]
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


def retry_incident(incident_id: int) -> Incident:
    """Put the incident's step back in the outbox and queue it now if Redis answers.

    Raises NotFound (404) for an unknown incident and InvalidInput (422) for one that is
    already resolved. The incident stays open until the step completes.
    """
    with session_scope() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"no incident {incident_id}")
        if incident.resolved_at is not None:
            raise InvalidInput(
                f"incident {incident_id} is already resolved; nothing to retry",
                [{"field": "incident", "message": "already resolved"}],
            )
        row = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.key == incident.outbox_key)  # type: ignore[arg-type]
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(
                f"incident {incident_id} names step {incident.outbox_key!r}, "
                "which is no longer in the outbox"
            )
        incident.retried_at = utcnow()
        row.sent_at = None
        row.attempts = 0
        session.add_all([incident, row])
        session.flush()
        session.expunge_all()
    from hamyar.workers.relay import relay_keys

    try:
        relay_keys([row.key])
    except Exception:  # Redis down: the relay sends it when Redis is back
        log.warning("incident %s: step %s waits for the relay", incident_id, row.key)
    return incident


def open_incidents(session: Session, limit: int = 100) -> list[Incident]:
    """Unresolved incidents, newest first (what `GET /api/incidents` lists)."""
    return list(
        session.execute(
            select(Incident)
            .where(Incident.resolved_at.is_(None))  # type: ignore[union-attr]
            .order_by(Incident.id.desc())
            .limit(limit)  # type: ignore[union-attr]
        ).scalars()
    )
