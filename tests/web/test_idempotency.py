"""`Idempotency-Key` on `POST /api/cases`: a retry gets the first answer, never a second case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from hamyar.core.storage.models import Case, IdempotencyKey, utcnow
from tests.web.conftest import World

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
