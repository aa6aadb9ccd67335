"""The 137 operator's quick form `/cases/new/phone`: caller, category, place, description.

Made for the keyboard alone: the caller's number has the focus, the fields follow in tab order,
Enter sends, and accesskeys jump (Alt+Shift+… in most browsers: n number, c category, p place,
d description). The first send looks the caller's number up; when the caller has open reports
the form comes back listing them, with the choice to add this call to one of them as a note or
to open a new case anyway. Both go through commands (`application.phone_intake`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import phone_intake
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.search import open_reports_by_phone
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import Case
from hamyar.core.text.input_limits import parse_id
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.ui.new_case import neighbourhood_groups
from hamyar.core.web.ui.page import (
    FormData,
    correction_banner,
    field_errors,
    form_value,
    locale_of,
    plugins_of,
    render,
    t,
)
from hamyar.core.web.ui.public_report import offering_groups

FIELDS = ("caller", "category", "neighbourhood", "place", "description", "decision")
NEW = "new"
"""The decision to open a new case although the caller has open ones."""


def _form(
    request: Request[Any, Any, Any],
    db: Session,
    actor: Actor,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    earlier: list[Case] | None = None,
    status_code: int = 200,
) -> Template:
    locale = locale_of(request)
    return render(
        request,
        "phone_intake.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Phone call"),
        offerings=offering_groups(plugins_of(request).registry, locale),
        neighbourhoods=neighbourhood_groups(db, locale),
        values={name: form_value(values, name) for name in FIELDS},
        earlier=earlier or [],
        errors=errors,
        messages=correction_banner(request, errors),
    )


@get("/cases/new/phone", name="ui:phone-intake", sync_to_thread=True)
def phone_form(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    access.require_writer(actor)  # an auditor is not offered a form they cannot send
    return _form(request, db, actor, {}, {})


@post("/cases/new/phone", name="ui:phone-intake-submit", sync_to_thread=True, status_code=303)
def phone_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, data: FormData
) -> Template | Redirect:
    access.require_writer(actor)
    db = uow.session
    decision = form_value(data, "decision")
    description = form_value(data, "description")
    try:
        if decision.startswith("note:"):
            case_id = parse_id(decision.removeprefix("note:"))
            if case_id is None:
                raise InvalidInput(
                    "no such case", [{"field": "decision", "message": "Choose one of the reports."}]
                )
            phone_intake.add_call_to_case(uow, actor, case_id, description=description)
            return Redirect(f"/cases/{case_id}", status_code=303)
        if decision != NEW:
            earlier = open_reports_by_phone(db, actor, form_value(data, "caller"))
            if earlier:
                return _form(request, db, actor, data, {}, earlier=earlier, status_code=200)
        case = phone_intake.open_phone_case(
            uow,
            actor,
            caller=form_value(data, "caller"),
            category=form_value(data, "category"),
            neighbourhood=form_value(data, "neighbourhood") or None,
            place=form_value(data, "place"),
            description=description,
        )
    except InvalidInput as exc:
        errors = field_errors(exc)
        if "text" in errors:  # the note's text is the call's description
            errors["description"] = errors.pop("text")
        earlier = open_reports_by_phone(db, actor, form_value(data, "caller")) if decision else []
        return _form(request, db, actor, data, errors, earlier=earlier, status_code=422)
    return Redirect(f"/cases/{case.id}", status_code=303)


HANDLERS = [phone_form, phone_submit]
