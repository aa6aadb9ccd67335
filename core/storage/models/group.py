"""Groups of people (DCWorkflow's guard_groups, Plone's groups): membership and group roles.

A group lives within one agency (`welfare.outreach`) or across agencies (agency empty). Its
members hold every role given to the group, as if given to each of them, and pass every guard
that names the group.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class UserGroup(SQLModel, table=True):
    __tablename__ = "user_group"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    """What guards and role assignments name; unique across the deployment."""
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
    """The agency the group belongs to; empty for a group across agencies."""


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"

    group_id: int = Field(foreign_key="user_group.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, index=True)


class GroupRole(SQLModel, table=True):
    """A role every member of the group holds, globally or within one agency."""

    __tablename__ = "group_role"
    __table_args__ = (UniqueConstraint("group_id", "role", "agency_code"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="user_group.id", index=True)
    role: str = Field(max_length=64)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
