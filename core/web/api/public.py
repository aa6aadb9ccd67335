"""`GET /api/public/status/{tracking_code}`: the status page as JSON, for anyone, no login.

The same view as `/status/{code}` (`hamyar.core.cases.public_status`), the same "not found"
for an unknown, malformed or confidential code (404, its message from the catalogue in the
language Accept-Language asks for), and the same per-address limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.params import FromPath

from hamyar.core.cases.public_status import Named, public_status
from hamyar.core.exceptions import NotFound
from hamyar.core.i18n import format_datetime, gettext
from hamyar.core.web.dependencies import DbDep, application_of
from hamyar.core.web.errors import api_locale
from hamyar.core.web.ui.public_status import STATE_LABELS, canonical_code

NOT_FOUND = "No report has this tracking code. Check the ten digits and try again."


def _names(named: Named | None) -> dict[str, str] | None:
    return {"fa": named.title_fa, "en": named.title_en} if named else None


def _moment(moment: datetime | None, locale: str) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"iso": moment.isoformat(timespec="seconds"), "jalali": format_datetime(moment, locale)}


@get("/public/status/{tracking_code:str}", sync_to_thread=True, tags=["public"])
def public_status_json(
    request: Request[Any, Any, Any], db: DbDep, tracking_code: FromPath[str]
) -> Response[Any]:
    """What the public may read of the report with this tracking code."""
    locale = api_locale(request)
    registry = application_of(request).registry
    try:
        view = public_status(db, registry, canonical_code(tracking_code))
    except NotFound:
        body = {"status_code": 404, "detail": gettext(locale, NOT_FOUND)}
        return Response(body, status_code=404, media_type=MediaType.JSON)
    return Response(
        {
            "tracking_code": view.tracking_code,
            "service": _names(view.service),
            "neighbourhood": _names(view.neighbourhood),
            "state": view.state,
            "state_label": gettext(locale, STATE_LABELS[view.state]),
            "agencies": [_names(a) for a in view.agencies],
            "reason": view.reason or None,
            "duplicate_of": view.duplicate_of,
            "created_at": _moment(view.created_at, locale),
            "updated_at": _moment(view.updated_at, locale),
            "resolved_at": _moment(view.resolved_at, locale),
            "notes": [
                {"text": n.text, "created_at": _moment(n.created_at, locale)} for n in view.notes
            ],
            "rating": view.rating,
            "may_rate": view.may_rate,
        },
        media_type=MediaType.JSON,
    )
