"""The courier's locks: one process relays, reconciles or promotes retries at a time, and a
killed worker's locks are taken over at once instead of holding that work back for a minute.
The heartbeat that tells a live worker from a dead one never waits on the courier's work."""

from __future__ import annotations

import threading
import time

import pytest
from rq.scheduler import RQScheduler

from hamyar.core.storage.broker import get_redis
from hamyar.workers.config import get_worker_settings
from hamyar.workers.reconcile import ALIVE_KEY
from hamyar.workers.worker import RECONCILE_LOCK, RELAY_LOCK, Courier


@pytest.fixture
def courier(redis_url: str) -> Courier:
    return Courier(get_redis(), "rescuer", ["urgent", "default"])


@pytest.mark.parametrize("key", [RELAY_LOCK, RECONCILE_LOCK])
def test_a_dead_workers_lock_is_taken_over(courier: Courier, key: str) -> None:
    connection = get_redis()
    connection.set(key, "courier-ghost", ex=60)  # its worker was killed holding it

    assert courier.acquire(connection.lock(key, timeout=30))
    assert connection.get(key) == b"courier-rescuer"


@pytest.mark.parametrize("key", [RELAY_LOCK, RECONCILE_LOCK])
def test_a_live_workers_lock_is_left_alone(courier: Courier, key: str) -> None:
    connection = get_redis()
    connection.set(key, "courier-busy", ex=60)
    connection.set(ALIVE_KEY.format("busy"), "1", ex=60)

    assert not courier.acquire(connection.lock(key, timeout=30))
    assert connection.get(key) == b"courier-busy"


def test_a_lock_held_by_something_else_than_a_courier_is_left_alone(courier: Courier) -> None:
    connection = get_redis()
    key = RQScheduler.get_locking_key("default")
    connection.set(key, "9f1c2e0a-plain-rq-scheduler", ex=60)

    assert not courier.free_if_dead(key)
    assert connection.get(key) == b"9f1c2e0a-plain-rq-scheduler"


def test_a_dead_workers_retry_locks_are_taken_over(courier: Courier) -> None:
    connection = get_redis()
    for queue in ("urgent", "default"):
        connection.set(RQScheduler.get_locking_key(queue), "courier-ghost", ex=60)

    courier.promote_retries()
    assert courier.retries.acquired_locks == {"urgent", "default"}
    courier.stop()  # gives them back
    assert connection.get(RQScheduler.get_locking_key("default")) is None


def test_a_courier_stuck_in_a_long_relay_still_says_its_worker_is_alive(
    courier: Courier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relay batch waiting on the database (SQLite's write lock, a slow server) for longer
    than the heartbeat's expiry must not make a busy worker look dead: its steps would be
    re-run beside it, its locks taken from it."""
    connection = get_redis()
    relaying, release = threading.Event(), threading.Event()

    def stuck_relay() -> bool:
        relaying.set()
        release.wait(30)
        return False

    monkeypatch.setattr(courier, "relay", stuck_relay)
    courier.start()
    try:
        assert relaying.wait(10)
        silent_for = 2 * get_worker_settings().heartbeat_ttl
        end = time.monotonic() + silent_for
        while time.monotonic() < end:
            assert connection.exists(ALIVE_KEY.format("rescuer")), "the worker looked dead"
            time.sleep(0.1)
    finally:
        release.set()
        courier.stop()
    assert not connection.exists(ALIVE_KEY.format("rescuer"))  # a stopped worker says so
