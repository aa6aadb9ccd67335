"""`Idempotency-Key` on `POST /api/cases` and the new-case form: a retry gets the first answer,
never a second case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.storage.models import Case, IdempotencyKey, utcnow
from tests.web.apps import app_for
from tests.web.conftest import World
from tests.web.test_ui import log_in
from tests.web.ui_world import SERVICE, build_world, ui_plugins
from tests.web.ui_world import World as UiWorld

Client = TestClient[Litestar]
CASEWORKER = "municipality.caseworker"
BODY = {
    "service": "municipality.pothole",
    "neighbourhood": "khak-sefid",
    "title": "چاله تکراری",
    "data": {"street": "دماوند", "severity": 2},
}


def _cases_titled(world: World, title: str) -> int:
    world.session.expire_all()
    count = world.session.execute(
        select(func.count()).select_from(Case).where(Case.title == title)  # type: ignore[arg-type]
    ).scalar_one()
    world.session.rollback()
    return int(count)


def _post(
    client: Client, world: World, key: str, body: dict[str, Any] = BODY, user: str = CASEWORKER
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/cases", headers={**world.headers(user), "Idempotency-Key": key}, json=body
    )


def test_a_retry_with_the_same_key_gets_the_first_answer_and_opens_no_second_case(
    client: Client, world: World
) -> None:
    first = _post(client, world, "retry-1")
    again = _post(client, world, "retry-1")
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert _cases_titled(world, BODY["title"]) == 1


def test_the_same_key_with_another_request_is_refused_with_a_reason(
    client: Client, world: World
) -> None:
    assert _post(client, world, "retry-2").status_code == 201
    other = _post(client, world, "retry-2", {**BODY, "title": "چاله دیگر"})
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert _cases_titled(world, "چاله دیگر") == 0


def test_keys_are_the_callers_own_and_expire(client: Client, world: World) -> None:
    assert _post(client, world, "shared-key").status_code == 201
    theirs = _post(client, world, "shared-key", user="municipality.supervisor")
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert _cases_titled(world, BODY["title"]) == 2

    world.session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
    world.session.commit()
    later = _post(client, world, "shared-key")
    assert later.status_code == 201 and "idempotent-replayed" not in later.headers
    assert _cases_titled(world, BODY["title"]) == 3


def test_a_refused_request_keeps_no_answer_so_its_corrected_retry_runs(
    client: Client, world: World
) -> None:
    bad = _post(client, world, "retry-3", {**BODY, "data": {"street": "دماوند"}})
    assert bad.status_code == 422
    fixed = _post(client, world, "retry-3")
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers


def test_a_key_that_cannot_be_one_is_a_clear_4xx(client: Client, world: World) -> None:
    response = _post(client, world, "x" * 300)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]


# -- the UI's new-case form ------------------------------------------------------------------------

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, UiWorld]]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, plugins)
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client, world


def _ui_cases(engine: Engine, title: str) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count()).select_from(Case).where(Case.title == title)  # type: ignore[arg-type]
            ).scalar_one()
        )


def test_the_new_case_form_sent_twice_opens_one_case(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    csrf = log_in(client)
    page = client.get(f"/cases/new?service={SERVICE}")
    keys = KEY.findall(page.text)
    assert len(keys) == 1 and keys[0] not in KEY.findall(
        client.get(f"/cases/new?service={SERVICE}").text
    )
    form = {
        "_csrf_token": csrf,
        "idempotency_key": keys[0],
        "service": SERVICE,
        "title": "بازدید تکراری",
        "data.household_size": "3",
    }
    first = client.post("/cases/new", data=form, follow_redirects=False)
    again = client.post("/cases/new", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303, again.text
    assert again.headers["location"] == first.headers["location"]
    assert _ui_cases(engine, "بازدید تکراری") == 1

    changed = client.post(
        "/cases/new", data={**form, "title": "بازدید دیگر"}, follow_redirects=False
    )
    assert changed.status_code == 422
    assert KEY.findall(changed.text) != keys  # a fresh key: sending it again opens the case
    assert _ui_cases(engine, "بازدید دیگر") == 0
