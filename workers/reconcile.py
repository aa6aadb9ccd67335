"""Finding steps that were sent but will never finish, and sending them again.

RQ notices a job whose worker died only when the job's registry entry expires, minutes later,
and a job that vanished from Redis (a flushed or restarted server without persistence) not at
all. The database knows better: a row sent but not done, long enough ago (a couple of seconds),
is questioned here, and its job is looked up in Redis. Queued or running on a live worker: leave
it, however long it has waited or run. Missing,
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
"""Set by each worker every second with a short expiry (`HAMYAR_HEARTBEAT_TTL`): its absence
means it died."""

WAITING = {
    JobStatus.QUEUED,
    JobStatus.SCHEDULED,
    JobStatus.DEFERRED,
    JobStatus.CREATED,
    JobStatus.RATE_LIMITED,
    JobStatus.READY_TO_ENQUEUE,
}


class Reconciler:
    """The courier's reconciler: one page of questioned rows per pass, taking turns.

    A pass runs every second, so it must stay cheap when thousands of steps are legitimately
    queued: it reads at most `limit` rows (after the last one the previous pass read, from the
    start again once a page comes back short) and asks Redis about them in two pipelined round
    trips, whatever their number. Every questioned row is looked at within
    `ceil(rows / limit)` passes.
    """

    def __init__(self, connection: Redis | None = None, limit: int = 500) -> None:
        self.connection, self.limit = connection, limit
        self.after = 0
        """The id of the last row the previous pass read; 0 to start from the oldest."""

    def run_once(self) -> list[str]:
        """One pass over the next page; return the keys re-sent."""
        resent, last = _reconcile_page(self.connection or get_redis(), self.after, self.limit)
        self.after = last or 0
        return resent


def reconcile(connection: Redis | None = None, limit: int = 500) -> list[str]:
    """Re-send every lost step, page by page; return their keys."""
    connection = connection or get_redis()
    resent: list[str] = []
    after: int | None = 0
    while after is not None:
        keys, after = _reconcile_page(connection, after, limit)
        resent.extend(keys)
    return resent


def _reconcile_page(connection: Redis, after: int, limit: int) -> tuple[list[str], int | None]:
    """Question up to `limit` rows sent long enough ago, not done, with an id above `after`;
    re-send the lost ones. Returns their keys, and the last id read when the page was full
    (None when no row is left after it)."""
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
                    col(OutboxMessage.id) > after,
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
    last = rows[-1].id if len(rows) >= limit else None
    questioned = [row for row in rows if row.key not in open_keys]
    lost_jobs = _lost_jobs(connection, [row.job_id or job_id_for(row.key) for row in questioned])
    resent = []
    for row in questioned:
        if (row.job_id or job_id_for(row.key)) in lost_jobs and _count_try(row):
            enqueue_message(row, connection, replace=True)
            resent.append(row.key)
    if resent:
        log.warning("re-sent %d lost steps: %s", len(resent), ", ".join(resent[:10]))
    return resent, last


def _lost_jobs(connection: Redis, job_ids: list[str]) -> set[str]:
    """Which of these jobs will never finish their steps, asked in two round trips: one for
    the jobs, one for the alive keys of the workers running them."""
    unique = list(dict.fromkeys(job_ids))
    if not unique:
        return set()
    jobs = Job.fetch_many(unique, connection=connection)
    lost: set[str] = set()
    running: dict[str, str] = {}
    for job_id, job in zip(unique, jobs, strict=True):
        if job is None:
            lost.add(job_id)
            continue
        status = job.get_status(refresh=False)
        if status in WAITING:
            continue
        if status == JobStatus.STARTED and job.worker_name:
            running[job_id] = job.worker_name
            continue
        # Started by nobody, or finished, failed, stopped or canceled, yet the database has no
        # completion and no incident.
        lost.add(job_id)
    workers = sorted(set(running.values()))
    alive: set[str] = set()
    if workers:
        with connection.pipeline(transaction=False) as pipe:
            for worker in workers:
                pipe.exists(ALIVE_KEY.format(worker))
            alive = {w for w, n in zip(workers, pipe.execute(), strict=True) if n}
    lost.update(job_id for job_id, worker in running.items() if worker not in alive)
    return lost


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
