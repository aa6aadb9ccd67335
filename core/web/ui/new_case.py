"""Opening a case by hand: pick a service, fill in the form its JSON Schema describes.

The engine validates (`hamyar.core.cases.intake.open_case`); each error it names comes back beside
its field.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio.to_thread
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session, select

from hamyar.core.application import attachments, commands, idempotency
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import CHANNELS
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import gettext, localized
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import County, Neighbourhood
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.attachment_files import (
    UPLOAD_BODY_BYTES,
    posted_form,
    read_upload,
    uploaded,
)
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.ui.page import (
    Message,
    correction_banner,
    field_errors,
    locale_of,
    plugins_of,
    render,
    t,
)
from hamyar.core.web.ui.pickers import service_groups
from hamyar.core.web.ui.schema_form import PREFIX, agency_titles, data_from_form, fields_for

KEY_FIELD = "idempotency_key"
CASE_FIELDS = ("service", "title", "description", "neighbourhood", "category", "channel")
UI_CHANNELS = ("caseworker", "phone", "facilitation", "web", "sms", "app")


def neighbourhood_groups(db: Session, locale: str) -> list[tuple[str, list[Neighbourhood]]]:
    """Neighbourhoods grouped by county, both in the reader's alphabetical order."""
    counties = {c.id: c for c in db.exec(select(County)).all()}
    groups: dict[str, list[Neighbourhood]] = {}
    for row in db.exec(select(Neighbourhood)).all():
        county = counties.get(row.county_id)
        name = localized(locale, county.name_fa, county.name_en) if county else ""
        groups.setdefault(name, []).append(row)
    return [
        (county, sorted_by_name(rows, lambda n: localized(locale, n.name_fa, n.name_en)))
        for county, rows in sorted_by_name(groups.items(), lambda group: group[0])
    ]


def _categories(spec: ServiceSpec | None, locale: str) -> list[tuple[str, str]]:
    """The service's categories as (code, title), titled by the plugin's `category_titles`."""
    if spec is None:
        return []
    labels = spec.category_titles
    return [
        (code, localized(locale, *labels[code]) if code in labels else gettext(locale, code))
        for code in spec.categories
    ]


def _one(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _text_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The form's text fields (a multipart post also carries the photo, kept apart)."""
    return {
        k: v if isinstance(v, str) else [i for i in v if isinstance(i, str)]
        for k, v in data.items()
        if isinstance(v, str) or (isinstance(v, list) and any(isinstance(i, str) for i in v))
    }


def _form_page(
    request: Request[Any, Any, Any],
    db: Session,
    registry: Registry,
    actor: Actor,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
    messages: list[Message] | None = None,
) -> Template:
    locale = locale_of(request)
    service_code = _one(values, "service")
    spec = registry.services.get(service_code)
    data_values = {k.removeprefix(PREFIX): v for k, v in values.items() if k.startswith(PREFIX)}
    schema = spec.form_schema() if spec else {}
    return render(
        request,
        "new_case.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "New case"),
        services=service_groups(registry, locale),
        spec=spec,
        fields=fields_for(schema, data_values, errors, agency_titles(registry)) if spec else [],
        categories=_categories(spec, locale),
        neighbourhoods=neighbourhood_groups(db, locale),
        channels=UI_CHANNELS,
        values={name: _one(values, name) for name in CASE_FIELDS},
        # One key per form shown (kept when the form comes back with errors): submitting it
        # twice, a double click or a retry after a lost answer, opens one case.
        idempotency_key=_one(values, KEY_FIELD) or uuid.uuid4().hex,
        errors=errors,
        messages=messages or [],
        media_max_mb=max(1, round(request.app.state["app"].settings.media_max_bytes / 2**20)),
    )


@get("/cases/new", name="ui:new-case", sync_to_thread=True)
def new_case_form(
    request: Request[Any, Any, Any], db: DbDep, actor: ActorDep, service: FromQuery[str] = ""
) -> Template:
    access.require_writer(actor)  # an auditor is not offered a form they cannot send
    plugins = plugins_of(request)
    return _form_page(
        request, db, plugins.registry, actor, {"service": service, "channel": "caseworker"}, {}
    )


@post(
    "/cases/new",
    name="ui:new-case-submit",
    status_code=303,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def new_case_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep
) -> Template | Redirect:
    """Open the case, with its photo or document if one was chosen: a file refused by its
    content or size keeps the case from opening, and the form says why beside the field."""
    access.require_writer(actor)
    posted = await posted_form(request)
    photo = uploaded(posted, "photo")
    return await anyio.to_thread.run_sync(
        lambda: _submit(request, uow, actor, _text_fields(posted), photo)
    )


def _submit(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    actor: Actor,
    data: dict[str, Any],
    photo: UploadFile | None,
) -> Template | Redirect:
    plugins = plugins_of(request)
    db = uow.session
    access.require_writer(actor)
    registry = plugins.registry
    service = _one(data, "service")
    spec = registry.services.get(service)
    if spec is None:
        return _form_page(
            request,
            db,
            registry,
            actor,
            data,
            {"service": t(request, "Choose a service.")},
            status_code=422,
        )
    form = {k: v if isinstance(v, list) else [v] for k, v in data.items()}
    neighbourhood = _one(data, "neighbourhood")

    def open_it() -> dict[str, Any]:
        with uow:  # the case and its photo land together, or neither does
            return _open_with_photo()

    def _open_with_photo() -> dict[str, Any]:
        case = commands.open_case(
            uow,
            actor,
            service=service,
            title=_one(data, "title"),
            neighbourhood=neighbourhood or None,  # an id or a code; resolved by the command
            description=_one(data, "description"),
            data=data_from_form(spec.form_schema(), form),
            channel=_one(data, "channel") or "caseworker",
            category=_one(data, "category") or None,
        )
        if photo is not None:
            body = read_upload(photo, uow.app.settings.media_max_bytes)
            attachments.attach_as_system(
                uow, actor, case, filename=photo.filename or "", data=body, source="web"
            )
        return {"location": f"/cases/{case.id}"}

    try:
        key = idempotency.clean_key(_one(data, KEY_FIELD) or None)
        if key is None:
            answer = open_it()
        else:
            content = {k: v for k, v in form.items() if not k.startswith("_") and k != KEY_FIELD}
            answer = idempotency.once(
                uow,
                caller=f"user:{actor.username}",
                operation="ui.cases.create",
                key=key,
                content=content,
                run=open_it,
                status_code=303,
            ).body
    except idempotency.KeyReused:
        fresh = {k: v for k, v in data.items() if k != KEY_FIELD}
        message = "This form was sent already and opened a case; send it again to open another."
        return _form_page(
            request,
            db,
            registry,
            actor,
            fresh,
            {},
            status_code=422,
            messages=[Message(t(request, message), "error")],
        )
    except InvalidInput as exc:
        errors = field_errors(exc)
        return _form_page(
            request,
            db,
            registry,
            actor,
            data,
            errors,
            status_code=422,
            messages=correction_banner(request, errors),
        )
    return Redirect(answer["location"], status_code=303)


__all__ = ["CHANNELS", "new_case_form", "new_case_submit"]
