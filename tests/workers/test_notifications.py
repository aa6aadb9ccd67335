"""Messages to reporters through the outbox, against a real SMTP server (aiosmtpd) and a local
HTTP server speaking Kavenegar's API: one message per event and channel, none lost while the
servers are down, none doubled when a worker dies mid-send, an incident (and a transition that
still landed) when the gateway refuses for good, and none after an opt-out."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import casework, notifications
from hamyar.core.auth.actor import Actor
from hamyar.core.engine.notification_text import MAX_SMS_PARTS, sms_parts
from hamyar.core.exceptions import NotFound
from hamyar.core.storage.models import Case, Incident, Notification
from hamyar.workers import runtime
from hamyar.workers.notify import send_notification
from hamyar.workers.worker import work_until_idle
from tests.notifications.servers import Kavenegar, Mailbox
from tests.workers.world import clear_caches, open_test_case, snapshot, wait_for

PHONE = "09121234567"
EMAIL = "citizen@example.ir"
PUBLIC_URL = "https://hamyar.tehran.ir"
REPORTER = {"name": "سارا", "phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "email": "Citizen@Example.ir"}
COORDINATOR = Actor(username="coordinator", global_roles=frozenset({"Coordinator"}))


@pytest.fixture
def servers(
    hamyar: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Mailbox, Kavenegar, dict[str, str]]]:
    mailbox, gateway = Mailbox(), Kavenegar()
    mailbox.start()
    gateway.start()
    env = {
        "HAMYAR_SMTP_URL": mailbox.url,
        "HAMYAR_MAIL_FROM": "همیار <no-reply@hamyar.tehran.ir>",
        "HAMYAR_SMS_URL": gateway.url,
        "HAMYAR_PUBLIC_URL": PUBLIC_URL,
        "HAMYAR_SMS_TIMEOUT": "5",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    clear_caches()
    yield mailbox, gateway, env
    mailbox.stop()
    gateway.stop()
    clear_caches()


def _rows(engine: Engine, case_id: int) -> list[Notification]:
    with Session(engine) as session:
        return list(session.exec(select(Notification).where(Notification.case_id == case_id)).all())


def _code(engine: Engine, case_id: int) -> str:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.tracking_code


def test_one_email_and_one_sms_per_event(servers: Any, engine: Engine) -> None:
    mailbox, gateway, _env = servers
    case_id = open_test_case(engine, reporter=REPORTER)
    work_until_idle()  # routed to the test agency, its task handled, the case resolved
    assert snapshot(engine, case_id)["state"] == "resolved"
    with runtime.application().unit_of_work() as uow:
        casework.add_note(uow, COORDINATOR, case_id, text="لامپ تعویض شد.", visibility="public")
        casework.add_note(uow, COORDINATOR, case_id, text="یادداشت داخلی", visibility="shared")
    work_until_idle()

    code = _code(engine, case_id)
    texts = [m["message"] for m in gateway.to(PHONE)]
    assert len(texts) == 4, texts  # received, assigned, resolved, the public note
    assert (
        texts[0]
        == f"همیار: گزارش شما با کد رهگیری {code} ثبت شد. پیگیری: {PUBLIC_URL}/status/{code}"
    )
    assert "سپرده شد" in texts[1] and "رسیدگی شد" in texts[2] and "پیام تازه" in texts[3]
    assert all(sms_parts(t) <= MAX_SMS_PARTS for t in texts)
    assert len({m["localid"] for m in gateway.to(PHONE)}) == 4

    mails = mailbox.to(EMAIL)
    assert len(mails) == 4
    assert len({m["Message-ID"] for m in mails}) == 4
    bodies = [m.get_payload(decode=True).decode() for m in mails]  # type: ignore[union-attr]
    assert code in str(mails[0]["Subject"]) and f"{PUBLIC_URL}/status/{code}" in bodies[0]
    assert "لامپ تعویض شد." in bodies[3] and "یادداشت داخلی" not in "".join(bodies)
    assert all("/notifications/opt-out/" in b for b in bodies)
    assert {r.status for r in _rows(engine, case_id)} == {"sent"}


def test_none_lost_while_the_smtp_server_and_the_gateway_are_down(
    servers: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, gateway, _env = servers
    # Retries after 1, 1, 2 and 4 s: the servers come back at 1.5 s, but on a loaded machine
    # starting the SMTP server again can take longer than the first retries leave it.
    monkeypatch.setenv("HAMYAR_RETRY_INTERVALS", "1,1,2,4")
    clear_caches()
    mailbox.stop()
    gateway.down = True

    def back() -> None:
        mailbox.start()
        gateway.down = False

    timer = threading.Timer(1.5, back)
    case_id = open_test_case(engine, reporter=REPORTER)
    timer.start()
    try:
        work_until_idle(timeout=60)
    finally:
        timer.join()
    assert len(gateway.to(PHONE)) == 3 and gateway.requests > 3
    assert len(mailbox.to(EMAIL)) == 3
    rows = _rows(engine, case_id)
    assert {r.status for r in rows} == {"sent"}
    assert max(r.attempts for r in rows) >= 2


def test_a_gateway_failing_for_good_raises_an_incident_not_a_failed_transition(
    servers: Any, engine: Engine
) -> None:
    mailbox, gateway, _env = servers
    gateway.refuse = True
    case_id = open_test_case(engine, reporter=REPORTER)
    work_until_idle(timeout=60)
    assert snapshot(engine, case_id)["state"] == "resolved"  # the case moved on regardless
    assert len(mailbox.to(EMAIL)) == 3 and gateway.sent == []
    with Session(engine) as session:
        incidents = session.exec(select(Incident).where(Incident.case_id == case_id)).all()
    assert len(incidents) == 3
    assert {i.kind for i in incidents} == {"send_notification"}
    assert all("418" in i.error for i in incidents)


def test_an_opt_out_stops_later_messages(servers: Any, engine: Engine) -> None:
    mailbox, gateway, _env = servers
    first = open_test_case(engine, reporter=REPORTER, title="نخست")
    # Only the "received" messages go first (called as the relay would, before routing).
    received = [r for r in _rows(engine, first) if r.event == "received"]
    for row in received:
        send_notification(row.key)
    (mail,) = mailbox.to(EMAIL)
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    token = re.search(r"/notifications/opt-out/(\S+)", body).group(1)  # type: ignore[union-attr]
    with runtime.application().unit_of_work() as uow:
        assert notifications.opt_out(uow, token) == EMAIL
    work_until_idle()
    second = open_test_case(engine, reporter=REPORTER, title="دوم")
    work_until_idle()
    assert len(mailbox.to(EMAIL)) == 1  # nothing after the opt-out, for either case
    assert len(gateway.to(PHONE)) == 6  # the phone did not opt out
    assert {r.status for r in _rows(engine, first) if r.channel == "email"} <= {"sent", "skipped"}
    assert not [r for r in _rows(engine, second) if r.channel == "email"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(NotFound):
        notifications.opt_out(runtime.application().unit_of_work(), forged)


@pytest.mark.slow
def test_a_worker_killed_mid_send_sends_no_message_twice(
    servers: Any, engine: Engine, start_worker: Any
) -> None:
    mailbox, gateway, env = servers
    gateway.stall = 30  # the gateway takes the message, then the worker waits for its answer
    mailbox.stall_rcpt = 30
    case_id = open_test_case(engine, reporter=REPORTER)
    doomed = start_worker(env=env)
    wait_for(lambda: len(gateway.sent) >= 1, 30, "the first SMS", logs=doomed.output)
    doomed.kill()
    gateway.stall = 0
    mailbox.stall_rcpt = 0
    rescuer = start_worker(env=env)
    wait_for(
        lambda: (
            {r.status for r in _rows(engine, case_id)} == {"sent"}
            and len(_rows(engine, case_id)) == 6
        ),
        60,
        "every message sent",
        logs=lambda: (
            f"{rescuer.output()}\n{[(r.key, r.status, r.attempts) for r in _rows(engine, case_id)]}"
        ),
    )
    assert len(gateway.to(PHONE)) == 3  # the retried one was deduplicated by its localid
    assert gateway.requests > 3
    assert len(mailbox.to(EMAIL)) == 3
    assert max(r.attempts for r in _rows(engine, case_id)) >= 2
