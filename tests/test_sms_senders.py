"""SMS senders (the `register_sms_senders` hook, the shipped webhook sender) and the length of
every message: at most two SMS parts, with the longest real service and agency titles."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from hamyar import SmsMessage, SmsSender, SmsSendError, hookimpl
from hamyar.core.engine import notification_text as words
from hamyar.core.engine.notifications import clean_email
from hamyar.core.plugin.manager import build_plugins
from hamyar.core.plugin.sms import sender_for
from tests.notifications.servers import Kavenegar, free_port

LONG_AGENCIES = [
    "سازمان آتش‌نشانی و خدمات ایمنی شهرداری تهران",
    "اداره کل بهزیستی استان خراسان رضوی — مرکز مداخله در بحران‌های فردی، خانوادگی و اجتماعی",
    "شهرداری منطقه ۲۲ تهران",
]
LONG_SERVICES = ["برنامه فرهنگی و ورزشی محلات کم‌برخوردار", "گزارش شهروندی سامانه ۱۳۷"]
LINK = words.status_link("https://hamyar.tehran.ir", "1234567897")


@pytest.mark.parametrize("locale", ["fa", "en"])
@pytest.mark.parametrize("event", list(words.SMS_TEXT))
@pytest.mark.parametrize("agency", LONG_AGENCIES)
def test_every_sms_fits_two_parts(locale: str, event: str, agency: str) -> None:
    text = words.sms_text(event, locale, code="1234567897", link=LINK, agency=agency)
    assert words.sms_parts(text) <= words.MAX_SMS_PARTS, (len(text), text)
    assert "1234567897" in text
    if event != "rated":
        assert LINK in text  # the link is never cut
    if locale == "fa":
        assert "Hamyar" not in text and "report" not in text


def test_sms_parts_counts_as_phones_do() -> None:
    assert words.sms_parts("a" * 160) == 1 and words.sms_parts("a" * 161) == 2
    assert words.sms_parts("س" * 70) == 1 and words.sms_parts("س" * 71) == 2
    assert words.sms_parts("س" * 134) == 2 and words.sms_parts("س" * 135) == 3


@pytest.mark.parametrize("service", LONG_SERVICES)
def test_emails_name_the_service_and_carry_both_links(service: str) -> None:
    worded = words.email_text(
        "assigned",
        "fa",
        code="1234567897",
        link=LINK,
        service=service,
        agency=LONG_AGENCIES[1],
        opt_out_link="https://hamyar.tehran.ir/notifications/opt-out/7.abc",
    )
    assert service in worded.body and LONG_AGENCIES[1] in worded.subject
    assert LINK in worded.body and "/notifications/opt-out/7.abc" in worded.body


def test_only_plain_email_addresses_are_written_to() -> None:
    assert clean_email(" Reza@Example.IR ") == "reza@example.ir"
    for bad in ["x", "a@b", "a@b.ir\r\nBcc: c@d.ir", "Reza <r@x.ir>", "a@b.ir, c@d.ir", 5]:
        assert clean_email(bad) is None


class Recorder:
    def __init__(self, url: str, *, timeout: float) -> None:
        self.url, self.timeout = url, timeout

    def send(self, message: SmsMessage) -> str:
        return f"sent-{message.ref}"


def test_hook_register_sms_senders() -> None:
    class MyGateway:
        name = "mygateway"

        @hookimpl
        def register_sms_senders(self, register: Any) -> None:
            register("mygateway", Recorder)
            register("kavenegar", Recorder)  # the core's: refused

    plugins = build_plugins(extra=[MyGateway()], installed=False)
    factories = plugins.registry.sms_senders
    assert {"kavenegar", "https", "http", "mygateway"} <= set(factories)
    sender = sender_for(factories, "mygateway://token@sms.example.ir", timeout=3)
    assert isinstance(sender, Recorder) and sender.timeout == 3
    assert sender.send(SmsMessage(to="09121234567", text="سلام", ref="5")) == "sent-5"
    assert any("kavenegar" in f.error for f in plugins.registry.failures)
    with pytest.raises(LookupError, match="no SMS sender handles"):
        sender_for(factories, "nosuch://x", timeout=1)
    protocol: SmsSender = sender  # a Recorder is an SmsSender
    assert protocol is sender


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            received.append({**body, "headers": dict(self.headers)})
            status = 503 if body["text"] == "fail" else 200
            data = json.dumps({"id": "gw-1"}).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"webhook+http://secret-token@127.0.0.1:{port}/sms", received
    server.shutdown()
    server.server_close()


def test_the_webhook_sender_posts_json(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    factories = build_plugins(installed=False).registry.sms_senders
    sender = sender_for(factories, url, timeout=5)
    assert sender.send(SmsMessage(to="09121234567", text="سلام", ref="42")) == "gw-1"
    (call,) = received
    assert (call["to"], call["text"], call["ref"]) == ("09121234567", "سلام", "42")
    assert call["headers"]["Idempotency-Key"] == "42"
    assert call["headers"]["Authorization"] == "Bearer secret-token"
    with pytest.raises(SmsSendError) as failed:
        sender.send(SmsMessage(to="09121234567", text="fail", ref="43"))
    assert not failed.value.permanent  # a 503: a later try may get through


def test_kavenegar_sender_speaks_its_api() -> None:
    gateway = Kavenegar()
    gateway.start()
    try:
        factories = build_plugins(installed=False).registry.sms_senders
        sender = sender_for(factories, gateway.url, timeout=5)
        message = SmsMessage(to="09121234567", text="همیار: آزمایش", ref="77")
        first, again = sender.send(message), sender.send(message)
        assert first == again == "8792343"  # the same localid: sent once
        assert gateway.sent == [
            {
                "receptor": "09121234567",
                "message": "همیار: آزمایش",
                "localid": "77",
                "sender": "10004346",
            }
        ]
        gateway.refuse = True
        with pytest.raises(SmsSendError, match="418") as refused:
            sender.send(SmsMessage(to="09121234567", text="x", ref="78"))
        assert refused.value.permanent
        wrong = sender_for(factories, gateway.url.replace("TEST-KEY", "WRONG"), timeout=5)
        with pytest.raises(SmsSendError, match="403"):
            wrong.send(message)
    finally:
        gateway.stop()
