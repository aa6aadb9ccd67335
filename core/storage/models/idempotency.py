"""Answers kept for retried requests (the `Idempotency-Key` header).

A client whose request was committed but never answered (a dropped connection, a killed web
process) sends it again with the same key; the first answer is found here and returned, instead
of a second case. The row is written in the same transaction as what the request changed, so
there is an answer exactly when there is a change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from hamyar.core.storage.models.types import JSONType, UTCDateTime, utcnow


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("caller", "operation", "key", name="uq_idempotency_key_caller_key"),
        Index("ix_idempotency_key_expires_at", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    caller: str = Field(max_length=200)
    """Whose key it is ("user:<name>", "open311:<client id>"): keys of different callers never
    meet, so one cannot read another's answer by guessing a key."""
    operation: str = Field(max_length=100)
    """What was asked ("cases.create", "open311.requests.create")."""
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)
    """SHA-256 of the request's content: the same key with another request is refused."""
    status_code: int = 0
    response: Any = Field(default=None, sa_column=Column(JSONType, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
