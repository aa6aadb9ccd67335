"""Messages to a case's reporter, the addresses that asked for none, and inbound SMS.

A notification row is written in the transaction of the change it tells of (intake, a
transition, a public note) together with the outbox step that sends it, under a key naming
the case, the event, the channel and what the event refers to: the same news is never written
twice, and a send that failed or was cut short is found and finished, never started anew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import JSONType, UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    __table_args__ = (Index("ix_notification_case_id", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=255)
    """`{case}:{event}:{channel}:{ref}`: one message per piece of news and channel."""
    case_id: int = Field(foreign_key="case.id")
    event: str = Field(max_length=16)
    """received, assigned, resolved, rejected, note (`hamyar.core.engine.notifications`)."""
    channel: str = Field(max_length=8)
    """email or sms."""
    ref: str = Field(max_length=64)
    """What the event refers to: the case's version after a transition, a note's id."""
    recipient: str = Field(max_length=254)
    locale: str = Field(default="fa", max_length=8)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    """What the message is made of (tracking code, agency, note), worded when it is sent."""
    status: str = Field(default="pending", max_length=16)
    """pending, sending (a try began), sent, skipped (opted out, or no sender configured)."""
    attempts: int = 0
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The words sent, fixed at the first try so every retry sends the very same message."""
    provider_ref: str = Field(default="", max_length=255)
    """The email's Message-ID, or the SMS gateway's message id once it answered."""
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationOptOut(SQLModel, table=True):
    """An address (email, or canonical phone) that asked for no more messages.

    The opt-out link in an email carries a signed notification id (no row is needed before
    someone uses it); an SMS reply of "لغو" opts the phone out."""

    __tablename__ = "notification_opt_out"

    id: int | None = Field(default=None, primary_key=True)
    contact: str = Field(unique=True, max_length=254)
    opted_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InboundSms(SQLModel, table=True):
    """A message the SMS gateway forwarded, once per gateway message id: a retried webhook
    finds its row and answers as before instead of opening a second case."""

    __tablename__ = "inbound_sms"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, max_length=128)
    sender: str = Field(max_length=32)
    receiver: str = Field(default="", max_length=32)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    outcome: str = Field(default="", max_length=16)
    """case (a new case), rating (a reply rating a resolved case), opt_out, ignored."""
    case_id: int | None = Field(default=None, foreign_key="case.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
