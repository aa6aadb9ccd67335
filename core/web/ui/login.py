"""Signing in and out of the UI (the session cookie; API clients use bearer tokens)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from hamyar.core.application import accounts
from hamyar.core.exceptions import NotAuthenticated, TooManyAttempts
from hamyar.core.i18n import gettext
from hamyar.core.web import auth
from hamyar.core.web.dependencies import MaybeActorDep, UowDep
from hamyar.core.web.ui.locale import safe_next
from hamyar.core.web.ui.page import FormData, form_value, locale_of, render


@get("/login", name="ui:login")
async def login_page(
    request: Request[Any, Any, Any],
    maybe_actor: MaybeActorDep,
    next_url: Annotated[str, QueryParameter(name="next")] = "/",
) -> Template | Redirect:
    if maybe_actor is not None:
        return Redirect(safe_next(next_url), status_code=303)
    return render(
        request,
        "login.html",
        next_url=safe_next(next_url),
        username="",
        error="",
        page_title=gettext(locale_of(request), "Sign in"),
    )


@post("/login", name="ui:login-submit", sync_to_thread=True, status_code=303)
def login_submit(
    request: Request[Any, Any, Any], uow: UowDep, data: FormData
) -> Template | Redirect:
    username = form_value(data, "username")
    next_url = safe_next(form_value(data, "next"))
    locale = locale_of(request)
    try:
        user = accounts.log_in(
            uow, username, str(data.get("password") or ""), auth.client_address(request.scope)
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        message = (
            "Too many failed sign-ins; wait a few minutes and try again."
            if isinstance(exc, TooManyAttempts)
            else "Wrong username or password."
        )
        page = render(
            request,
            "login.html",
            status_code=exc.status_code,
            next_url=next_url,
            username=username,
            error=gettext(locale, message),
            page_title=gettext(locale, "Sign in"),
        )
        if isinstance(exc, TooManyAttempts):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    auth.login(request, uow, user)
    return Redirect(next_url, status_code=303)


@post("/logout", name="ui:logout", status_code=303, sync_to_thread=True)
def logout(request: Request[Any, Any, Any], uow: UowDep) -> Redirect:
    auth.logout(request, uow)
    return Redirect("/login", status_code=303)
