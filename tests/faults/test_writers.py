"""Many writers at once: no 5xx and no long wait, on the embedded default above all.

SQLite has one write lock per database. A request that took it before its handler ran, or kept
it after its command, made every other writer queue behind a thread that was itself waiting
(issue 14: twelve writers, six 503s after 30 s). A command now holds the lock for its own
statements only, and reading requests (token look-ups included) never take it.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest
from litestar import Litestar, post
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import commands
from hamyar.core.storage.models import ApiToken, Case
from hamyar.core.web.app import create_app
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from tests.faults.conftest import SERVICE, Faults, figures, run_concurrently
from tests.web.conftest import World


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    return str(engine.url.database)


def _write_lock_is_free(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


@pytest.mark.slow
def test_32_concurrent_writers_get_no_5xx_and_none_waits_2_seconds(faults: Faults) -> None:
    web = faults.web()
    faults.worker()  # routing the new cases: a second process writing meanwhile

    def opener(n: int) -> Any:
        body = {"service": SERVICE, "title": f"گزارش همزمان {n}", "description": "آزمون"}
        return lambda client: client.post("/api/cases", json=body, headers=faults.headers(n))

    results = []
    for round_ in range(3):
        results += run_concurrently(web.url, [opener(round_ * 32 + n) for n in range(32)])
    print("32 concurrent writers × 3:", figures(results))
    assert all(r.status == 201 for r in results), figures(results) + "\n" + web.output()
    assert max(r.seconds for r in results) < 2.0, figures(results)


def test_a_reading_request_never_waits_for_the_write_lock(
    client: TestClient[Litestar], world: World, engine: Engine
) -> None:
    """Not even to note a token's first use: a worker's long step holds the lock meanwhile."""
    path = _sqlite_path(engine)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        start = time.monotonic()
        response = client.get("/api/cases", headers=world.headers("coordinator"))
        took = time.monotonic() - start
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 200
    assert took < 1.0, f"a read waited {took:.1f} s for the write lock"


@post("/test/open-then-read", sync_to_thread=True)
def open_then_read(uow: UowDep, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    """A handler that runs a command, then reads on (as a page showing the result does)."""
    commands.open_case(
        uow,
        actor,
        service="municipality.pothole",
        title="چاله",
        data={"street": "آزادی", "severity": 2},
    )
    db.exec(select(Case)).first()
    return {"free": _write_lock_is_free(str(db.get_bind().url.database))}


def test_a_writing_request_gives_the_lock_back_when_its_command_commits(
    world: World, engine: Engine
) -> None:
    """Reads after the command must not take the lock again until the request's session is
    closed: that close runs on a thread of the pool the waiting writers already hold."""
    _sqlite_path(engine)
    app = create_app(plugins=world.plugins, engine=engine, route_handlers=[open_then_read])
    with TestClient(app) as client:
        response = client.post("/test/open-then-read", headers=world.headers("coordinator"))
    assert response.status_code == 201, response.text
    assert response.json() == {"free": True}


def test_a_command_takes_the_lock_at_its_start_on_a_reading_session(engine: Engine) -> None:
    """The request's session reads deferred; the unit of work then takes the lock up front
    (an upgrade at the first write would fail outright if another writer committed between)."""
    from hamyar.core.storage.database import begin_writing, read_only

    path = _sqlite_path(engine)

    with Session(read_only(engine)) as session:
        session.exec(select(ApiToken)).all()
        assert _write_lock_is_free(path)  # reading holds nothing
        begin_writing(session)
        assert not _write_lock_is_free(path)
        session.rollback()
    assert _write_lock_is_free(path)
