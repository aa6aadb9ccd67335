"""The breaker and the background thread that keep Redis off a request's critical path."""

from __future__ import annotations

import threading
import time

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from hamyar.core.storage import broker
from hamyar.core.storage.background import Background
from hamyar.core.storage.broker import Breaker, RedisUnavailable


def test_an_open_breaker_refuses_at_once_then_lets_one_call_try_again() -> None:
    breaker = Breaker(cooldown=0.2)
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow()  # during the cool-down: no call waits on Redis
    time.sleep(0.25)
    assert breaker.allow()  # one trial …
    assert not breaker.allow()  # … at a time
    breaker.succeeded()
    assert breaker.allow() and breaker.allow()


def test_guarded_calls_fail_fast_after_one_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    broker.reset()
    calls = []

    def fails(redis: Redis) -> None:
        calls.append(redis)
        raise RedisConnectionError("gone")

    monkeypatch.setattr(broker, "quick_redis", lambda: Redis(host="127.0.0.1", port=1))
    try:
        with pytest.raises(RedisConnectionError):
            broker.guarded(fails)
        with pytest.raises(RedisUnavailable):
            broker.guarded(fails)
        assert len(calls) == 1
    finally:
        broker.breaker.succeeded()


def test_chores_run_in_order_off_the_callers_thread_and_a_full_queue_drops() -> None:
    background = Background(name="test-background", limit=2)
    seen: list[tuple[int, str]] = []
    gate = threading.Event()
    assert background.submit(gate.wait)  # holds the thread while the queue fills
    assert background.submit(lambda: seen.append((1, threading.current_thread().name)))
    time.sleep(0.05)
    assert background.submit(lambda: seen.append((2, threading.current_thread().name)))
    assert not background.submit(lambda: seen.append((3, "dropped")))
    gate.set()
    assert background.drain(5)
    assert seen == [(1, "test-background"), (2, "test-background")]


def test_a_failing_chore_does_not_stop_the_next() -> None:
    background = Background(name="test-background-2")
    seen = []
    background.submit(lambda: 1 / 0)
    background.submit(lambda: seen.append("ran"))
    assert background.drain(5)
    assert seen == ["ran"]
