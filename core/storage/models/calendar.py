"""Admin overrides of the working calendar: decrees, one-off closures, corrected lunar dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class CalendarOverride(SQLModel, table=True):
    __tablename__ = "calendar_override"
    __table_args__ = (UniqueConstraint("day", "agency_code"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    closed: bool = True
    """True adds a day off; False makes a day a working day (a holiday that is not one)."""
    name: str = ""
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
