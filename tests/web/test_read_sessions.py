"""A request's session ends in a commit when nothing went wrong, so its connection keeps what
it prepared.

psycopg throws away a connection's prepared statements on every ROLLBACK (and sends DEALLOCATE
ALL), and a read-only request used to end in one: each request then planned its access-filtered
queries afresh, which at 10k cases cost more than running them (3.5 ms of planning beside 1 ms
of execution for a worklist's page). A request that read only, or whose commands committed,
now commits what is left of its transaction; one that failed, or that left changed objects in
the session without a command to commit them, is rolled back as before.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.storage.models import User
from tests.web.apps import api_as

Client = TestClient[Litestar]


@pytest.fixture
def api(engine: Engine, redis_url: str) -> Iterator[tuple[Client, dict[str, str], list[str]]]:
    ended: list[str] = []

    def committed(_conn: object) -> None:
        ended.append("commit")

    def rolled_back(_conn: object) -> None:
        ended.append("rollback")

    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        with api_as(engine, "coordinator") as (client, headers, _app):
            yield client, headers, ended
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)


def test_a_read_request_ends_in_a_commit(api: tuple[Client, dict[str, str], list[str]]) -> None:
    client, headers, ended = api
    ended.clear()
    assert client.get("/api/cases?limit=5", headers=headers).status_code == 200
    assert client.get("/api/worklists", headers=headers).status_code == 200
    assert "commit" in ended
    assert "rollback" not in ended


def test_a_failed_request_is_rolled_back(api: tuple[Client, dict[str, str], list[str]]) -> None:
    client, headers, ended = api
    assert client.get("/api/cases?limit=5", headers=headers).status_code == 200  # who is calling
    ended.clear()
    assert client.get("/api/cases/99999", headers=headers).status_code == 404
    assert ended == ["rollback"]


def test_prepared_statements_outlive_the_request_on_postgresql(
    api: tuple[Client, dict[str, str], list[str]], engine: Engine
) -> None:
    """What the commit is for: the list's query is prepared once and planned no more."""
    if engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are psycopg's, on PostgreSQL")
    client, headers, _ended = api
    for _ in range(8):  # psycopg prepares a query on its fifth run on a connection
        assert client.get("/api/cases?limit=5", headers=headers).status_code == 200
    # Each connection knows only its own prepared statements: hold every pooled one at once.
    held = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        prepared = [
            statement
            for conn in held
            for (statement,) in conn.execute(text("SELECT statement FROM pg_prepared_statements"))
        ]
    finally:
        for conn in held:
            conn.close()
    assert any('FROM "case"' in statement for statement in prepared), prepared


def test_a_read_session_never_commits_what_no_command_wrote(engine: Engine) -> None:
    from sqlmodel import Session, SQLModel

    from hamyar.core.storage.database import ReadSession

    SQLModel.metadata.create_all(engine)
    with Session(engine) as setup:
        setup.add(User(username="clerk", full_name="منشی", password_hash="!"))
        setup.commit()
    with ReadSession(engine) as session:
        clerk = session.exec(select(User).where(User.username == "clerk")).one()
        clerk.full_name = "changed by a page, not by a command"
    with ReadSession(engine) as session:
        session.add(User(username="flushed", password_hash="!"))
        session.flush()
    with pytest.raises(RuntimeError), ReadSession(engine) as session:
        session.add(User(username="stray", password_hash="!"))
        session.flush()
        raise RuntimeError("the page failed after writing")
    with Session(engine) as check:
        names = {u.username: u.full_name for u in check.exec(select(User))}
    assert names["clerk"] == "منشی"
    assert "stray" not in names
    assert "flushed" not in names
