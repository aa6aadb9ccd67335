"""The relay: outbox rows into RQ, then marked sent.

Rows are read, queued, and only then marked sent, so a crash or a Redis outage between the
two steps leaves a row unsent (sent again later, harmlessly: job ids are stable and steps are
idempotent) and never a row marked sent that Redis never saw. While Redis is down the rows
simply wait; the relay catches up when it answers again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.scripts import _build_hset_args, get_unique_enqueue_script
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.broker import get_redis
from core.db import get_engine, session_scope
from core.models import OutboxMessage, utcnow
from workers.config import QUEUES, get_worker_settings

log = logging.getLogger(__name__)

JOBS = {
    "route_case": "workers.jobs.route_case",
    "run_handler": "workers.jobs.run_handler",
    "fire_automatic": "workers.jobs.fire_automatic",
    "periodic": "workers.jobs.run_periodic",
}
"""Outbox kind → the job function that applies it. Unknown kinds end in an incident."""

FINISHED_STATES = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
RESULT_TTL = 300


def job_id_for(key: str) -> str:
    """A stable RQ job id for an outbox key (RQ allows only [A-Za-z0-9_-] in ids)."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", key)[:80]
    return f"{readable}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def enqueue_message(message: OutboxMessage, connection: Redis | None = None, *,
                    replace: bool = False) -> Job | None:
    """Queue the job for one outbox row under its stable id; None if it is already queued.

    A job id that still names a finished or failed run (kept for inspection) is replaced, so
    a retried step always runs again; one that is queued or running is left be, unless
    `replace` says the reconciler found it abandoned.
    """
    return enqueue_step(message.key, message.kind, message.payload, message.queue, connection,
                        replace=replace)


_queues: weakref.WeakKeyDictionary[Redis, dict[str, Queue]] = weakref.WeakKeyDictionary()


def _queue(name: str, connection: Redis) -> Queue:
    """One Queue object per name and connection: it remembers the server's version, which a
    fresh one asks Redis for on every enqueue."""
    name = name if name in QUEUES else "default"
    by_name = _queues.setdefault(connection, {})
    if name not in by_name:
        by_name[name] = Queue(name, connection=connection)
    return by_name[name]


def _job_call(key: str, kind: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any],
                                                                      dict[str, Any]]:
    """(function, kwargs, RQ options) for one step."""
    settings = get_worker_settings()
    options: dict[str, Any] = {
        "job_id": job_id_for(key), "timeout": settings.job_timeout,
        "result_ttl": RESULT_TTL, "description": f"{kind} {key}",
    }
    if settings.intervals:
        options["retry"] = Retry(max=len(settings.intervals), interval=settings.intervals)
    function = JOBS.get(kind, "workers.jobs.unknown_kind")
    if function == "workers.jobs.unknown_kind":
        return function, {"kind": kind, "key": key}, options
    return function, {**payload, "key": key}, options


def enqueue_step(key: str, kind: str, payload: dict[str, Any], queue_name: str,
                 connection: Redis | None = None, *, replace: bool = False) -> Job | None:
    connection = connection or get_redis()
    queue = _queue(queue_name, connection)
    function, kwargs, options = _job_call(key, kind, payload)
    job_id = options["job_id"]
    for _ in range(2):
        try:
            return queue.enqueue_call(function, kwargs=kwargs, unique=True, **options)
        except DuplicateJobError:
            try:
                existing = Job.fetch(job_id, connection=connection)
                status = existing.get_status(refresh=False)
            except NoSuchJobError:  # expired between the two calls: enqueue again
                continue
            if status not in FINISHED_STATES and not replace:
                return None
            existing.delete()
    return None


def relay_pending(limit: int | None = None, connection: Redis | None = None) -> int:
    """Send up to `limit` unsent rows, oldest first; return how many were sent."""
    limit = limit or get_worker_settings().relay_batch
    return _send(_read(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
        .order_by(OutboxMessage.id).limit(limit)  # type: ignore[arg-type]
    ), connection)


def relay_keys(keys: Iterable[str], connection: Redis | None = None) -> int:
    """Send the named rows now if they are unsent (after a retry, or a commit in this process)."""
    return _send(_read(
        select(OutboxMessage).where(OutboxMessage.key.in_(list(keys)),  # type: ignore[attr-defined]
                                    OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
    ), connection)


def _read(query: Any) -> list[OutboxMessage]:
    """Rows to send, read without a write transaction: the relay polls often, and on SQLite a
    write transaction would queue behind the workers' for nothing."""
    with Session(_reader()) as session:
        rows = list(session.execute(query).scalars())
        session.expunge_all()
    return rows


def _reader() -> Engine:
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_read_only=True)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def enqueue_messages(messages: Sequence[OutboxMessage], connection: Redis | None = None,
                     sent: list[int] | None = None) -> None:
    """Queue many outbox rows in one round trip to Redis; ids that reached it go to `sent`.

    Each job is saved by RQ's own atomic unique-enqueue script, pipelined. A job id that is
    still taken (queued, running, or a finished run kept for inspection) is then handled one
    by one by `enqueue_message`, exactly as a single enqueue would.
    """
    connection = connection or get_redis()
    sent = sent if sent is not None else []
    if not messages:
        return
    script = get_unique_enqueue_script(connection)
    jobs: list[OutboxMessage] = []
    with connection.pipeline(transaction=False) as pipe:
        for queue in {id(q): q for q in (_queue(m.queue, connection) for m in messages)}.values():
            pipe.sadd(queue.redis_queues_keys, queue.key)
        heads = len(pipe)
        for message in messages:
            queue = _queue(message.queue, connection)
            function, kwargs, options = _job_call(message.key, message.kind, message.payload)
            job = queue.create_job(function, kwargs=kwargs, status=JobStatus.QUEUED, **options)
            job.origin = queue.name
            queue._prepare_for_queue(job)
            ttl = job.ttl if job.ttl is not None else -1
            script(keys=[job.key, queue.key], args=[job.id, "R", ttl, *_build_hset_args(job)],
                   client=pipe)
            jobs.append(message)
        results = pipe.execute()[heads:]
    for message, saved in zip(jobs, results, strict=True):
        if not saved:  # the id is taken: see whether it is a finished run to replace
            enqueue_message(message, connection)
        if message.id is not None:
            sent.append(message.id)


def _send(rows: list[OutboxMessage], connection: Redis | None) -> int:
    if not rows:
        return 0
    sent: list[int] = []
    try:
        enqueue_messages(rows, connection, sent)
    finally:  # mark what did reach Redis, even when Redis went away half way
        if sent:
            with session_scope() as session:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(sent),  # type: ignore[union-attr]
                           OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
                    .values(sent_at=utcnow())
                )
    return len(sent)


def backlog(session: Any) -> int:
    """Rows not yet sent to Redis."""
    from sqlalchemy import func

    return int(session.execute(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
    ).scalar_one())
