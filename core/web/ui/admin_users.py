"""`/admin/users`: people who sign in, their roles, adding them and switching them off.

Every rule (unique usernames, which roles need an agency, hashing the password) is in
`hamyar.core.auth.users`, shared with `hamyar user add`; this page turns its refusals into messages
beside
the fields. Users are deactivated, never deleted. Auditors read the page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import administration as admin
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.auth.groups import list_groups
from hamyar.core.auth.users import (
    list_users,
)
from hamyar.core.plugin.registry import Registry
from hamyar.core.web.dependencies import ActorDep, DbDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import (
    FormData,
    Message,
    correction_banner,
    form_errors,
    form_value,
    locale_of,
    plugins_of,
    render,
    t,
)

PATH = "/admin/users"
FIELDS = ("username", "full_name", "role", "agency")


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    registry: Registry,
    actor: Actor,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    role_errors: dict[int, dict[str, str]] | None = None,
    member_errors: dict[int, dict[str, str]] | None = None,
    group_values: dict[str, str] | None = None,
    group_errors: dict[str, str] | None = None,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    if not messages:
        refused = errors or role_errors or member_errors or group_errors
        messages = correction_banner(request, refused)
    groups = list_groups(db)
    locale = locale_of(request)
    return render(
        request,
        "admin/users.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Users"),
        users=list_users(db),
        roles=registry.assignable_roles(),
        agency_roles=registry.agency_roles(),
        role_titles={r: registry.role_title(r, locale) for r in registry.known_roles()},
        groups=groups,
        groups_of={
            member: [g.group.name for g in groups if member in g.members]
            for g in groups
            for member in g.members
        },
        member_errors=member_errors or {},
        group_values=group_values or {},
        group_errors=group_errors or {},
        agencies=list(registry.agencies.values()),
        agency_specs=registry.agencies,
        may_edit=access.may_administer(actor),
        values=values or {},
        errors=errors or {},
        role_errors=role_errors or {},
        messages=messages or [],
    )


def render_page(
    request: Request[Any, Any, Any], uow: UnitOfWork, actor: Actor, **fields: Any
) -> Template:
    """The page again, with a refused form's values and errors (`admin_groups` uses it)."""
    return _page(request, uow.session, uow.registry, actor, **fields)


@get(PATH, name="ui:admin-users", sync_to_thread=True)
def users_page(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    access.require_administration_reader(actor)
    return _page(request, db, plugins_of(request).registry, actor)


@post(PATH, name="ui:admin-user-add", sync_to_thread=True, status_code=303)
def add_user_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, data: FormData
) -> Template | Redirect:
    db, registry = uow.session, uow.registry
    values = {name: form_value(data, name) for name in FIELDS}
    errors = form_errors(
        lambda: admin.add_user(
            uow,
            actor,
            values["username"],
            form_value(data, "password"),
            roles=[values["role"]] if values["role"] else [],
            agency=values["agency"] or None,
            full_name=values["full_name"],
        ),
    )
    if errors:
        return _page(request, db, registry, actor, values=values, errors=errors, status_code=422)
    return Redirect(PATH, status_code=303)


@post(
    PATH + "/{user_id:int}/roles",
    name="ui:admin-user-role-add",
    sync_to_thread=True,
    status_code=303,
)
def add_role_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    user_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    db, registry = uow.session, uow.registry
    errors = form_errors(
        lambda: admin.assign_role(
            uow, actor, user_id, form_value(data, "role"), form_value(data, "agency") or None
        )
    )
    if errors:
        return _page(request, db, registry, actor, role_errors={user_id: errors}, status_code=422)
    return Redirect(PATH, status_code=303)


@post(
    PATH + "/{user_id:int}/roles/{assignment_id:int}/delete",
    name="ui:admin-user-role-remove",
    sync_to_thread=True,
    status_code=303,
)
def remove_role_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    user_id: FromPath[Id],
    assignment_id: FromPath[Id],
) -> Template | Redirect:
    db = uow.session
    errors = form_errors(lambda: admin.remove_role(uow, actor, user_id, assignment_id))
    if errors:
        return _refused(request, db, actor, errors)
    return Redirect(PATH, status_code=303)


@post(
    PATH + "/{user_id:int}/deactivate",
    name="ui:admin-user-deactivate",
    sync_to_thread=True,
    status_code=303,
)
def deactivate_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, user_id: FromPath[Id]
) -> Template | Redirect:
    db = uow.session
    errors = form_errors(lambda: admin.deactivate_user(uow, actor, user_id))
    if errors:
        return _refused(request, db, actor, errors)
    return Redirect(PATH, status_code=303)


def _refused(
    request: Request[Any, Any, Any], db: Session, actor: Actor, errors: dict[str, str]
) -> Template:
    message = next(iter(errors.values()))
    return _page(
        request,
        db,
        plugins_of(request).registry,
        actor,
        messages=[Message(t(request, message), "error")],
        status_code=422,
    )
