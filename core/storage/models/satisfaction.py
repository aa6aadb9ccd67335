"""The reporter's rating of how a case ended: one row per case, 1 (poor) to 5 (very good).

A later rating of the same case replaces the earlier one (the citizen changed their mind, or
rated once on the status page and again by SMS): the row keeps the newest, and the case's
history keeps every rating given, so nothing said is lost and reports count each case once.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow

RATINGS = (1, 2, 3, 4, 5)


class SatisfactionRating(SQLModel, table=True):
    __tablename__ = "satisfaction_rating"

    case_id: int = Field(foreign_key="case.id", primary_key=True)
    rating: int
    channel: str = Field(max_length=32)
    """Where it was given: `web` (the status page) or `sms` (a reply to the resolution SMS)."""
    rated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
