"""`/admin/calendar`: the coming official holidays and the Manager's overrides of them.

Holidays come from `hamyar.core.time.working_days`; overrides are kept by
`hamyar.core.time.overrides`, which
also reads the Jalali date as it was typed. A date that does not parse, or a second override
for the same day and agency, comes back beside its field. Auditors read the page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import administration as admin
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.plugin.registry import Registry
from hamyar.core.time import jalali
from hamyar.core.time.overrides import (
    list_overrides,
    upcoming_holidays,
)
from hamyar.core.time.working_days import tehran_day
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import (
    FormData,
    correction_banner,
    form_errors,
    form_value,
    plugins_of,
    render,
    t,
)

PATH = "/admin/calendar"
FIELDS = ("day", "closed", "name", "agency")


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    registry: Registry,
    actor: Actor,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    today = tehran_day(jalali.utcnow())
    messages = correction_banner(request, errors)
    return render(
        request,
        "admin/calendar.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Calendar"),
        holidays=upcoming_holidays(today),
        overrides=list_overrides(db),
        today=today,
        agencies=list(registry.agencies.values()),
        agency_specs=registry.agencies,
        may_edit=access.may_administer(actor),
        values=values or {"closed": "1"},
        errors=errors or {},
        messages=messages,
    )


@get(PATH, name="ui:admin-calendar", sync_to_thread=True)
def calendar_page(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    access.require_administration_reader(actor)
    return _page(request, db, plugins_of(request).registry, actor)


@post(PATH, name="ui:admin-calendar-add", sync_to_thread=True, status_code=303)
def add_override_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, data: FormData
) -> Template | Redirect:
    db, registry = uow.session, uow.registry
    values = {name: form_value(data, name) for name in FIELDS}
    errors = form_errors(
        lambda: admin.add_calendar_override(
            uow,
            actor,
            day=values["day"],
            closed=values["closed"] != "0",
            name=values["name"],
            agency=values["agency"] or None,
        ),
    )
    if errors:
        return _page(request, db, registry, actor, values=values, errors=errors, status_code=422)
    return Redirect(PATH, status_code=303)


@post(
    PATH + "/{override_id:int}/delete",
    name="ui:admin-calendar-delete",
    sync_to_thread=True,
    status_code=303,
)
def delete_override_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, override_id: FromPath[Id]
) -> Redirect:
    admin.remove_calendar_override(uow, actor, override_id)
    return Redirect(PATH, status_code=303)
