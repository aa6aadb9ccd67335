"""Agencies and their services, mirrored from the plugin registry into the database.

Plugins are the source of truth; these rows exist so that cases, tasks and role assignments
can point at them with foreign keys and reports can join them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import JSONType


class Agency(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    title_fa: str
    title_en: str
    plugin: str = Field(max_length=128)
    thursday_closed: bool = False
    active: bool = True


class Service(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=128)
    agency_code: str = Field(foreign_key="agency.code", index=True, max_length=64)
    title_fa: str
    title_en: str
    workflow_id: str = Field(max_length=128)
    confidential: bool = False
    public: bool = True
    sla_days: int | None = None
    sla_hours: int | None = None
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    form_schema: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    active: bool = True
