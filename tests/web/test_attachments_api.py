"""Photos and documents through the API: checked by content, stripped of the phone's EXIF,
served only to those who read the case, public only once a caseworker says so."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlmodel import select

from hamyar.core.storage.models import Attachment, Case, HistoryEntry
from hamyar.core.storage.settings import get_settings
from tests.media.images import PDF, TEXT, has_location_or_device, jpeg_with_gps, png
from tests.web.conftest import World

Client = TestClient[Litestar]


def _upload(
    client: Client,
    world: World,
    user: str,
    case: str,
    data: bytes,
    name: str = "photo.jpg",
    **h: str,
) -> object:
    return client.post(
        f"/api/cases/{world.cases[case]}/attachments",
        files={"file": (name, data, "image/jpeg")},
        headers={**world.headers(user), **h},
    )


def test_a_jpeg_with_gps_comes_back_without_it(client: Client, world: World) -> None:
    sent = jpeg_with_gps()
    assert has_location_or_device(sent)
    answer = _upload(client, world, "municipality.caseworker", "pothole", sent)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["content_type"] == "image/jpeg" and body["kind"] == "image"
    assert (body["width"], body["height"]) == (48, 64)  # the orientation tag was applied

    served = client.get(body["url"], headers=world.headers("municipality.caseworker"))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert not has_location_or_device(served.content)
    assert Image.open(io.BytesIO(served.content)).size == (48, 64)

    world.session.expire_all()
    row = world.session.exec(select(Attachment)).one()
    stored = Path(get_settings().effective_media_url.removeprefix("file://")) / row.storage_key
    assert stored.is_file() and not has_location_or_device(stored.read_bytes())

    thumb = client.get(body["thumbnail_url"], headers=world.headers("municipality.caseworker"))
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320

    listed = client.get(
        f"/api/cases/{world.cases['pothole']}/attachments",
        headers=world.headers("municipality.caseworker"),
    ).json()
    assert [a["id"] for a in listed] == [body["id"]] and listed[0]["may_publish"] is True
    actions = world.session.exec(
        select(HistoryEntry.action).where(HistoryEntry.case_id == world.cases["pothole"])
    ).all()
    assert "attach" in actions


def test_type_is_found_by_content_not_by_name(client: Client, world: World) -> None:
    renamed = _upload(client, world, "municipality.caseworker", "pothole", png(), "photo.jpg")
    assert renamed.status_code == 201
    assert renamed.json()["content_type"] == "image/png"
    assert renamed.json()["filename"] == "photo.png"
    pdf = _upload(client, world, "municipality.caseworker", "pothole", PDF, "letter.pdf")
    assert pdf.status_code == 201 and pdf.json()["kind"] == "pdf"
    assert pdf.json()["thumbnail_url"] is None
    served = client.get(pdf.json()["url"], headers=world.headers("municipality.caseworker"))
    assert served.content == PDF and served.headers["content-disposition"].startswith("attachment")


def test_a_text_file_named_photo_jpg_is_refused_clearly(client: Client, world: World) -> None:
    answer = _upload(client, world, "municipality.caseworker", "pothole", TEXT, "photo.jpg")
    assert answer.status_code == 415
    assert "Only photos (JPEG, PNG, WebP) and PDF documents" in answer.json()["detail"]
    persian = _upload(
        client,
        world,
        "municipality.caseworker",
        "pothole",
        TEXT,
        "photo.jpg",
        **{"Accept-Language": "fa"},
    )
    assert persian.status_code == 415
    assert "فقط عکس" in persian.json()["detail"]
    assert world.session.exec(select(Attachment)).all() == []


def test_too_large_is_a_413_with_a_message(
    client: Client, world: World, monkeypatch: object
) -> None:
    cap = get_settings().media_max_bytes
    big = b"%PDF-1.4\n" + b"0" * cap
    answer = _upload(client, world, "municipality.caseworker", "pothole", big, "big.pdf")
    assert answer.status_code == 413
    assert "larger than 10 MB" in answer.json()["detail"]
    missing = client.post(
        f"/api/cases/{world.cases['pothole']}/attachments",
        data={"note": "no file"},
        files={"other": ("x.txt", b"x", "text/plain")},
        headers=world.headers("municipality.caseworker"),
    )
    assert missing.status_code == 422


def test_readers_of_other_agencies_and_auditors(client: Client, world: World) -> None:
    answer = _upload(client, world, "health.caseworker", "health", jpeg_with_gps())
    assert answer.status_code == 201
    url = answer.json()["url"]
    for outsider in ("municipality.caseworker", "welfare.supervisor", "coordinator", "nobody"):
        assert client.get(url, headers=world.headers(outsider)).status_code == 404, outsider
        assert client.get(url + "/thumbnail", headers=world.headers(outsider)).status_code == 404
    assert client.get(url, headers=world.headers("health.supervisor")).status_code == 200
    assert client.get(url).status_code == 401
    listed = client.get(
        f"/api/cases/{world.cases['health']}/attachments", headers=world.headers("coordinator")
    )
    assert listed.status_code == 200 and listed.json() == []  # sees the routing, not the file
    refused = _upload(client, world, "auditor", "pothole", png())
    assert refused.status_code == 403
    reader = _upload(client, world, "health.caseworker", "pothole", png())
    assert reader.status_code == 403  # reads the public case, does not work on it


def test_anonymous_sees_it_only_once_public_and_never_of_a_confidential_case(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pothole report as a citizen's report of a service offered to citizens: a case the
    # public may follow on its status page (`access.publicly_readable_cases`).
    services = world.plugins.registry.services
    pothole = "municipality.pothole"
    monkeypatch.setitem(services, pothole, replace(services[pothole], public=True))
    case = world.session.get(Case, world.cases["pothole"])
    assert case is not None
    case.channel = "web"
    world.session.add(case)
    world.session.commit()
    body = _upload(client, world, "municipality.caseworker", "pothole", jpeg_with_gps()).json()
    code = case.tracking_code
    world.session.rollback()  # the test's own read ends before the app writes
    public_url = f"/status/{code}/attachments/{body['id']}"
    assert client.get(public_url).status_code == 404
    refused = client.post(
        f"/api/attachments/{body['id']}/public",
        json={"public": True},
        headers=world.headers("health.caseworker"),
    )
    assert refused.status_code == 403
    marked = client.post(
        f"/api/attachments/{body['id']}/public",
        json={"public": True},
        headers=world.headers("municipality.caseworker"),
    )
    assert marked.status_code == 200 and marked.json()["public"] is True
    shown = client.get(public_url)
    assert shown.status_code == 200 and not has_location_or_device(shown.content)
    assert client.get(public_url + "/thumbnail").status_code == 200
    assert client.get(f"/status/WRONG-CODE/attachments/{body['id']}").status_code == 404
    actions = world.session.exec(
        select(HistoryEntry.action).where(HistoryEntry.case_id == world.cases["pothole"])
    ).all()
    world.session.rollback()
    assert "publish_attachment" in actions
    client.post(
        f"/api/attachments/{body['id']}/public",
        json={"public": False},
        headers=world.headers("municipality.caseworker"),
    )
    assert client.get(public_url).status_code == 404

    secret = _upload(client, world, "health.caseworker", "health", png()).json()
    no = client.post(
        f"/api/attachments/{secret['id']}/public",
        json={"public": True},
        headers=world.headers("health.caseworker"),
    )
    assert no.status_code == 422
    row = world.session.get(Attachment, secret["id"])
    assert row is not None
    row.public = True  # even a row marked public by hand stays hidden
    world.session.add(row)
    world.session.commit()
    health_code = world.session.get(Case, world.cases["health"]).tracking_code  # type: ignore[union-attr]
    world.session.rollback()
    assert client.get(f"/status/{health_code}/attachments/{secret['id']}").status_code == 404
