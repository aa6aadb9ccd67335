"""Who called, remembered for a few seconds, so that a client's burst of requests asks the
database once.

Finding the caller is two indexed queries (the token or session with its user, then the roles
of the user and their groups), which on a page that is itself one or two queries is a third of
the work. A request's credentials name the same actor for as long as no one changes the
tables that decide it, so this process keeps the answer for `TTL` seconds, keyed by the
database and a digest of the credential, and drops every answer the moment a transaction of
this process that wrote one of those tables commits (a revoked token, a new password, a
deactivated account, a role or a group membership changed: `AUTH_TABLES`). A change made by
another process — the CLI, a second web server — reaches this one within `TTL`.

Only answers that name an actor are kept: an unknown token costs its two queries every time,
and a stream of made-up tokens cannot fill the memory. An answer never outlives the token or
session it came from.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

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

    def generation(self) -> int:
        """Taken before reading the database: `put` keeps nothing read before a change."""
        return self._generation

    def get(self, key: Key) -> Actor | None:
        with self._lock:
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

_CHANGED = "hamyar_auth_changed"


def _touches_auth(session: Session) -> bool:
    return any(
        getattr(obj, "__tablename__", None) in AUTH_TABLES
        for obj in (*session.new, *session.dirty, *session.deleted)
    )


@event.listens_for(Session, "before_flush")
def _note_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if _touches_auth(session):
        session.info[_CHANGED] = True
        callers.clear()


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(BOOKKEEPING):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in AUTH_TABLES:
        state.session.info[_CHANGED] = True
        callers.clear()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # Cleared again once the change is visible: a request that read the old rows between the
    # flush and the commit may have kept them.
    if session.info.pop(_CHANGED, False):
        callers.clear()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_CHANGED, None)
