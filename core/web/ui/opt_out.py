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
    try:
        address = notifications.address_of_token(uow, token)
    except NotFound:
        return _invalid(request)
    return render(
        request,
        "opt_out.html",
        token=token,
        address=address,
        done=False,
        page_title=t(request, "Stop messages"),
    )


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
        return _invalid(request)
    return render(
        request,
        "opt_out.html",
        token=token,
        address=address,
        done=True,
        page_title=t(request, "Stop messages"),
    )


def _invalid(request: Request[Any, Any, Any]) -> Template:
    return render(
        request,
        "opt_out.html",
        status_code=404,
        token="",
        address="",
        done=False,
        invalid=True,
        page_title=t(request, "Stop messages"),
    )
