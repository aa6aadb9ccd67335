"""SMS intake and the opt-out link, through the web app: the gateway's inbound webhook opens a
137 case in triage and replies with its code through the SMS sender; a retried webhook opens
no second case; a bad secret is refused; a digit 1–5 rates a resolved case; the opt-out page
confirms before it acts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import notifications
from hamyar.core.storage.models import (
    Case,
    HistoryEntry,
    InboundSms,
    Notification,
    NotificationOptOut,
    OutboxMessage,
    SatisfactionRating,
)
from hamyar.core.storage.settings import get_settings
from hamyar.core.web.csrf import CSRF_COOKIE, CSRF_HEADER
from hamyar.workers.notify import deliver
from tests.notifications.servers import Kavenegar, Mailbox
from tests.web.apps import app_for
from tests.web.conftest import World

SECRET = "gateway-shared-secret"
PHONE = "09351234567"


@pytest.fixture
def gateway() -> Iterator[Kavenegar]:
    server = Kavenegar()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    server = Mailbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sms_app(
    world: World,
    engine: Engine,
    gateway: Kavenegar,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Litestar]:
    for name, value in {
        "HAMYAR_SMS_INBOUND_SECRET": SECRET,
        "HAMYAR_SMS_URL": gateway.url,
        "HAMYAR_SMTP_URL": mailbox.url,
        "HAMYAR_SMS_INTAKE_SERVICE": "library.visit",
        "HAMYAR_PUBLIC_URL": "https://hamyar.tehran.ir",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield app_for(plugins=world.plugins, engine=engine)
    get_settings.cache_clear()


@pytest.fixture
def sms_client(sms_app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(sms_app) as client:
        yield client


def _inbound(client: TestClient[Litestar], message: str, messageid: str, **extra: Any) -> Any:
    form = {"from": "+98" + PHONE[1:], "to": "10004346", "message": message, "messageid": messageid}
    return client.post(f"/sms/inbound?secret={SECRET}", data={**form, **extra})


def _sms_cases(engine: Engine) -> list[Case]:
    with Session(engine) as session:
        return list(session.exec(select(Case).where(Case.channel == "sms")).all())


def _send_pending(sms_app: Litestar, engine: Engine) -> None:
    """What a worker does with the notification steps now waiting (the worker tests run real
    workers; here the reply's words and its trip to the gateway are what is checked)."""
    application = sms_app.state["app"]
    with Session(engine) as session:
        keys = [r.key for r in session.exec(select(Notification)).all() if r.status == "pending"]
    for key in keys:
        delivery = notifications.begin_attempt(application.unit_of_work(), key)
        assert delivery is not None
        ref = deliver(application, delivery)
        notifications.mark_sent(application.unit_of_work(), key, ref)


def test_an_sms_opens_a_case_in_triage_and_the_reply_carries_its_code(
    sms_client: TestClient[Litestar], sms_app: Litestar, engine: Engine, gateway: Kavenegar
) -> None:
    response = _inbound(sms_client, "چراغ کوچه شهید رجایی سه شب است خاموش است", "k-1001")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "case" and body["repeated"] is False
    (case,) = _sms_cases(engine)
    assert case.state == "triage" and case.channel == "sms" and case.reporter_phone == PHONE
    assert case.tracking_code == body["tracking_code"]
    with Session(engine) as session:
        steps = session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert any(s.kind == "send_notification" for s in steps)
    _send_pending(sms_app, engine)
    (reply,) = gateway.to(PHONE)
    assert case.tracking_code in reply["message"]
    assert "hamyar.tehran.ir/status/" + case.tracking_code in reply["message"]


def test_a_retried_webhook_opens_one_case(sms_client: TestClient[Litestar], engine: Engine) -> None:
    first = _inbound(sms_client, "آب‌گرفتگی زیرگذر", "k-2002").json()
    again = _inbound(sms_client, "آب‌گرفتگی زیرگذر", "k-2002").json()
    assert again == {**first, "repeated": True}
    assert len(_sms_cases(engine)) == 1
    # A gateway that forwards by GET, with the secret in the header.
    got = sms_client.get(
        "/sms/inbound",
        params={"from": PHONE, "message": "آب‌گرفتگی زیرگذر", "messageid": "k-2002"},
        headers={"X-Hamyar-Secret": SECRET},
    )
    assert got.status_code == 200 and got.json()["tracking_code"] == first["tracking_code"]
    assert len(_sms_cases(engine)) == 1


def test_a_bad_secret_is_refused(sms_client: TestClient[Litestar], engine: Engine) -> None:
    form = {"from": PHONE, "message": "سلام", "messageid": "k-3"}
    assert sms_client.post("/sms/inbound?secret=wrong", data=form).status_code == 403
    assert sms_client.post("/sms/inbound", data=form).status_code == 403
    assert sms_client.get("/sms/inbound", params=form).status_code == 403
    assert _sms_cases(engine) == []


def test_bad_input_is_a_4xx(sms_client: TestClient[Litestar]) -> None:
    assert _inbound(sms_client, "سلام", "").status_code == 422
    bad = sms_client.post(
        f"/sms/inbound?secret={SECRET}", data={"from": "hello", "message": "x", "messageid": "9"}
    )
    assert bad.status_code == 422


@pytest.mark.parametrize("digit", ["۴", "٤", "4"])
def test_a_digit_to_a_resolved_case_is_a_rating_not_a_case(
    sms_client: TestClient[Litestar],
    sms_app: Litestar,
    world: World,
    engine: Engine,
    gateway: Kavenegar,
    digit: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The mobile library offered to citizens, as the real plugin's library.mobile_visit is.
    services = world.plugins.registry.services
    monkeypatch.setitem(services, "library.visit", replace(services["library.visit"], public=True))
    case_id = world.add_case("resolved", "library.visit", reporter={"phone": PHONE})
    case = world.session.get(Case, case_id)
    assert case is not None
    case.state, case.channel = "resolved", "web"  # a citizen's report, which the public reads
    world.session.add(case)
    world.session.commit()
    body = _inbound(sms_client, digit, "k-rate").json()
    assert body == {"outcome": "rating", "tracking_code": case.tracking_code, "repeated": False}
    assert _sms_cases(engine) == []
    with Session(engine) as session:
        stored = session.get(SatisfactionRating, case_id)
        assert stored is not None and (stored.rating, stored.channel) == (4, "sms")
        rated = session.exec(
            select(HistoryEntry).where(
                HistoryEntry.case_id == case_id, HistoryEntry.action == "rate"
            )
        ).all()
        assert [h.params["rating"] for h in rated] == [4]
    _send_pending(sms_app, engine)
    (thanks,) = [m for m in gateway.to(PHONE) if "سپاسگزاریم" in m["message"]]
    assert case.tracking_code in thanks["message"]


def test_a_digit_with_nothing_to_rate_opens_nothing(
    sms_client: TestClient[Litestar], engine: Engine
) -> None:
    assert _inbound(sms_client, "۳", "k-digit").json()["outcome"] == "ignored"
    assert _sms_cases(engine) == []


def test_stop_by_sms_opts_the_phone_out(sms_client: TestClient[Litestar], engine: Engine) -> None:
    assert _inbound(sms_client, "لغو", "k-stop").json()["outcome"] == "opt_out"
    _inbound(sms_client, "چاله خیابان", "k-after")
    with Session(engine) as session:
        assert session.exec(select(NotificationOptOut.contact)).all() == [PHONE]
        assert session.exec(select(Notification)).all() == []  # no reply to an opted-out phone
        outcomes = {r.message_id: r.outcome for r in session.exec(select(InboundSms)).all()}
    assert outcomes == {"k-stop": "opt_out", "k-after": "case"}


def test_the_opt_out_link_confirms_then_stops_email(
    sms_client: TestClient[Litestar],
    sms_app: Litestar,
    world: World,
    engine: Engine,
    mailbox: Mailbox,
) -> None:
    world.add_case("mailed", "library.visit", reporter={"email": "reza@example.ir"})
    _send_pending(sms_app, engine)
    mail = mailbox.to("reza@example.ir")[0]  # received (and assigned: add_case routes it)
    link = re.search(r"https://hamyar\.tehran\.ir(/notifications/opt-out/\S+)", mail.get_content())
    assert link is not None
    path = link.group(1)
    page = sms_client.get(path)
    assert page.status_code == 200 and "reza@example.ir" in page.text and "<form" in page.text
    with Session(engine) as session:  # looking at the page changed nothing
        assert session.exec(select(NotificationOptOut)).all() == []
    assert sms_client.post(path, data={}).status_code == 403  # no CSRF token: refused
    done = sms_client.post(path, data={}, headers={CSRF_HEADER: sms_client.cookies[CSRF_COOKIE]})
    assert done.status_code == 200 and 'id="opt-out-done"' in done.text
    with Session(engine) as session:
        (row,) = session.exec(select(NotificationOptOut)).all()
    assert row.contact == "reza@example.ir" and row.opted_out_at is not None
    world.add_case("mailed again", "library.visit", reporter={"email": "reza@example.ir"})
    with Session(engine) as session:
        rows = session.exec(select(Notification)).all()
    assert {r.case_id for r in rows} == {world.cases["mailed"]}  # none for the second case
    assert sms_client.get(path[:-2] + "xx").status_code == 404


def test_a_digit_about_a_case_the_public_may_not_read_is_no_rating(
    sms_client: TestClient[Litestar], world: World, engine: Engine
) -> None:
    """A staff-opened case (channel demo) of a service citizens do not report: a digit from
    its reporter's phone is not taken as a rating of it."""
    case_id = world.add_case("staff", "library.visit", reporter={"phone": PHONE})
    case = world.session.get(Case, case_id)
    assert case is not None
    case.state = "resolved"
    world.session.add(case)
    world.session.commit()
    assert _inbound(sms_client, "5", "k-private").json()["outcome"] == "ignored"
    with Session(engine) as session:
        assert session.get(SatisfactionRating, case_id) is None
