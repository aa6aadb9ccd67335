"""Reference rows kept in the process: the bindings, versions, calendar and rules every new task
reads, remembered until someone changes them.

Opening a task reads which workflow its service is bound to, that workflow's newest version,
its agency's calendar overrides for the due date, the routing rules, and the case's
neighbourhood with its county and province; those were seven of the thirteen statements that
route a case, and each is the same answer thousands of times between two changes an
administrator makes. So `reference.read(session, name, load)` keeps what `load`
returned, per database, and forgets it:

- at once, in every process of the machine, when a transaction writes one of
  `REFERENCE_TABLES` (`hamyar.core.storage.change_marks`: a binding, an imported workflow
  version, a calendar override, a routing rule, a place — made in the web app, the CLI or a
  worker);
- after `TTL` seconds whatever happens, which bounds how long a process on another machine
  may route by rules changed elsewhere;
- never while the reading transaction has itself written those tables (then it reads the
  database, sees its own change, and keeps nothing: it may yet roll back), nor when it began
  before a change it hears of (its snapshot may predate the change).

What is kept is plain values built by `load` (tuples, dicts, frozen records), never ORM
objects: they are shared by every thread and session of the process.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import Pool
from sqlmodel import Session

from hamyar.core.storage.change_marks import watch
from hamyar.core.storage.models import (
    CalendarOverride,
    County,
    Neighbourhood,
    Province,
    RoutingRule,
    ServiceWorkflow,
    WorkflowVersion,
)

T = TypeVar("T")

TTL = 5.0
"""Seconds a value is kept: how long a change made on another machine may take to count."""
REFERENCE_TABLES = frozenset(
    str(model.__tablename__)
    for model in (
        ServiceWorkflow,
        WorkflowVersion,
        CalendarOverride,
        RoutingRule,
        Province,
        County,
        Neighbourhood,
    )
)


_BEGUN = "hamyar_reference_generation"
"""The connection's note of the generation its transaction began in."""


class ReferenceRows:
    """(database, name) → what `load` read, for `TTL` seconds; thread-safe.

    A value is kept only if nothing changed since the reading transaction *began*: a
    transaction that sees a snapshot (SQLite's, from its first read) may read rows older than a
    change it is the first to hear of, and must not keep them for everyone else."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, str], tuple[float, object]] = {}
        self._marks: dict[str, int] = {}
        # The database's URL as text, per pool (an engine and the read-only engines made from
        # it share one): a URL object renders itself to text each time it is hashed.
        self._urls: weakref.WeakKeyDictionary[Pool, str] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._generation = 0

    def _url(self, engine: Engine) -> str:
        url = self._urls.get(engine.pool)
        if url is None:
            url = engine.url.render_as_string(hide_password=False)
            self._urls[engine.pool] = url
        return url

    def _heard(self, url: str) -> int:
        """The generation, after forgetting everything if any process marked a change since
        this one last looked. Call with the lock held."""
        mark = reference_changes.mark(url)
        if self._marks.get(url, mark) != mark:
            self._entries.clear()
            self._generation += 1
        self._marks[url] = mark
        return self._generation

    def began(self, connection: Connection) -> None:
        """Note, as a transaction begins on `connection`, the generation it began in."""
        url = self._url(connection.engine)
        with self._lock:
            connection.info[_BEGUN] = self._heard(url)

    def read(self, session: Session, name: str, load: Callable[[Session], T]) -> T:
        """What `load(session)` returns, from memory when nothing changed since it last ran."""
        if session.autoflush:
            session.flush()  # the session's own pending rows count, as a query would see them
        connection = session.connection()
        if reference_changes.pending(connection):
            return load(session)
        url = self._url(connection.engine)
        now = time.monotonic()
        with self._lock:
            generation = self._heard(url)
            found = self._entries.get((url, name))
            if found is not None and found[0] > now:
                return found[1]  # type: ignore[return-value]
        value = load(session)
        with self._lock:
            # Nothing was written since this transaction began, nor while it read.
            if connection.info.get(_BEGUN) == generation == self._generation:
                self._entries[(url, name)] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1


reference = ReferenceRows()
"""The process's reference rows."""

reference_changes = watch("reference", REFERENCE_TABLES, reference.clear)
"""Writes to `REFERENCE_TABLES`, heard by every process of the machine."""


@event.listens_for(Engine, "begin")
def _transaction_began(connection: Connection) -> None:
    reference.began(connection)
