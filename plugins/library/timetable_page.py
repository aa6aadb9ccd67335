"""`/library/timetable`: the mobile units' route as a Jalali week-by-week page, per county.

Seed 000: partners join Kanoon's mobile unit "on the timetable the mobile section provides".
This page is that timetable — which neighbourhood (or, once a visit is booked, which school)
the unit stands at, when; who joins each visit; and the requests booked into it, linked for
those who may read them. It is drawn by the core's periodic-plan page (`hamyar.plan_page`):
the plugin only says what is planned. Anyone signed in may read it; a booked case the viewer
may not read shows as "booked", without its title.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template
from sqlmodel import Session, col, select

from hamyar import (
    Actor,
    ActorDep,
    Case,
    County,
    InvalidInput,
    Neighbourhood,
    PeriodicPlan,
    PlanChoice,
    PlanEntry,
    PlanLink,
    PlanPeriod,
    Registry,
    application_of,
    page_locale,
    plan_page,
    readable_cases,
    tehran_day,
    to_persian_digits,
    utcnow,
    working_calendar,
)
from hamyar.plugins.library.models import Partner, RouteStop, VisitBooking, VisitPartner
from hamyar.plugins.library.timetable import candidate_slots, week_start

AGENCY = "library"
WEEKS = 4
PATH = "/library/timetable"


def _text(locale: str, fa: str, en: str) -> str:
    return fa if locale == "fa" else en


def _counties(session: Session) -> list[County]:
    with_stops = select(RouteStop.county_id).where(col(RouteStop.active).is_(True))
    return list(
        session.exec(
            select(County).where(col(County.id).in_(with_stops)).order_by(col(County.id))
        ).all()
    )


def _partners(
    session: Session, stop_ids: set[int], start: date, end: date
) -> dict[tuple[int, date | None], list[Partner]]:
    """(stop, day or None for every week) → the partners joining it."""
    rows = session.exec(
        select(VisitPartner, Partner)
        .join(Partner, col(Partner.id) == col(VisitPartner.partner_id))
        .where(
            col(VisitPartner.stop_id).in_(stop_ids),
            col(VisitPartner.day).is_(None)
            | ((col(VisitPartner.day) >= start) & (col(VisitPartner.day) <= end)),
        )
        .order_by(col(Partner.id))
    ).all()
    joined: dict[tuple[int, date | None], list[Partner]] = {}
    for link, partner in rows:
        joined.setdefault((link.stop_id, link.day), []).append(partner)
    return joined


def _week(
    session: Session,
    registry: Registry,
    actor: Actor,
    locale: str,
    county: County,
    start: date,
) -> PlanPeriod:
    assert county.id is not None
    calendar = working_calendar(session, registry, AGENCY)
    slots = candidate_slots(session, county.id, calendar, start - timedelta(days=1), days=7)
    end = start + timedelta(days=6)
    stop_ids = {s.stop.id for s in slots if s.stop.id is not None}
    bookings = {
        (b.stop_id, b.day): b
        for b in session.exec(
            select(VisitBooking).where(
                col(VisitBooking.stop_id).in_(stop_ids),
                col(VisitBooking.day) >= start,
                col(VisitBooking.day) <= end,
            )
        ).all()
    }
    readable = {
        c.id: c
        for c in session.exec(
            select(Case).where(
                col(Case.id).in_({b.case_id for b in bookings.values()}), readable_cases(actor)
            )
        ).all()
    }
    places = {
        n.id: _text(locale, n.name_fa, n.name_en)
        for n in session.exec(select(Neighbourhood).where(Neighbourhood.county_id == county.id))
    }
    joined = _partners(session, stop_ids, start, end)
    entries = []
    for slot in slots:
        stop = slot.stop
        assert stop.id is not None
        place = places.get(stop.neighbourhood_id or 0, "")
        partners = [*joined.get((stop.id, None), []), *joined.get((stop.id, slot.day), [])]
        booking = bookings.get((stop.id, slot.day))
        links: list[PlanLink] = []
        note = _text(locale, "نوبت آزاد", "Free slot")
        if booking is not None:
            case = readable.get(booking.case_id)
            note = "" if case else _text(locale, "رزروشده", "Booked")
            if case is not None:
                venue = str(case.data.get("venue_name") or "").strip()
                place = (
                    f"{venue}، {place}"
                    if venue and locale == "fa"
                    else (f"{venue}, {place}" if venue else place)
                )
                code = (
                    to_persian_digits(case.tracking_code) if locale == "fa" else case.tracking_code
                )
                links.append(PlanLink(f"{code} · {case.title}", f"/cases/{case.id}"))
        entries.append(
            PlanEntry(
                day=slot.day,
                start=stop.start,
                end=stop.end,
                place=place,
                title=stop.unit,
                partners=[_text(locale, p.title_fa, p.title_en) for p in partners],
                links=links,
                note=note,
            )
        )
    return PlanPeriod(start=start, end=end, entries=entries)


def timetable_plan(
    session: Session,
    registry: Registry,
    actor: Actor,
    locale: str,
    *,
    county_code: str = "",
    first: date | None = None,
) -> PeriodicPlan:
    """`WEEKS` weeks of one county's route from the week holding `first` (default: today)."""
    title = _text(locale, "برنامه زمانی کتابخانه سیار", "Mobile library timetable")
    counties = _counties(session)
    if not counties:
        return PeriodicPlan(
            title=title,
            periods=[],
            empty_message=_text(
                locale,
                "هنوز برای هیچ شهرستانی ایستگاهی تعریف نشده است.",
                "No county has mobile-library stops yet.",
            ),
        )
    county = next((c for c in counties if c.code == county_code), None)
    if county_code and county is None:
        raise InvalidInput(
            f"no mobile-library route in the county {county_code!r}",
            [{"field": "county", "message": "choose one of the counties listed on the page"}],
        )
    county = county or counties[0]
    start = week_start(first or tehran_day(utcnow()))

    def href(c: County, week: date) -> str:
        return f"{PATH}?{urlencode({'county': c.code, 'week': week.isoformat()})}"

    return PeriodicPlan(
        title=title,
        subtitle=_text(
            locale,
            f"شهرستان {county.name_fa}: محل توقف، همکاران هر بازدید و درخواست‌های نوبت‌گرفته",
            f"{county.name_en} county: where the unit stops, who joins, and the visits booked",
        ),
        periods=[
            _week(session, registry, actor, locale, county, start + timedelta(weeks=n))
            for n in range(WEEKS)
        ],
        choices=[
            PlanChoice(_text(locale, c.name_fa, c.name_en), href(c, start), c.id == county.id)
            for c in counties
        ],
        choice_label=_text(locale, "شهرستان", "County"),
        earlier_href=href(county, start - timedelta(weeks=WEEKS)),
        later_href=href(county, start + timedelta(weeks=WEEKS)),
        columns={
            "place": _text(locale, "مدرسه یا محله", "School or neighbourhood"),
            "title": _text(locale, "واحد سیار", "Mobile unit"),
            "partners": _text(locale, "همکاران", "Partners joining"),
            "links": _text(locale, "درخواست‌ها", "Booked requests"),
        },
    )


def _week_param(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = "week: a day such as 2026-12-05 (the links on the page carry one)"
        raise InvalidInput(message, [{"field": "week", "message": message}]) from None


@get(PATH, name="library:timetable", sync_to_thread=True)
def timetable_page(
    request: Request[Any, Any, Any],
    actor: ActorDep,
    county: FromQuery[str] = "",
    week: FromQuery[str] = "",
) -> Template:
    app = application_of(request)
    with app.read_session() as session:
        plan = timetable_plan(
            session,
            app.registry,
            actor,
            page_locale(request),
            county_code=county.strip(),
            first=_week_param(week),
        )
    return plan_page(request, plan, actor=actor)
