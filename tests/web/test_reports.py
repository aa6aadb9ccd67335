"""The achievements report: per neighbourhood, agency, service and state; Jalali or ISO dates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from hamyar.core.storage.models import utcnow
from hamyar.core.time.jalali import format_date
from tests.web.conftest import World

Client = TestClient[Litestar]


def _report(client: Client, world: World, **params: str) -> dict:
    response = client.get(
        "/api/reports/summary", params=params, headers=world.headers("coordinator")
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_counts_resolved_overdue_and_sla(client: Client, world: World) -> None:
    world.add_case(
        "late2",
        "municipality.pothole",
        data={"street": "ولیعصر", "severity": 2},
        due_in=timedelta(days=2),
    )
    for task, version in ((world.tasks["late2"], 1),):
        client.post(
            f"/api/tasks/{task}/transitions",
            json={"transition": "complete", "version": version},
            headers=world.headers("municipality.caseworker"),
        )
    body = _report(client, world, group_by="service")
    row = next(r for r in body["rows"] if r["key"] == "municipality.pothole")
    assert (row["count"], row["resolved"], row["overdue"]) == (3, 1, 1)
    # one case resolved before its due date, one open and late: half on time
    assert (row["sla_met"], row["sla_missed"], row["sla_compliance"]) == (1, 1, 0.5)
    assert row["label_en"] == "Pothole"
    assert body["totals"]["count"] == len(world.cases)


@pytest.mark.parametrize("group_by", ["neighbourhood", "agency", "service", "state"])
def test_every_grouping_counts_every_visible_case(
    client: Client, world: World, group_by: str
) -> None:
    body = _report(client, world, group_by=group_by)
    assert sum(r["count"] for r in body["rows"]) == len(world.cases)


def test_neighbourhoods_are_named(client: Client, world: World) -> None:
    rows = _report(client, world, group_by="neighbourhood")["rows"]
    assert [(r["label"], r["label_en"]) for r in rows] == [("خاک سفید", "Khak-e Sefid")]


def test_dates_may_be_jalali_or_iso(client: Client, world: World) -> None:
    today = utcnow().date()
    jalali_today = format_date(today, "en")  # e.g. 1405-09-02
    assert _report(client, world, **{"from": jalali_today})["totals"]["count"] == len(world.cases)
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert _report(client, world, **{"from": tomorrow})["totals"]["count"] == 0
    yesterday = format_date(today - timedelta(days=3), "en")
    assert _report(client, world, to=yesterday)["totals"]["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "colour"},
        {"from": "1402-13-01"},
        {"from": "yesterday"},
        {"from": "1402-07-10", "to": "1402-07-01"},
    ],
)
def test_bad_report_parameters_are_422(
    client: Client, world: World, params: dict[str, str]
) -> None:
    response = client.get(
        "/api/reports/summary", params=params, headers=world.headers("coordinator")
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_csv_export(client: Client, world: World) -> None:
    response = client.get(
        "/api/reports/summary.csv", params={"group_by": "agency"}, headers=world.headers("auditor")
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("key,label,label_en,count,resolved,overdue")
    assert any(line.startswith("health,") for line in lines[1:])
