"""`_status(engine)`: what `GET /api/queue` shows, with Redis up or down."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.workers.relay import relay_pending
from hamyar.workers.status import queue_status
from tests.workers.world import clear_caches, open_test_case


def _status(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        return queue_status(session)


def test_status_counts_queues_backlog_and_incidents(hamyar: dict[str, str], engine: Engine) -> None:
    open_test_case(engine)
    open_test_case(engine, title="دومی")
    status = _status(engine)
    assert status["redis"] == "up"
    assert status["outbox"] == {"backlog": 2, "in_flight": 0}
    assert status["open_incidents"] == 0
    assert [q["name"] for q in status["queues"]] == ["urgent", "default", "bulk"]

    relay_pending()
    status = _status(engine)
    default = next(q for q in status["queues"] if q["name"] == "default")
    # Both routing steps travel in one job (see test_batches.py); the outbox counts steps.
    assert default == {"name": "default", "queued": 1, "started": 0, "scheduled": 0, "failed": 0}
    assert status["outbox"] == {"backlog": 0, "in_flight": 2}
    assert status["workers"] == []


def test_status_says_redis_is_down_and_still_counts_the_outbox(
    hamyar: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_REDIS_URL", "redis://127.0.0.1:1/0")
    clear_caches()
    open_test_case(engine)
    status = _status(engine)
    assert status["redis"].startswith("down")
    assert status["outbox"]["backlog"] == 1
