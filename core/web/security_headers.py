"""Security headers on every response, and Secure cookies whenever the page came over HTTPS.

- `Content-Security-Policy`: scripts (and the live stream's SharedWorker, `worker-src`) only
  from our own origin (no inline script: page
  behaviour lives in /static files; htmx runs with `allowEval: false`), nothing may frame us
  (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers), forms post only to
  us. Styles allow inline attributes: server-drawn charts and the workflow diagrams (mermaid)
  style their SVG inline, and CSS cannot run code. The OpenAPI viewers under `/schema` load
  their scripts from their CDNs and get a policy that lets them.
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (tracking codes in our
  URLs never travel to other sites).
- `Secure` on every cookie (session and CSRF) when the request came over HTTPS — directly, or
  through a proxy named in HAMYAR_TRUSTED_PROXIES — or always with HAMYAR_SECURE_COOKIES; with
  HTTPS also `Strict-Transport-Security`.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "worker-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_CDNS = "https://cdn.jsdelivr.net https://unpkg.com"
SCHEMA_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_CDNS}",
        f"style-src 'self' 'unsafe-inline' {_CDNS} https://fonts.googleapis.com",
        "img-src 'self' data: https:",
        "font-src 'self' data: https:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
"""For Litestar's OpenAPI viewers (Swagger UI, ReDoc, …): their pages are inline script."""
HSTS = "max-age=31536000"


class SecurityHeadersMiddleware(ASGIMiddleware):
    def __init__(self, *, secure_cookies: bool = False) -> None:
        self.secure_cookies = secure_cookies

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        secure = https or self.secure_cookies
        policy = SCHEMA_CSP if scope["path"].startswith("/schema") else CSP

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Content-Security-Policy"] = policy
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if https:
                    headers["Strict-Transport-Security"] = HSTS
                if secure:
                    cookies = headers.getall("set-cookie", [])
                    if cookies:
                        del headers["set-cookie"]
                        for cookie in cookies:
                            marked = "secure" in [p.strip().lower() for p in cookie.split(";")]
                            headers.add("Set-Cookie", cookie if marked else f"{cookie}; Secure")
            await send(message)

        await next_app(scope, receive, sending)
