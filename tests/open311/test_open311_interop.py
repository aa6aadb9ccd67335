"""An independently written Open311 client against a live server running the whole web app.

`georeport` (PyPI, Apache-2.0, by Pramod Anandarao) is a GeoReport v2 client library written
for real cities' endpoints; it knows nothing of Hamyar. It reads services, service definitions
and requests in JSON and, through `xmltodict`, in XML. It does not submit, so submissions go
through a plain form post, as the specification describes them. The server is the real
`create_app()` (middleware, CSRF, plugin routes) under uvicorn on a free port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pluggy
import pytest
import uvicorn
from georeport import GeoReport
from sqlalchemy.engine import Engine

from hamyar.core.plugin.manager import Plugins
from hamyar.core.plugin.registry import Registry
from tests.open311.conftest import DEMO_KEY, validate


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_url(
    engine: Engine,
    plugin_manager: pluggy.PluginManager,
    o311_registry: Registry,
    world: dict[str, Any],
) -> Iterator[str]:
    from hamyar.core.web.app import create_app

    app = create_app(plugins=Plugins(pm=plugin_manager, registry=o311_registry), engine=engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/open311/v2"
    server.should_exit = True
    thread.join(timeout=10)


def _listed(value: Any) -> list[Any]:
    """xmltodict gives a dict for a one-element list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything_we_serve(live_url: str, fmt: str) -> None:
    posted = httpx.post(
        f"{live_url}/requests.json",
        data={
            "api_key": DEMO_KEY,
            "jurisdiction_id": "hamyar",
            "service_code": "testcity.pothole",
            "lat": "35.61",
            "long": "51.41",
            "attribute[size]": "large",
            "attribute[hazards][]": ["traffic", "night"],
            "description": "چاله عمیق",
            "email": "hidden@example.org",
        },
    )
    assert posted.status_code == 200, posted.text
    request_id = posted.json()[0]["service_request_id"]

    client = GeoReport(live_url, jurisdiction="hamyar", output_format=fmt)
    services = _listed(client.get_service_list())
    codes = {s["service_code"] for s in services}
    assert {"testcity.pothole", "municipality.report.roads_potholes"} <= codes
    assert "testcity.counselling" not in codes

    definition = client.get_service_definition("testcity.pothole")
    attributes = _listed(
        definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    )
    assert {a["code"] for a in attributes} >= {"size", "hazards"}

    requests = _listed(client.get_service_requests(status="open", service_code="testcity.pothole"))
    assert [r["service_request_id"] for r in requests] == [request_id]
    one = client.get_service_request(request_id)
    if fmt == "json":
        validate([one], "requests.json")
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert "hidden@example.org" not in str(one)


def test_the_live_app_refuses_a_bad_key_in_the_spec_error_format(live_url: str) -> None:
    response = httpx.post(
        f"{live_url}/requests.xml",
        data={
            "api_key": "wrong",
            "service_code": "testcity.pothole",
            "lat": "35.61",
            "long": "51.41",
        },
    )
    assert response.status_code == 403
    assert response.text.count("<error>") == 1 and "<code>403</code>" in response.text
