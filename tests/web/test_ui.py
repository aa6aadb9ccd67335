"""The UI's pages over HTTP (no browser): what each answers, in which language, to whom."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.i18n import format_number, gettext
from hamyar.core.i18n.fa import MESSAGES
from hamyar.core.text.folding import to_persian_digits
from hamyar.core.web.ui.charts import Bar, Series, bar_chart
from hamyar.core.web.ui.live import event_names
from hamyar.core.web.ui.locale import safe_next
from hamyar.core.web.ui.schema_form import data_from_form, fields_for
from tests.web.apps import app_for
from tests.web.ui_world import AGENCY, PASSWORD, SERVICE, VisitForm, World, build_world, ui_plugins

WEB = Path(__file__).resolve().parents[2] / "core" / "web"
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, World]]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, plugins)
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client, world


def log_in(client: TestClient, username: str = f"{AGENCY}.caseworker") -> str:  # type: ignore[type-arg]
    """Sign in through the form; return the CSRF token for later posts."""
    token = TOKEN.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = TOKEN.search(client.get("/").text)
    assert found
    return found.group(1)


# -- the language -------------------------------------------------------------------------------


def _message_ids() -> set[str]:
    ids: set[str] = set()
    for path in (WEB / "templates").rglob("*.html"):
        found = re.finditer(r"""_\(\s*(?:"([^"]*)"|'([^']*)')\s*[,)]""", path.read_text())
        ids |= {m.group(1) or m.group(2) for m in found}
    for path in (WEB / "ui").glob("*.py"):
        for m in re.finditer(
            r"""\b(?:t\(request|gettext\(locale),\s*((?:"[^"]*"\s*)+)""", path.read_text()
        ):
            ids.add("".join(re.findall(r'"([^"]*)"', m.group(1))))
    from hamyar.core.cases.reports import GROUPS

    ids |= {f"by {group}" for group in GROUPS}  # reports.html: _("by " ~ group)
    return ids


def test_every_message_the_ui_shows_has_a_persian_translation() -> None:
    ids = _message_ids()
    assert len(ids) > 80  # the extraction itself works
    assert sorted(ids - set(MESSAGES)) == []


def test_persian_numbers_and_placeholders() -> None:
    assert format_number(12345, "fa") == "۱۲٬۳۴۵"
    assert format_number(12345, "en") == "12,345"
    assert gettext("fa", "{n} working days", n=12) == "۱۲ روز کاری"
    assert gettext("en", "{n} working days", n=12) == "12 working days"
    assert gettext("de", "Search") == "جستجو"  # an unknown locale is the default, Persian


def test_pages_are_persian_right_to_left_by_default_and_english_by_the_switch(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    page = client.get("/login").text
    assert '<html lang="fa" dir="rtl">' in page and "ورود" in page
    switched = client.get("/locale/en?next=/login", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    page = client.get("/login").text
    assert '<html lang="en" dir="ltr">' in page and "Sign in" in page


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", ""])
def test_the_locale_switch_only_returns_to_this_site(target: str) -> None:
    assert safe_next(target) == "/"


# -- signing in ---------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    response = client.get(f"/cases/{world.case_id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fcases%2F{world.case_id}"


def test_a_wrong_password_is_refused_on_the_login_page(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = TOKEN.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={"username": "coordinator", "password": "nope", "_csrf_token": token.group(1)},
    )
    assert response.status_code == 401
    assert "نام کاربری یا گذرواژه نادرست است." in response.text


def test_a_form_posted_without_its_csrf_token_is_refused(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    log_in(client)
    response = client.post(
        f"/cases/{world.case_id}/transitions",
        data={"task": str(world.task_id), "transition": "start", "version": "1"},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403
    with Session(engine) as session:
        from hamyar.core.storage.models import Task

        task = session.get(Task, world.task_id)
        assert task is not None and task.state == "open"


# -- the case page ------------------------------------------------------------------------------


def test_a_transition_taken_from_the_case_page_lands_in_the_history(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    token = log_in(client)
    response = client.post(
        f"/cases/{world.case_id}/transitions",
        data={
            "task": str(world.task_id),
            "transition": "not_responsible",
            "version": "1",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 422  # it needs a comment
    assert "این اقدام به توضیحِ دلیل نیاز دارد." in response.text
    response = client.post(
        f"/cases/{world.case_id}/transitions",
        data={
            "task": str(world.task_id),
            "transition": "start",
            "version": "1",
            "comment": "شروع شد",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 200  # after the redirect
    assert "شروع رسیدگی" in response.text and "شروع شد" in response.text
    stale = client.post(
        f"/cases/{world.case_id}/transitions",
        data={
            "task": str(world.task_id),
            "transition": "complete",
            "version": "1",
            "_csrf_token": token,
        },
    )
    assert stale.status_code == 409
    assert "پیش از شما کس دیگری این پرونده را تغییر داد" in stale.text


def test_an_auditor_reads_the_case_but_is_offered_no_buttons(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    token = log_in(client, "auditor")
    page = client.get(f"/cases/{world.case_id}").text
    assert "درخواست بازدید از خانوار در حصارک" in page
    assert 'name="transition"' not in page
    response = client.post(
        f"/cases/{world.case_id}/transitions",
        data={
            "task": str(world.task_id),
            "transition": "start",
            "version": "1",
            "_csrf_token": token,
        },
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403


def test_an_unknown_case_is_a_404_page(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client)
    response = client.get("/cases/99999", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "پیدا نشد" in response.text


def test_a_count_past_the_limit_reads_as_at_least(site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import hamyar.core.cases.worklists

    client, _world = site
    log_in(client)
    monkeypatch.setattr(hamyar.core.cases.worklists, "COUNT_LIMIT", 0)
    home = client.get("/")
    assert 'data-worklist="my-tasks"' in home.text
    assert '<span class="count">۰+</span>' in home.text
    assert '<span class="count">۰+</span>' in client.get("/worklists/my-tasks").text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=حصارک",
        "/reports?group_by=neighbourhood",
        "/cases/new?service=" + SERVICE,
        "/worklists/my-tasks",
    ],
)
def test_a_caseworkers_pages_render(site, path: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client)
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert 'dir="rtl"' in response.text


@pytest.mark.parametrize("path", ["/queue", "/admin/plugins", "/admin/workflows/hamyar.case"])
def test_operators_pages_are_for_coordinators_not_caseworkers(site, path: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client)
    assert client.get(path, headers={"accept": "text/html"}).status_code == 403
    client.cookies.clear()
    log_in(client, "coordinator")
    assert client.get(path).status_code == 200


def test_search_finds_the_case_by_a_persian_word(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    log_in(client)
    assert world.tracking_code in client.get("/search", params={"q": "حصارك"}).text  # Arabic ك
    assert world.tracking_code not in client.get("/search", params={"q": "کتابخانه"}).text


def test_a_bad_report_date_is_named_beside_its_field(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client)
    response = client.get("/reports", params={"from": "1403/13/40"})
    assert response.status_code == 422
    assert 'id="error-from"' in response.text


# -- the pieces ---------------------------------------------------------------------------------


def test_form_fields_follow_the_schema_and_posted_strings_become_data() -> None:
    schema = VisitForm.model_json_schema()
    fields = {f.name: f for f in fields_for(schema, errors={"household_size": "bad"})}
    assert fields["household_size"].kind == "integer" and fields["household_size"].required
    assert fields["household_size"].label("fa") == "تعداد اعضای خانوار"
    assert fields["household_size"].label("en") == "Household size"
    assert fields["household_size"].error == "bad"
    assert fields["address_note"].kind == "text" and not fields["address_note"].required
    data = data_from_form(schema, {"data.household_size": ["۱۲"], "data.address_note": [""]})
    assert data == {"household_size": 12}
    assert data_from_form(schema, {"data.household_size": ["چند"]}) == {"household_size": "چند"}


def test_a_right_to_left_chart_grows_from_the_right() -> None:
    bars = [Bar("الف", {"count": 10}), Bar("ب", {"count": 5})]
    series = [Series("count", "پرونده‌ها")]
    rtl = str(bar_chart(bars, series, rtl=True, title="t"))
    ltr = str(bar_chart(bars, series, rtl=False, title="t"))
    rtl_x = [float(x) for x in re.findall(r'<rect class="bar count" x="([\d.]+)"', rtl)]
    rtl_w = [
        float(x)
        for x in re.findall(r'<rect class="bar count" x="[\d.]+" y="0" width="([\d.]+)"', rtl)
    ]
    ltr_x = [float(x) for x in re.findall(r'<rect class="bar count" x="([\d.]+)"', ltr)]
    assert ltr_x[0] == ltr_x[1] == 0  # bars start at the same left edge
    assert rtl_x[0] < rtl_x[1]  # and end at the same right edge: the longer starts further left
    assert [x + w for x, w in zip(rtl_x, rtl_w, strict=True)] == [100, 100]


def test_a_chart_keeps_long_labels_whole_and_names_its_series_in_the_page_language() -> None:
    label = "برنامه مشترک خدمت‌رسانی به محله کم‌برخوردار در شهرستان نظرآباد"
    chart = str(
        bar_chart(
            [Bar(label, {"resolved": 3, "overdue": 1})],
            [Series("resolved", "رسیدگی‌شده"), Series("overdue", "گذشته از مهلت")],
            rtl=True,
            title="پرونده‌ها",
            number=to_persian_digits,
            separator="، ",
        )
    )
    assert f'<span class="chart-label">{label}</span>' in chart  # HTML text: it wraps, never cut
    assert 'title="رسیدگی‌شده: ۳، گذشته از مهلت: ۱"' in chart
    assert "count:" not in chart and "…" not in chart


def test_live_events_name_only_what_the_listener_may_know() -> None:
    caseworker = Actor.from_assignments("w", [("Caseworker", "welfare")])
    coordinator = Actor.from_assignments("c", [("Coordinator", None)])
    health_event = {"case_id": 7, "agency": "health", "comment": "secret"}
    assert event_names(health_event, caseworker) == []
    assert event_names(health_event, coordinator) == ["case-7", "worklists"]
    assert event_names({"case_id": 8, "agency": "welfare"}, caseworker) == ["case-8", "worklists"]
    assert event_names({"case_id": None}, coordinator) == []
