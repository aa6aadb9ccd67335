"""The public report form `/report`: a citizen files a report without signing in.

The form posts to `public_report.file_public_report` (validated, committed and announced like
every command); a refusal comes back as the form with each field's message from the catalogue,
never a 500. Success shows the tracking code and the link to its status page. Submissions are
limited per client address (`hamyar.core.web.rate_limits`). The template leaves
`{% block photo_field %}` for the photo upload.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template
from sqlmodel import Session

from hamyar.core.application.public_report import FIELDS, file_public_report, reportable_offerings
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import gettext, localized
from hamyar.core.plugin.registry import Registry
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.dependencies import DbDep, UowDep
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
    )


@get("/report", name="public:report", sync_to_thread=True)
def report_form(request: Request[Any, Any, Any], db: DbDep) -> Template:
    return _form(request, db, {}, {})


@post("/report", name="public:report-submit", sync_to_thread=True, status_code=201)
def report_submit(request: Request[Any, Any, Any], uow: UowDep, data: FormData) -> Template:
    try:
        case = file_public_report(
            uow,
            category=form_value(data, "category"),
            neighbourhood=form_value(data, "neighbourhood") or None,
            place=form_value(data, "place"),
            description=form_value(data, "description"),
            contact=form_value(data, "contact"),
        )
    except InvalidInput as exc:
        return _form(request, uow.session, data, field_errors(exc), status_code=422)
    return render(
        request,
        "public/report_sent.html",
        status_code=201,
        page_title=t(request, "Your report was received"),
        code=case.tracking_code,
    )


HANDLERS = [report_form, report_submit]
