"""The opt-out link in every email to a reporter: `/notifications/opt-out/{token}`.

GET only shows what the link will do and a confirm button (mail scanners and link previews
follow GETs; they must not opt anyone out); the POST, with the page's CSRF token, runs the
`opt_out` command. No login: the signed token is the permission, and it names one address.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from hamyar.core.application import notifications
from hamyar.core.exceptions import NotFound
from hamyar.core.web.dependencies import UowDep
from hamyar.core.web.ui.page import FormData, render, t


@get("/notifications/opt-out/{token:str}", name="ui:opt-out", sync_to_thread=True)
def opt_out_page(request: Request[Any, Any, Any], uow: UowDep, token: FromPath[str]) -> Template:
    """Opening the link changes nothing: the page asks to confirm (a mail scanner follows
    links; only the POST opts out)."""
    try:
        address = notifications.address_of_token(uow, token)
    except NotFound:
        return _page(request, invalid=True)
    return _page(request, token=token, address=address)


@post(
    "/notifications/opt-out/{token:str}",
    name="ui:opt-out-submit",
    sync_to_thread=True,
    status_code=200,
)
def opt_out_submit(
    request: Request[Any, Any, Any], uow: UowDep, token: FromPath[str], data: FormData
) -> Template:
    try:
        address = notifications.opt_out(uow, token)
    except NotFound:
        return _page(request, invalid=True)
    return _page(request, token=token, address=address, done=True)


def _page(
    request: Request[Any, Any, Any],
    *,
    token: str = "",
    address: str = "",
    done: bool = False,
    invalid: bool = False,
) -> Template:
    """The one opt-out page: confirm, done, or a link that is not valid (404)."""
    return render(
        request,
        "opt_out.html",
        status_code=404 if invalid else 200,
        token=token,
        address=address,
        done=done,
        invalid=invalid,
        page_title=t(request, "Stop messages"),
    )
