"""Notes on a case: what a caseworker writes down without moving the case anywhere.

A note belongs to the agency its author wrote it for and says who may read it (`visibility`):
`agency` (that agency only), `shared` (every agency on the case, and the coordinators who
route it) or `public` (may be shown on the citizen's status page). Who reads which note is
decided by `hamyar.core.auth.access.note_readable`, never here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow

NOTE_VISIBILITIES = ("agency", "shared", "public")


class CaseNote(SQLModel, table=True):
    __tablename__ = "case_note"
    __table_args__ = (Index("ix_case_note_case_id", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    author: str = Field(max_length=150)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
    """The agency the author wrote as; empty for a coordinator, who holds none."""
    visibility: str = Field(default="agency", max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
