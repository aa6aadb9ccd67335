"""The relay: outbox rows into RQ, then marked sent.

Rows are read, queued, and only then marked sent, so a crash or a Redis outage between the
two steps leaves a row unsent (sent again later, harmlessly: job ids are stable and steps are
idempotent) and never a row marked sent that Redis never saw. While Redis is down the rows
simply wait; the relay catches up when it answers again.

Short database steps (routing, automatic transitions) travel several to a job when several are
waiting: RQ spends a dozen Redis round trips on every job, more than such a step costs itself.
Each row records the job that carries it (`job_id`), which is what the reconciler asks Redis
about. A step alone keeps the job id named after its key. Handlers, which may wait on an
agency's own systems, and periodic jobs always travel alone.
"""

from __future__ import annotations

import hashlib
import logging
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.queue import EnqueueData
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from hamyar.core.application.context import Application
from hamyar.core.engine.outbox import QUEUES, STEP_KINDS
from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.database import read_only
from hamyar.core.storage.models import OutboxMessage, utcnow
from hamyar.workers.config import get_worker_settings
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)


RUN_STEPS_JOB = "hamyar.workers.jobs.run_steps"
"""The job that carries a batch of short steps, each applied as if it had its own job."""
UNKNOWN_KIND_JOB = "hamyar.workers.jobs.unknown_kind"
"""A row of a kind no job applies: the job fails, and the step ends in an incident."""
FINISHED_STATES = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
RESULT_TTL = 300


def job_id_for(key: str) -> str:
    """A stable RQ job id for an outbox key (RQ allows only [A-Za-z0-9_-] in ids)."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", key)[:80]
    return f"{readable}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


@dataclass
class Carrier:
    """One RQ job and the outbox rows it carries (one, or a batch of short steps)."""

    queue: str
    messages: list[OutboxMessage] = field(default_factory=list)

    @property
    def job_id(self) -> str:
        if len(self.messages) == 1:
            return job_id_for(self.messages[0].key)
        return job_id_for("steps:" + ",".join(m.key for m in self.messages))

    def call(self) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """(function, kwargs, RQ options) of the job."""
        settings = get_worker_settings()
        first = self.messages[0]
        options: dict[str, Any] = {
            "job_id": self.job_id,
            "timeout": settings.job_timeout,
            "result_ttl": RESULT_TTL,
            "description": f"{first.kind} {first.key}"
            if len(self.messages) == 1
            else f"{first.kind} ×{len(self.messages)}: {first.key} … {self.messages[-1].key}",
        }
        if settings.intervals:
            options["retry"] = Retry(max=len(settings.intervals), interval=settings.intervals)
        if len(self.messages) > 1:
            steps = [{"key": m.key, "kind": m.kind, "payload": m.payload} for m in self.messages]
            return RUN_STEPS_JOB, {"steps": steps}, options
        kind = STEP_KINDS.get(first.kind)
        if kind is None:
            return UNKNOWN_KIND_JOB, {"kind": first.kind, "key": first.key}, options
        return kind.job, {**first.payload, "key": first.key}, options


def plan(messages: Sequence[OutboxMessage], batch: int | None = None) -> list[Carrier]:
    """Group rows into jobs, oldest first, and note each row's job id on it."""
    batch = batch or get_worker_settings().job_batch
    carriers: list[Carrier] = []
    open_batches: dict[tuple[str, str], Carrier] = {}
    for message in messages:
        queue = message.queue if message.queue in QUEUES else "default"
        kind = STEP_KINDS.get(message.kind)
        if kind is None or not kind.batched or batch <= 1:
            carriers.append(Carrier(queue, [message]))
            continue
        carrier = open_batches.get((queue, message.kind))
        if carrier is None or len(carrier.messages) >= batch:
            carrier = open_batches[(queue, message.kind)] = Carrier(queue)
            carriers.append(carrier)
        carrier.messages.append(message)
    for carrier in carriers:
        job_id = carrier.job_id  # a hash of all its keys: worked out once, not once per row
        for message in carrier.messages:
            message.job_id = job_id
    return carriers


def enqueue_message(
    message: OutboxMessage, connection: Redis | None = None, *, replace: bool = False
) -> Job | None:
    """Queue the job for one outbox row under its own stable id; None if it is already queued.

    A job id that still names a finished or failed run (kept for inspection) is replaced, so
    a retried step always runs again; one that is queued or running is left be, unless
    `replace` says the reconciler found it abandoned.
    """
    return _enqueue(Carrier(message.queue, [message]), connection or get_redis(), replace=replace)


_queues: weakref.WeakKeyDictionary[Redis, dict[str, Queue]] = weakref.WeakKeyDictionary()


def _queue(name: str, connection: Redis) -> Queue:
    """One Queue object per name and connection: it remembers the server's version, which a
    fresh one asks Redis for on every enqueue."""
    name = name if name in QUEUES else "default"
    by_name = _queues.setdefault(connection, {})
    if name not in by_name:
        by_name[name] = Queue(name, connection=connection)
    return by_name[name]


def _enqueue(carrier: Carrier, connection: Redis, *, replace: bool = False) -> Job | None:
    queue = _queue(carrier.queue, connection)
    function, kwargs, options = carrier.call()
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


def relay_pending(
    limit: int | None = None, connection: Redis | None = None, *, app: Application | None = None
) -> int:
    """Send up to `limit` unsent rows, oldest first; return how many were sent."""
    app = app or application()
    limit = limit or get_worker_settings().relay_batch
    return _send(
        app,
        _read(
            app,
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
            .order_by(col(OutboxMessage.id))
            .limit(limit),
        ),
        connection,
    )


def relay_keys(
    keys: Iterable[str], connection: Redis | None = None, *, app: Application | None = None
) -> int:
    """Send the named rows now if they are unsent (after a retry, or a commit in this process)."""
    app = app or application()
    return _send(
        app,
        _read(
            app,
            select(OutboxMessage).where(
                OutboxMessage.key.in_(list(keys)),  # type: ignore[attr-defined]
                col(OutboxMessage.sent_at).is_(None),
            ),
        ),
        connection,
    )


def _read(app: Application, query: Any) -> list[OutboxMessage]:
    """Rows to send, read without a write transaction: the relay polls often, and on SQLite a
    write transaction would queue behind the workers' for nothing."""
    with Session(_reader(app.engine)) as session:
        rows = list(session.execute(query).scalars())
        session.expunge_all()
    return rows


def _reader(engine: Engine) -> Engine:
    if engine.dialect.name == "sqlite":
        return read_only(engine)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def enqueue_messages(
    messages: Sequence[OutboxMessage],
    connection: Redis | None = None,
    sent: list[OutboxMessage] | None = None,
) -> None:
    """Plan the rows' jobs and queue them in one round trip to Redis; rows that reached it go
    to `sent`."""
    enqueue_carriers(plan(messages), connection, sent)


def enqueue_carriers(
    carriers: Sequence[Carrier],
    connection: Redis | None = None,
    sent: list[OutboxMessage] | None = None,
) -> None:
    """Queue planned jobs in two round trips to Redis; rows that reached it go to `sent`.

    The first asks which of the jobs' ids are taken; the second queues the jobs whose ids are
    free, all at once, with `Queue.enqueue_many`. An id that is taken (queued, running, or a
    finished run kept for inspection) is then handled one by one, exactly as a single enqueue
    would: a finished run is replaced, a live job left be.

    Between the look-up and `enqueue_many` another sender may queue one of those ids: a worker
    queueing the steps its own step spawned, another process relaying a retried row, or the
    reconciler. That race is harmless, and cannot lose a step:

    - `enqueue_many` is not conditional: once the pipeline has run, Redis holds a queued job
      under the id, whatever another sender did meanwhile. An id names its rows, so the job
      written is the very call the other sender queued.
    - Written over a job that is queued or running, the id is pushed a second time and its
      steps are delivered twice; `run_step` claims each step's row under a lock, so the second
      delivery finds it done and skips it.
    - A sender that replaces a job (a finished run, or an abandoned one for the reconciler)
      may delete ours just after it was written; it then queues its own under the same id.
    - Written over a run that finished in the window, the job keeps that run's expiry and may
      vanish before a worker takes it: that run has delivered the steps already.
    - Whatever else took a job away, its rows are sent and not done, which is exactly what
      the reconciler looks for.

    The look-up only chooses the way: a free id is written for certain, and a taken one goes
    through RQ's unique enqueue, which decides in Redis itself.
    """
    connection = connection or get_redis()
    sent = sent if sent is not None else []
    if not carriers:
        return
    taken = _taken(carriers, connection)
    free = [c for c, busy in zip(carriers, taken, strict=True) if not busy]
    if free:
        _enqueue_many(free, connection)
        for carrier in free:
            sent.extend(carrier.messages)
    for carrier, busy in zip(carriers, taken, strict=True):
        if busy:
            _enqueue(carrier, connection)
            sent.extend(carrier.messages)


def _taken(carriers: Sequence[Carrier], connection: Redis) -> list[bool]:
    """Whether a job already exists under each carrier's id, in one round trip."""
    with connection.pipeline(transaction=False) as pipe:
        for carrier in carriers:
            pipe.exists(Job.key_for(carrier.job_id))
        return [bool(n) for n in pipe.execute()]


def _enqueue_many(carriers: Sequence[Carrier], connection: Redis) -> None:
    """Queue jobs whose ids are free, one `enqueue_many` per queue, in one pipeline."""
    by_queue: dict[str, list[EnqueueData]] = {}
    for carrier in carriers:
        function, kwargs, options = carrier.call()
        by_queue.setdefault(carrier.queue, []).append(
            Queue.prepare_data(function, kwargs=kwargs, **options)
        )
    with connection.pipeline(transaction=False) as pipe:
        for name, jobs in by_queue.items():
            _queue(name, connection).enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


_MARK_SENT = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id == bindparam("row_id"),  # type: ignore[arg-type]
        col(OutboxMessage.sent_at).is_(None),
    )
    .values(sent_at=bindparam("now"), job_id=bindparam("carrier"))
)


def _send(app: Application, rows: list[OutboxMessage], connection: Redis | None) -> int:
    if not rows:
        return 0
    sent: list[OutboxMessage] = []
    try:
        enqueue_messages(rows, connection, sent)
    finally:  # mark what did reach Redis, even when Redis went away half way
        if sent:
            now = utcnow()
            with app.unit_of_work() as uow:
                uow.session.connection().execute(
                    _MARK_SENT, [{"row_id": m.id, "now": now, "carrier": m.job_id} for m in sent]
                )
    return len(sent)


def backlog(session: Any) -> int:
    """Rows not yet sent to Redis."""
    from sqlalchemy import func

    return int(
        session.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
        ).scalar_one()
    )
