"""Bearer tokens for agency systems: issued once, stored hashed, expiring, revocable.

Writes happen in the caller's transaction; the commands in `hamyar.core.application.accounts`
commit them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from hamyar.core.storage.models import ApiToken, User, utcnow

TOKEN_PREFIX = "hmy_"
TOKEN_TTL = timedelta(days=30)
MAX_TOKEN_TTL = timedelta(days=365)
TOUCH_EVERY = timedelta(minutes=5)
"""How stale `last_used_at` may get: coarse on purpose, not one write per API call."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(
    session: Session, user: User, *, name: str = "", ttl: timedelta = TOKEN_TTL
) -> tuple[str, ApiToken]:
    """A new token for `user`: the raw value (shown once) and its stored, hashed row."""
    ttl = min(ttl, MAX_TOKEN_TTL)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    row = ApiToken(
        user_id=user.id, token_hash=_digest(raw), name=name[:150], expires_at=utcnow() + ttl
    )
    session.add(row)
    return raw, row


def find_token(session: Session, raw: str) -> ApiToken | None:
    """The stored token for `raw` if it is still valid (not expired, not revoked)."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(raw))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return row


def find_token_user(session: Session, raw: str) -> tuple[ApiToken, User] | None:
    """The stored token for `raw` and its active user, if the token is still valid: one
    indexed query (every API request asks it)."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.token_hash == _digest(raw))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.expires_at <= utcnow() or not user.active:
        return None
    return row, user


def needs_touch(row: ApiToken) -> bool:
    return row.last_used_at is None or utcnow() - row.last_used_at > TOUCH_EVERY
