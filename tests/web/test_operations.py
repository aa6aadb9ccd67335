"""What operators touch: /health, /metrics, the queue, incidents, workflows, the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.storage import broker
from hamyar.core.storage.models import Incident, OutboxMessage
from tests.web.apps import app_for
from tests.web.conftest import World

Client = TestClient[Litestar]


@pytest.fixture
def live_redis(redis_url: str) -> Iterator[str]:
    broker.reset()
    yield redis_url
    broker.reset()


def test_health_checks_the_database_and_redis(client: Client, live_redis: str) -> None:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["redis"]["ok"]


def test_health_says_what_is_failing(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from hamyar.core.storage.settings import get_settings

    monkeypatch.setenv("HAMYAR_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    get_settings.cache_clear()
    broker.reset()
    try:
        response = client.get("/health")
    finally:
        broker.reset()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["database"]["ok"]
    assert body["redis"]["ok"] is False and "Connection" in body["redis"]["error"]


def test_metrics(client: Client, world: World) -> None:
    client.get("/api/cases", headers=world.headers("coordinator"))
    text = client.get("/metrics", headers=world.headers("admin")).text
    assert 'hamyar_http_requests_total{method="GET",route="/api/cases",status="200"}' in text
    assert 'hamyar_cases{state="in_progress"} 4.0' in text
    assert "hamyar_tasks_overdue 1.0" in text
    assert "hamyar_outbox_backlog" in text


def test_metrics_are_behind_a_token_or_a_managers_login(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hamyar.core.storage.settings import get_settings

    monkeypatch.setenv("HAMYAR_METRICS_TOKEN", "scrape-me-7f3a")
    get_settings.cache_clear()
    with TestClient(app_for(plugins=world.plugins, engine=engine)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        denied = client.get("/metrics", headers=world.headers("coordinator"))
        assert denied.status_code == 403
        scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-7f3a"})
        assert scraped.status_code == 200 and "hamyar_outbox_backlog" in scraped.text
        assert client.get("/metrics", headers=world.headers("admin")).status_code == 200


def test_the_queue_is_for_operators(client: Client, world: World, live_redis: str) -> None:
    body = client.get("/api/queue", headers=world.headers("coordinator")).json()
    assert body["outbox_backlog"] == 5  # one routing step per case, none relayed
    assert client.get("/api/queue", headers=world.headers("welfare.caseworker")).status_code == 403
    assert client.get("/api/queue", headers=world.headers("welfare.supervisor")).status_code == 200


def _incident(world: World, case: str) -> int:
    session = world.session
    key = f"route:{world.cases[case]}"
    row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    row.attempts = 5
    incident = Incident(
        outbox_key=key,
        kind="route_case",
        case_id=world.cases[case],
        error="RuntimeError: boom",
        attempts=5,
    )
    session.add_all([row, incident])
    session.commit()
    assert incident.id is not None
    return incident.id


def test_incidents_follow_case_visibility(client: Client, world: World) -> None:
    health = _incident(world, "health")
    pothole = _incident(world, "pothole")
    ids = {
        i["id"]
        for i in client.get("/api/incidents", headers=world.headers("welfare.caseworker")).json()
    }
    assert ids == {pothole}
    ids = {
        i["id"]
        for i in client.get("/api/incidents", headers=world.headers("health.caseworker")).json()
    }
    assert ids == {health, pothole}


def test_an_incident_can_be_retried(client: Client, world: World, live_redis: str) -> None:
    incident = _incident(world, "pothole")
    world.session.rollback()
    assert (
        client.post(
            f"/api/incidents/{incident}/retry", headers=world.headers("auditor")
        ).status_code
        == 403
    )
    response = client.post(
        f"/api/incidents/{incident}/retry", headers=world.headers("municipality.caseworker")
    )
    assert response.status_code == 202, response.text
    assert response.json()["retried_at"] is not None
    hidden = _incident(world, "health")
    assert (
        client.post(
            f"/api/incidents/{hidden}/retry", headers=world.headers("welfare.caseworker")
        ).status_code
        == 404
    )


def test_workflows_as_json_and_definition_xml(client: Client, world: World) -> None:
    headers = world.headers("coordinator")
    ids = {w["id"] for w in client.get("/api/workflows", headers=headers).json()}
    assert {"hamyar.case", "hamyar.task", "hamyar.referral", "webtest.visit"} <= ids
    case = client.get("/api/workflows/hamyar.case", headers=headers).json()
    assert case["initial_state"] == "new"
    assert "to_triage" in next(s for s in case["states"] if s["id"] == "new")["transitions"]
    xml = client.get("/api/workflows/hamyar.case/definition.xml", headers=headers)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert "<dc-workflow" in xml.text and 'state_id="triage"' in xml.text
    assert client.get("/api/workflows/nope", headers=headers).status_code == 404


def test_agencies_services_and_places(client: Client, world: World) -> None:
    headers = world.headers("library.caseworker")
    agencies = {a["code"] for a in client.get("/api/agencies", headers=headers).json()}
    assert agencies == {"health", "welfare", "municipality", "library"}
    services = client.get(
        "/api/services", params={"agency": "municipality"}, headers=headers
    ).json()
    assert [s["code"] for s in services] == ["municipality.pothole"]
    pothole = client.get("/api/services/municipality.pothole", headers=headers).json()
    assert set(pothole["form_schema"]["required"]) == {"street", "severity"}
    assert client.get("/api/services/nope", headers=headers).status_code == 404
    tree = client.get("/api/neighbourhoods", headers=headers).json()
    assert tree[0]["counties"][0]["neighbourhoods"][0]["code"] == "khak-sefid"


def test_the_openapi_schema(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/api/cases" in schema["paths"] and "/api/cases/{case_id}/transitions" in schema["paths"]
