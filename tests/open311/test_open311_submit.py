"""POST requests: a citizen's report becomes a case on channel open311, or a clear error."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from hamyar.core.storage.models import Case, OutboxMessage
from hamyar.plugins.municipality.open311.models import Open311Submission
from tests.open311.conftest import DEMO_KEY, validate, xml

V2 = "/open311/v2"
REPORT = {
    "api_key": DEMO_KEY,
    "service_code": "testcity.pothole",
    "lat": "35.61",
    "long": "51.41",
    "attribute[size]": "large",
    "description": "چاله بزرگ جلوی نانوایی\nماشین‌ها آسیب می‌بینند",
    "email": "citizen@example.org",
    "first_name": "مریم",
    "last_name": "احمدی",
    "phone": "09121234567",
    "device_id": "dev-1",
    "account_id": "acc-7",
    "media_url": "https://example.org/photo.jpg",
}


def post(client: TestClient, fields: dict[str, Any], fmt: str = "json") -> Any:
    return client.post(f"{V2}/requests.{fmt}", data=fields)


def case_of(session: Session, tracking_code: str) -> Case:
    case = session.exec(
        select(Case)
        .where(Case.tracking_code == tracking_code)
        .execution_options(populate_existing=True)
    ).one()
    session.commit()  # end the read: SQLite would keep the web app's writes waiting
    return case


def test_a_form_post_opens_a_case_on_channel_open311(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    response = post(client, REPORT)
    assert response.status_code == 200, response.text
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] == "acc-7"
    assert answer["service_notice"] == "رسیدگی ظرف ۳ روز کاری."
    case = case_of(session, answer["service_request_id"])
    assert case.channel == "open311" and case.state == "new"
    assert case.service_code == "testcity.pothole" and case.agency_code == "testcity"
    assert case.title == "چاله بزرگ جلوی نانوایی"
    assert case.data["size"] == "large"
    assert case.neighbourhood_id == world["square"].id  # the point is inside its boundary
    assert case.reporter == {
        "email": "citizen@example.org",
        "first_name": "مریم",
        "last_name": "احمدی",
        "phone": "09121234567",
        "device_id": "dev-1",
        "account_id": "acc-7",
    }
    assert case.created_by == "open311:demo"
    kinds = session.exec(select(OutboxMessage.kind).where(OutboxMessage.case_id == case.id)).all()
    # routed by the workers like every other case; its media_url is fetched by one too
    assert sorted(kinds) == ["fetch_media", "route_case"]
    submission = session.exec(select(Open311Submission)).one()
    assert (submission.lat, submission.long, submission.media_url) == (
        35.61,
        51.41,
        "https://example.org/photo.jpg",
    )


def test_post_answers_in_xml(client: TestClient) -> None:
    response = post(client, REPORT, "xml")
    assert response.status_code == 200
    root = xml(response.content, "service_requests")
    [request] = root.findall("request")
    assert {c.tag for c in request} == {"service_request_id", "service_notice", "account_id"}
    assert len(request.findtext("service_request_id", "")) == 10


def test_multi_value_attributes_arrive_as_attribute_code_brackets(
    client: TestClient, session: Session
) -> None:
    fields = {
        **REPORT,
        "attribute[hazards][]": ["traffic", "night"],
        "attribute[depth_cm]": "12",
        "attribute[noticed_at]": "2024-03-01T08:00:00+03:30",
    }
    response = post(client, fields)
    assert response.status_code == 200, response.text
    case = case_of(session, response.json()[0]["service_request_id"])
    assert case.data["hazards"] == ["traffic", "night"]
    assert case.data["depth_cm"] == 12
    assert case.data["noticed_at"].startswith("2024-03-01T08:00:00")


def test_a_json_body_is_accepted_too(client: TestClient, session: Session) -> None:
    body = {
        "api_key": DEMO_KEY,
        "service_code": "testcity.pothole",
        "address_string": "تهران، خيابان اصلي، نازي آباد",
        "description": "چاله",
        "attribute": {"size": "small", "hazards": ["children"]},
    }
    response = client.post(f"{V2}/requests.json", json=body)
    assert response.status_code == 200, response.text
    case = case_of(session, response.json()[0]["service_request_id"])
    assert case.data["hazards"] == ["children"] and case.data["size"] == "small"
    assert case.neighbourhood_id is not None  # found by the Persian-normalised name


def test_location_by_address_id_and_nearest_centre(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    by_id = post(client, {**_without(REPORT, "lat", "long"), "address_id": "n-centre"})
    assert (
        case_of(session, by_id.json()[0]["service_request_id"]).neighbourhood_id
        == world["centre"].id
    )
    near = post(client, {**REPORT, "lat": "35.751", "long": "51.372"})
    assert (
        case_of(session, near.json()[0]["service_request_id"]).neighbourhood_id
        == world["centre"].id
    )
    far = post(client, {**REPORT, "lat": "29.6", "long": "52.5"})  # Shiraz: not on our map
    assert case_of(session, far.json()[0]["service_request_id"]).neighbourhood_id is None


def _without(fields: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in names}


def _errors(response: Any, fmt: str) -> list[tuple[int, str]]:
    if fmt == "json":
        return [(e["code"], e["description"]) for e in response.json()]
    root = xml(response.content, "errors")
    return [
        (int(e.findtext("code", "0")), e.findtext("description", "")) for e in root.findall("error")
    ]


CASES = {
    "no key": (_without(REPORT, "api_key"), 403, "api_key"),
    "bad key": ({**REPORT, "api_key": "not-a-key"}, 403, "api_key"),
    "no service": (_without(REPORT, "service_code"), 400, "service_code"),
    "unknown service": ({**REPORT, "service_code": "testcity.nothing"}, 400, "testcity.nothing"),
    "confidential service": (
        {**REPORT, "service_code": "testcity.counselling"},
        400,
        "testcity.counselling",
    ),
    "missing required attribute": (_without(REPORT, "attribute[size]"), 400, "attribute[size]"),
    "blank required attribute": ({**REPORT, "attribute[size]": ""}, 400, "attribute[size]"),
    "bad list value": ({**REPORT, "attribute[size]": "huge"}, 400, "attribute[size]"),
    "unknown attribute": ({**REPORT, "attribute[colour]": "red"}, 400, "attribute[colour]"),
    "bad number": ({**REPORT, "attribute[depth_cm]": "deep"}, 400, "attribute[depth_cm]"),
    "no location": (_without(REPORT, "lat", "long"), 400, "location"),
    "lat without long": (_without(REPORT, "long"), 400, "together"),
    "lat not a number": ({**REPORT, "lat": "north"}, 400, "lat"),
    "lat out of range": ({**REPORT, "lat": "95"}, 400, "-90..90"),
    "media_url not a url": ({**REPORT, "media_url": "photo.jpg"}, 400, "media_url"),
    "description too long": ({**REPORT, "description": "x" * 4001}, 400, "4000"),
    "other jurisdiction": ({**REPORT, "jurisdiction_id": "sf.gov"}, 404, "sf.gov"),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name", list(CASES))
def test_bad_submissions_get_the_spec_error_and_write_nothing(
    client: TestClient, session: Session, name: str, fmt: str
) -> None:
    fields, status, mentions = CASES[name]
    response = post(client, fields, fmt)
    assert response.status_code == status, response.text
    errors = _errors(response, fmt)
    assert errors and all(code == status for code, _ in errors)
    assert any(mentions in description for _, description in errors), errors
    session.expire_all()
    assert session.exec(select(Case)).all() == []
    assert session.exec(select(Open311Submission)).all() == []


def test_a_revoked_key_is_refused(client: TestClient, session: Session, make_client: Any) -> None:
    from hamyar.plugins.municipality.open311.clients import revoke_client

    key = make_client("kiosk")
    assert post(client, {**REPORT, "api_key": key}).status_code == 200
    revoke_client(session, "kiosk")
    session.commit()
    response = post(client, {**REPORT, "api_key": key}, "xml")
    assert response.status_code == 403
    assert "revoked" in xml(response.content, "errors").findtext("error/description", "")


def test_each_key_has_its_own_rate_limit(client: TestClient, make_client: Any) -> None:
    slow = make_client("slow-app", rate_limit=2)
    assert [post(client, {**REPORT, "api_key": slow}).status_code for _ in range(2)] == [200, 200]
    refused = post(client, {**REPORT, "api_key": slow})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert refused.json()[0]["code"] == 429
    assert post(client, REPORT).status_code == 200  # the demo key is not affected


def test_a_queued_client_gets_a_token_that_resolves_to_the_request(
    client: TestClient, make_client: Any
) -> None:
    key = make_client("queued-app", queued=True)
    [answer] = post(client, {**REPORT, "api_key": key}).json()
    assert "service_request_id" not in answer
    token = answer["token"]
    [found] = client.get(f"{V2}/tokens/{token}.json").json()
    assert found["token"] == token and len(found["service_request_id"]) == 10
    root = xml(client.get(f"{V2}/tokens/{token}.xml").content, "service_requests")
    assert root.findtext("request/token") == token
    assert root.findtext("request/service_request_id") == found["service_request_id"]
    request = client.get(f"{V2}/requests/{found['service_request_id']}.json").json()
    validate(request, "requests.json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_404(client: TestClient, fmt: str) -> None:
    response = client.get(f"{V2}/tokens/no-such-token.{fmt}")
    assert response.status_code == 404
    assert _errors(response, fmt)[0][0] == 404
