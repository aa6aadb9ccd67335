"""Database engines and sessions: SQLite (WAL) as the embedded default, PostgreSQL in production.

The same SQLModel code runs on both; the only differences live here, in how a connection is
prepared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web app read while a worker writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite files get their folder created and WAL switched on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _prepare_sqlite)

        # SQLite's own BEGIN is deferred; take the write lock at BEGIN so two writers never
        # deadlock upgrading a read lock (the version check relies on a serialised write).
        # Read-only work (the web app's GET requests) opts out with the execution option
        # `sqlite_read_only=True`, so readers never queue behind one another or a writer.
        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            read_only = conn.get_execution_options().get("sqlite_read_only")
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def read_only(engine: Engine) -> Engine:
    """`engine` for work that only reads: on SQLite its transactions are deferred, so readers
    never queue behind one another or a writer for the write lock; elsewhere it is unchanged."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_read_only=True)
    return engine
