"""API tokens for agency systems, and login attempts for throttling.

A token is shown once, when issued; only its SHA-256 is stored, so a copy of the database does
not hand out working credentials. Tokens expire and can be revoked one by one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    """Hex SHA-256 of the token: tokens are random, so a plain hash is enough (no salt)."""
    name: str = Field(default="", max_length=150)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """One password check; recent failures per username and per address slow guessing down."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "created_at"),
        Index("ix_login_attempt_address_at", "address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=150)
    address: str = Field(default="", max_length=64)
    succeeded: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UiSession(SQLModel, table=True):
    """A signed-in browser: the session cookie names one of these, and it must still be open.

    Logging out ends this one, changing a password ends all of the user's, so a copied cookie
    stops working at once instead of at its expiry. Only the SHA-256 of the cookie's session
    key is stored; checking it on each request is one indexed read, never a write.
    """

    __tablename__ = "ui_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    key_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
