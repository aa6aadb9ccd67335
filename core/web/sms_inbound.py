"""The SMS gateway's inbound webhook: `POST /sms/inbound` (and GET, for gateways that call GET).

Authenticated by a shared secret (`HAMYAR_SMS_INBOUND_SECRET`), given as `?secret=` or the
`X-Hamyar-Secret` header, compared in constant time; no secret configured means every call is
refused. No cookie authenticates it, so it is exempt from CSRF (like Open311). The fields are
Kavenegar's receive-forward ones — `from`, `to`, `message`, `messageid` — as query parameters,
a form, or JSON. The work is `hamyar.core.application.sms_intake.receive_sms`.
"""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qs

import anyio
from litestar import Request, get, post

from hamyar.core.application import sms_intake
from hamyar.core.exceptions import GuardRefused, InvalidInput
from hamyar.core.web.dependencies import UowDep, application_of

SECRET_HEADER = "x-hamyar-secret"


def _fields(request: Request[Any, Any, Any], body: bytes) -> dict[str, str]:
    fields = {k: str(v) for k, v in request.query_params.items()}
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise InvalidInput(
                "the body is not JSON", [{"field": "body", "message": "JSON"}]
            ) from None
        if not isinstance(data, dict):
            raise InvalidInput("the body is not a JSON object", [])
        fields.update({k: str(v) for k, v in data.items() if v is not None})
    elif body:
        text = body.decode("utf-8", errors="replace")
        fields.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return fields


def _check_secret(request: Request[Any, Any, Any], fields: dict[str, str]) -> None:
    expected = application_of(request).settings.sms_inbound_secret
    given = request.headers.get(SECRET_HEADER) or fields.get("secret", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise GuardRefused("wrong or missing SMS inbound secret")


async def _receive(request: Request[Any, Any, Any], uow: Any) -> dict[str, Any]:
    body = await request.body() if request.method == "POST" else b""
    fields = _fields(request, body)
    _check_secret(request, fields)

    def run() -> sms_intake.InboundResult:
        return sms_intake.receive_sms(
            uow,
            sender=fields.get("from", ""),
            text=fields.get("message", ""),
            message_id=fields.get("messageid", ""),
            receiver=fields.get("to", ""),
        )

    result = await anyio.to_thread.run_sync(run)
    return {
        "outcome": result.outcome,
        "tracking_code": result.tracking_code,
        "repeated": result.repeated,
    }


@post(
    "/sms/inbound",
    name="sms:inbound",
    status_code=200,
    opt={"exclude_from_csrf": True},
    include_in_schema=False,
)
async def sms_inbound_post(request: Request[Any, Any, Any], uow: UowDep) -> dict[str, Any]:
    return await _receive(request, uow)


@get("/sms/inbound", name="sms:inbound-get", include_in_schema=False)
async def sms_inbound_get(request: Request[Any, Any, Any], uow: UowDep) -> dict[str, Any]:
    return await _receive(request, uow)
