"""The Manager's pages: routing rules, the calendar's overrides, users and their roles.

A Manager reads and changes them; an Auditor only reads; everyone else is refused. A mistake
in a form comes back beside its field, with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.auth.passwords import verify_password
from hamyar.core.auth.users import create_user
from hamyar.core.storage.models import CalendarOverride, RoleAssignment, RoutingRule, User
from tests.web.apps import app_for
from tests.web.test_ui import TOKEN, log_in
from tests.web.ui_world import AGENCY, PASSWORD, SERVICE, World, build_world, ui_plugins

PAGES = ("/admin/routing-rules", "/admin/calendar", "/admin/users")
HTML = {"accept": "text/html"}


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, World]]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, plugins)
        create_user(session, "manager", PASSWORD, roles=["Manager"], full_name="مدیر")
        session.commit()
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client, world


def rows(engine: Engine, model: type) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return list(session.exec(select(model)).all())


def page_token(client: TestClient, path: str) -> str:  # type: ignore[type-arg]
    found = TOKEN.search(client.get(path).text)
    assert found
    return found.group(1)


# -- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_a_manager_sees_each_page_in_persian_with_its_form(site, path: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client, "manager")
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert 'dir="rtl"' in response.text and 'class="card stack"' in response.text
    assert 'href="/admin/users"' in client.get("/admin/plugins").text  # the admin tabs


@pytest.mark.parametrize("path", PAGES)
def test_a_caseworker_is_refused_and_an_auditor_only_reads(site, engine: Engine, path: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client)
    assert client.get(path, headers=HTML).status_code == 403
    assert client.post(path, data={"_csrf_token": token}, headers=HTML).status_code == 403
    client.cookies.clear()
    token = log_in(client, "auditor")
    page = client.get(path)
    assert page.status_code == 200 and 'class="card stack"' not in page.text
    form = {
        "_csrf_token": token,
        "service": SERVICE,
        "day": "1404/01/15",
        "username": "x",
        "password": "p",
        "role": "Auditor",
    }
    assert client.post(path, data=form, headers=HTML).status_code == 403
    assert rows(engine, RoutingRule) == [] and rows(engine, CalendarOverride) == []
    assert len(rows(engine, User)) == 4


def test_a_coordinator_is_refused_too(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client, "coordinator")
    assert client.get("/admin/users", headers=HTML).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    log_in(client, "manager")
    response = client.post("/admin/routing-rules", data={"service": SERVICE}, headers=HTML)
    assert response.status_code == 403
    assert rows(engine, RoutingRule) == []


# -- routing rules -----------------------------------------------------------------------------


def test_a_manager_adds_and_deletes_a_routing_rule(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    response = client.post(
        "/admin/routing-rules",
        data={
            "_csrf_token": token,
            "service": SERVICE,
            "category": "",
            "region": "alborz/karaj",
            "kind": "joint",
            "note": "سیلاب کرج",
        },
    )
    assert response.status_code == 200, response.text  # after the redirect
    [rule] = rows(engine, RoutingRule)
    assert (rule.service_code, rule.province_code, rule.county_code, rule.district) == (
        SERVICE,
        "alborz",
        "karaj",
        None,
    )
    assert (rule.kind, rule.note, rule.category, rule.created_by) == (
        "joint",
        "سیلاب کرج",
        None,
        "manager",
    )
    assert f'data-rule="{rule.id}"' in response.text and "کرج" in response.text
    response = client.post(f"/admin/routing-rules/{rule.id}/delete", data={"_csrf_token": token})
    assert response.status_code == 200
    assert rows(engine, RoutingRule) == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"service": "nowhere.nothing"}, "service"),
        ({"service": ""}, "service"),
        ({"service": SERVICE, "region": "atlantis"}, "region"),
        ({"service": SERVICE, "kind": "sideways"}, "kind"),
    ],
)
def test_a_bad_rule_is_named_beside_its_field(site, engine: Engine, form, field: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    response = client.post("/admin/routing-rules", data={"_csrf_token": token, **form})
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text
    assert rows(engine, RoutingRule) == []


def test_a_category_must_be_one_the_service_has(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    from hamyar.core.exceptions import InvalidInput
    from hamyar.core.plugin.declarations import ServiceSpec
    from hamyar.core.routing.rules import add_rule

    plugins = ui_plugins()
    registry = plugins.registry
    registry.services["uitest.flood"] = ServiceSpec(
        code="uitest.flood",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="سیل",
        title_en="Flood",
        categories=("flooding",),
    )
    with Session(engine) as session:
        with pytest.raises(InvalidInput) as refused:
            add_rule(session, registry, service="uitest.flood", category="pothole")
        assert refused.value.errors == [
            {"field": "category", "message": "not one of this service's categories"}
        ]
        rule = add_rule(session, registry, service="uitest.flood", category="flooding")
        assert rule.category == "flooding"


# -- the calendar ------------------------------------------------------------------------------


def test_a_manager_adds_and_deletes_a_calendar_override(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    page = client.get("/admin/calendar").text
    assert 'id="holidays"' in page and "نوروز" in page  # next year's Nowruz is coming
    response = client.post(
        "/admin/calendar",
        data={
            "_csrf_token": token,
            "day": "۱۵ فروردین ۱۴۰۴",
            "closed": "1",
            "name": "تعطیلی اضطراری",
            "agency": AGENCY,
        },
    )
    assert response.status_code == 200, response.text
    [override] = rows(engine, CalendarOverride)
    assert (override.day, override.closed, override.agency_code) == (date(2025, 4, 4), True, AGENCY)
    assert "۱۴۰۴/۰۱/۱۵" in response.text and "تعطیلی اضطراری" in response.text
    response = client.post(f"/admin/calendar/{override.id}/delete", data={"_csrf_token": token})
    assert response.status_code == 200
    assert rows(engine, CalendarOverride) == []


@pytest.mark.parametrize("day", ["1404/13/40", "فردا", "", "1404/12/31"])
def test_a_bad_jalali_date_is_named_beside_its_field(site, engine: Engine, day: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    response = client.post("/admin/calendar", data={"_csrf_token": token, "day": day})
    assert response.status_code == 422
    assert 'id="error-day"' in response.text and "تاریخ معتبر نیست" in response.text
    assert rows(engine, CalendarOverride) == []


def test_a_second_override_for_the_same_day_and_agency_is_refused(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    form = {"_csrf_token": token, "day": "1405/02/01", "closed": "0", "agency": ""}
    assert client.post("/admin/calendar", data=form).status_code == 200
    response = client.post("/admin/calendar", data={**form, "day": "۱ اردیبهشت ۱۴۰۵"})
    assert response.status_code == 422 and 'id="error-day"' in response.text
    assert len(rows(engine, CalendarOverride)) == 1
    assert client.post("/admin/calendar", data={**form, "agency": AGENCY}).status_code == 200
    assert len(rows(engine, CalendarOverride)) == 2


# -- users -------------------------------------------------------------------------------------


def _user(engine: Engine, username: str) -> tuple[User, list[tuple[str, str | None]]]:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        held = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
        return user, sorted((r.role, r.agency_code) for r in held)


def test_a_manager_adds_a_user_who_can_then_sign_in(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    response = client.post(
        "/admin/users",
        data={
            "_csrf_token": token,
            "username": "new.caseworker",
            "full_name": "زهرا احمدی",
            "password": "s3cret pass",
            "role": "Caseworker",
            "agency": AGENCY,
        },
    )
    assert response.status_code == 200, response.text
    assert 'data-user="new.caseworker"' in response.text and "زهرا احمدی" in response.text
    user, held = _user(engine, "new.caseworker")
    assert verify_password(user.password_hash, "s3cret pass") and user.active
    assert held == [("Caseworker", AGENCY)]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"username": "coordinator", "role": "Auditor"}, "username"),
        ({"username": "two words", "role": "Auditor"}, "username"),
        ({"username": "x", "role": "Caseworker"}, "agency"),
        ({"username": "x", "role": "Auditor", "agency": AGENCY}, "agency"),
        ({"username": "x", "role": "Wizard"}, "role"),
        ({"username": "x", "role": "Auditor", "password": ""}, "password"),
    ],
)
def test_a_bad_user_is_named_beside_its_field(site, engine: Engine, form, field: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    before = len(rows(engine, User)), len(rows(engine, RoleAssignment))
    data = {"_csrf_token": token, "password": "pw", **form}
    response = client.post("/admin/users", data=data)
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text
    assert (len(rows(engine, User)), len(rows(engine, RoleAssignment))) == before


def test_a_duplicate_username_is_refused_in_persian(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    data = {"_csrf_token": token, "username": "auditor", "password": "x", "role": "Auditor"}
    assert "این نام کاربری پیش‌تر گرفته شده است" in client.post("/admin/users", data=data).text


def test_a_manager_gives_and_takes_a_role_and_deactivates_a_user(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    user, _held = _user(engine, "coordinator")
    refused = client.post(
        f"/admin/users/{user.id}/roles", data={"_csrf_token": token, "role": "Supervisor"}
    )
    assert refused.status_code == 422 and f'id="error-agency-{user.id}"' in refused.text
    response = client.post(
        f"/admin/users/{user.id}/roles",
        data={"_csrf_token": token, "role": "Supervisor", "agency": AGENCY},
    )
    assert response.status_code == 200
    assert _user(engine, "coordinator")[1] == [("Coordinator", None), ("Supervisor", AGENCY)]
    with Session(engine) as session:
        assignment = session.exec(
            select(RoleAssignment).where(RoleAssignment.role == "Supervisor")
        ).one()
    response = client.post(
        f"/admin/users/{user.id}/roles/{assignment.id}/delete", data={"_csrf_token": token}
    )
    assert response.status_code == 200
    assert _user(engine, "coordinator")[1] == [("Coordinator", None)]
    response = client.post(f"/admin/users/{user.id}/deactivate", data={"_csrf_token": token})
    assert response.status_code == 200
    assert not _user(engine, "coordinator")[0].active
    client.cookies.clear()
    login_token = TOKEN.search(client.get("/login").text)
    assert login_token
    refused_login = client.post(
        "/login",
        data={"username": "coordinator", "password": PASSWORD, "_csrf_token": login_token[1]},
        follow_redirects=False,
    )
    assert refused_login.status_code == 401


def test_a_manager_cannot_lock_themselves_out(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    me, _held = _user(engine, "manager")
    with Session(engine) as session:
        mine = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == me.id)).one()
    response = client.post(
        f"/admin/users/{me.id}/roles/{mine.id}/delete", data={"_csrf_token": token}
    )
    assert response.status_code == 422
    response = client.post(f"/admin/users/{me.id}/deactivate", data={"_csrf_token": token})
    assert response.status_code == 422 and "نمی‌توانید حساب خودتان را غیرفعال کنید" in response.text
    still, held = _user(engine, "manager")
    assert still.active and held == [("Manager", None)]
