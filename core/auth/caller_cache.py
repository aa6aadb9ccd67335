"""Who called, remembered for a few seconds, so that a client's burst of requests asks the
database once.

Finding the caller is two indexed queries (the token or session with its user, then the roles
of the user and their groups), which on a page that is itself one or two queries is a third of
the work. A request's credentials name the same actor for as long as no one changes the
tables that decide it, so this process keeps the answer for `TTL` seconds, keyed by the
database and a digest of the credential, and drops every answer the moment a transaction of
this process that wrote one of those tables commits (a revoked token, a new password, a
deactivated account, a role or a group membership changed: `AUTH_TABLES`). Such a commit also
marks the database for every process of the machine (`hamyar.core.storage.change_marks`),
which each checks before it trusts a remembered answer: the CLI, the other processes of
`hamyar serve --workers N` and the workers' writes count at once there too. A process on
another machine reaches this one within `TTL`.

Only answers that name an actor are kept: an unknown token costs its two queries every time,
and a stream of made-up tokens cannot fill the memory. An answer never outlives the token or
session it came from.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from hamyar.core.auth.actor import Actor
from hamyar.core.storage.change_marks import watch
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
        mark = access_changes.mark(key[0])
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


def _forget_callers() -> None:
    callers.clear()


access_changes = watch("access", AUTH_TABLES, _forget_callers, skip_option=BOOKKEEPING)
"""Writes to `AUTH_TABLES`, heard by every process of the machine (`storage.change_marks`)."""
