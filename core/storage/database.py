"""Database engines and sessions: SQLite (WAL) as the embedded default, PostgreSQL in production.

The same SQLModel code runs on both; the only differences live here, in how a connection is
prepared.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session, create_engine

BUSY_TIMEOUT = 5.0
"""Seconds a SQLite writer waits for the write lock before giving up (a 503, retried).

Far below the workers' heartbeat (15 s): a worker waiting on the lock must never look dead.
Writers hold the lock only for one command's statements, so a wait this long already means
something is wrong."""
WRITE = "sqlite_write"
"""Execution option: this transaction will write, take SQLite's write lock at BEGIN."""
READ_ONLY = "sqlite_read_only"
"""Execution option: this transaction only reads, never take the write lock."""


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web app read while a worker writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite files get their folder created and WAL switched on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": BUSY_TIMEOUT})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _prepare_sqlite)

        # SQLite's own BEGIN is deferred; take the write lock at BEGIN so two writers never
        # deadlock upgrading a read lock (the version check relies on a serialised write).
        # Read-only work (the web app's request sessions, the relay's polls) opts out with the
        # execution option `sqlite_read_only=True`, so readers never queue behind one another
        # or a writer; a unit of work on such a session opts back in with `sqlite_write=True`
        # (`begin_writing`), so a request holds the lock only while its command runs.
        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            options = conn.get_execution_options()
            writes = options.get(WRITE) or not options.get(READ_ONLY)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    ping_when_idle = "pool_pre_ping" not in kwargs
    kwargs.setdefault("pool_pre_ping", False)
    if url.startswith("postgresql"):
        # PostgreSQL compiles a query to machine code when its estimated cost is high, and the
        # estimate of a list filtered by access subqueries at a million cases is (it counts every
        # row the LIMIT never reaches): 300-400 ms of compiling for a query that runs in 2 ms.
        # An OLTP application's queries never repay JIT; off for this engine's sessions.
        connect_args = dict(kwargs.get("connect_args") or {})
        options = str(connect_args.get("options", ""))
        if "jit" not in options:
            connect_args["options"] = f"{options} -c jit=off".strip()
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)
    if ping_when_idle:
        _ping_after_idle(engine)
    return engine


IDLE_BEFORE_PING = 1.0
"""Seconds a pooled connection may rest before it is tested on its way out of the pool."""


def _ping_after_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it has rested `IDLE_BEFORE_PING` seconds.

    SQLAlchemy's `pool_pre_ping` tests every checkout: a round trip before each request's
    and each transition's work, a tenth of a transition's round trips. A connection handed back
    a moment ago by a busy server is as alive as the last statement it ran, so only a rested one
    is tested (a database restarted, a connection cut by a firewall's idle timeout). A dead one
    is replaced before anyone uses it, as with `pool_pre_ping`. What this gives up: for the
    second after a database restart, a connection that was busy just before it fails its next
    statement, once, and the pool then replaces every connection it holds.
    """

    @event.listens_for(engine, "checkin")
    def _rested_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["hamyar_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("hamyar_checked_in")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a rested connection did not answer") from exc


class ReadSession(Session):
    """A session for reading, whose block ends in a COMMIT when it ends without an error.

    psycopg forgets a connection's prepared statements on every ROLLBACK (and sends
    DEALLOCATE ALL), and a session closed without committing rolls back. A web request that
    only read used to end that way, so each one planned its access-filtered queries afresh:
    at 10k cases, 3.5 ms of planning beside 1 ms of running for a worklist's page. Committing
    a transaction that wrote nothing costs the same round trip as rolling it back and keeps
    them. A block that raised, or that changed objects (flushed or not) with no command to
    commit them, is rolled back as before: nothing is written that a command did not write.
    """

    flushed_since_commit = False

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        untouched = not (self.flushed_since_commit or self.new or self.dirty or self.deleted)
        if type_ is None and untouched and self.in_transaction():
            self.commit()
        super().__exit__(type_, value, traceback)


@event.listens_for(ReadSession, "after_flush")
def _flushed(session: ReadSession, _context: Any) -> None:
    session.flushed_since_commit = True


@event.listens_for(ReadSession, "after_commit")
def _committed(session: ReadSession) -> None:
    session.flushed_since_commit = False


def read_only(engine: Engine) -> Engine:
    """`engine` for work that only reads: on SQLite its transactions are deferred, so readers
    never queue behind one another or a writer for the write lock; elsewhere it is unchanged."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine


def begin_writing(session: Session) -> None:
    """Make sure `session`'s transaction holds SQLite's write lock from here on.

    A session on a `read_only` engine (a web request's) reads in deferred transactions; the
    command that is about to write ends that read (it wrote nothing, so nothing is lost) and
    starts a transaction that takes the write lock at BEGIN. Taking the lock up front, rather
    than upgrading a read transaction at its first write, is what keeps two writers from
    failing each other: an upgrade after another writer committed fails at once in WAL mode.
    Elsewhere (PostgreSQL, or a session that writes already) nothing changes.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if session.in_transaction():
        options = session.connection().get_execution_options()
        if options.get(WRITE) or not options.get(READ_ONLY):
            return
        session.commit()  # a read-only snapshot: ending it writes nothing
    session.connection(execution_options={WRITE: True})


_gates: dict[str, threading.Lock] = {}
_gates_lock = threading.Lock()


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Wait for this process's turn to write to `engine`'s SQLite file, then hold it.

    SQLite's own wait for the write lock is a poll: a waiting writer sleeps up to 100 ms
    between tries, and with dozens waiting, a writer that keeps missing its moment waits
    seconds while the lock is free half the time. Threads of one process queue here instead,
    on a lock that wakes the next one the moment the last one is done; `busy_timeout` is then
    left to arbitrate between processes (the web app and the workers). Elsewhere (PostgreSQL)
    this does nothing: row locks are the database's business.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    key = str(engine.url)
    with _gates_lock:
        gate = _gates.setdefault(key, threading.Lock())
    if not gate.acquire(timeout=BUSY_TIMEOUT):
        raise OperationalError(
            "BEGIN IMMEDIATE", None, Exception("database is locked (this process is writing)")
        )
    try:
        yield
    finally:
        gate.release()
