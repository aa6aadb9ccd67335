"""What every page shares: the locale, the signed-in actor, the menu and the template response.

Handlers call `render(request, "case.html", ...)`; this module adds the rest of the context
that `base.html` needs, so a controller only names its own data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from hamyar.core import i18n
from hamyar.core.auth.access import may_write
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput
from hamyar.core.plugin.manager import Plugins
from hamyar.core.web.dependencies import application_of

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A posted HTML form: each field a string, or a list when a browser sent it several times."""

LOCALE_COOKIE = "hamyar_locale"
LOCALE_NAMES = {"fa": "فارسی", "en": "English"}


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    active: bool = False


@dataclass(frozen=True)
class Message:
    text: str
    kind: str = "ok"
    """ok, error or conflict: the colour of the banner."""


def locale_of(request: Request[Any, Any, Any]) -> str:
    """The locale chosen with the fa/en switch, else the site's default (HAMYAR_LOCALE)."""
    return i18n.normalize_locale(
        request.cookies.get(LOCALE_COOKIE), application_of(request).settings.locale
    )


def login_redirect(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    """The UI's answer to an anonymous visitor: the login page, then back where they were.

    An htmx request (a fragment refreshing after the session expired) is told to load the
    login page as a whole instead of swapping it into a corner of the old one.
    """
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if is_htmx(request):
        here = request.headers.get("hx-current-url", "/")
        return Response(
            content="",
            status_code=200,
            headers={"HX-Redirect": f"/login?next={quote(_path_of(here), safe='')}"},
        )
    return Redirect(f"/login?next={quote(here, safe='')}", status_code=303)


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _nav(actor: Actor | None, path: str) -> list[NavItem]:
    if actor is None:
        return []
    items = [("/", "My worklists")]
    if may_write(actor):  # an auditor reads; no form to open a case is offered
        items.append(("/cases/new", "New case"))
    items += [("/search", "Search"), ("/reports", "Reports")]
    if actor.is_coordinator or actor.is_auditor:
        items.append(("/queue", "Queue"))
    if actor.is_manager or actor.is_auditor:
        items.append(("/admin/plugins", "Administration"))
    return [NavItem(href, label, active=_is_under(path, href)) for href, label in items]


def _is_under(path: str, href: str) -> bool:
    """Whether the page at `path` belongs to the menu item `href` (every /admin/ page does)."""
    if href.startswith("/admin/"):
        return path.startswith("/admin/")
    return path == href or (href != "/" and path.startswith(href))


def base_context(request: Request[Any, Any, Any], actor: Actor | None) -> dict[str, Any]:
    locale = locale_of(request)
    other = "en" if locale == "fa" else "fa"
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {
        "locale": locale,
        "dir": i18n.direction(locale),
        "actor": actor,
        "nav": _nav(actor, request.url.path),
        "here": here,
        "other_locale": other,
        "other_locale_name": LOCALE_NAMES[other],
        "messages": [],
        "page_title": "",
        "is_manager": bool(actor and actor.is_manager),
        "is_coordinator": bool(actor and actor.is_coordinator),
        "may_write": bool(actor and may_write(actor)),
    }


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A full page (or a fragment: templates under `partials/` do not extend the base)."""
    values = base_context(request, actor)
    values.update(context)
    return Template(template_name=template, context=values, status_code=status_code)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def plugins_of(request: Request[Any, Any, Any]) -> Plugins:
    """The plugins of the application the request is served by."""
    return application_of(request).plugins


def form_value(data: dict[str, Any], name: str) -> str:
    """One posted field as stripped text (the last, when a browser sent it twice)."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def t(request: Request[Any, Any, Any], msgid: str, **values: Any) -> str:
    """A message in the request's locale, for flash banners built in a controller."""
    return i18n.gettext(locale_of(request), msgid, **values)


def field_errors(exc: InvalidInput) -> dict[str, str]:
    """Field name → message, as the templates show them beside each field."""
    return {e.get("field", ""): e.get("message", "") for e in exc.errors} or {"": str(exc)}


def form_errors(command: Callable[[], object]) -> dict[str, str]:
    """Run a form's command: {} when it landed, else its errors by field.

    A refused command has written nothing (its unit of work rolled back whole).
    """
    try:
        command()
    except InvalidInput as exc:
        return field_errors(exc)
    return {}


def correction_banner(request: Request[Any, Any, Any], errors: Any) -> list[Message]:
    """The banner above a form that came back with errors."""
    return [Message(t(request, "Please correct the marked fields."), "error")] if errors else []


__all__ = [
    "LOCALE_COOKIE",
    "FormData",
    "Message",
    "base_context",
    "form_value",
    "is_htmx",
    "locale_of",
    "login_redirect",
    "plugins_of",
    "render",
    "t",
]
