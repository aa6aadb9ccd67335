"""Work that must happen later, written in the same transaction as the change that causes it.

A relay moves rows into RQ; if Redis is down the rows wait. The key makes a step idempotent:
the same step for the same object and version is written, queued and applied once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import JSONType, UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=255)
    kind: str = Field(max_length=64)
    """The job to run: route_case, run_handler, fire_automatic, …"""
    queue: str = Field(default="default", max_length=32)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    job_id: str | None = Field(default=None, max_length=128)
    """The RQ job carrying the step since it was sent: its own, or a batch of short steps."""
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Incident(SQLModel, table=True):
    """A step that kept failing after its retries: shown to caseworkers, retried from the UI."""

    __table_args__ = (Index("ix_incident_open", "resolved_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    outbox_key: str = Field(max_length=255, index=True)
    kind: str = Field(max_length=64)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    retried_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
