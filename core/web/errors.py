"""Every error as JSON a person can act on: `{"status_code", "detail"}` (and `errors` per field).

The engine's exceptions carry their HTTP status (`hamyar.core.exceptions`); Litestar's own
(validation, 404 route, 405, 413 body too large, CSRF) get the same shape. Anything unexpected
is logged with its traceback and answered with a 500 that says so, never a page of internals.
Browser page requests get the UI's error page (`hamyar.core.web.ui.error_page`).
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
from hamyar.core.text.input_limits import (
    CONTROL_CHARACTER_MESSAGE,
    ID_DIGITS_MESSAGE,
    ID_PATTERN,
    MAX_INT,
    MIN_INT,
    OUT_OF_RANGE_MESSAGE,
)
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
    body: dict[str, Any] = {"status_code": status_code, "detail": str(detail)}
    if errors:  # plain strings: msgspec does not encode a `Phrase` (a str subclass)
        body["errors"] = [{k: str(v) for k, v in e.items()} for e in errors]
    return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)


_LIMIT_MESSAGES = {
    f"<= {MAX_INT}": OUT_OF_RANGE_MESSAGE,
    f">= {MIN_INT}": OUT_OF_RANGE_MESSAGE,
    "matching regex '^[^": CONTROL_CHARACTER_MESSAGE,
    f"matching regex {ID_PATTERN!r}": ID_DIGITS_MESSAGE,
}
"""msgspec's words for a broken limit type (`hamyar.core.web.limits`) → the catalogue's."""


def _catalogued(message: str) -> str:
    for said, meant in _LIMIT_MESSAGES.items():
        if said in message:
            return meant
    return message


def _validation_errors(extra: Any) -> list[dict[str, str]]:
    """Litestar's `extra` as `{field, message}`; the body is Litestar's `data` kwarg, so a
    field named in msgspec's message (`Object missing required field `title``) is preferred."""
    errors = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            message = _catalogued(str(item.get("message", "invalid")))
            field = str(item.get("key") or item.get("source") or "body")
            if field == "data":
                named = _FIELD_IN_MESSAGE.search(message)
                field = named.group(1) if named else "body"
            errors.append({"field": field, "message": message})
    return errors


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = _validation_errors(exc.extra)
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    else:  # msgspec could not even decode it
        detail = f"the request body is not valid JSON ({exc.detail})"
    return error_response(request, 400, detail, errors)


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = exc.detail
    if isinstance(exc.__cause__, SerializationException):
        detail = f"the request body is not valid JSON ({detail})"
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


def _worded(request: Request[Any, Any, Any], text: str) -> str:
    """A message composed in every language (a form's validation error) in the API's locale;
    a browser page picks its own wording from the same `Phrase`."""
    return text.in_locale(api_locale(request)) if isinstance(text, Phrase) else text


def handle_hamyar(request: Request[Any, Any, Any], exc: HamyarError) -> Response[Any]:
    errors = exc.errors if isinstance(exc, InvalidInput) else None
    if exc.status_code >= 500:
        log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    if errors and not _wants_html(request):
        errors = [{**e, "message": _worded(request, e.get("message", ""))} for e in errors]
        detail = _worded(request, detail)
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
