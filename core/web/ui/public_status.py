"""The citizen's status page: `/status` (enter a code) and `/status/{code}`, with no login.

Everything shown comes from `hamyar.core.cases.public_status` (which reads only what the public
may read); an unknown code, a malformed one and a confidential case all get the same "not
found" page. After resolution the page offers the 1–5 rating form (`satisfaction.rate_outcome`).
Codes are taken as people type them: Persian digits, spaces, dashes.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from hamyar.core.application import satisfaction
from hamyar.core.cases import status
from hamyar.core.cases.public_status import PublicStatus, public_status
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.text.phone_numbers import tracking_code_in
from hamyar.core.web.dependencies import DbDep, UowDep
from hamyar.core.web.ui.page import (
    FormData,
    Message,
    field_errors,
    form_value,
    plugins_of,
    render,
    t,
)

STATE_LABELS = {
    status.RECEIVED: "Received",
    status.WITH_AGENCY: "With the agency",
    status.RESOLVED: "Resolved",
    status.REJECTED: "Rejected",
    status.DUPLICATE: "Duplicate of another report",
}
"""Public state → its label (a catalogue msgid)."""


def canonical_code(text: str) -> str:
    """The ten ASCII digits of a code typed in any digits and grouping; the text otherwise."""
    return tracking_code_in(text or "") or (text or "").strip()


def _lookup_page(
    request: Request[Any, Any, Any], code: str = "", *, not_found: bool = False
) -> Template:
    return render(
        request,
        "public/status_lookup.html",
        status_code=404 if not_found else 200,
        page_title=t(request, "Follow your report"),
        code=code,
        not_found=not_found,
        errors={},
        messages=[],
    )


def _status_page(
    request: Request[Any, Any, Any],
    view: PublicStatus,
    *,
    errors: dict[str, str] | None = None,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "public/status.html",
        status_code=status_code,
        page_title=t(request, "Report status"),
        view=view,
        state_label=STATE_LABELS[view.state],
        errors=errors or {},
        messages=messages or [],
    )


@get("/status", name="public:status-lookup", sync_to_thread=False)
def status_lookup(
    request: Request[Any, Any, Any], code: FromQuery[str] = ""
) -> Template | Redirect:
    """The form; with `?code=` (the form sent), the code's page."""
    if not code.strip():
        return _lookup_page(request)
    canonical = canonical_code(code)
    if tracking_code_in(code) is None:
        return _lookup_page(request, code, not_found=True)
    return Redirect(f"/status/{canonical}", status_code=303)


@get("/status/{tracking_code:str}", name="public:status", sync_to_thread=True)
def status_page(
    request: Request[Any, Any, Any], db: DbDep, tracking_code: FromPath[str]
) -> Template:
    registry = plugins_of(request).registry
    try:
        view = public_status(db, registry, canonical_code(tracking_code))
    except NotFound:
        return _lookup_page(request, tracking_code, not_found=True)
    messages = []
    if request.query_params.get("rated"):
        messages.append(Message(t(request, "Thank you: your rating was recorded.")))
    return _status_page(request, view, messages=messages)


@post(
    "/status/{tracking_code:str}/rating", name="public:rate", sync_to_thread=True, status_code=303
)
def rate(
    request: Request[Any, Any, Any], uow: UowDep, tracking_code: FromPath[str], data: FormData
) -> Template | Redirect:
    code = canonical_code(tracking_code)
    registry = plugins_of(request).registry
    try:
        satisfaction.rate_outcome(
            uow, tracking_code=code, rating=form_value(data, "rating"), channel="web"
        )
    except NotFound:
        return _lookup_page(request, tracking_code, not_found=True)
    except InvalidInput as exc:
        try:
            view = public_status(uow.session, registry, code)
        except NotFound:
            return _lookup_page(request, tracking_code, not_found=True)
        return _status_page(request, view, errors=field_errors(exc), status_code=422)
    return Redirect(f"/status/{code}?rated=1", status_code=303)


HANDLERS = [status_lookup, status_page, rate]
