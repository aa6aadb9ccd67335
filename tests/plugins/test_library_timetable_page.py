"""`/library/timetable`: the mobile units' route as a Jalali week-by-week page per county, with
the partners joining each visit and the requests booked into it (a `hamyar.PeriodicPlan`).

The real plugins on the test database: the demo's places, route stops and partners; one mobile
visit request booked into a Monday afternoon that two partners join every week.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.auth.tokens import new_token
from hamyar.core.demo_data import add_users, load_places
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import County, Task, User
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.time.deadlines import working_calendar
from hamyar.core.time.jalali import format_date
from hamyar.plugins.library.demo import add_partners, add_route_stops
from hamyar.plugins.library.models import Partner, RouteStop, VisitBooking, VisitPartner
from hamyar.plugins.library.timetable import week_start
from tests.test_routing import new_case
from tests.web.apps import shared_app

CULTURE = "سازمان فرهنگی، اجتماعی و ورزشی شهرداری"
MOWASAT = "تشکل مواسات مادرانه"
SCHOOL = "دبستان شهید بهشتی"


@dataclass
class Timetable:
    client: TestClient[Litestar]
    tokens: dict[str, str]
    case_id: int
    tracking_code: str
    monday: date

    def get(self, who: str, locale: str = "fa", **params: str) -> str:
        self.client.cookies.set("hamyar_locale", locale)
        response = self.client.get(
            "/library/timetable",
            params=params or {"county": "karaj", "week": week_start(self.monday).isoformat()},
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
        )
        assert response.status_code == 200, response.text
        return response.text


def _working_monday(session: Session, app: Application) -> date:
    """The first Monday from three weeks ahead that the library works (no holiday moves it)."""
    calendar = working_calendar(session, app.registry, "library")
    day = date.today() + timedelta(weeks=3)
    while day.weekday() != 0 or not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def timetable(engine: Engine, redis_url: str) -> Iterator[Timetable]:
    app = Application.build(engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        sync_registry(session, app.registry)
        load_places(session)
        add_users(session, app.registry)
        add_route_stops(session)
        add_partners(session)
        session.commit()
        case = new_case(
            session,
            app.registry,
            "library.mobile_visit",
            nb="karaj-hesarak",
            data={
                "venue": "school",
                "venue_name": SCHOOL,
                "age_groups": ["primary", "mothers"],
                "expected_attendees": 90,
            },
            title="کتابخانه سیار برای دبستان شهید بهشتی",
        )
        route_case(session, case.id, app.registry, pm=app.pm)  # type: ignore[arg-type]
        task = session.exec(select(Task).where(Task.case_id == case.id)).one()
        karaj = session.exec(select(County).where(County.code == "karaj")).one()
        monday = _working_monday(session, app)
        stop = session.exec(
            select(RouteStop).where(
                RouteStop.county_id == karaj.id, RouteStop.weekday == 0, RouteStop.start > time(12)
            )
        ).one()
        assert case.id is not None and task.id is not None and stop.id is not None
        session.add(VisitBooking(stop_id=stop.id, day=monday, task_id=task.id, case_id=case.id))
        tokens = {}
        for user in session.exec(select(User)).all():
            tokens[user.username] = new_token(session, user, name="test")[0]
        nobody = User(username="nobody", password_hash="-")
        session.add(nobody)
        session.flush()
        tokens["nobody"] = new_token(session, nobody, name="test")[0]
        session.commit()
        code = case.tracking_code
    with TestClient(shared_app(app)) as client:
        yield Timetable(client, tokens, case.id, code, monday)


def _row(page: str, marker: str) -> str:
    """The table row of the page holding `marker`."""
    before, _, after = page.partition(marker)
    assert _, f"{marker!r} is not on the page"
    return before.rsplit("<tr", 1)[1] + marker + after.split("</tr>", 1)[0]


def test_a_visit_shows_its_two_partners_and_the_booked_request(timetable: Timetable) -> None:
    page = timetable.get("coordinator")
    row = _row(page, SCHOOL)
    assert CULTURE in row and MOWASAT in row
    assert "municipality_culture" not in page and "mowasat" not in page  # titles, never codes
    assert f'href="/cases/{timetable.case_id}"' in row
    assert "کتابخانه سیار برای دبستان شهید بهشتی" in row
    assert "۱۴:۰۰ تا ۱۶:۳۰" in row
    assert f"دوشنبه {format_date(timetable.monday, 'fa')}" in page
    saturday = week_start(timetable.monday)
    heading = (
        f"هفته {format_date(saturday, 'fa')} تا {format_date(saturday + timedelta(days=6), 'fa')}"
    )
    assert heading in page


def test_a_booked_case_the_viewer_may_not_read_shows_only_that_it_is_booked(
    timetable: Timetable,
) -> None:
    page = timetable.get("nobody")
    assert f"/cases/{timetable.case_id}" not in page and SCHOOL not in page
    assert "رزروشده" in page
    assert CULTURE in page  # the timetable itself is for everyone signed in


def test_the_timetable_in_english(timetable: Timetable) -> None:
    page = timetable.get("library.caseworker", locale="en")
    row = _row(page, SCHOOL)
    assert "The municipality&#39;s cultural, social and sports organisation" in row
    assert "Monday " + format_date(timetable.monday, "en") in page
    assert "Mobile library timetable" in page


def test_a_partner_may_join_one_day_only(timetable: Timetable, engine: Engine) -> None:
    with Session(engine) as session:
        health = session.exec(select(Partner).where(Partner.code == "health")).one()
        booking = session.exec(select(VisitBooking)).one()
        session.add(VisitPartner(stop_id=booking.stop_id, day=booking.day, partner_id=health.id))  # type: ignore[arg-type]
        session.commit()
    row = _row(timetable.get("coordinator"), SCHOOL)
    assert "دانشگاه علوم پزشکی البرز" in row
    later = timetable.get(
        "coordinator",
        county="karaj",
        week=(week_start(timetable.monday) + timedelta(weeks=4)).isoformat(),
    )
    assert "دانشگاه علوم پزشکی البرز" not in _row(later, CULTURE)


def test_counties_and_weeks_are_links_and_the_page_prints(timetable: Timetable) -> None:
    page = timetable.get("coordinator")
    assert 'aria-current="page">کرج</a>' in page and "<strong>کرج</strong>" in page
    assert 'href="/library/timetable?county=fardis&amp;week=' in page
    assert 'rel="next"' in page and 'rel="prev"' in page and "data-print" in page
    assert page.count('class="card plan-period"') == 4


@pytest.mark.parametrize("params", [{"week": "next monday"}, {"county": "atlantis"}])
def test_bad_parameters_are_a_4xx_not_a_500(timetable: Timetable, params: dict[str, str]) -> None:
    response = timetable.client.get(
        "/library/timetable",
        params=params,
        headers={"Authorization": f"Bearer {timetable.tokens['coordinator']}"},
    )
    assert response.status_code == 422
