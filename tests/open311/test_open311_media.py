"""Photos through Open311: a `media` upload on POST requests.json is attached at once; a
`media_url` is fetched by a worker through the outbox, within a size cap and a timeout, and a
server that is too slow or sends too much ends in an incident or a clear history entry — never
a hanging worker. GET requests answers `media_url` with the public copy once one is public."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.plugin.manager import Plugins
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Attachment, Case, HistoryEntry, Incident, OutboxMessage
from hamyar.core.storage.settings import get_settings
from hamyar.workers import jobs, runtime
from hamyar.workers.config import get_worker_settings
from tests.media.images import TEXT, has_location_or_device, jpeg_with_gps
from tests.open311.test_open311_submit import REPORT, V2, case_of

PHOTO = jpeg_with_gps()
CAP = 100_000


class MediaServer(BaseHTTPRequestHandler):
    """A citizen's photo host: a good photo, a slow one, one far too large, a 404."""

    def do_GET(self) -> None:
        if self.path == "/slow.jpg":
            time.sleep(2.5)
        if self.path == "/huge.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()  # no length: the client must count
            for _ in range(40):
                self.wfile.write(b"\xff" * 8192)
            return
        if self.path not in ("/photo.jpg", "/slow.jpg", "/letter.jpg"):
            self.send_error(404)
            return
        body = TEXT if self.path == "/letter.jpg" else PHOTO
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def media_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), MediaServer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def worker_app(
    engine: Engine,
    plugin_manager: Any,
    o311_registry: Registry,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    monkeypatch.setenv("HAMYAR_MEDIA_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("HAMYAR_MEDIA_MAX_BYTES", str(CAP))
    get_settings.cache_clear()
    app = Application.build(
        plugins=Plugins(pm=plugin_manager, registry=o311_registry), engine=engine
    )
    runtime.install(app)
    yield app
    runtime.install(None)


def _fetch_step(session: Session, case_id: int) -> OutboxMessage:
    row = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case_id, OutboxMessage.kind == "fetch_media"
        )
    ).one()
    session.commit()
    return row


def _run(row: OutboxMessage) -> None:
    jobs.fetch_media(**row.payload, key=row.key)


def _submit(client: TestClient, session: Session, media_url: str) -> Case:
    answer = client.post(f"{V2}/requests.json", data={**REPORT, "media_url": media_url})
    assert answer.status_code == 200, answer.text
    return case_of(session, answer.json()[0]["service_request_id"])


def test_a_media_upload_is_attached_without_its_exif(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    fields = {k: v for k, v in REPORT.items() if k != "media_url"}
    answer = client.post(
        f"{V2}/requests.json", data=fields, files={"media": ("IMG_1.jpg", PHOTO, "image/jpeg")}
    )
    assert answer.status_code == 200, answer.text
    case = case_of(session, answer.json()[0]["service_request_id"])
    (row,) = session.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
    session.commit()
    assert row.source == "open311" and row.content_type == "image/jpeg"
    refused = client.post(
        f"{V2}/requests.json", data=fields, files={"media": ("IMG_2.jpg", TEXT, "image/jpeg")}
    )
    assert refused.status_code == 400
    assert "Only photos" in refused.text


def test_a_media_url_is_fetched_by_a_worker_and_served_publicly_once_marked(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    media_host: str,
    worker_app: Application,
) -> None:
    from hamyar.core.application import attachments
    from hamyar.core.auth.actor import SYSTEM

    case = _submit(client, session, f"{media_host}/photo.jpg")
    _run(_fetch_step(session, case.id or 0))
    rows = session.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
    session.commit()
    assert [r.filename for r in rows] == ["photo.jpg"]
    data = attachments.content(worker_app.settings, rows[0]).data
    assert not has_location_or_device(data)
    listed = client.get(f"{V2}/requests/{case.tracking_code}.json").json()
    assert listed[0]["media_url"] == f"{media_host}/photo.jpg"  # nothing public yet
    attachments.set_public(worker_app.unit_of_work(), SYSTEM, rows[0].id or 0, public=True)
    listed = client.get(f"{V2}/requests/{case.tracking_code}.json").json()
    assert listed[0]["media_url"].endswith(f"/status/{case.tracking_code}/attachments/{rows[0].id}")


def test_a_too_large_or_wrong_file_ends_with_a_clear_entry(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    media_host: str,
    worker_app: Application,
) -> None:
    for path, reason in (("/huge.jpg", "too_large"), ("/letter.jpg", "wrong_type")):
        case = _submit(client, session, media_host + path)
        step = _fetch_step(session, case.id or 0)
        started = time.monotonic()
        _run(step)
        assert time.monotonic() - started < 5
        entry = session.exec(
            select(HistoryEntry).where(
                HistoryEntry.case_id == case.id, HistoryEntry.action == "media_fetch_failed"
            )
        ).one()
        session.expire_all()
        done = session.get(OutboxMessage, step.id)
        session.commit()
        assert entry.params["reason"] == reason
        assert done is not None and done.done_at is not None  # finished, not retried forever
        assert session.exec(select(Attachment).where(Attachment.case_id == case.id)).all() == []
        session.commit()


def test_a_slow_server_fails_into_an_incident_not_a_hang(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    media_host: str,
    worker_app: Application,
) -> None:
    case = _submit(client, session, f"{media_host}/slow.jpg")
    step = _fetch_step(session, case.id or 0)
    for _ in range(get_worker_settings().max_tries):
        started = time.monotonic()
        with pytest.raises(Exception, match=r"(?i)timed out|took longer"):
            _run(step)
        assert time.monotonic() - started < 2.5  # gave up at the timeout (1 s)
    incident = session.exec(select(Incident).where(Incident.case_id == case.id)).one()
    session.commit()
    assert incident.kind == "fetch_media" and incident.resolved_at is None
    assert "Timeout" in incident.error or "timed out" in incident.error
