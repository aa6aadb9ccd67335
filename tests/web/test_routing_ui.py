"""The case page's routing forms over HTTP: offered only to who can complete them.

No dead buttons: the triage "assign" is a form with a service picker, not a bare button; a
caseworker sees no assign form, an auditor no form at all; the refer form appears on my own
agency's task only; a refused form comes back with a banner and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage.models import Case, Task
from tests.web.apps import app_for
from tests.web.test_ui import log_in
from tests.web.ui_world import AGENCY, World, _user, build_world, ui_plugins


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, World, Engine]]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, plugins)
        _user(session, "welfare.caseworker", [("Caseworker", "welfare")])
        session.commit()
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client, world, engine


def _to_triage(engine: Engine, world: World) -> None:
    """Its agency hands the one task back: the case returns to triage."""
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        task = session.get(Task, world.task_id)
        assert task is not None
        worker = Actor.from_assignments("x", [("Caseworker", AGENCY)])
        apply_transition(
            session, task, "not_responsible", worker, plugins.registry, comment="کار ما نیست"
        )
        session.commit()


def test_the_coordinator_gets_the_assign_form_not_a_bare_button(site) -> None:  # type: ignore[no-untyped-def]
    client, world, engine = site
    _to_triage(engine, world)
    log_in(client, "coordinator")
    page = client.get(f"/cases/{world.case_id}").text
    assert 'id="assign-form"' in page and 'name="services"' in page
    assert 'value="assign"' not in page  # the transition button is gone
    assert "کار ما نیست" in page  # why it is back in triage


@pytest.mark.parametrize("user", [f"{AGENCY}.caseworker", "auditor"])
def test_no_one_else_gets_the_assign_form(site, user: str) -> None:  # type: ignore[no-untyped-def]
    client, world, engine = site
    _to_triage(engine, world)
    log_in(client, user)
    page = client.get(f"/cases/{world.case_id}").text
    assert 'id="assign-form"' not in page
    assert 'value="assign"' not in page


def test_the_refer_form_is_on_my_agency_s_task_only(site) -> None:  # type: ignore[no-untyped-def]
    client, world, _engine = site
    log_in(client)
    assert f'id="refer-{world.task_id}"' in client.get(f"/cases/{world.case_id}").text
    client.cookies.clear()
    for user in ("welfare.caseworker", "auditor", "coordinator"):
        log_in(client, user)
        page = client.get(f"/cases/{world.case_id}").text
        assert f'id="refer-{world.task_id}"' not in page, user
        client.cookies.clear()


def test_a_refused_referral_comes_back_with_a_banner_and_writes_nothing(site) -> None:  # type: ignore[no-untyped-def]
    client, world, engine = site
    token = log_in(client)
    response = client.post(
        f"/cases/{world.case_id}/tasks/{world.task_id}/referrals",
        data={"_csrf_token": token, "service": "welfare.life_skills", "reason": "", "version": "1"},
    )
    assert response.status_code == 422
    assert "این اقدام انجام نشد" in response.text and "لازم است" in response.text
    response = client.post(
        f"/cases/{world.case_id}/tasks/{world.task_id}/referrals",
        data={
            "_csrf_token": token,
            "service": "welfare.life_skills",
            "reason": "خانوار به آموزش نیاز دارد",
            "consent": "given",
            "consent_by": "مادر",
            "consent_method": "phone",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(engine) as session:
        referral = session.exec(
            select(Task).where(Task.case_id == world.case_id, Task.kind == "referral")
        ).one()
        assert (referral.agency_code, referral.state, referral.consent) == (
            "welfare",
            "offered",
            True,
        )


def test_assigning_from_the_form(site) -> None:  # type: ignore[no-untyped-def]
    client, world, engine = site
    _to_triage(engine, world)
    token = log_in(client, "coordinator")
    with Session(engine) as session:
        case = session.get(Case, world.case_id)
        assert case is not None
        version = case.version
    empty = client.post(
        f"/cases/{world.case_id}/assign",
        data={"_csrf_token": token, "reason": "x", "version": str(version)},
    )
    assert empty.status_code == 422 and "یک خدمت انتخاب کنید" in empty.text
    done = client.post(
        f"/cases/{world.case_id}/assign",
        data={
            "_csrf_token": token,
            "services": ["municipality.report", "welfare.life_skills"],
            "reason": "مسئولیت با شهرداری و بهزیستی است",
            "version": str(version),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with Session(engine) as session:
        tasks = session.exec(
            select(Task).where(Task.case_id == world.case_id, Task.state == "open")
        ).all()
        assert {(t.service_code, t.kind) for t in tasks} == {
            ("municipality.report", "primary"),
            ("welfare.life_skills", "joint"),
        }
