"""The achievements report: what each number means, places that drill down and add up, Jalali
periods, CSV for Excel, and counts cut by who asks.

The world (tests/web/conftest.py) has five cases in one neighbourhood of Tehran; the tests add
the cases they talk about, with the real engine taking their transitions.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.dedupe import mark_duplicate
from hamyar.core.cases.report_period import parse_period
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage.models import Case, County, HistoryEntry, Neighbourhood, Province, utcnow
from hamyar.core.time.jalali import TEHRAN, format_date
from tests.web.conftest import World

Client = TestClient[Litestar]
COORDINATOR = Actor(username="coordinator", global_roles=frozenset({"Coordinator"}))


def _report(client: Client, world: World, who: str = "coordinator", **params: str) -> dict:
    response = client.get("/api/reports/summary", params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def _row(body: dict, key: str | None) -> dict:
    return next(r for r in body["rows"] if r["key"] == key)


def _case(world: World, name: str) -> Case:
    found = world.session.get(Case, world.cases[name])
    assert found is not None
    world.session.refresh(found)
    return found


def _complete(client: Client, world: World, name: str) -> None:
    """The agency finishes its task; the engine resolves the case."""
    response = client.post(
        f"/api/tasks/{world.tasks[name]}/transitions",
        json={"transition": "complete", "version": 1},
        headers=world.headers("municipality.caseworker"),
    )
    assert response.status_code == 200, response.text
    assert _case(world, name).state == "resolved"


def _reject(world: World, name: str) -> None:
    apply_transition(
        world.session,
        _case(world, name),
        "reject",
        COORDINATOR,
        world.plugins.registry,
        comment="خارج از حوزه",
    )
    world.session.commit()


def _pothole(world: World, name: str, **kwargs: object) -> int:
    data = {"street": "آزادی", "severity": 2}
    return world.add_case(name, "municipality.pothole", data=data, **kwargs)  # type: ignore[arg-type]


def _set_due(world: World, name: str, due: datetime) -> None:
    case = _case(world, name)
    case.due_at = due
    world.session.add(case)
    world.session.commit()


# -- resolved, rejected and duplicate apart ----------------------------------------------------


def test_a_duplicate_and_a_rejected_case_are_not_counted_as_resolved(
    client: Client, world: World
) -> None:
    _pothole(world, "served", due_in=timedelta(days=3))
    _complete(client, world, "served")
    _pothole(world, "refused", routed=False)
    _reject(world, "refused")
    _pothole(world, "again", routed=False)
    mark_duplicate(
        world.session, _case(world, "again"), _case(world, "served"), world.plugins.registry
    )
    world.session.commit()
    assert _case(world, "refused").resolved_at is not None  # the engine stamps every ending

    row = _row(_report(client, world, group_by="service"), "municipality.pothole")
    # pothole (open, late), unrouted (new), served, refused, again
    assert row["count"] == 5
    assert (row["resolved"], row["rejected"], row["duplicate"]) == (1, 1, 1)
    assert row["open"] == 2
    assert row["resolved"] + row["rejected"] + row["duplicate"] + row["open"] == row["count"]
    states = {r["key"]: r for r in _report(client, world, group_by="state")["rows"]}
    assert states["rejected"]["resolved"] == 0 and states["duplicate"]["resolved"] == 0


def test_sla_compliance_on_a_known_set(client: Client, world: World) -> None:
    """Of the cases whose outcome against their due time is known, the share resolved in time."""
    now = utcnow()
    _pothole(world, "in_time", due_in=timedelta(days=2))
    _complete(client, world, "in_time")  # resolved before its due time: met
    _pothole(world, "late", due_in=timedelta(days=2))
    _complete(client, world, "late")
    _set_due(world, "late", now - timedelta(hours=5))  # resolved after its due time: missed
    _pothole(world, "waiting", due_in=timedelta(days=4))  # open, within: not yet known
    _pothole(world, "refused", routed=False)
    _set_due(world, "refused", now - timedelta(days=2))
    _reject(world, "refused")  # rejected: left out, though its due time has passed
    _pothole(world, "no_due")
    _complete(client, world, "no_due")  # no due time: left out
    # and the world's own pothole: open and a day late: missed

    row = _row(_report(client, world, group_by="service"), "municipality.pothole")
    assert (row["sla_met"], row["sla_missed"]) == (1, 2)
    assert row["sla_compliance"] == pytest.approx(1 / 3, abs=1e-4)
    assert row["overdue"] == 1


def test_a_closed_case_counts_the_time_it_was_resolved_not_closed(
    client: Client, world: World
) -> None:
    _pothole(world, "closed", due_in=timedelta(days=2))
    _complete(client, world, "closed")
    case = _case(world, "closed")
    apply_transition(world.session, case, "close", COORDINATOR, world.plugins.registry)
    world.session.commit()
    # closed long after its due time; resolved well before it
    _set_due(world, "closed", utcnow() - timedelta(minutes=1))
    entered = world.session.exec(
        select(HistoryEntry).where(
            HistoryEntry.case_id == case.id, HistoryEntry.to_state == "resolved"
        )
    ).one()
    entered.created_at = utcnow() - timedelta(hours=3)
    world.session.add(entered)
    world.session.commit()
    row = _row(_report(client, world, group_by="service"), "municipality.pothole")
    assert (row["resolved"], row["sla_met"]) == (1, 1)


# -- places ------------------------------------------------------------------------------------


def _places(world: World) -> dict[str, int]:
    """A second province with two counties and three neighbourhoods."""
    session = world.session
    alborz = Province(code="alborz", name_fa="البرز", name_en="Alborz")
    session.add(alborz)
    session.flush()
    ids = {}
    for county_code, county_fa, places in (
        ("karaj", "کرج", (("hesar", "حصارک"), ("eslamabad", "اسلام‌آباد"))),
        ("fardis", "فردیس", (("sarasiab", "سرآسیاب"),)),
    ):
        county = County(
            code=county_code, province_id=alborz.id, name_fa=county_fa, name_en=county_code
        )  # type: ignore[arg-type]
        session.add(county)
        session.flush()
        for code, name in places:
            place = Neighbourhood(code=code, county_id=county.id, name_fa=name, name_en=code)  # type: ignore[arg-type]
            session.add(place)
            session.flush()
            assert place.id is not None
            ids[code] = place.id
    session.commit()
    return ids


def test_province_county_neighbourhood_drill_down_adds_up(client: Client, world: World) -> None:
    ids = _places(world)
    home = world.neighbourhood_id
    for n, place in enumerate(("hesar", "hesar", "eslamabad", "sarasiab", "sarasiab", "sarasiab")):
        world.neighbourhood_id = ids[place]
        _pothole(world, f"alborz{n}")
    world.neighbourhood_id = home

    provinces = _report(client, world, group_by="province")
    assert {r["key"]: r["count"] for r in provinces["rows"]} == {"alborz": 6, "tehran": 5}
    assert provinces["totals"]["count"] == 11
    counties = _report(client, world, group_by="county", province="alborz")
    assert {r["key"]: r["count"] for r in counties["rows"]} == {"fardis": 3, "karaj": 3}
    assert counties["totals"]["count"] == _row(provinces, "alborz")["count"]
    places = _report(client, world, group_by="neighbourhood", county="karaj")
    assert sorted((r["label"], r["count"]) for r in places["rows"]) == [
        ("اسلام‌آباد", 1),
        ("حصارک", 2),
    ]
    assert places["totals"]["count"] == _row(counties, "karaj")["count"]
    for column in ("resolved", "rejected", "duplicate", "open", "overdue"):
        assert counties["totals"][column] == _row(provinces, "alborz")[column]


def test_an_unknown_place_is_a_422_that_says_where_to_look(client: Client, world: World) -> None:
    response = client.get(
        "/api/reports/summary",
        params={"group_by": "county", "province": "atlantis"},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 422
    assert "/api/neighbourhoods" in response.json()["detail"]


# -- Jalali periods ----------------------------------------------------------------------------


def _created(world: World, name: str, tehran: datetime) -> None:
    case = _case(world, name)
    case.created_at = tehran.replace(tzinfo=TEHRAN).astimezone(UTC)
    world.session.add(case)
    world.session.commit()


def test_a_jalali_month_covers_its_first_to_its_last_tehran_day(
    client: Client, world: World
) -> None:
    # Mehr 1402 is 2023-09-23 .. 2023-10-22 (Tehran days)
    for name, moment in (
        ("shahrivar_last", datetime(2023, 9, 22, 23, 59)),
        ("mehr_first", datetime(2023, 9, 23, 0, 0)),
        ("mehr_last", datetime(2023, 10, 22, 23, 59)),
        ("aban_first", datetime(2023, 10, 23, 0, 0)),
    ):
        _pothole(world, name)
        _created(world, name, moment)

    mehr = _report(client, world, group_by="service", period="1402-07")
    assert mehr["totals"]["count"] == 2
    assert (mehr["period"], mehr["from"], mehr["to"]) == ("1402-07", "2023-09-23", "2023-10-22")
    assert _report(client, world, period="۱۴۰۲/۸")["totals"]["count"] == 1
    assert _report(client, world, period="1402")["totals"]["count"] == 4
    assert _report(client, world, period="1402-06")["totals"]["count"] == 1


def test_esfand_of_a_leap_year_ends_on_its_30th() -> None:
    esfand = parse_period("1403-12")  # 1403 is a leap year
    assert esfand is not None and format_date(esfand.end, "en") == "1403-12-30"  # type: ignore[arg-type]
    year = parse_period("1402")
    assert year is not None and (year.start.isoformat(), year.end.isoformat()) == (  # type: ignore[union-attr]
        "2023-03-21",
        "2024-03-19",
    )


def test_dates_may_be_jalali_or_iso(client: Client, world: World) -> None:
    today = utcnow().date()
    jalali_today = format_date(today, "en")  # e.g. 1405-09-02
    assert _report(client, world, **{"from": jalali_today})["totals"]["count"] == len(world.cases)
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert _report(client, world, **{"from": tomorrow})["totals"]["count"] == 0
    yesterday = format_date(today - timedelta(days=3), "en")
    assert _report(client, world, to=yesterday)["totals"]["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "colour"},
        {"from": "1402-13-01"},
        {"from": "yesterday"},
        {"from": "1402-07-10", "to": "1402-07-01"},
        {"period": "1402-13"},
        {"period": "Mehr"},
        {"period": "1402-07", "from": "1402-07-01"},
    ],
)
def test_bad_report_parameters_are_422(
    client: Client, world: World, params: dict[str, str]
) -> None:
    response = client.get(
        "/api/reports/summary", params=params, headers=world.headers("coordinator")
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "group_by", ["province", "county", "neighbourhood", "agency", "service", "state"]
)
def test_every_grouping_counts_every_visible_case(
    client: Client, world: World, group_by: str
) -> None:
    body = _report(client, world, group_by=group_by)
    assert sum(r["count"] for r in body["rows"]) == len(world.cases)


# -- who counts what ---------------------------------------------------------------------------


def test_each_role_counts_only_the_cases_it_may_see(client: Client, world: World) -> None:
    def services(who: str) -> dict[str, int]:
        return {
            r["key"]: r["count"] for r in _report(client, world, who, group_by="service")["rows"]
        }

    everything = {
        "health.screening": 1,
        "welfare.empowerment": 1,
        "municipality.pothole": 2,
        "library.visit": 1,
    }
    assert services("coordinator") == everything
    assert services("auditor") == everything
    public = {"municipality.pothole": 2, "library.visit": 1}
    assert services("municipality.caseworker") == public
    assert services("health.caseworker") == {**public, "health.screening": 1}
    assert services("welfare.supervisor") == {**public, "welfare.empowerment": 1}
    assert _report(client, world, "nobody")["totals"]["count"] == 0


def test_a_confidential_case_is_counted_never_shown(client: Client, world: World) -> None:
    for path in ("/api/reports/summary", "/api/reports/summary.csv", "/reports", "/reports/print"):
        for group_by in ("service", "neighbourhood", "state"):
            response = client.get(
                path, params={"group_by": group_by}, headers=world.headers("coordinator")
            )
            assert response.status_code == 200
            assert "غربالگری محرمانه" not in response.text
            assert "سابقه بیماری" not in response.text


# -- the spreadsheet ---------------------------------------------------------------------------


def test_csv_opens_in_excel_with_persian_headers(client: Client, world: World) -> None:
    _pothole(world, "refused", routed=False)
    _reject(world, "refused")
    response = client.get(
        "/api/reports/summary.csv",
        params={"group_by": "agency", "lang": "fa"},
        headers=world.headers("auditor"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["کد", "دستگاه", "پرونده‌ها", "رسیدگی‌شده", "ردشده", "تکراری"]
    assert rows[0][-1] == "رعایت مهلت (درصد)"
    by_key = {r[0]: r for r in rows[1:-1]}
    assert by_key["health"][1] == "اداره health"
    municipality = by_key["municipality"]  # pothole (late), unrouted, refused
    assert municipality[2:8] == ["3", "0", "1", "0", "2", "1"]
    assert municipality[-1] == "0.0"  # the one decided case missed its deadline
    assert rows[-1][1] == "جمع" and rows[-1][2] == str(len(world.cases))


def test_csv_headers_follow_the_language(client: Client, world: World) -> None:
    response = client.get(
        "/api/reports/summary.csv",
        params={"group_by": "service", "lang": "en", "period": "1402"},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:5] == ["Code", "Service", "Cases", "Resolved", "Rejected"]
    assert 'filename="hamyar-service-1402.csv"' in response.headers["content-disposition"]


# -- the pages ---------------------------------------------------------------------------------


def test_the_page_says_what_sla_compliance_means(client: Client, world: World) -> None:
    response = client.get("/reports", headers=world.headers("coordinator"))
    assert response.status_code == 200
    assert "معنای اعداد" in response.text
    assert "سهم آن‌هایی که تا پایان مهلت رسیدگی شده‌اند" in response.text
    assert "ردشده" in response.text and "تکراری" in response.text
    assert "count:" not in response.text


def test_the_page_drills_down_from_province_to_neighbourhood(client: Client, world: World) -> None:
    ids = _places(world)
    world.neighbourhood_id = ids["sarasiab"]
    _pothole(world, "fardis")
    page = client.get(
        "/reports",
        params={"group_by": "province", "period": "1405"},
        headers=world.headers("coordinator"),
    ).text
    assert 'href="/reports?group_by=county&amp;period=1405&amp;province=alborz"' in page
    page = client.get(
        "/reports",
        params={"group_by": "county", "province": "alborz"},
        headers=world.headers("coordinator"),
    ).text
    assert 'href="/reports?group_by=neighbourhood&amp;province=alborz&amp;county=fardis"' in page
    page = client.get(
        "/reports",
        params={"group_by": "neighbourhood", "county": "fardis"},
        headers=world.headers("coordinator"),
    ).text
    assert "سرآسیاب" in page and "البرز" in page and "خاک سفید" not in page


def test_the_month_pickers_choose_a_jalali_month(client: Client, world: World) -> None:
    response = client.get(
        "/reports",
        params={"group_by": "agency", "year": "1402", "month": "07"},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 200
    assert "پرونده‌های ثبت‌شده در مهر ۱۴۰۲" in response.text
    assert '<option value="07" selected>مهر</option>' in response.text
    assert "period=1402-07" in response.text  # the CSV and print links carry the same question


def test_a_bad_day_on_the_page_is_a_422_in_persian(client: Client, world: World) -> None:
    response = client.get(
        "/reports",
        params={"period": "1402-07", "from": "1402-07-01"},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 422
    assert "یا سال و ماه را انتخاب کنید یا بازه روزها را" in response.text


def test_the_printable_page_is_a4_rtl_persian_digits_no_menu(client: Client, world: World) -> None:
    response = client.get(
        "/reports/print",
        params={"group_by": "service", "period": "1405"},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fa" dir="rtl">' in page
    assert 'class="nav"' not in page and 'id="report-form"' not in page
    assert "سال ۱۴۰۵" in page and "data-print" in page
    total = page.split('id="report-total"')[1].split("</tr>")[0]
    assert "۵" in total and ">5<" not in total
    css = client.get("/static/hamyar.css").text
    assert "size: A4" in css and "@media print" in css
