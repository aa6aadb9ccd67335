"""What citizens' apps send that the database or XML cannot hold (issue 14, findings 4 and 5):
control characters are stripped from free text, refused in a URL, and never reach an XML
document; dates far outside any report are a 400 in the specification's format."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from hamyar.core.storage.models import Case
from tests.open311.conftest import xml
from tests.open311.test_open311_submit import REPORT, V2, case_of, post

CONTROL = "\x00\x01\x08\x0b\x1f"


def test_one_submission_with_control_characters_leaves_requests_xml_readable(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    fields = {**REPORT, "description": f"چاله{CONTROL} بزرگ", "address_string": f"خیابان{CONTROL}"}
    response = post(client, fields)
    assert response.status_code == 200, response.text
    [answer] = response.json()
    case = case_of(session, answer["service_request_id"])
    assert case.title == "چاله بزرگ"  # stripped, not refused: the citizen's app cannot mend it

    listing = client.get(f"{V2}/requests.xml")
    assert listing.status_code == 200
    requests = xml(listing.content, "service_requests")  # parses: the document is valid XML
    assert "چاله بزرگ" in [r.findtext("description") for r in requests]


def test_text_already_stored_with_control_characters_is_dropped_from_xml(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    answer = post(client, REPORT).json()[0]
    case = session.exec(
        select(Case).where(Case.tracking_code == answer["service_request_id"])
    ).one()
    case.description = "قدیمی\x01\x02 ثبت‌شده"  # e.g. written before the intake stripped them
    session.add(case)
    session.commit()

    one = client.get(f"{V2}/requests/{answer['service_request_id']}.xml")
    assert one.status_code == 200
    [request] = xml(one.content, "service_requests")
    assert request.findtext("description") == "قدیمی ثبت‌شده"


@pytest.mark.parametrize(
    "path",
    [
        f"{V2}/requests/a%00b.json",
        f"{V2}/requests.json?service_request_id=a%00b",
        f"{V2}/requests.json?service_code=%01",
        f"{V2}/services/x%00.json",
    ],
)
def test_a_control_character_in_the_url_is_a_400_in_the_specifications_format(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.text
    [error] = response.json()
    assert error["code"] == 400 and "control character" in error["description"]


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "9999-12-31T23:59:59Z"},
        {"start_date": "0001-01-01T00:00:00Z"},
    ],
)
def test_dates_outside_any_report_are_a_400(client: TestClient, query: dict[str, str]) -> None:
    response = client.get(f"{V2}/requests.json", params=query)
    assert response.status_code == 400, response.text
    [error] = response.json()
    assert "between 1900 and 2299" in error["description"]
