"""Knowing, in every process of the machine, that some tables of a database were written.

A process may keep rows it reads often and that change rarely (who a credential names, the
routing rules, the working calendar) only if it hears of every change to them. A `Watch` names
a set of tables and what to forget when one of them is written:

- **In this process** every write passes through a Connection — a session's flush, a bulk
  UPDATE, a statement on a bare connection — so that is where it is seen: the watch forgets
  when the statement runs, and again when its connection goes back to the pool, which is after
  its commit (a reader that read the old rows in between keeps nothing past that). A savepoint
  or a transaction rolled back on the way changes nothing here: forgetting once too often is
  free. Hand-written SQL text (`text("UPDATE …")`) is not seen; no code here writes watched
  tables that way, and a caller that does calls `Watch.changed`.
- **In the other processes of the machine** (the CLI, the other processes of
  `hamyar serve --workers N`, the workers) through a small mark file per database and watch in
  the temporary folder: one byte is appended per change, so its size differs after every one (a
  file's time may not, within the clock's tick), and a reader compares the size it saw last
  (`mark`) before it trusts what it kept. A process on another machine, or one that cannot
  write that folder, hears nothing: whoever keeps rows keeps them for a few seconds at most.

`Watch.pending(connection)` says whether that connection's own transaction has written the
watch's tables: what it reads is then not yet everybody's, and must not be kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import Pool
from sqlalchemy.sql.dml import UpdateBase

MARKS = Path(tempfile.gettempdir()) / "hamyar-changes"
"""Where each database's mark files live, one small file per database and watch."""
MARK_LIMIT = 1 << 20
"""A mark file is emptied past this size (a megabyte of changes: years of them)."""

_CHANGED = "hamyar_changed"
"""The connection record's note of the (watch, database URL) pairs its transaction wrote."""


class Watch:
    """Tables whose writes make `forget` run here and mark the database for other processes.

    `skip_option` names an execution option that a write changing nothing the watch cares
    about carries (a token's last-use note), so it leaves the watch alone."""

    def __init__(
        self,
        name: str,
        tables: frozenset[str],
        forget: Callable[[], None],
        skip_option: str | None = None,
    ) -> None:
        self.name = name
        self.tables = tables
        self.forget = forget
        self.skip_option = skip_option
        self._files: dict[str, Path] = {}

    def file_of(self, database_url: str) -> Path:
        """The mark file of this watch for the database at `database_url`."""
        found = self._files.get(database_url)
        if found is None:
            try:
                canonical = make_url(database_url).render_as_string(hide_password=True)
            except ArgumentError:  # not a URL: a name of the caller's own
                canonical = database_url
            digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
            found = MARKS / f"{digest}.{self.name}"
            self._files[database_url] = found
        return found

    def mark(self, database_url: str) -> int:
        """The mark of the database now: a different number after any process's change."""
        try:
            return os.stat(self.file_of(database_url)).st_size
        except OSError:
            return -1

    def changed(self, database_url: str | None) -> None:
        """Forget here, and tell every process of the machine that the tables changed."""
        self.forget()
        if not database_url:
            return
        try:
            MARKS.mkdir(mode=0o1777, exist_ok=True)
            fd = os.open(self.file_of(database_url), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, b".")
                if os.fstat(fd).st_size > MARK_LIMIT:
                    os.ftruncate(fd, 0)  # a change of size all the same
            finally:
                os.close(fd)
        except OSError:
            pass  # a folder this process may not write: other processes wait out their TTL

    def pending(self, connection: Connection) -> bool:
        """Whether `connection`'s transaction wrote this watch's tables and has not ended."""
        return any(name == self.name for name, _ in connection.info.get(_CHANGED, ()))


_watches: list[Watch] = []


def watch(
    name: str,
    tables: frozenset[str],
    forget: Callable[[], None],
    skip_option: str | None = None,
) -> Watch:
    """Register a watch for the process (once per name: a module imported again keeps one)."""
    for existing in _watches:
        if existing.name == name:
            _watches.remove(existing)
    found = Watch(name, tables, forget, skip_option)
    _watches.append(found)
    return found


@event.listens_for(Engine, "before_execute")
def _note_write(
    conn: Connection, clauseelement: Any, _multi: Any, _params: Any, options: Any
) -> None:
    if not isinstance(clauseelement, UpdateBase):
        return
    table = getattr(clauseelement.table, "name", None)
    url: str | None = None
    for found in _watches:
        if table not in found.tables:
            continue
        option = found.skip_option
        if option and (
            (options or {}).get(option) or clauseelement.get_execution_options().get(option)
        ):
            continue
        url = url or conn.engine.url.render_as_string(hide_password=False)
        conn.info.setdefault(_CHANGED, set()).add((found.name, url))
        found.changed(url)


@event.listens_for(Pool, "checkin")
def _after_connection_use(_dbapi_connection: Any, record: Any) -> None:
    written = record.info.pop(_CHANGED, None) if record is not None else None
    for name, url in written or ():
        for found in _watches:
            if found.name == name:
                found.changed(url)
