"""Every error as JSON a person can act on: `{"status_code", "detail"}` (and `errors` per field).

The engine's exceptions carry their HTTP status (`hamyar.core.exceptions`); Litestar's own
(validation, 404 route, 405, 413 body too large, CSRF) get the same shape. Anything unexpected
is logged with its traceback and answered with a 500 that says so, never a page of internals.
Browser page requests get the UI's error page (`hamyar.core.web.ui.error_page`).

The API answers in English, as agency systems have always read it, and in Persian when the
request's `Accept-Language` prefers it (`api_locale`): every detail and field message then goes
through `hamyar.core.web.error_text`, so not one English sentence reaches a Persian reader.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from sqlalchemy.exc import OperationalError

from hamyar.core.exceptions import HamyarError, InvalidInput, TooManyAttempts
from hamyar.core.i18n import Phrase, normalize_locale
from hamyar.core.web import request_errors
from hamyar.core.web.error_text import error_text
from hamyar.core.workflow import WorkflowError

log = logging.getLogger(__name__)
_FIELD_IN_MESSAGE = re.compile(r"field `([^`]+)`")


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(
    request: Request[Any, Any, Any],
    status_code: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if _wants_html(request):
        from hamyar.core.web.ui import error_page

        page = error_page(request, status_code, detail, errors or [])
        if page is not None:
            for name, value in (headers or {}).items():
                page.headers[name] = value
            return page
    locale = api_locale(request)
    body: dict[str, Any] = {
        "status_code": status_code,
        "detail": _worded(locale, status_code, detail),
    }
    if errors:  # plain strings: msgspec does not encode a `Phrase` (a str subclass)
        body["errors"] = [
            {k: _worded(locale, status_code, v) if k == "message" else str(v) for k, v in e.items()}
            for e in errors
        ]
    return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)


def _worded(locale: str, status_code: int, text: str) -> str:
    """An answer's sentence in the API's locale: a `Phrase` in its own words, the engine's
    English as it is for an English reader and worded (`error_text`) for a Persian one."""
    if isinstance(text, Phrase) or locale != "en":
        return str(error_text(locale, status_code, text))
    return str(text)


def _validation_errors(extra: Any) -> list[tuple[str, Phrase]]:
    """Litestar's `extra` as (field, message in both languages); the body is Litestar's `data`
    kwarg, so a field named in msgspec's message (`Object missing required field `title``) is
    preferred."""
    found = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            said = str(item.get("message", "invalid"))
            field = str(item.get("key") or item.get("source") or "body")
            if field == "data":
                named = _FIELD_IN_MESSAGE.search(said)
                field = named.group(1) if named else "body"
            found.append((field, request_errors.field_message(said, field)))
    return found


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    found = _validation_errors(exc.extra)
    missing = None if found else request_errors.missing_parameter(str(exc.detail))
    if missing is not None:
        found = [missing]
    if not found:  # msgspec could not even decode it
        return error_response(request, 400, request_errors.body_not_json(str(exc.detail)))
    errors: list[dict[str, str]] = [{"field": f, "message": m} for f, m in found]
    return error_response(request, 400, request_errors.joined([m for _, m in found]), errors)


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = exc.detail
    if isinstance(exc.__cause__, SerializationException):
        detail = request_errors.body_not_json(detail)
    elif exc.status_code == 413:
        detail = "the request body is too large"
    elif exc.status_code == 404 and detail in ("Not Found", ""):
        detail = f"no such page or route: {request.url.path}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    elif "CSRF" in detail:
        detail = (
            "the form's security token is missing or stale (CSRF); reload the page and submit again"
        )
    headers = dict(exc.headers or {})
    if exc.status_code == 429:
        # Litestar's rate limiter says when its window resets; browsers and clients read this.
        headers.setdefault("Retry-After", headers.get("RateLimit-Reset", "60"))
        detail = "Too many requests from your address; wait a little and try again."
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [e for e in extra if isinstance(e, dict) and {"field", "message"} <= e.keys()]
    return error_response(request, exc.status_code, detail, errors or None, headers=headers or None)


def api_locale(request: Request[Any, Any, Any]) -> str:
    """The language of an API answer's messages: the first of fa/en in Accept-Language (by its
    q-values), else English, which the API has always answered in."""
    wanted = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        language, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if normalize_locale(language, "") and weight > 0:
            wanted.append((-weight, position, normalize_locale(language)))
    return min(wanted)[2] if wanted else "en"


def handle_hamyar(request: Request[Any, Any, Any], exc: HamyarError) -> Response[Any]:
    errors = exc.errors if isinstance(exc, InvalidInput) else None
    if exc.status_code >= 500:
        log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return error_response(request, exc.status_code, detail, errors, headers=headers)


def handle_workflow(request: Request[Any, Any, Any], exc: WorkflowError) -> Response[Any]:
    log.error("workflow error on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, 503, f"{exc}; the plugin that provides it may be disabled")


def handle_database(request: Request[Any, Any, Any], exc: OperationalError) -> Response[Any]:
    log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        request,
        503,
        "the database is busy or unreachable; try again shortly",
        headers={"Retry-After": "5"},
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "an internal error occurred; it has been logged")


def status_of(exc: BaseException) -> int:
    """The status the handlers below answer `exc` with (for metrics of requests whose
    exception escaped a middleware, before any response was started)."""
    if isinstance(exc, HTTPException | HamyarError):
        return int(exc.status_code)
    if isinstance(exc, WorkflowError | OperationalError):
        return 503
    return 500


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: handle_validation,
    HTTPException: handle_http,
    HamyarError: handle_hamyar,
    WorkflowError: handle_workflow,
    OperationalError: handle_database,
    Exception: handle_unexpected,
}
