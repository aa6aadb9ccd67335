"""Search and filter cases: the same listing the API serves
(`hamyar.core.cases.listing.list_cases`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from sqlmodel import select

from hamyar.core.cases.listing import CaseFilters, list_cases
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import localized
from hamyar.core.storage.models import Neighbourhood
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui.case_rows import case_rows
from hamyar.core.web.ui.page import Message, locale_of, plugins_of, render, t
from hamyar.core.web.ui.pickers import services_in_order

PAGE_SIZE = 25


@get("/search", name="ui:search", sync_to_thread=True)
def search_page(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    q: FromQuery[str] = "",
    state_filter: Annotated[str, QueryParameter(name="state")] = "",
    agency: FromQuery[str] = "",
    service: FromQuery[str] = "",
    neighbourhood: FromQuery[str] = "",
    overdue: FromQuery[str] = "",
    cursor: FromQuery[str] = "",
) -> Template:
    plugins = plugins_of(request)
    registry = plugins.registry
    locale = locale_of(request)
    state = state_filter
    filters = CaseFilters(
        state=state or None,
        agency=agency or None,
        service=service or None,
        neighbourhood=neighbourhood or None,
        q=q or None,
        overdue=True if overdue == "1" else None,
    )
    messages: list[Message] = []
    rows: list[Any] = []
    next_cursor = None
    status = 200
    try:
        page = list_cases(db, actor, filters, limit=PAGE_SIZE, cursor=cursor or None)
        rows, next_cursor = (
            case_rows(db, registry, actor, page.items, locale=locale_of(request)),
            page.next_cursor,
        )
    except InvalidInput as exc:
        messages.append(Message(str(exc), "error"))
        status = 422
    states = {
        s.id: s
        for w in registry.workflows.values()
        for s in w.states.values()
        if w.id == "hamyar.case"
    }
    query = {
        k: v
        for k, v in {
            "q": q,
            "state": state,
            "agency": agency,
            "service": service,
            "neighbourhood": neighbourhood,
            "overdue": overdue,
        }.items()
        if v
    }
    return render(
        request,
        "search.html",
        actor=actor,
        status_code=status,
        page_title=t(request, "Search"),
        rows=rows,
        next_cursor=next_cursor,
        filters=query,
        messages=messages,
        states=list(states.values()),
        agencies=sorted_by_name(
            registry.agencies.values(), lambda a: localized(locale, a.title_fa, a.title_en)
        ),
        services=services_in_order(registry, locale),
        neighbourhoods=sorted_by_name(
            db.exec(select(Neighbourhood)).all(), lambda n: localized(locale, n.name_fa, n.name_en)
        ),
    )
