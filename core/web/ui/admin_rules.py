"""`/admin/routing-rules`: the Manager's routing rules (category × region → agency service).

The rules themselves, and what makes one valid, live in `hamyar.core.routing.rules`; this page lists
them, adds one from a form (each refusal beside its field) and deletes one. Auditors read it.
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
from hamyar.core.i18n import localized
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.rules import list_rules, region_of, regions
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import (
    FormData,
    correction_banner,
    form_errors,
    form_value,
    locale_of,
    plugins_of,
    render,
    t,
)
from hamyar.core.web.ui.pickers import service_groups, services_in_order

PATH = "/admin/routing-rules"
FIELDS = ("service", "category", "region", "kind", "note")


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
    services = services_in_order(registry, locale_of(request))
    groups = service_groups(registry, locale_of(request))
    places = regions(db)
    messages = correction_banner(request, errors)
    return render(
        request,
        "admin/routing_rules.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Routing rules"),
        rules=list_rules(db),
        region_of=region_of,
        region_names={r.key: r for r in places},
        regions=places,
        services=services,
        service_groups=groups,
        registry=registry,
        categories=sorted({c for s in services for c in s.categories}),
        category_names={
            code: localized(locale_of(request), fa, en)
            for s in services
            for code, (fa, en) in s.category_titles.items()
        },
        may_edit=access.may_administer(actor),
        values=values or {"kind": "primary"},
        errors=errors or {},
        messages=messages,
    )


@get(PATH, name="ui:admin-routing-rules", sync_to_thread=True)
def rules_page(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    access.require_administration_reader(actor)
    return _page(request, db, plugins_of(request).registry, actor)


@post(PATH, name="ui:admin-routing-rule-add", sync_to_thread=True, status_code=303)
def add_rule_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, data: FormData
) -> Template | Redirect:
    db, registry = uow.session, uow.registry
    values = {name: form_value(data, name) for name in FIELDS}
    errors = form_errors(lambda: admin.add_routing_rule(uow, actor, **values))
    if errors:
        return _page(request, db, registry, actor, values=values, errors=errors, status_code=422)
    return Redirect(PATH, status_code=303)


@post(
    PATH + "/{rule_id:int}/delete",
    name="ui:admin-routing-rule-delete",
    sync_to_thread=True,
    status_code=303,
)
def delete_rule_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, rule_id: FromPath[Id]
) -> Redirect:
    admin.remove_routing_rule(uow, actor, rule_id)
    return Redirect(PATH, status_code=303)
