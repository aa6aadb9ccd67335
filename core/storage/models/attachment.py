"""Photos and documents on a case: what a citizen or a caseworker sent, checked and stored.

The row says what was stored and where (`storage_key` in the media store, `hamyar.core.storage.
media_store`); the bytes themselves live outside the database. An image is kept re-encoded
(orientation applied, EXIF stripped) with a small thumbnail beside it; a PDF as it came. Who may
read an attachment is who may read its case (`hamyar.core.auth.access`); the public status page
shows one only once a caseworker has marked it `public`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow

ATTACHMENT_KINDS = ("image", "pdf")
ATTACHMENT_SOURCES = ("web", "api", "open311")


class Attachment(SQLModel, table=True):
    __table_args__ = (Index("ix_attachment_case_id", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    filename: str = Field(max_length=255)
    """The name it was sent under, for people to recognise it; never used as a path."""
    content_type: str = Field(max_length=64)
    """What the content is (image/jpeg, image/png, application/pdf), as found by reading it."""
    kind: str = Field(max_length=16)
    """image or pdf."""
    size: int
    """Bytes stored (after re-encoding an image)."""
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=255)
    thumbnail_key: str | None = Field(default=None, max_length=255)
    width: int | None = None
    height: int | None = None
    public: bool = False
    """Shown on the citizen's public status page: set by a caseworker, never by the sender."""
    source: str = Field(default="web", max_length=16)
    uploaded_by: str = Field(max_length=150)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
