"""CSRF protection for cookie-authenticated requests, and only for those.

Litestar's `CSRFMiddleware` (double-submit cookie, HMAC-signed with the secret key) guards every
unsafe request, with two exceptions that cannot be forged across sites:

- a request carrying an `Authorization` header: browsers never attach one to a cross-site
  form post, and such a request is authenticated by that header alone (see `hamyar.core.web.auth`);
- an `/api/` request carrying no session cookie: nothing ambient authenticates it, so a forged
  copy gains nothing, and the API answers 401 rather than a confusing CSRF 403.

UI forms, the login form included, always need the token: `{{ csrf_input | safe }}` (or a hidden
`_csrf_token` field with `csrf_token()`) in forms, the `x-csrftoken` header for htmx
(`hx-headers`). A route that must accept cookie-less posts from other sites (Open311) opts out
with `opt={"exclude_from_csrf": True}`, or by a path in `EXCLUDED_PATHS`.
"""

from __future__ import annotations

import hashlib

from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send

from hamyar.core.web.auth import SESSION_COOKIE

CSRF_COOKIE = "hamyar_csrf"
CSRF_HEADER = "x-csrftoken"
EXCLUDED_PATHS = ["^/open311/", "^/api/auth/token$"]
"""Cookie-less machine endpoints: Open311 clients, and the token endpoint (it sets no cookie)."""


def _has_cookie(scope: Scope, name: str) -> bool:
    for key, value in scope.get("headers", ()):
        if key == b"cookie" and any(
            part.strip().startswith(name) for part in value.decode("latin-1").split(";")
        ):
            return True
    return False


def _cannot_be_forged(scope: Scope) -> bool:
    headers = dict(scope.get("headers", ()))
    if b"authorization" in headers:
        return True
    return scope["path"].startswith("/api/") and not _has_cookie(scope, SESSION_COOKIE)


class HamyarCSRFMiddleware(CSRFMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("method") not in self.config.safe_methods
            and _cannot_be_forged(scope)
        ):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def csrf_config(secret_key: str) -> CSRFConfig:
    secret = hashlib.sha256(("hamyar-csrf:" + secret_key).encode()).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_samesite="lax",
        exclude=EXCLUDED_PATHS,
    )


def csrf_middleware(secret_key: str) -> DefineMiddleware:
    """The app-level middleware (given instead of Litestar's `csrf_config`, which would install
    the stock middleware that also demands tokens from bearer-token systems)."""
    return DefineMiddleware(HamyarCSRFMiddleware, config=csrf_config(secret_key))
