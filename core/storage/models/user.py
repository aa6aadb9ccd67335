"""People who log in, and the roles they hold globally or within one agency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=150)
    password_hash: str = ""
    full_name: str = ""
    locale: str = Field(default="fa", max_length=8)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoleAssignment(SQLModel, table=True):
    """A role held globally (agency empty) or only within one agency (Plone's local role)."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=64)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
