"""`/admin/groups` and a user's group memberships, on the managers' users page.

A group gives its members its roles and lets them pass the guards that name it; the rules
(unique names, which roles a group of an agency may hold) are in `hamyar.core.auth.groups`,
shared with `hamyar group add` and `hamyar user add … --group`. Every form posts back to
`/admin/users`, where the groups are listed beside the people.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from hamyar.core.application import administration as admin
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui import admin_users
from hamyar.core.web.ui.page import FormData, form_errors, form_value

GROUP_FIELDS = ("group_name", "group_agency", "group_role")


@post("/admin/groups", name="ui:admin-group-add", sync_to_thread=True, status_code=303)
def add_group_submit(
    request: Request[Any, Any, Any], uow: UowDep, actor: ActorDep, data: FormData
) -> Template | Redirect:
    values = {name: form_value(data, name) for name in GROUP_FIELDS}
    errors = form_errors(
        lambda: admin.add_group(
            uow,
            actor,
            values["group_name"],
            agency=values["group_agency"] or None,
            roles=[values["group_role"]] if values["group_role"] else [],
        )
    )
    if errors:
        renamed = {f"group_{k}": v for k, v in errors.items()}
        return admin_users.render_page(
            request, uow, actor, group_values=values, group_errors=renamed, status_code=422
        )
    return Redirect(admin_users.PATH, status_code=303)


@post(
    admin_users.PATH + "/{user_id:int}/groups",
    name="ui:admin-user-group-add",
    sync_to_thread=True,
    status_code=303,
)
def add_member_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    user_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    errors = form_errors(lambda: admin.add_to_group(uow, actor, user_id, form_value(data, "group")))
    if errors:
        return admin_users.render_page(
            request, uow, actor, member_errors={user_id: errors}, status_code=422
        )
    return Redirect(admin_users.PATH, status_code=303)


@post(
    admin_users.PATH + "/{user_id:int}/groups/remove",
    name="ui:admin-user-group-remove",
    sync_to_thread=True,
    status_code=303,
)
def remove_member_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    user_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    errors = form_errors(
        lambda: admin.remove_from_group(uow, actor, user_id, form_value(data, "group"))
    )
    if errors:
        return admin_users.render_page(
            request, uow, actor, member_errors={user_id: errors}, status_code=422
        )
    return Redirect(admin_users.PATH, status_code=303)
