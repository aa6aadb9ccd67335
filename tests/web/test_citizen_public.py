"""The citizen's side: the public status page and its JSON, the report form, the rating, the
per-address limits and the 137 operator's phone form — on the real database and Redis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import attachments, casework, satisfaction
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases import reports
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.storage.models import Attachment, Case, HistoryEntry, SatisfactionRating
from hamyar.core.storage.settings import get_settings
from hamyar.core.text.folding import to_persian_digits
from tests.media.images import TEXT, has_location_or_device, jpeg_with_gps
from tests.web.apps import app_for
from tests.web.citizen_world import (
    CASEWORKER,
    CATEGORY,
    CONFIDENTIAL_SERVICE,
    CitizenWorld,
    build_citizen_world,
    citizen_plugins,
    resolve,
    route,
    staff_case,
)
from tests.web.ui_world import PASSWORD

PHONE = "09121234567"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def citizen(engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch) -> CitizenWorld:
    monkeypatch.setenv("HAMYAR_SECRET_KEY", "test-secret-key-for-the-citizen-tests")
    get_settings.cache_clear()
    return build_citizen_world(session, citizen_plugins())


@pytest.fixture
def app(citizen: CitizenWorld, engine: Engine) -> Litestar:
    return app_for(plugins=citizen_plugins(), engine=engine)


@pytest.fixture
def application(app: Litestar) -> Application:
    return app.state["app"]


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        yield client


def _token(client: TestClient[Litestar], path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found, path
    return found.group(1)


def file_report(
    client: TestClient[Litestar],
    citizen: CitizenWorld,
    photo: tuple[str, bytes] | None = None,
    **fields: str,
) -> Any:
    """Post the public form as a browser would (multipart when a photo is chosen)."""
    form = {
        "category": CATEGORY,
        "neighbourhood": str(citizen.neighbourhood_id),
        "place": "کوچه بهار، روبروی مسجد",
        "description": "چراغ برق کوچه سه شب است خاموش است",
        "contact": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        **fields,
    }
    form["_csrf_token"] = _token(client, "/report")
    if photo is None:
        return client.post("/report", data=form)
    name, data = photo
    return client.post("/report", data=form, files={"photo": (name, data, "image/jpeg")})


def code_of(page: str) -> str:
    found = re.search(r'data-code="(\d{10})"', page)
    assert found, page
    return found.group(1)


def test_a_report_filed_on_the_form_is_followed_on_the_status_page(
    client: TestClient[Litestar], citizen: CitizenWorld, application: Application, session: Session
) -> None:
    sent = file_report(client, citizen)
    assert sent.status_code == 201, sent.text
    code = code_of(sent.text)
    assert f'href="/status/{code}"' in sent.text
    case = session.exec(select(Case).where(Case.tracking_code == code)).one()
    assert (case.channel, case.reporter_phone, case.service_code) == (
        "web",
        PHONE,
        "municipality.report",
    )
    session.rollback()  # end the test's read, so the commands below may write

    page = client.get(f"/status/{code}")
    assert page.status_code == 200
    assert 'data-state="received"' in page.text
    assert application.registry.service("municipality.report").title_fa in page.text
    assert "خاک سفید" in page.text
    assert "۱۴" in page.text  # a Jalali year in Persian digits (14xx)
    assert PHONE not in page.text and "۰۹۱۲" not in page.text
    assert "چراغ برق کوچه" not in page.text  # the description is the agency's, not the page's
    assert 'id="rating"' not in page.text  # no rating form before resolution

    _case_id, task_id = route(application, code)
    casework.add_note(
        application.unit_of_work(),
        CASEWORKER,
        _case_id,
        text="اکیپ برق فردا اعزام می‌شود",
        visibility="public",
    )
    casework.add_note(
        application.unit_of_work(),
        CASEWORKER,
        _case_id,
        text="یادداشت داخلی سری",
        visibility="agency",
    )
    casework.add_note(
        application.unit_of_work(),
        CASEWORKER,
        _case_id,
        text="یادداشت مشترک سری",
        visibility="shared",
    )
    page = client.get(f"/status/{code}")
    assert 'data-state="with_agency"' in page.text
    assert "اکیپ برق فردا اعزام می‌شود" in page.text
    assert "یادداشت داخلی سری" not in page.text and "یادداشت مشترک سری" not in page.text

    english = client.get(f"/status/{code}", cookies={"hamyar_locale": "en"})
    assert "With the agency" in english.text and "Khak-e Sefid" in english.text

    resolve(application, task_id)
    page = client.get(f"/status/{code}")
    assert 'data-state="resolved"' in page.text and 'id="rating"' in page.text


CSRF_TOKEN = re.compile(r'"x-csrftoken": "[0-9a-f]+"')


def test_unknown_invalid_and_confidential_codes_answer_the_same_not_found(
    client: TestClient[Litestar], citizen: CitizenWorld, application: Application
) -> None:
    secret = staff_case(
        application, CONFIDENTIAL_SERVICE, channel="web", reporter={"name": "خانم الف"}
    )
    staff_only = staff_case(application, "municipality.report", channel="caseworker")
    unknown = "1234567897" if secret.tracking_code != "1234567897" else "1111111116"
    answers = []
    for code in (secret.tracking_code, staff_only.tracking_code, unknown, "12345", "abc"):
        page = client.get(f"/status/{code}")
        assert page.status_code == 404, code
        # The page's CSRF token is hex: "abc" may be in it, so it goes before the code does.
        assert CSRF_TOKEN.search(page.text)
        answers.append(CSRF_TOKEN.sub("", page.text).replace(code, "CODE"))
        api = client.get(f"/api/public/status/{code}", headers={"Accept-Language": "fa"})
        assert api.status_code == 404
        assert api.json()["detail"].startswith("گزارشی با این کد رهگیری نیست")
    assert len(set(answers)) == 1
    assert "خانم الف" not in answers[0]


def test_the_json_status_shows_what_the_page_shows_and_nothing_of_the_reporter(
    client: TestClient[Litestar], citizen: CitizenWorld
) -> None:
    code = code_of(file_report(client, citizen, contact="citizen@example.org").text)
    persian = to_persian_digits(code[:3]) + " " + to_persian_digits(code[3:])
    answer = client.get(f"/api/public/status/{persian}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["tracking_code"] == code and body["state"] == "received"
    assert body["neighbourhood"] == {"fa": "خاک سفید", "en": "Khak-e Sefid"}
    assert body["created_at"]["jalali"].startswith("14")
    assert "citizen@example.org" not in answer.text and "چراغ" not in answer.text
    # The form takes the code as people type it, and sends them to its page.
    lookup = client.get(
        "/status", params={"code": f"{code[:5]}-{code[5:]}"}, follow_redirects=False
    )
    assert lookup.status_code == 303 and lookup.headers["location"] == f"/status/{code}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "health.screening:health_screening", "یک دسته را انتخاب کنید."),
        ("description", "", "مشکل را در چند کلمه شرح دهید."),
        ("contact", "12", "این شماره تلفن ایرانی نیست"),
        ("contact", "not@mail", "این نشانی ایمیل نیست."),
        ("neighbourhood", "99999", "محله را از فهرست انتخاب کنید."),
    ],
)
def test_a_bad_report_comes_back_with_the_fields_message(
    client: TestClient[Litestar],
    citizen: CitizenWorld,
    session: Session,
    field: str,
    value: str,
    message: str,
) -> None:
    answer = file_report(client, citizen, **{field: value})
    assert answer.status_code == 422
    assert f'id="error-{field}"' in answer.text and message in answer.text
    assert session.exec(select(Case)).first() is None


def test_a_rating_is_taken_only_after_resolution_and_shows_in_history_and_reports(
    client: TestClient[Litestar], citizen: CitizenWorld, application: Application, session: Session
) -> None:
    code = code_of(file_report(client, citizen).text)
    with pytest.raises(InvalidInput):
        satisfaction.rate_outcome(
            application.unit_of_work(), tracking_code=code, rating=4, channel="web"
        )
    case_id, task_id = route(application, code)
    resolve(application, task_id)
    for bad in ("0", "6", "x"):
        with pytest.raises(InvalidInput):
            satisfaction.rate_outcome(
                application.unit_of_work(), tracking_code=code, rating=bad, channel="web"
            )
    token = _token(client, f"/status/{code}")
    sent = client.post(
        f"/status/{code}/rating", data={"rating": "2", "_csrf_token": token}, follow_redirects=False
    )
    assert sent.status_code == 303
    satisfaction.rate_outcome(
        application.unit_of_work(), tracking_code=to_persian_digits(code), rating="۴", channel="sms"
    )
    session.rollback()
    row = session.get(SatisfactionRating, case_id)
    assert row is not None and (row.rating, row.channel) == (4, "sms")  # the later one replaces
    entries = session.exec(
        select(HistoryEntry).where(HistoryEntry.case_id == case_id, HistoryEntry.action == "rate")
    ).all()
    assert [e.params for e in entries] == [
        {"rating": 2, "channel": "web"},
        {"rating": 4, "channel": "sms"},
    ]
    session.rollback()
    assert "امتیاز شما: ۴ از ۵" in client.get(f"/status/{code}").text
    for group in ("agency", "neighbourhood"):
        rows = reports.summary(session, SYSTEM, application.registry, group_by=group)
        rated = [r for r in rows if r.ratings]
        assert [(r.ratings, r.rating_average) for r in rated] == [(1, 4.0)]
    session.rollback()
    with pytest.raises(NotFound):
        satisfaction.rate_outcome(
            application.unit_of_work(), tracking_code="1234567890", rating=4, channel="web"
        )


def test_status_lookups_are_limited_per_address(
    engine: Engine, citizen: CitizenWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_PUBLIC_LOOKUPS_PER_MINUTE", "3")
    get_settings.cache_clear()
    with TestClient(app_for(plugins=citizen_plugins(), engine=engine)) as client:
        for _ in range(3):
            assert client.get("/status/1234567890").status_code == 404
        over = client.get("/api/public/status/1234567890")
        assert over.status_code == 429 and int(over.headers["retry-after"]) > 0
        page = client.get("/status", headers={"Accept": "text/html"})
        assert page.status_code == 429 and "درخواست‌های شما بیش از اندازه بود" in page.text
        assert client.get("/report").status_code == 200  # the form itself is not a look-up


def test_reports_are_limited_per_address(
    engine: Engine, citizen: CitizenWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_PUBLIC_REPORTS_PER_HOUR", "2")
    get_settings.cache_clear()
    with TestClient(app_for(plugins=citizen_plugins(), engine=engine)) as client:
        assert file_report(client, citizen).status_code == 201
        assert file_report(client, citizen).status_code == 201
        over = file_report(client, citizen)
        assert over.status_code == 429 and "retry-after" in over.headers


def test_a_redis_that_is_down_does_not_take_the_status_page_with_it(
    engine: Engine, citizen: CitizenWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hamyar.core.storage import broker

    monkeypatch.setenv("HAMYAR_REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    broker.reset()
    try:
        with TestClient(app_for(plugins=citizen_plugins(), engine=engine)) as client:
            assert client.get("/status").status_code == 200
            assert client.get("/status/1234567890").status_code == 404
    finally:
        broker.reset()


def _login(client: TestClient[Litestar], username: str) -> None:
    token = _token(client, "/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.mark.parametrize("typed", ["09121234567", "+98 912 123 4567", "۰۹۱۲-۱۲۳-۴۵۶۷"])
def test_the_phone_form_finds_the_callers_earlier_reports_in_any_format(
    client: TestClient[Litestar],
    citizen: CitizenWorld,
    application: Application,
    session: Session,
    typed: str,
) -> None:
    earlier = code_of(file_report(client, citizen).text)
    route(application, earlier)
    _login(client, "municipality.caseworker")
    form = client.get("/cases/new/phone")
    assert form.status_code == 200 and 'id="caller"' in form.text and "autofocus" in form.text
    fields = {
        "caller": typed,
        "category": CATEGORY,
        "neighbourhood": str(citizen.neighbourhood_id),
        "place": "",
        "description": "دوباره تماس گرفت: چراغ هنوز خاموش است",
        "_csrf_token": CSRF.search(form.text).group(1),  # type: ignore[union-attr]
    }
    shown = client.post("/cases/new/phone", data=fields)
    assert shown.status_code == 200 and 'id="earlier-reports"' in shown.text
    case_id = session.exec(select(Case.id).where(Case.tracking_code == earlier)).one()
    session.rollback()
    assert f'value="note:{case_id}"' in shown.text
    noted = client.post(
        "/cases/new/phone", data={**fields, "decision": f"note:{case_id}"}, follow_redirects=False
    )
    assert noted.status_code == 303 and noted.headers["location"] == f"/cases/{case_id}"
    assert len(session.exec(select(Case)).all()) == 1
    session.rollback()
    opened = client.post(
        "/cases/new/phone", data={**fields, "decision": "new"}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert session.exec(select(Case.reporter_phone).where(Case.channel == "phone")).one() == PHONE


def test_the_phone_form_is_not_offered_to_an_auditor(
    client: TestClient[Litestar], citizen: CitizenWorld
) -> None:
    _login(client, "auditor")
    assert client.get("/cases/new/phone").status_code == 403


def test_a_photo_sent_with_the_report_is_kept_without_its_location_and_shown_once_public(
    client: TestClient[Litestar], citizen: CitizenWorld, application: Application, session: Session
) -> None:
    sent = file_report(client, citizen, photo=("IMG_2041.jpg", jpeg_with_gps()))
    assert sent.status_code == 201, sent.text
    code = code_of(sent.text)
    case = session.exec(select(Case).where(Case.tracking_code == code)).one()
    (photo,) = session.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert photo.public is False and photo.id is not None
    photo_id = photo.id
    session.rollback()  # end the test's read, so the commands below may write
    assert f"/status/{code}/attachments/" not in client.get(f"/status/{code}").text
    assert client.get(f"/status/{code}/attachments/{photo_id}").status_code == 404

    route(application, code)
    attachments.set_public(application.unit_of_work(), CASEWORKER, photo_id, public=True)
    page = client.get(f"/status/{code}")
    assert f'href="/status/{code}/attachments/{photo_id}"' in page.text
    served = client.get(f"/status/{code}/attachments/{photo_id}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/")
    assert not has_location_or_device(served.content)


def test_a_report_with_a_file_that_is_no_photo_opens_nothing_and_says_why(
    client: TestClient[Litestar], citizen: CitizenWorld, session: Session
) -> None:
    before = len(session.exec(select(Case)).all())
    session.rollback()  # end the test's read
    sent = file_report(
        client, citizen, photo=("photo.jpg", TEXT), description="چاله بزرگ جلوی مدرسه"
    )
    assert sent.status_code == 422
    assert 'id="error-file"' in sent.text and "فقط عکس" in sent.text
    assert "چاله بزرگ جلوی مدرسه" in sent.text  # what they typed is kept
    assert len(session.exec(select(Case)).all()) == before
