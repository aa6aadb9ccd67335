"""The public report form `/report`: a citizen files a report without signing in.

The form posts to `public_report.file_public_report` (validated, committed and announced like
every command); a refusal comes back as the form with each field's message from the catalogue,
never a 500. Success shows the tracking code and the link to its status page. Submissions are
limited per client address (`hamyar.core.web.rate_limits`). The form may carry a
photo (multipart), attached with the case in the same unit of work.
"""

from __future__ import annotations

from typing import Any

import anyio
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template
from sqlmodel import Session

from hamyar.core.application.public_report import (
    FIELDS,
    Photo,
    file_public_report,
    reportable_offerings,
)
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import gettext, localized
from hamyar.core.plugin.registry import Registry
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.attachment_files import (
    UPLOAD_BODY_BYTES,
    posted_form,
    read_upload,
    uploaded,
)
from hamyar.core.web.dependencies import DbDep, UowDep
from hamyar.core.web.ui.new_case import neighbourhood_groups
from hamyar.core.web.ui.page import (
    correction_banner,
    field_errors,
    form_value,
    locale_of,
    plugins_of,
    render,
    t,
)


def offering_groups(registry: Registry, locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(service title, [(value, category title)]) in the reader's alphabetical order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for offering in reportable_offerings(registry):
        spec = offering.spec
        service = localized(locale, spec.title_fa, spec.title_en)
        if offering.category is None:
            label = service
        elif offering.category in spec.category_titles:
            label = localized(locale, *spec.category_titles[offering.category])
        else:
            label = gettext(locale, offering.category)
        groups.setdefault(service, []).append((offering.value, label))
    return [
        (name, sorted_by_name(options, lambda o: o[1]))
        for name, options in sorted_by_name(groups.items(), lambda g: g[0])
    ]


def _form(
    request: Request[Any, Any, Any],
    db: Session,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Template:
    locale = locale_of(request)
    return render(
        request,
        "public/report.html",
        status_code=status_code,
        page_title=t(request, "Report a problem"),
        offerings=offering_groups(plugins_of(request).registry, locale),
        neighbourhoods=neighbourhood_groups(db, locale),
        values={name: form_value(values, name) for name in FIELDS},
        errors=errors,
        messages=correction_banner(request, errors),
        media_max_mb=max(1, round(request.app.state["app"].settings.media_max_bytes / 2**20)),
    )


@get("/report", name="public:report", sync_to_thread=True)
def report_form(request: Request[Any, Any, Any], db: DbDep) -> Template:
    return _form(request, db, {}, {})


@post(
    "/report",
    name="public:report-submit",
    status_code=201,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def report_submit(request: Request[Any, Any, Any], uow: UowDep) -> Template:
    """The form comes as multipart (it may carry a photo) or, from a browser without the
    file field, urlencoded; both are read the same way."""
    posted = await posted_form(request)
    upload = uploaded(posted, "photo")
    return await anyio.to_thread.run_sync(lambda: _submit(request, uow, posted, upload))


def _submit(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    data: dict[str, Any],
    upload: UploadFile | None,
) -> Template:
    values = {k: v for k, v in data.items() if not isinstance(v, UploadFile)}
    try:
        photo = None
        if upload is not None:
            body = read_upload(upload, uow.app.settings.media_max_bytes)
            photo = Photo(filename=upload.filename or "", data=body)
        case = file_public_report(
            uow,
            category=form_value(values, "category"),
            neighbourhood=form_value(values, "neighbourhood") or None,
            place=form_value(values, "place"),
            description=form_value(values, "description"),
            contact=form_value(values, "contact"),
            photo=photo,
        )
    except InvalidInput as exc:
        return _form(request, uow.session, values, field_errors(exc), status_code=422)
    return render(
        request,
        "public/report_sent.html",
        status_code=201,
        page_title=t(request, "Your report was received"),
        code=case.tracking_code,
    )


HANDLERS = [report_form, report_submit]
