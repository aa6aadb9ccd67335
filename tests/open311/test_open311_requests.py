"""GET requests and requests/{id}: public status that follows the case's workflow, and filters,
in JSON (validated against the GeoReport v2 schemas) and XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pluggy
import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task
from tests.open311.conftest import DEMO_KEY, REQUEST_FIELDS, validate, xml

V2 = "/open311/v2"
CONTACT = {
    "email": "secret.person@example.org",
    "phone": "09350000001",
    "first_name": "پنهان",
    "last_name": "خانواده",
    "device_id": "device-xyz",
}
REPORT = {
    "api_key": DEMO_KEY,
    "service_code": "testcity.pothole",
    "lat": "35.61",
    "long": "51.41",
    "attribute[size]": "small",
    "description": "چاله کوچک",
    "address_string": "نازی‌آباد، کوچه ۳",
    "media_url": "https://example.org/p.jpg",
    **CONTACT,
}
LIGHT = {"service_code": "testcity.streetlight", "attribute[size]": None}
COORDINATOR = Actor.from_assignments("coordinator", [("Coordinator", None)])


def submit(client: TestClient, **fields: Any) -> str:
    """Submit REPORT with `fields` changed; a field given as None is left out."""
    data = {k: v for k, v in {**REPORT, **fields}.items() if v is not None}
    response = client.post(f"{V2}/requests.json", data=data)
    assert response.status_code == 200, response.text
    return str(response.json()[0]["service_request_id"])


def load(session: Session, request_id: str) -> Case:
    case = session.exec(
        select(Case)
        .where(Case.tracking_code == request_id)
        .execution_options(populate_existing=True)
    ).one()
    session.commit()  # end the read: SQLite would keep the web app waiting
    return case


def test_a_new_request_reads_open_with_every_spec_field(client: TestClient) -> None:
    request_id = submit(client)
    response = client.get(f"{V2}/requests/{request_id}.json")
    assert response.status_code == 200
    body = response.json()
    validate(body, "requests.json")
    [request] = body
    assert set(request) == REQUEST_FIELDS
    assert request["service_request_id"] == request_id
    assert request["status"] == "open" and request["status_notes"] == "ثبت‌شده"
    assert request["service_code"] == "testcity.pothole"
    assert request["service_name"] == "چاله در آسفالت"
    assert request["agency_responsible"] == "شهرداری آزمون"
    assert request["address"] == "نازی‌آباد، کوچه ۳" and request["address_id"] == "n-square"
    assert (request["lat"], request["long"]) == (35.61, 51.41)
    assert request["media_url"] == "https://example.org/p.jpg"
    assert request["requested_datetime"].endswith("+03:30")  # ISO 8601 in Tehran time
    assert datetime.fromisoformat(request["updated_datetime"]).tzinfo is not None


@pytest.mark.parametrize("path", ["requests/{id}", "requests"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_reporter_contact_details_are_never_served(client: TestClient, path: str, fmt: str) -> None:
    request_id = submit(client)
    body = client.get(f"{V2}/{path.format(id=request_id)}.{fmt}").text
    assert request_id in body
    for value in CONTACT.values():
        assert value not in body


def test_request_xml_uses_the_specification_element_names(client: TestClient) -> None:
    request_id = submit(client)
    root = xml(client.get(f"{V2}/requests/{request_id}.xml").content, "service_requests")
    [request] = root.findall("request")
    assert {child.tag for child in request} == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == "35.61" and request.findtext("zipcode") == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client: TestClient, fmt: str) -> None:
    response = client.get(f"{V2}/requests/1234567890.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        assert xml(response.content, "errors").findtext("error/code") == "404"
    else:
        assert response.json()[0]["code"] == 404


def test_cases_from_staff_channels_and_confidential_services_are_not_served(
    client: TestClient, session: Session, o311_registry: Registry
) -> None:
    from hamyar.core.cases.intake import open_case

    staff = open_case(
        session,
        o311_registry,
        COORDINATOR,
        service="testcity.streetlight",
        title="خانواده نیازمند",
        channel="caseworker",
    )
    secret = open_case(
        session,
        o311_registry,
        COORDINATOR,
        service="testcity.counselling",
        title="مشاوره",
        channel="web",
    )
    phoned = open_case(
        session,
        o311_registry,
        COORDINATOR,
        service="testcity.streetlight",
        title="چراغ خاموش",
        channel="phone",
    )
    session.commit()
    listed = {r["service_request_id"] for r in client.get(f"{V2}/requests.json").json()}
    assert phoned.tracking_code in listed
    assert staff.tracking_code not in listed and secret.tracking_code not in listed
    assert client.get(f"{V2}/requests/{secret.tracking_code}.json").status_code == 404
    [phone_view] = client.get(f"{V2}/requests/{phoned.tracking_code}.json").json()
    assert phone_view["lat"] is None and phone_view["media_url"] is None


def test_get_requests_lists_newest_first_and_validates(client: TestClient) -> None:
    first, second = submit(client), submit(client, **LIGHT)
    body = client.get(f"{V2}/requests.json").json()
    validate(body, "requests.json")
    assert [r["service_request_id"] for r in body] == [second, first]
    root = xml(client.get(f"{V2}/requests.xml").content, "service_requests")
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [second, first]


def test_filters_by_id_service_status_and_dates(
    client: TestClient, session: Session, o311_registry: Registry
) -> None:
    pothole, light = submit(client), submit(client, **LIGHT)

    def ids(**params: Any) -> list[str]:
        return [
            r["service_request_id"] for r in client.get(f"{V2}/requests.json", params=params).json()
        ]

    assert ids(service_code="testcity.streetlight") == [light]
    assert ids(service_code="testcity.pothole,testcity.streetlight") == [light, pothole]
    assert ids(service_request_id=f"{pothole}") == [pothole]
    # service_request_id overrides every other filter, as the specification says
    assert ids(service_request_id=pothole, service_code="testcity.streetlight") == [pothole]
    apply_transition(
        session,
        load(session, light),
        "reject",
        COORDINATOR,
        o311_registry,
        comment="خارج از محدوده شهر است",
    )
    session.commit()
    assert ids(status="closed") == [light]
    [rejected] = client.get(f"{V2}/requests/{light}.json").json()
    assert rejected["status_notes"] == "خارج از محدوده شهر است"
    assert ids(status="open") == [pothole]
    assert ids(status="open,closed") == [light, pothole]
    now = datetime.now(UTC)
    assert ids(
        start_date=(now - timedelta(hours=1)).isoformat(),
        end_date=(now + timedelta(hours=1)).isoformat(),
    ) == [light, pothole]
    assert ids(start_date=(now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")) == []
    assert ids(end_date=(now - timedelta(days=1)).isoformat()) == []


BAD_QUERIES = {
    "garbage date": ({"start_date": "yesterday"}, "start_date"),
    "date without zone": ({"start_date": "2024-01-01T00:00:00"}, "time zone"),
    "end without zone": ({"end_date": "2024-01-01"}, "time zone"),
    "start after end": (
        {"start_date": "2024-02-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
        "after",
    ),
    "more than 90 days": (
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
        "90 days",
    ),
    "bad status": ({"status": "pending"}, "status"),
    "unknown service": ({"service_code": "nope.nothing"}, "nope.nothing"),
    "confidential service": ({"service_code": "testcity.counselling"}, "testcity.counselling"),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name", list(BAD_QUERIES))
def test_bad_filters_are_400_in_the_spec_error_format(
    client: TestClient, name: str, fmt: str
) -> None:
    params, mentions = BAD_QUERIES[name]
    response = client.get(f"{V2}/requests.{fmt}", params=params)
    assert response.status_code == 400
    if fmt == "json":
        errors = response.json()
        assert all(e["code"] == 400 for e in errors)
        assert any(mentions in e["description"] for e in errors)
    else:
        root = xml(response.content, "errors")
        assert root.findtext("error/code") == "400"
        assert mentions in root.findtext("error/description", "")


# -- the workflow decides the public status --------------------------------------------------


def test_closing_a_case_shows_closed_with_the_closing_comment(
    client: TestClient,
    session: Session,
    o311_registry: Registry,
    plugin_manager: pluggy.PluginManager,
    world: dict[str, Any],
) -> None:
    """The issue's acceptance test, with the real municipality plugin and router: a 137 report
    sent through Open311 lands in the municipality's worklist; its caseworker finishes the
    task, the case resolves, and Open311 reads `closed` with the caseworker's comment; a
    coordinator's closing comment then replaces it."""
    from hamyar.core.cases.worklists import find, items
    from hamyar.core.routing.router import route_case

    world["square"].district = "16"
    session.add(world["square"])
    session.commit()
    request_id = submit(
        client, service_code="municipality.report.roads_potholes", **{"attribute[size]": None}
    )
    case = load(session, request_id)
    assert case.category == "roads_potholes" and case.neighbourhood_id == world["square"].id
    result = route_case(session, case.id, o311_registry, pm=plugin_manager)
    session.commit()
    assert result.outcome == "routed", result.reason

    caseworker = Actor.from_assignments("municipality.caseworker", [("Caseworker", "municipality")])
    tasks, _ = items(session, find(caseworker, o311_registry, "my-tasks"), caseworker)
    [task] = [t for t in tasks if t.case_id == case.id]
    session.commit()
    assert isinstance(task, Task) and task.agency_code == "municipality"
    [view] = client.get(f"{V2}/requests/{request_id}.json").json()
    assert view["status"] == "open" and view["status_notes"] == "در دست اقدام"
    assert view["service_code"] == "municipality.report.roads_potholes"
    assert view["service_name"] == "آسفالت و چاله معابر"
    assert view["agency_responsible"] == "شهرداری"

    apply_transition(
        session, task, "complete", caseworker, o311_registry, comment="چاله با آسفالت سرد پر شد"
    )
    session.commit()
    assert load(session, request_id).state == "resolved"
    [view] = client.get(f"{V2}/requests/{request_id}.json").json()
    assert view["status"] == "closed" and view["status_notes"] == "چاله با آسفالت سرد پر شد"
    validate([view], "requests.json")
    root = xml(client.get(f"{V2}/requests/{request_id}.xml").content, "service_requests")
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/status_notes") == "چاله با آسفالت سرد پر شد"

    apply_transition(
        session,
        load(session, request_id),
        "close",
        COORDINATOR,
        o311_registry,
        comment="پرونده با رضایت شهروند بسته شد",
    )
    session.commit()
    case = load(session, request_id)
    [view] = client.get(f"{V2}/requests/{request_id}.json").json()
    assert view["status_notes"] == "پرونده با رضایت شهروند بسته شد"
    assert datetime.fromisoformat(view["updated_datetime"]) == case.updated_at.replace(
        microsecond=0
    )
