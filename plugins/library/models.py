"""The mobile library's weekly route timetable, its bookings, and the published weeks.

Kanoon's mobile units follow a weekly route per county (which unit stands where, on which
weekday, at which hours). The route is data an office edits, not code. A visit request books one
stop on one day; the unique constraint on (stop, day) is what makes double-booking impossible,
whatever number of workers book at once.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from hamyar import JSONType, UTCDateTime, utcnow


class RouteStop(SQLModel, table=True):
    """One weekly stop of a mobile unit: every `weekday`, from `start` to `end`."""

    __tablename__ = "library_route_stop"
    __table_args__ = (UniqueConstraint("unit", "weekday", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    county_id: int = Field(foreign_key="county.id", index=True)
    unit: str = Field(max_length=150)
    """The mobile unit's name, e.g. "کتابخانه سیار شماره ۲ کرج"."""
    weekday: int = Field(ge=0, le=6)
    """Python's numbering (Monday 0 … Saturday 5, Sunday 6); Friday (4) is never worked."""
    start: time
    end: time
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id")
    """Where the unit usually stands; a booked visit may take it to a school nearby."""
    active: bool = True


class VisitBooking(SQLModel, table=True):
    """A visit booked into one stop on one day: at most one per stop and day, one per task."""

    __tablename__ = "library_visit_booking"
    __table_args__ = (UniqueConstraint("stop_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    stop_id: int = Field(foreign_key="library_route_stop.id")
    day: date = Field(index=True)
    task_id: int = Field(foreign_key="task.id", unique=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PublishedWeek(SQLModel, table=True):
    """One county's timetable for one week (Saturday to Thursday), as published to partners."""

    __tablename__ = "library_published_week"
    __table_args__ = (UniqueConstraint("county_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    county_id: int = Field(foreign_key="county.id")
    week_start: date
    """The Saturday the week begins on."""
    entries: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Partner(SQLModel, table=True):
    """Who joins the mobile unit's visits (seed 000): the university of medical sciences, the
    municipality's cultural, social and sports organisation, NGOs such as "Mothers' Mowasat"."""

    __tablename__ = "library_partner"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    title_fa: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    kind: str = Field(default="agency", max_length=16)
    """agency (a public body) or ngo (a people's organisation)."""


class VisitPartner(SQLModel, table=True):
    """A partner joining one stop: on one `day`, or on every week's visit when `day` is None."""

    __tablename__ = "library_visit_partner"
    __table_args__ = (UniqueConstraint("stop_id", "day", "partner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    stop_id: int = Field(foreign_key="library_route_stop.id", index=True)
    day: date | None = None
    partner_id: int = Field(foreign_key="library_partner.id")
