"""Open311 client applications and the requests they submitted.

A client application (a 137 app, a city's 311 portal) holds one API key; only a hash of the key
is stored, so a copied database does not hand out working keys. Every accepted submission is
kept with the location and media the client sent: Open311 serves them back, while the case
itself holds only what the engine routes on. The submission count per client is also what the
rate limit reads, so the limit holds across any number of web processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from hamyar import UTCDateTime, utcnow


class Open311Client(SQLModel, table=True):
    __tablename__ = "open311_client"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=150)
    key_hash: str = Field(unique=True, max_length=64)
    """SHA-256 of the API key, hex: keys are long random strings, so no slow hash is needed."""
    key_hint: str = Field(default="", max_length=8)
    """The key's last characters, so an admin can tell two keys apart in `open311 list`."""
    rate_limit: int = 60
    """Submissions allowed per hour (a sliding window); 0 refuses every submission."""
    queued: bool = False
    """Answer submissions with a token instead of the request id, for clients built that way."""
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Open311Submission(SQLModel, table=True):
    __tablename__ = "open311_submission"
    __table_args__ = (Index("ix_open311_submission_client_time", "client_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="open311_client.id")
    case_id: int = Field(foreign_key="case.id", unique=True)
    token: str = Field(unique=True, max_length=64)
    lat: float | None = None
    long: float | None = None
    address_string: str | None = Field(default=None, sa_column=Column(Text))
    address_id: str | None = Field(default=None, max_length=64)
    media_url: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
