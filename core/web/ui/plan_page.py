"""A page for any periodic plan a plugin keeps: a timetable, a rota, a programme of visits.

A plugin builds a `PeriodicPlan` — periods (weeks, months) of dated entries, each with its
place, who takes part and links to the cases booked into it — and returns `plan_page(request,
plan, actor=actor)` from a route it registers with the `register_routes` hook. The core's
`plan.html` draws it: Jalali dates and weekday names in the page's language, Persian digits,
one card per period, a picker between views (e.g. counties), earlier/later links, and a print
layout (A4, no menu). The plugin decides what the viewer may see; links it gives are to pages
that check access again (a case page does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from itertools import groupby
from typing import Any

from litestar import Request
from litestar.response import Template

from hamyar.core.auth.actor import Actor
from hamyar.core.web.ui.page import locale_of, render

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Catalogue entries for Python's weekday numbers."""


@dataclass(frozen=True)
class PlanLink:
    """A link shown in an entry: a booked case, a document."""

    label: str
    href: str


@dataclass(frozen=True)
class PlanEntry:
    """One planned occurrence: on `day`, from `start` to `end`, at `place`."""

    day: date
    place: str
    title: str = ""
    """What happens, or who does it (e.g. the mobile unit's name)."""
    start: time | None = None
    end: time | None = None
    partners: Sequence[str] = ()
    """Titles (never codes) of those who join."""
    links: Sequence[PlanLink] = ()
    note: str = ""
    """A short remark, e.g. "free" or "booked"."""


@dataclass(frozen=True)
class PlanPeriod:
    """A week, a month: the entries dated `start`..`end` (both included)."""

    start: date
    end: date
    entries: Sequence[PlanEntry] = ()

    def days(self) -> list[tuple[date, list[PlanEntry]]]:
        """The entries by day, in time order."""
        ordered = sorted(self.entries, key=lambda e: (e.day, e.start or time()))
        return [(day, list(items)) for day, items in groupby(ordered, key=lambda e: e.day)]


@dataclass(frozen=True)
class PlanChoice:
    """One of the plan's views (a county, a unit), for the picker above it."""

    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class PeriodicPlan:
    """What `plan.html` draws; every text already in the viewer's language (`page_locale`)."""

    title: str
    periods: Sequence[PlanPeriod]
    subtitle: str = ""
    choices: Sequence[PlanChoice] = ()
    choice_label: str = ""
    earlier_href: str | None = None
    later_href: str | None = None
    empty_message: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    """Header overrides: `time`, `place`, `title`, `partners`, `links` → the plugin's words."""


def page_locale(request: Request[Any, Any, Any]) -> str:
    """`fa` or `en`: the language the page is shown in, for the texts a plugin puts in a plan."""
    return locale_of(request)


def plan_page(
    request: Request[Any, Any, Any], plan: PeriodicPlan, *, actor: Actor | None
) -> Template:
    """The plan as a page of the UI (menu, language switch, print layout)."""
    return render(
        request,
        "plan.html",
        actor=actor,
        page_title=plan.title,
        plan=plan,
        weekdays=WEEKDAYS,
    )
