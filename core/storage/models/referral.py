"""The consent recorded for a referral of a confidential case (Primero's consent to share).

A family's consent is a fact with a witness: given or refused, by whom (the person, or their
guardian), how (in person, by phone, in writing) and when. It is kept beside the referral task
it allowed, so an auditor can see on what grounds a confidential file was shared.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow

CONSENT_METHODS = ("in_person", "phone", "in_writing")


class ReferralConsent(SQLModel, table=True):
    __tablename__ = "referral_consent"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", unique=True)
    """The referral task this consent was recorded for."""
    given: bool
    """True: the family agreed to the referral; False: it refused (a supervisor overrode)."""
    given_by: str = Field(max_length=200)
    """Who answered: the person, or the guardian who speaks for them."""
    method: str = Field(max_length=16)
    """in_person, phone or in_writing."""
    given_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=150)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
