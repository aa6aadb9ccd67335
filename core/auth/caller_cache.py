"""Who called, remembered for a few seconds, so that a client's burst of requests asks the
database once.

Finding the caller is two indexed queries (the token or session with its user, then the roles
of the user and their groups), which on a page that is itself one or two queries is a third of
the work. A request's credentials name the same actor for as long as no one changes the
tables that decide it, so this process keeps the answer for `TTL` seconds, keyed by the
database and a digest of the credential, and drops every answer the moment a transaction of
this process that wrote one of those tables commits (a revoked token, a new password, a
deactivated account, a role or a group membership changed: `AUTH_TABLES`). Such a commit also
leaves a mark in a small file of the machine's temporary folder, named after the database
(`stamp_of`), which every process of the machine checks before it trusts a remembered answer:
the CLI, the other processes of `hamyar serve --workers N` and the workers' writes count at
once there too. A process on another machine, or one that cannot write that folder, reaches
this one within `TTL`. Writes are seen wherever they pass through SQLAlchemy — a session's
flush, a bulk UPDATE, a statement on a bare connection — but not in hand-written SQL text
(`text("UPDATE …")`), which no code here uses for these tables.

Only answers that name an actor are kept: an unknown token costs its two queries every time,
and a stream of made-up tokens cannot fill the memory. An answer never outlives the token or
session it came from.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import Pool
from sqlalchemy.sql.dml import UpdateBase

from hamyar.core.auth.actor import Actor
from hamyar.core.storage.models import (
    ApiToken,
    GroupMember,
    GroupRole,
    RoleAssignment,
    UiSession,
    User,
    UserGroup,
)

TTL = 5.0
"""Seconds an answer is kept: how long a change made by another process may take to reach
this one."""
MAX_ENTRIES = 10_000
"""Past this many callers, the longest unused is forgotten first."""
AUTH_TABLES = frozenset(
    str(model.__tablename__)
    for model in (ApiToken, UiSession, User, RoleAssignment, UserGroup, GroupMember, GroupRole)
)
"""The tables that decide who a credential names and what they may do."""

BOOKKEEPING = "hamyar_auth_bookkeeping"
"""An execution option for a write to those tables that changes no one's access (a token's
last-use note): it leaves the cache alone."""

Key = tuple[str, ...]


class CallerCache:
    """Credential → actor, for `TTL` seconds; thread-safe (handlers run in a thread pool)."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, tuple[float, Actor]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._marks: dict[str, int] = {}

    def generation(self) -> int:
        """Taken before reading the database: `put` keeps nothing read before a change."""
        return self._generation

    def get(self, key: Key) -> Actor | None:
        """The actor remembered for `key` (whose first part names the database), unless it
        expired or any process of this machine changed that database's access since."""
        mark = _mark(key[0])
        with self._lock:
            if self._marks.get(key[0], mark) != mark:
                self._entries.clear()
                self._generation += 1
            self._marks[key[0]] = mark
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Key, actor: Actor, generation: int, valid_until: datetime) -> None:
        """Keep `actor` for `key`, unless the tables changed since `generation` was taken; never
        past `valid_until`, when the credential itself expires."""
        left = valid_until.timestamp() - time.time()
        if left <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            self._entries[key] = (time.monotonic() + min(self.ttl, left), actor)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1


callers = CallerCache()
"""The process's cache: the web app's `resolve_actor` reads it."""

STAMPS = Path(tempfile.gettempdir()) / "hamyar-access"
"""Where each database's mark of access changes lives, one small file per database."""
STAMP_LIMIT = 1 << 20
"""A mark file is emptied past this size (a megabyte of changes: years of logins)."""
_stamps: dict[str, Path] = {}


def stamp_of(database_url: str) -> Path:
    """The file that marks access changes of the database at `database_url`: one byte is
    appended per change, so its size differs after every one (a file's time may not, within
    the clock's tick)."""
    found = _stamps.get(database_url)
    if found is None:
        try:
            canonical = make_url(database_url).render_as_string(hide_password=True)
        except ArgumentError:  # not a URL: a name of the caller's own
            canonical = database_url
        found = STAMPS / hashlib.sha256(canonical.encode()).hexdigest()[:32]
        _stamps[database_url] = found
    return found


def _mark(database_url: str) -> int:
    try:
        return os.stat(stamp_of(database_url)).st_size
    except OSError:
        return -1


def _announce(database_url: str | None) -> None:
    """Tell every process of the machine that access to this database changed."""
    if not database_url:
        return
    try:
        STAMPS.mkdir(mode=0o1777, exist_ok=True)
        fd = os.open(stamp_of(database_url), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, b".")
            if os.fstat(fd).st_size > STAMP_LIMIT:
                os.ftruncate(fd, 0)  # a change of size all the same
        finally:
            os.close(fd)
    except OSError:
        pass  # a folder this process may not write: other processes wait out the TTL


def _changed(database_url: str | None) -> None:
    callers.clear()
    _announce(database_url)


_CHANGED = "hamyar_auth_changed"

# Every write passes through a Connection — a session's flush, a bulk UPDATE, a statement on a
# bare connection — so that is where they are seen: the answers are dropped when the statement
# runs, and again when its connection goes back to the pool, which is after its commit (a
# request that read the old rows in between kept nothing past that). A savepoint rolled back
# on the way, or a whole transaction, changes nothing here: clearing once too often is free.


@event.listens_for(Engine, "before_execute")
def _note_connection_statement(
    conn: Connection, clauseelement: Any, _multi: Any, _params: Any, options: Any
) -> None:
    if not isinstance(clauseelement, UpdateBase):
        return
    if (options or {}).get(BOOKKEEPING) or clauseelement.get_execution_options().get(BOOKKEEPING):
        return
    if getattr(clauseelement.table, "name", None) in AUTH_TABLES:
        url = conn.engine.url.render_as_string(hide_password=False)
        conn.info[_CHANGED] = url
        _changed(url)


@event.listens_for(Pool, "checkin")
def _after_connection_use(_dbapi_connection: Any, record: Any) -> None:
    url = record.info.pop(_CHANGED, None) if record is not None else None
    if url:
        _changed(url)
