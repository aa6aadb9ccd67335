"""The case page's photos: the upload form only for those who may work on the case, the
public toggle only for staff of an involved agency, and a new case opened with its photo."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import select

from hamyar.core.storage.models import Attachment, Case
from tests.media.images import TEXT, has_location_or_device, jpeg_with_gps, png
from tests.web.conftest import PASSWORD, World

Client = TestClient[Litestar]


def _login(client: Client, username: str) -> str:
    page = client.get("/login")
    token = client.cookies.get("hamyar_csrf") or ""
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code in (302, 303), page.text[:200]
    return client.cookies.get("hamyar_csrf") or token


def test_caseworker_uploads_and_publishes_on_the_case_page(client: Client, world: World) -> None:
    token = _login(client, "municipality.caseworker")
    case_id = world.cases["pothole"]
    page = client.get(f"/cases/{case_id}")
    assert 'id="attach-form"' in page.text and "عکس‌ها و اسناد" in page.text
    sent = client.post(
        f"/cases/{case_id}/attachments",
        data={"_csrf_token": token},
        files={"file": ("خیابان.jpg", jpeg_with_gps(), "image/jpeg")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text[:500]
    page = client.get(f"/cases/{case_id}")
    row_id = world.session.exec(select(Attachment.id)).one()
    world.session.rollback()  # the test's read ends (on SQLite it holds the write lock)
    assert f"/api/attachments/{row_id}/thumbnail" in page.text
    assert "عمومی کن" in page.text
    assert not has_location_or_device(client.get(f"/api/attachments/{row_id}").content)
    made = client.post(
        f"/cases/{case_id}/attachments/{row_id}/public",
        data={"_csrf_token": token, "public": "1"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    world.session.expire_all()
    assert world.session.get(Attachment, row_id).public is True  # type: ignore[union-attr]
    world.session.rollback()

    refused = client.post(
        f"/cases/{case_id}/attachments",
        data={"_csrf_token": token},
        files={"file": ("photo.jpg", TEXT, "image/jpeg")},
    )
    assert refused.status_code == 415
    assert "فقط عکس" in refused.text


def test_no_upload_form_or_toggle_for_those_who_cannot_use_them(
    client: Client, world: World
) -> None:
    _login(client, "health.caseworker")  # reads the public pothole case, does not work on it
    page = client.get(f"/cases/{world.cases['pothole']}")
    assert page.status_code == 200
    assert 'id="attach-form"' not in page.text and "عمومی کن" not in page.text
    client.cookies.clear()
    token = _login(client, "health.caseworker")
    client.post(
        f"/cases/{world.cases['health']}/attachments",
        data={"_csrf_token": token},
        files={"file": ("scan.png", png(), "image/png")},
    )
    page = client.get(f"/cases/{world.cases['health']}")
    assert 'id="attach-form"' in page.text
    assert "عمومی کن" not in page.text  # a confidential case shows nothing publicly


def test_a_new_case_opens_with_its_photo(client: Client, world: World) -> None:
    token = _login(client, "municipality.caseworker")
    form = client.get("/cases/new?service=municipality.pothole")
    assert 'name="photo"' in form.text and 'enctype="multipart/form-data"' in form.text
    answer = client.post(
        "/cases/new",
        data={
            "_csrf_token": token,
            "service": "municipality.pothole",
            "title": "چاله با عکس",
            "data.street": "آزادی",
            "data.severity": "2",
            "channel": "caseworker",
        },
        files={"photo": ("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:800]
    case_id = world.session.exec(select(Case.id).where(Case.title == "چاله با عکس")).one()
    names = world.session.exec(
        select(Attachment.filename).where(Attachment.case_id == case_id)
    ).all()
    world.session.rollback()
    assert names == ["IMG_0001.jpg"]

    refused = client.post(
        "/cases/new",
        data={
            "_csrf_token": token,
            "service": "municipality.pothole",
            "title": "چاله با نامه",
            "data.street": "آزادی",
            "data.severity": "2",
        },
        files={"photo": ("photo.jpg", TEXT, "image/jpeg")},
    )
    assert refused.status_code == 415 or refused.status_code == 422
    assert "فقط عکس" in refused.text
    assert world.session.exec(select(Case).where(Case.title == "چاله با نامه")).first() is None
