"""PostgreSQL connections are tested on their way out of the pool only after resting: a busy
server makes no extra round trip, and a connection that died while resting is replaced."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from hamyar.core.storage import database
from hamyar.core.storage.database import make_engine


@pytest.fixture
def pooled(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    if engine.dialect.name != "postgresql":
        pytest.skip("the rested-connection test is for PostgreSQL's pool")
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", 0.2)
    fresh = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
    yield fresh
    fresh.dispose()


def _count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(1)
        return real(dbapi_connection)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_a_connection_back_a_moment_ago_is_not_pinged(
    pooled: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _count_pings(pooled, monkeypatch)
    for _ in range(5):
        with pooled.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert pings == []
    time.sleep(0.3)
    with pooled.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert pings == [1]


def test_a_connection_that_died_while_resting_is_replaced_before_use(pooled: Engine) -> None:
    with pooled.connect() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with make_engine(pooled.url.render_as_string(hide_password=False)).connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    time.sleep(0.3)
    with pooled.connect() as conn:  # no error: the ping found it dead and the pool reconnected
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != first
