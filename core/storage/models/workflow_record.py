"""Workflows imported from DCWorkflow XML and kept in the database (plugins hold the others)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow


class WorkflowRecord(SQLModel, table=True):
    __tablename__ = "workflow_record"

    id: str = Field(primary_key=True, max_length=128)
    title: str = ""
    xml: str = Field(sa_column=Column(Text, nullable=False))
    """The definition as GenericSetup XML: the form it was given in, re-read on use."""
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
