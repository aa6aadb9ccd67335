"""The GeoReport v2 endpoints, mounted under `/open311/v2/` by the municipality plugin.

Every resource is addressed as `name.json` or `name.xml`, as the specification writes it, so
the format is split off the last path segment here rather than left to the router. Handlers
read raw query and form fields: a mistake must come back in the specification's error format
(`[{code, description}]` / `<errors>`), not in the web framework's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.exceptions import ClientException, SerializationException
from litestar.params import FromPath
from sqlmodel import Session

from hamyar import Application, InvalidInput, Registry, application_of, idempotency
from hamyar.plugins.municipality.open311 import catalogue, status
from hamyar.plugins.municipality.open311.characters import clean, has_forbidden
from hamyar.plugins.municipality.open311.errors import BadRequest, NotFound, Open311Error
from hamyar.plugins.municipality.open311.intake import Submission, find_token, submit
from hamyar.plugins.municipality.open311.render import FORMATS, document
from hamyar.plugins.municipality.open311.settings import get_open311_settings

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def split_format(name: str) -> tuple[str, str]:
    """`services.json` → ("services", "json"); codes may hold dots, the format never does."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS or not stem:
        raise NotFound(f"{name!r}: add .json or .xml to the resource name, e.g. services.xml")
    return stem, fmt


def _locale(request: Request[Any, Any, Any]) -> str:
    wanted = request.query_params.get("locale", "")[:2].lower()
    return wanted if wanted in ("fa", "en") else application_of(request).settings.locale


def _check_url(request: Request[Any, Any, Any]) -> None:
    """A control character in the path or a query field names nothing: a 400 in the
    specification's format (the core's edge check is off for these routes, see make_router)."""
    if has_forbidden(request.url.path):
        raise BadRequest("the address holds a control character (such as NUL); remove it")
    for key, value in request.query_params.multi_items():
        if has_forbidden(key) or has_forbidden(value):
            raise BadRequest(f"{clean(key)} holds a control character (such as NUL); remove it")


def _check_jurisdiction(value: str | None) -> None:
    expected = get_open311_settings().jurisdiction_id
    if value and value != expected:
        raise NotFound(
            f"jurisdiction_id {value!r} was not found; this endpoint serves {expected!r}"
        )


def _error(exc: Open311Error, fmt: str) -> Response[bytes]:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return document(exc.as_list(), fmt, "errors", exc.status_code, headers)


def _answer(
    name: str,
    request: Request[Any, Any, Any],
    build: Callable[[str, Session, Registry], tuple[Any, str]],
) -> Response[bytes]:
    """Split the format, check the jurisdiction, run `build`, render its (value, root)."""
    try:
        stem, fmt = split_format(name)
    except Open311Error as exc:
        return _error(exc, "json")
    try:
        _check_url(request)
        _check_jurisdiction(request.query_params.get("jurisdiction_id"))
        app = application_of(request)
        with app.read_session() as session:
            value, root = build(stem, session, app.registry)
    except Open311Error as exc:
        return _error(exc, fmt)
    return document(value, fmt, root)


@get("/{name:str}", sync_to_thread=True, include_in_schema=False)
def collection(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    """GET discovery, services and requests."""
    locale = _locale(request)

    def build(stem: str, session: Session, registry: Registry) -> tuple[Any, str]:
        if stem == "discovery":
            return _discovery(request), "discovery"
        if stem == "services":
            return [
                catalogue.service_entry(o, registry, locale) for o in catalogue.offerings(registry)
            ], "services"
        if stem == "requests":
            params = {
                k: request.query_params.get(k)
                for k in ("service_request_id", "service_code", "start_date", "end_date", "status")
            }
            base = str(request.base_url).rstrip("/")
            return status.query(session, registry, params, locale, base), "service_requests"
        raise NotFound(f"no resource {stem!r}; try discovery, services or requests")

    return _answer(name, request, build)


@get(["/services", "/requests", "/tokens"], sync_to_thread=False, include_in_schema=False)
def missing_format(request: Request[Any, Any, Any]) -> Response[bytes]:
    """A resource named without its format: say how to name it, in the specification's way."""
    name = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    return _error(NotFound(f"{name!r}: add .json or .xml, e.g. {name}.json"), "json")


def _discovery(request: Request[Any, Any, Any]) -> dict[str, Any]:
    settings = get_open311_settings()
    base = str(request.base_url).rstrip("/") + PREFIX
    return {
        "changeset": settings.changeset,
        "contact": settings.contact,
        "key_service": settings.key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": settings.changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


@get("/services/{name:str}", sync_to_thread=True, include_in_schema=False)
def service_definition(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    locale = _locale(request)

    def build(code: str, session: Session, registry: Registry) -> tuple[Any, str]:
        offering = catalogue.find_offering(registry, code)
        if offering is None:
            raise NotFound(f"service_code {code!r} was not found; GET services lists them")
        return catalogue.service_definition(offering, locale), "service_definition"

    return _answer(name, request, build)


@get("/requests/{name:str}", sync_to_thread=True, include_in_schema=False)
def service_request(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    locale = _locale(request)

    def build(request_id: str, session: Session, registry: Registry) -> tuple[Any, str]:
        case = status.find_case(session, registry, request_id)
        if case is None:
            raise NotFound(f"service_request_id {request_id!r} was not found")
        base = str(request.base_url).rstrip("/")
        return status.views(session, registry, [case], locale, base), "service_requests"

    return _answer(name, request, build)


@get("/tokens/{name:str}", sync_to_thread=True, include_in_schema=False)
def token(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    def build(value: str, session: Session, registry: Registry) -> tuple[Any, str]:
        submission = find_token(session, value)
        case = status.case_of(session, registry, submission) if submission else None
        if submission is None or case is None:
            raise NotFound(f"token {value!r} was not found")
        return [{"service_request_id": case.tracking_code, "token": value}], "service_requests"

    return _answer(name, request, build)


async def _read_submission(request: Request[Any, Any, Any]) -> Submission:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            return Submission.from_json(await request.json())
        except SerializationException:
            raise BadRequest("the body is not valid JSON") from None
    try:
        form = await request.form()
    except ClientException as exc:
        raise BadRequest(f"the form body could not be read: {exc.detail}") from None
    return Submission.from_pairs([*request.query_params.multi_items(), *form.multi_items()])


MAX_UPLOAD_BODY = 64 * 1024 * 1024
"""A POST with a `media` photo may be larger than other bodies; the photo's own size cap
(HAMYAR_MEDIA_MAX_BYTES) is checked on the file, with a clear error."""


@post("/{name:str}", include_in_schema=False, request_max_body_size=MAX_UPLOAD_BODY)
async def create_request(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    """POST requests: form fields as the specification says, JSON accepted too; an
    `Idempotency-Key` header makes a retry answer as the first submission did."""
    try:
        stem, fmt = split_format(name)
    except Open311Error as exc:
        return _error(exc, "json")
    try:
        if stem != "requests":
            raise NotFound(f"only requests.{fmt} accepts POST")
        _check_url(request)
        sub = await _read_submission(request)
        _check_jurisdiction(sub.get("jurisdiction_id"))
        try:
            key = idempotency.clean_key(request.headers.get(idempotency.HEADER))
        except InvalidInput as exc:
            raise BadRequest(str(exc)) from None
        answer = await anyio.to_thread.run_sync(
            _submit, application_of(request), sub, _locale(request), key
        )
    except Open311Error as exc:
        return _error(exc, fmt)
    return document([answer], fmt, "service_requests")


def _submit(app: Application, sub: Submission, locale: str, key: str | None) -> dict[str, Any]:
    return submit(app.unit_of_work(), app.registry, sub, locale, key)


def make_router() -> Router:
    """A fresh router for one app; services come from the app's plugin registry. Open311
    clients post from other sites without cookies, so CSRF protection does not apply here;
    the routes check text themselves (`own_text_checks`), to answer in the specification's
    error format and to strip control characters from citizens' free text."""
    return Router(
        path=PREFIX,
        route_handlers=[
            collection,
            service_definition,
            service_request,
            token,
            create_request,
            missing_format,
        ],
        tags=["open311"],
        opt={"exclude_from_csrf": True, "own_text_checks": True},
    )
