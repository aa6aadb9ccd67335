"""Signing in and out: logging in with a password, issuing and revoking bearer tokens.

Each is a unit of work of its own. A login attempt is committed whatever its outcome — that is
what the throttle counts — so `log_in` commits first and refuses after.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import sessions, tokens
from hamyar.core.auth.caller_cache import BOOKKEEPING
from hamyar.core.auth.logins import check_password
from hamyar.core.exceptions import NotAuthenticated
from hamyar.core.storage.background import background
from hamyar.core.storage.models import ApiToken, User, utcnow


def log_in(uow: UnitOfWork, username: str, password: str, address: str = "") -> User:
    """The user, if the password is theirs; NotAuthenticated (401) or TooManyAttempts (429)."""
    with uow:
        user = check_password(uow.session, username, password, address)
    if user is None:
        raise NotAuthenticated("wrong username or password")
    return user


def start_session(uow: UnitOfWork, user: User) -> str:
    """Open a server-side UI session for `user`; the key to put in the session cookie."""
    with uow:
        return sessions.new_session(uow.session, user)


def end_session(uow: UnitOfWork, key: str) -> None:
    """Log a browser out: its session key stops working at once, wherever the cookie is."""
    if not key:
        return
    with uow:
        sessions.end_session(uow.session, key)


def issue_token(
    uow: UnitOfWork, user: User, *, name: str = "", ttl: timedelta = tokens.TOKEN_TTL
) -> tuple[str, ApiToken]:
    """A new bearer token for `user`: the raw value is returned once and stored hashed."""
    with uow:
        return tokens.new_token(uow.session, user, name=name, ttl=ttl)


def revoke_token(uow: UnitOfWork, raw: str) -> None:
    """Revoke the token `raw`; NotAuthenticated (401) if it is not a valid token."""
    with uow:
        row = tokens.find_token(uow.session, raw) if raw else None
        if row is None:
            raise NotAuthenticated("send the token to revoke as `Authorization: Bearer <token>`")
        row.revoked_at = utcnow()
        uow.session.add(row)


def user_for_token(session: Session, uow: UnitOfWork, raw: str) -> tuple[User, datetime] | None:
    """The active user of a valid token (read in `session`) and when the token expires, noting
    in `uow` when it was last used, every few minutes.

    The note is a write, and the request asking is usually a read: it is left to the
    background thread (`hamyar.core.storage.background`), so finding out who calls never
    waits for SQLite's write lock. Concurrent requests with one token ask for one note, and a
    busy database skips it: it is informative, not something to fail a request over.
    """
    found = tokens.find_token_user(session, raw)
    if found is None:
        return None
    row, user = found
    if not tokens.needs_touch(row):
        return user, row.expires_at
    assert row.id is not None
    if _claim_touch(row.id):
        background().submit(lambda: _touch(uow, row.id))  # type: ignore[arg-type]
    return user, row.expires_at


_touching: dict[int, float] = {}
_touching_lock = threading.Lock()


def _claim_touch(token_id: int) -> bool:
    """Whether this process should note the token's use now (not already noted lately)."""
    now = time.monotonic()
    with _touching_lock:
        if now - _touching.get(token_id, -1e9) < tokens.TOUCH_EVERY.total_seconds():
            return False
        if len(_touching) > 10_000:
            _touching.clear()
        _touching[token_id] = now
        return True


def _touch(uow: UnitOfWork, token_id: int) -> None:
    try:
        with uow:
            uow.session.execute(
                update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=utcnow()),
                execution_options={BOOKKEEPING: True},
            )
    except OperationalError:
        with _touching_lock:
            _touching.pop(token_id, None)  # try again on a later request
