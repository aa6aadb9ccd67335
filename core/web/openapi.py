"""The OpenAPI document as the contract: every route's error statuses, the error body, and how
to authenticate — documented for every route in the schema, whichever module or plugin adds it.

Litestar documents what a handler returns on success; what it may refuse with comes from the
layers around it, the same for every route: 400 for a body or parameter its types refuse (and
the edge's limits, `hamyar.core.web.input_guard`), 401 without credentials, 403 when a guard or
role says no, 404 for what does not exist for the caller, 409 for a stale version, 413 for a
body too large, 422 for a command's refusal, 429 when throttled, 503 when the database or a
plugin is unavailable. `document_routes` adds them to each route that does not say otherwise,
so a route added by a plugin or a new module tomorrow is documented the day it is added.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import RedocRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute


class FieldError(msgspec.Struct):
    field: str
    message: str


class ErrorBody(msgspec.Struct):
    """Every error: `{"status_code", "detail"}`, with `errors` per field when there are any."""

    status_code: int
    detail: str
    errors: list[FieldError] | msgspec.UnsetType = msgspec.UNSET


ERRORS: dict[int, str] = {
    400: "The request's body or parameters are malformed or break an input limit.",
    401: "No valid credentials: POST /api/auth/token, or log in.",
    403: "The caller's roles do not allow it.",
    404: "No such item, or not one the caller may see.",
    409: "Someone changed the item first (stale version).",
    413: "The request body is too large.",
    422: "Well-formed, but refused (unknown service, a form that does not validate, ...).",
    429: "Too many attempts; try again later.",
    503: "The database or a plugin is unavailable; try again shortly.",
}
REDOC_JS = "/static/vendor/redoc-2.5.4.standalone.js"
"""Redoc, served from the package (core/web/static/VENDORED.md): the docs page works offline."""
FAVICON = "<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>"
BEARER = "bearer"
COOKIE = "session"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Hamyar",
        version="1",
        path="/schema",
        # One page, every script and icon from /static: Litestar's default pages load theirs
        # (and Google's fonts) from CDNs, and stay blank offline.
        render_plugins=[
            RedocRenderPlugin(
                js_url=REDOC_JS, google_fonts=False, path=["/", "/redoc"], favicon=FAVICON
            ),
            YamlRenderPlugin(),
        ],
        description="Route cases between public agencies. Authenticate with "
        "POST /api/auth/token and send `Authorization: Bearer <token>`; the UI's session "
        "cookie works too. Errors are JSON `{status_code, detail}`.",
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A token from POST /api/auth/token.",
                ),
                COOKIE: SecurityScheme(
                    type="apiKey",
                    name="hamyar_session",
                    security_scheme_in="cookie",
                    description="The UI's session cookie, set by the login page.",
                ),
            }
        ),
    )


def _needs_actor(handler: HTTPRouteHandler) -> bool:
    return "actor" in handler.parsed_fn_signature.parameters


def _error_specs(codes: Any) -> dict[int, ResponseSpec]:
    return {
        code: ResponseSpec(
            data_container=ErrorBody, description=ERRORS[code], generate_examples=False
        )
        for code in sorted(codes)
    }


def document_routes(app: Litestar) -> None:
    """Add the error statuses and the security requirement to every documented route."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            authenticated = _needs_actor(handler)
            specs = _error_specs(ERRORS)  # a login route answers 401 too, for a wrong password
            specs.update(handler.responses or {})
            handler.responses = specs
            if authenticated and not handler.security:
                handler.security = [{BEARER: []}, {COOKIE: []}]
