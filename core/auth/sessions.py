"""Server-side records of signed-in browsers, so that signing out really ends a session.

The session cookie (encrypted by Litestar) carries the user id and a random session key; the
database keeps the key's SHA-256 with an expiry. A request is signed in only while that record
is open: logging out ends it, a password change ends all of the user's, and a stolen cookie
dies with them. Checking costs one indexed read per request and never writes. Writes happen in
the caller's transaction; the commands in `hamyar.core.application.accounts` commit them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from hamyar.core.storage.models import UiSession, User, utcnow

SESSION_TTL = timedelta(hours=12)
"""A working day and a bit: a UI login does not outlive the shift it was made for."""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_session(session: Session, user: User) -> str:
    """Open a session for `user`; the raw key goes into the cookie, only its hash is kept."""
    assert user.id is not None
    key = secrets.token_urlsafe(32)
    session.add(
        UiSession(user_id=user.id, key_hash=_digest(key), expires_at=utcnow() + SESSION_TTL)
    )
    return key


def session_user(session: Session, user_id: int, key: str) -> tuple[User, datetime] | None:
    """The active user of an open, unexpired session with this key, and when the session
    expires; or None (read only)."""
    row = session.exec(
        select(UiSession).where(UiSession.key_hash == _digest(key), UiSession.user_id == user_id)
    ).first()
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, user_id)
    return (user, row.expires_at) if user is not None and user.active else None


def end_session(session: Session, key: str) -> None:
    session.execute(
        update(UiSession)
        .where(col(UiSession.key_hash) == _digest(key), col(UiSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(session: Session, user_id: int) -> None:
    """Sign the user out everywhere (a new password, a deactivated account)."""
    session.execute(
        update(UiSession)
        .where(col(UiSession.user_id) == user_id, col(UiSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )
