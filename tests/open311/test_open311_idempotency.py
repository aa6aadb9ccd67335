"""POST requests with an `Idempotency-Key`: a client's retry gets the first answer, one case."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from hamyar.core.storage.models import Case
from tests.open311.test_open311_submit import REPORT, V2


def _post(client: TestClient, key: str, fields: dict[str, Any] = REPORT, fmt: str = "json") -> Any:  # type: ignore[type-arg]
    return client.post(f"{V2}/requests.{fmt}", data=fields, headers={"Idempotency-Key": key})


def _open311_cases(session: Session) -> int:
    count = session.exec(
        select(func.count()).select_from(Case).where(Case.channel == "open311")
    ).one()
    session.commit()
    return int(count)


def test_a_retried_submission_answers_as_the_first_and_opens_one_case(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    first = _post(client, "app-retry-1")
    again = _post(client, "app-retry-1")
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    as_xml = _post(client, "app-retry-1", fmt="xml")  # the same answer, in the format asked
    assert first.json()[0]["service_request_id"] in as_xml.text
    assert _open311_cases(session) == 1


def test_a_key_reused_for_another_report_is_refused_in_open311s_error_format(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    assert _post(client, "app-retry-2").status_code == 200
    other = _post(client, "app-retry-2", {**REPORT, "description": "گزارش دیگری"})
    assert other.status_code == 422
    [error] = other.json()
    assert error["code"] == 422 and "different request" in error["description"]
    assert _open311_cases(session) == 1
