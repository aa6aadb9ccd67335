"""Immutable workflow versions, and the workflow an administrator bound to a service.

Every definition the engine runs — a plugin's at start-up, an import, an edit — is stored once
per distinct content as a numbered version; a case or task names the version it started on, so
changing a workflow never strands what is already running on it (SpiffWorkflow keeps the spec
apart from the running instance in the same way).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow


class WorkflowVersion(SQLModel, table=True):
    __tablename__ = "workflow_version"
    __table_args__ = (
        UniqueConstraint("workflow_id", "number", name="uq_workflow_version_number"),
        Index("ix_workflow_version_workflow", "workflow_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workflow_id: str = Field(max_length=128)
    number: int
    """1, 2, 3 … within the workflow; the highest is the one new cases take."""
    content_hash: str = Field(max_length=64)
    """SHA-256 of `xml`: an unchanged definition recorded again makes no new version."""
    xml: str = Field(sa_column=Column(Text, nullable=False))
    """The definition as DCWorkflow XML with Hamyar's namespace (an exact round trip)."""
    title: str = ""
    source: str = Field(default="", max_length=128)
    """The plugin that registered it, "import", or "edit"."""
    created_by: str = Field(default="", max_length=150)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceWorkflow(SQLModel, table=True):
    """A service's workflow chosen by an administrator, replacing its plugin's for new tasks."""

    __tablename__ = "service_workflow"

    service_code: str = Field(primary_key=True, foreign_key="service.code", max_length=128)
    workflow_id: str = Field(max_length=128)
    bound_by: str = Field(default="", max_length=150)
    bound_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
