"""What the queue is doing now: the numbers behind `GET /api/queue` and the /queue page."""

from __future__ import annotations

from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy import func, select
from sqlmodel import Session, col

from hamyar.core.engine.outbox import QUEUES
from hamyar.core.storage.broker import quick_redis
from hamyar.core.storage.models import Incident, OutboxMessage
from hamyar.workers.reconcile import ALIVE_KEY


def queue_status(session: Session, connection: Redis | None = None) -> dict[str, Any]:
    """Queues (queued, started, scheduled, failed), live workers, outbox backlog, incidents.

    Redis being down is a state to show, not an error: `redis` says so and the database
    figures are still given.
    """
    backlog = session.execute(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
    ).scalar_one()
    in_flight = session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_not(None),  # type: ignore[union-attr]
            col(OutboxMessage.done_at).is_(None),
        )
    ).scalar_one()
    incidents = session.execute(
        select(func.count()).select_from(Incident).where(Incident.resolved_at.is_(None))  # type: ignore[union-attr]
    ).scalar_one()
    status: dict[str, Any] = {
        "redis": "up",
        "queues": [],
        "workers": [],
        "outbox": {"backlog": int(backlog), "in_flight": int(in_flight)},
        "open_incidents": int(incidents),
    }
    try:
        # The web pages ask: short timeouts, so a hung Redis shows as down within a second.
        connection = connection or quick_redis()
        for name in QUEUES:
            queue = Queue(name, connection=connection)
            status["queues"].append(
                {
                    "name": name,
                    "queued": queue.count,
                    "started": queue.started_job_registry.count,
                    "scheduled": queue.scheduled_job_registry.count,
                    "failed": queue.failed_job_registry.count,
                }
            )
        for worker in Worker.all(connection=connection):
            status["workers"].append(
                {
                    "name": worker.name,
                    "hostname": worker.hostname,
                    "pid": worker.pid,
                    "state": str(worker.get_state()),
                    "queues": worker.queue_names(),
                    "alive": bool(connection.exists(ALIVE_KEY.format(worker.name))),
                    "successful_jobs": worker.successful_job_count,
                    "failed_jobs": worker.failed_job_count,
                }
            )
    except RedisError as exc:
        status["redis"] = f"down: {exc}"
    return status
