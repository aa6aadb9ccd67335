"""Finding steps that were sent but will never finish, and sending them again.

RQ notices a job whose worker died only when the job's registry entry expires, minutes later,
and a job that vanished from Redis (a flushed or restarted server without persistence) not at
all. The database knows better: a row sent but not done, long enough ago, is questioned here,
and its job is looked up in Redis. Queued or running on a live worker: leave it. Missing,
finished without effect, abandoned by a dead worker, or failed without an incident: send it
again, counting the try, and open an incident once the tries are spent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis import Redis
from rq.job import Job, JobStatus
from sqlalchemy import select, update
from sqlmodel import col

from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.models import Incident, OutboxMessage, utcnow
from hamyar.workers.config import get_worker_settings
from hamyar.workers.incidents import open_incident
from hamyar.workers.relay import enqueue_message, job_id_for
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)

ALIVE_KEY = "hamyar:alive:{}"
"""Set by each worker every few seconds with a short expiry: its absence means it died."""

WAITING = {
    JobStatus.QUEUED,
    JobStatus.SCHEDULED,
    JobStatus.DEFERRED,
    JobStatus.CREATED,
    JobStatus.RATE_LIMITED,
    JobStatus.READY_TO_ENQUEUE,
}


def reconcile(connection: Redis | None = None, limit: int = 500) -> list[str]:
    """Re-send lost steps; return their keys."""
    connection = connection or get_redis()
    settings = get_worker_settings()
    cutoff = utcnow() - timedelta(seconds=settings.stale_after)
    with application().read_session() as session:
        rows = list(
            session.execute(
                select(OutboxMessage)
                .where(
                    OutboxMessage.done_at.is_(None),  # type: ignore[union-attr]
                    OutboxMessage.sent_at.is_not(None),  # type: ignore[union-attr]
                    col(OutboxMessage.sent_at) < cutoff,
                )
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            ).scalars()
        )
        open_keys = set(
            session.execute(
                select(col(Incident.outbox_key)).where(
                    col(Incident.resolved_at).is_(None),
                    Incident.outbox_key.in_([r.key for r in rows]),  # type: ignore[attr-defined]
                )
            ).scalars()
        )
    lost = [
        row
        for row in rows
        if row.key not in open_keys and _is_lost(connection, row.job_id or job_id_for(row.key))
    ]
    resent = []
    for row in lost:
        if _count_try(row):
            enqueue_message(row, connection, replace=True)
            resent.append(row.key)
    if resent:
        log.warning("re-sent %d lost steps: %s", len(resent), ", ".join(resent[:10]))
    return resent


def _is_lost(connection: Redis, job_id: str) -> bool:
    job = Job.fetch_many([job_id], connection=connection)[0]
    if job is None:
        return True
    status = job.get_status(refresh=False)
    if status in WAITING:
        return False
    if status == JobStatus.STARTED:
        return not (job.worker_name and connection.exists(ALIVE_KEY.format(job.worker_name)))
    # Finished, failed, stopped or canceled, yet the database has no completion and no incident.
    return True


def _count_try(row: OutboxMessage) -> bool:
    """Count the lost try; False (and an incident) when no try is left."""
    with application().unit_of_work() as uow:
        session = uow.session
        fresh = session.execute(
            select(OutboxMessage).where(OutboxMessage.id == row.id).with_for_update()  # type: ignore[arg-type]
        ).scalar_one()
        if fresh.done_at is not None:
            return False
        fresh.attempts += 1
        fresh.last_error = fresh.last_error or "the job was lost (its worker died or Redis lost it)"
        if fresh.attempts >= get_worker_settings().max_tries:
            open_incident(
                session,
                fresh,
                f"lost {fresh.attempts} times: its worker died or "
                "Redis lost it; retry when the cause is fixed",
            )
            return False
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)  # type: ignore[arg-type]
            .values(sent_at=utcnow(), job_id=job_id_for(row.key))
        )
    return True
