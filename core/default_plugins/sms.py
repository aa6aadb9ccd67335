"""The SMS senders the core ships: Kavenegar's REST API, and a generic webhook.

Ordinary plugins of the `register_sms_senders` hook, chosen by the scheme of `HAMYAR_SMS_URL`:

- `kavenegar://API-KEY@api.kavenegar.com?sender=10004346` posts to Kavenegar's
  `/v1/{API-KEY}/sms/send.json` with `receptor`, `sender`, `message` and `localid` (Hamyar's id
  of the message: Kavenegar sends a message once per localid, so a retry after a worker died
  mid-send does not reach the phone twice). `tls=false` speaks plain HTTP (a local stand-in).
- `https://…` (or `webhook+https://…`, `http://…`) posts `{"to", "text", "ref"}` as JSON with
  an `Idempotency-Key: ref` header; a user part (`https://TOKEN@host/path`) is sent as a bearer
  token. Any 2xx is success.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import httpx

from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.sms import SmsMessage, SmsSendError

KAVENEGAR_HOST = "api.kavenegar.com"
KAVENEGAR_RETRY_LATER = {409, 500, 501, 502, 503, 504}
"""Kavenegar's return statuses that a later try may get past (409: "the server cannot answer
now, try again later"); the rest (a bad key, a refused number, no credit) need a person."""


class KavenegarSender:
    """Kavenegar's `sms/send` method, one receptor a call."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.api_key = unquote(parts.username or "")
        if not self.api_key:
            raise ValueError("HAMYAR_SMS_URL for Kavenegar needs the API key: kavenegar://KEY@host")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.sender = query.get("sender", "")
        scheme = "http" if query.get("tls", "true").lower() in ("0", "false", "no") else "https"
        host = parts.hostname or KAVENEGAR_HOST
        netloc = f"{host}:{parts.port}" if parts.port else host
        self.endpoint = urlunsplit((scheme, netloc, f"/v1/{self.api_key}/sms/send.json", "", ""))
        self.timeout = timeout

    def send(self, message: SmsMessage) -> str:
        form = {"receptor": message.to, "message": message.text, "localid": message.ref}
        if self.sender:
            form["sender"] = self.sender
        try:
            response = httpx.post(self.endpoint, data=form, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SmsSendError(f"Kavenegar did not answer: {type(exc).__name__}: {exc}") from exc
        body = _json(response)
        status = (body.get("return") or {}).get("status", response.status_code)
        if status == 200 and response.is_success:
            entries = body.get("entries") or [{}]
            return str(entries[0].get("messageid", ""))
        text = (body.get("return") or {}).get("message") or response.text[:200]
        raise SmsSendError(
            f"Kavenegar refused the message: status {status}: {text}",
            permanent=status not in KAVENEGAR_RETRY_LATER and response.status_code < 500,
        )


class WebhookSender:
    """POSTs each message as JSON to an agency's own gateway."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url.removeprefix("webhook+"))
        self.token = unquote(parts.username or "")
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        self.endpoint = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        self.timeout = timeout

    def send(self, message: SmsMessage) -> str:
        headers = {"Idempotency-Key": message.ref}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = {"to": message.to, "text": message.text, "ref": message.ref}
        try:
            response = httpx.post(
                self.endpoint, json=payload, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise SmsSendError(f"the SMS webhook did not answer: {type(exc).__name__}") from exc
        if not response.is_success:
            raise SmsSendError(
                f"the SMS webhook answered {response.status_code}: {response.text[:200]}",
                permanent=400 <= response.status_code < 500 and response.status_code != 429,
            )
        body = _json(response)
        return str(body.get("id") or body.get("messageid") or message.ref)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@hookimpl
def register_sms_senders(register: Any) -> None:
    register("kavenegar", KavenegarSender)
    register("https", WebhookSender)
    register("http", WebhookSender)
