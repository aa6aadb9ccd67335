"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and an HTTP
server speaking Kavenegar's `sms/send.json` (its JSON return format, and its localid dedupe:
a message sent again under a localid it has seen is not sent again)."""

from __future__ import annotations

import json
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP server whose received messages the test reads; stop and start it at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Message] = []
        self.stall_rcpt = 0.0
        """Seconds to wait before accepting a recipient (a slow server, to kill a worker in)."""
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.stall_rcpt:
            import asyncio

            await asyncio.sleep(self.stall_rcpt)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


class Kavenegar:
    """Kavenegar's REST `sms/send` on loopback; `down` answers 502 as an overloaded gateway;
    `refuse` answers status 418 (no credit) for good; `stall` holds a request before replying
    (after the message was taken, as a real gateway would have)."""

    API_KEY = "TEST-KEY"

    def __init__(self) -> None:
        self.port = free_port()
        self.sent: list[dict[str, str]] = []
        """Messages that reached a phone."""
        self.requests = 0
        self.down = False
        self.refuse = False
        self.stall = 0.0
        self._by_localid: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = gateway.answer(self.path, form)
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"kavenegar://{self.API_KEY}@127.0.0.1:{self.port}?sender=10004346&tls=false"

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.requests += 1
        if path != f"/v1/{self.API_KEY}/sms/send.json":
            return 403, {"return": {"status": 403, "message": "کد شناسائی API-Key معتبر نمی‌باشد"}}
        if self.down:
            return 502, {"return": {"status": 502, "message": "Bad gateway"}}
        if self.refuse:
            return 418, {"return": {"status": 418, "message": "اعتبار حساب شما کافی نیست"}}
        with self._lock:
            entry = self._by_localid.get(form.get("localid", ""))
            if entry is None:
                entry = {
                    "messageid": 8792343 + len(self.sent),
                    "message": form["message"],
                    "status": 1,
                    "statustext": "در صف ارسال",
                    "sender": form.get("sender", ""),
                    "receptor": form["receptor"],
                    "date": int(time.time()),
                    "cost": 120,
                }
                self.sent.append(form)
                if form.get("localid"):
                    self._by_localid[form["localid"]] = entry
        if self.stall:
            time.sleep(self.stall)
        return 200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [entry]}

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, phone: str) -> list[dict[str, str]]:
        return [m for m in self.sent if m["receptor"] == phone]
