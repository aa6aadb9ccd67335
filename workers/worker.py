"""Worker start-up: plugins loaded, queues in priority order, the relay and the reconciler.

The worker is RQ's `SimpleWorker`: it runs jobs in its own process instead of forking one per
job. Our jobs are short database steps, and a fork costs more than the step itself (on a
2-core machine the forking worker manages ~100 no-op jobs/s, the simple one ~350). What the
fork bought — a crashed job cannot take the worker down — matters less here, because a dead
worker's step is found and re-run from the outbox (see reconcile.py). Run several worker
processes to use several cores.

Each worker also runs two small threads. The heartbeat says the worker is alive: a key with a
short expiry (`HAMYAR_HEARTBEAT_TTL`, 3 s) refreshed every second, which the reconciler and the
couriers check. It does nothing else, so a worker busy with a long step, a slow relay batch or
a wait on the database is never taken for dead. The courier relays unsent outbox rows,
reconciles lost steps, and moves retries whose backoff has passed back into their queues. Only
one process relays, reconciles or promotes retries at a time (Redis locks), so many workers add
no contention; a killed worker's locks are taken over as soon as its key lapses.

That last duty is RQ's scheduler's, which `Worker.work(with_scheduler=True)` runs in a *forked*
child. A fork inherits the worker's database connections: when the worker is killed, the child
keeps the socket of a transaction open, its row locks are never released, and the step the
reconciler re-sends waits on them forever. So the long-running worker never forks; the courier
does the scheduler's work in a thread, under the scheduler's own per-queue locks.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Sequence

from redis import Redis
from redis.exceptions import RedisError
from redis.lock import Lock
from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler
from sqlalchemy.exc import OperationalError

from hamyar.core.application.setup import prepare_database
from hamyar.core.cases import task_tally
from hamyar.core.engine.outbox import QUEUES
from hamyar.core.storage.broker import get_redis
from hamyar.workers.config import get_worker_settings
from hamyar.workers.reconcile import ALIVE_KEY, Reconciler
from hamyar.workers.relay import backlog, relay_pending
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)

RELAY_LOCK = "hamyar:lock:relay"
COURIER_NAME = "courier-{}"
"""The name a worker's courier holds its locks under (relay, reconcile, RQ's scheduler locks)."""
RECONCILE_LOCK = "hamyar:lock:reconcile"

RELEASE_IF_HELD = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"""
"""Delete a lock only if `ARGV[1]` still holds it: a GET then a DEL could delete the lock of
a courier that took it over in between."""


class Heartbeat(threading.Thread):
    """Refresh the worker's alive key every `heartbeat_interval` seconds, and nothing else.

    The key's expiry (`heartbeat_ttl`) is how long a silent worker is taken to be alive: kept
    short so a killed worker's step is re-run, and its locks taken over, within seconds. A beat
    that shared a thread with the relay or the reconciler would wait behind their slowest pass
    (a large batch, a database lock), and a busy worker would look dead.
    """

    def __init__(self, connection: Redis, worker_name: str) -> None:
        super().__init__(name=f"heartbeat-{worker_name}", daemon=True)
        self.connection, self.worker_name = connection, worker_name
        self.stopping = threading.Event()
        self.settings = get_worker_settings()

    def run(self) -> None:
        while not self.stopping.wait(self.settings.heartbeat_interval):
            try:
                self.beat()
            except RedisError as exc:  # Redis is away: beat again when it is back
                log.warning("heartbeat: %s", exc)

    def beat(self) -> None:
        self.connection.set(ALIVE_KEY.format(self.worker_name), "1", ex=self.settings.heartbeat_ttl)

    def stop(self) -> None:
        self.stopping.set()
        if self.ident is not None:  # started
            self.join(timeout=5)


class Courier(threading.Thread):
    """Relay, retries, reconcile and the tally's fold, beside the worker's job loop; its
    heartbeat beside it."""

    retry_interval = 1.0
    """Seconds between looks for retries whose backoff has passed, as RQ's own scheduler."""

    def __init__(self, connection: Redis, worker_name: str, queue_names: Sequence[str]) -> None:
        super().__init__(name=COURIER_NAME.format(worker_name), daemon=True)
        self.connection, self.worker_name = connection, worker_name
        self.stopping = threading.Event()
        self.settings = get_worker_settings()
        self.queue_names = list(queue_names)
        self.heartbeat = Heartbeat(connection, worker_name)
        self.reconciler = Reconciler(connection)
        self.retries = RQScheduler(self.queue_names, connection=connection, name=self.name)
        self.release_if_held = connection.register_script(RELEASE_IF_HELD)

    def start(self) -> None:
        """Beat once, so the worker is alive before its first job, then start both threads."""
        self.heartbeat.beat()
        self.heartbeat.start()
        super().start()

    def run(self) -> None:
        last_retries = last_reconcile = last_tally = 0.0
        while not self.stopping.is_set():
            busy = False
            try:
                now = time.monotonic()
                busy = self.relay()
                if now - last_retries >= self.retry_interval:
                    last_retries = now
                    self.promote_retries()
                if now - last_reconcile >= self.settings.reconcile_interval:
                    last_reconcile = now
                    self.reconcile()
                if now - last_tally >= self.settings.tally_interval:
                    last_tally = now
                    self.fold_tally()
            except (RedisError, OperationalError) as exc:  # Redis or the database is away
                log.warning("courier: %s; trying again shortly", exc)
                # A Redis that comes back may have come back empty: the first pass that
                # reaches it reconciles at once instead of after a whole interval, so steps
                # whose jobs were lost with it run again within seconds.
                last_reconcile = 0.0
                self.stopping.wait(1.0)
            except Exception:
                log.exception("courier failed; trying again shortly")
                self.stopping.wait(1.0)
            if not busy:
                self.stopping.wait(self.settings.relay_interval)

    def beat(self) -> None:
        self.heartbeat.beat()

    def relay(self) -> bool:
        """Relay one batch if no other process is relaying; True when there may be more."""
        lock = self.connection.lock(RELAY_LOCK, timeout=30)
        if not self.acquire(lock):
            return False
        try:
            return relay_pending(connection=self.connection) >= self.settings.relay_batch
        finally:
            lock.release()

    def promote_retries(self) -> None:
        """Queue the retries whose backoff has passed, for each queue whose scheduler lock this
        worker holds (taken, or refreshed, on every call; a live worker's lock is left alone)."""
        for queue in self.queue_names:
            self.free_if_dead(RQScheduler.get_locking_key(queue))
        if self.retries.acquire_locks():
            self.retries.enqueue_scheduled_jobs()

    def reconcile(self) -> None:
        lock = self.connection.lock(RECONCILE_LOCK, timeout=60)
        if self.acquire(lock):
            try:
                self.reconciler.run_once()
            finally:
                lock.release()

    def fold_tally(self) -> None:
        """Fold the open-task tally (any worker may; concurrent folds lose nothing)."""
        with application().unit_of_work() as uow:
            task_tally.compact(uow.session)

    def acquire(self, lock: Lock) -> bool:
        """Take `lock` without waiting, under this courier's name, freeing it first if it is
        held by a dead worker's courier."""
        if lock.acquire(blocking=False, token=self.name):
            return True
        return self.free_if_dead(str(lock.name)) and bool(
            lock.acquire(blocking=False, token=self.name)
        )

    def free_if_dead(self, key: str) -> bool:
        """Release `key` if a courier whose worker is no longer alive holds it.

        A worker killed mid-relay, mid-reconcile or while holding RQ's scheduler locks would
        otherwise hold that work back until its locks expire, up to a minute later.
        """
        holder = self.connection.get(key)
        if holder is None:
            return False
        owner = holder.decode() if isinstance(holder, bytes) else str(holder)
        worker = owner.removeprefix(COURIER_NAME.format(""))
        if worker == owner or self.connection.exists(ALIVE_KEY.format(worker)):
            return False
        freed = bool(self.release_if_held(keys=[key], args=[owner]))
        if freed:
            log.warning("freed %s from dead worker %s", key, worker)
        return freed

    def stop(self) -> None:
        self.stopping.set()
        if self.ident is not None:  # started
            self.join(timeout=5)
        self.heartbeat.stop()
        with contextlib.suppress(RedisError):
            self.retries.release_locks()
            self.connection.delete(ALIVE_KEY.format(self.worker_name))


class HamyarWorker(SimpleWorker):
    """RQ's in-process worker plus the courier thread for as long as it works."""

    courier: Courier | None = None
    max_connection_wait_time = 2.0
    """RQ waits 1 s after a lost Redis connection and doubles the wait on every failure, up to
    a minute: a Redis back after a 20-second restart found the workers asleep for half a minute
    more. Capped here (a public attribute of RQ's Worker), a worker is back at work within two
    seconds of Redis, at the cost of one cheap reconnect attempt every two seconds meanwhile."""

    PUBSUB_WAKE = 1.0
    """Seconds the thread that listens for RQ's commands (stop a job, shut down) waits on one
    read. RQ's own is 60, and redis-py 8.2's `stop()` waits for the thread to finish its read:
    RQ unsubscribes first, so the thread is no longer subscribed and sleeps the whole minute
    out, and a burst worker (`hamyar worker --burst`, the tests) took a minute to end after its
    last job. A listener that wakes every second ends within one."""

    def subscribe(self) -> None:
        """RQ's `subscribe`, with the listener waking every `PUBSUB_WAKE` seconds."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=self.PUBSUB_WAKE,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,  # RQ's reconnect on a lost Redis
        )

    def bootstrap(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().bootstrap(*args, **kwargs)
        self.courier = Courier(self.connection, self.name, self.queue_names())
        self.courier.start()

    def teardown(self) -> None:
        if self.courier is not None:
            self.courier.stop()
            self.courier = None
        super().teardown()


def prepare() -> None:
    """Build this process's application (every plugin loaded) and make the database ready for
    it, before the first job."""
    app = application()
    for failure in app.registry.failures:
        log.error("plugin %s failed in %s: %s", failure.plugin, failure.hook, failure.error)
    prepare_database(app)


def make_worker(
    queue_names: Sequence[str] = QUEUES, connection: Redis | None = None, name: str | None = None
) -> HamyarWorker:
    settings = get_worker_settings()
    connection = connection or get_redis()
    queues = [Queue(q, connection=connection) for q in queue_names]
    return HamyarWorker(
        queues,
        connection=connection,
        name=name,
        worker_ttl=max(settings.heartbeat_ttl, 20),
        maintenance_interval=settings.maintenance_interval,
    )


def run_worker(
    queue_names: Sequence[str] = QUEUES,
    *,
    burst: bool = False,
    with_scheduler: bool = False,
    name: str | None = None,
) -> bool:
    """Work the queues until stopped (or, with `burst`, until nothing is left to do)."""
    unknown = [q for q in queue_names if q not in QUEUES]
    if unknown:
        raise ValueError(f"unknown queue {unknown[0]!r}; the queues are {', '.join(QUEUES)}")
    prepare()
    scheduler = _start_scheduler() if with_scheduler else None
    try:
        if burst:
            return work_until_idle(queue_names, name=name)
        get_redis().ping()  # unreachable at start-up: the caller says so and stops
        wait = 1.0
        while True:
            try:
                return make_worker(queue_names, name=name).work(
                    with_scheduler=False,  # the courier promotes retries; see the docstring
                    logging_level=get_worker_settings().worker_log_level,
                )
            except RedisError as exc:
                # RQ quits its loop on a Redis error it does not expect (a lost connection
                # mid-job, say) and its teardown then fails on the dead server: a worker that
                # was working starts again once Redis answers, instead of ending the process.
                log.warning("worker: Redis failed (%s); starting again in %.0f s", exc, wait)
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.join(timeout=10)


def work_until_idle(
    queue_names: Sequence[str] = QUEUES, *, name: str | None = None, timeout: float = 300.0
) -> bool:
    """Relay and work until no row is unsent and no job is queued, scheduled or retried.

    Used by `hamyar worker --burst`, the tests and the benchmark; a retry scheduled for later
    is waited for, up to `timeout` seconds.
    """
    connection = get_redis()
    deadline = time.monotonic() + timeout
    worked = False
    while time.monotonic() < deadline:
        while relay_pending(connection=connection):
            pass
        worker = make_worker(queue_names, connection=connection, name=name)
        worked |= worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
        queues = [Queue(q, connection=connection) for q in queue_names]
        if any(q.count for q in queues):
            continue
        scheduled = sum(q.scheduled_job_registry.count for q in queues)
        with application().read_session() as session:
            pending = backlog(session)
        if not scheduled and not pending:
            return worked
        time.sleep(0.2)
    return worked


def _start_scheduler() -> multiprocessing.process.BaseProcess:
    from hamyar.workers.scheduler import run_scheduler

    process = multiprocessing.get_context("spawn").Process(
        target=run_scheduler, name="hamyar-scheduler", daemon=True
    )
    process.start()
    return process
