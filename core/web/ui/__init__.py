"""The caseworkers' web UI: server-rendered Jinja pages, htmx for partial updates, Persian
right-to-left by default with an English switch.

`create_app()` mounts `ui_router()` and asks `error_page()` for the HTML answer to a failed
browser request. Controllers are thin, one module per page: a form runs a command of
`hamyar.core.application`, and what a page shows comes from the read side (`auth.access`,
`cases.listing`, `cases.worklists`, `cases.reports`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router

from hamyar.core.exceptions import NotAuthenticated


def ui_router() -> Router:
    """Every UI page, with anonymous visitors sent to the login page instead of a 401."""
    from hamyar.core.web.ui import (
        admin,
        admin_calendar,
        admin_groups,
        admin_rules,
        admin_users,
        admin_workflows,
        attachments,
        case_page,
        case_routing,
        casework,
        live,
        locale,
        login,
        new_case,
        opt_out,
        ownership,
        phone_intake,
        public_report,
        public_status,
        queue,
        reports,
        search,
        worklists,
    )
    from hamyar.core.web.ui.page import login_redirect

    handlers = [
        login.login_page,
        login.login_submit,
        login.logout,
        locale.switch_locale,
        live.events,
        worklists.home,
        worklists.counts,
        worklists.worklist_page,
        new_case.new_case_form,
        new_case.new_case_submit,
        *phone_intake.HANDLERS,
        *public_status.HANDLERS,
        *public_report.HANDLERS,
        case_page.case_page,
        case_page.take,
        *case_routing.ROUTING_HANDLERS,
        casework.add_note,
        casework.edit_case,
        casework.reopen_case,
        casework.mark_duplicate,
        casework.original_picker,
        casework.retry_incident,
        *attachments.HANDLERS,
        *ownership.HANDLERS,
        opt_out.opt_out_page,
        opt_out.opt_out_submit,
        search.search_page,
        reports.reports_page,
        reports.reports_print,
        queue.queue_page,
        queue.retry_incident,
        admin.plugins_page,
        admin.workflow_page,
        admin_workflows.bind_submit,
        admin_rules.rules_page,
        admin_rules.add_rule_submit,
        admin_rules.delete_rule_submit,
        admin_calendar.calendar_page,
        admin_calendar.add_override_submit,
        admin_calendar.delete_override_submit,
        admin_users.users_page,
        admin_users.add_user_submit,
        admin_users.add_role_submit,
        admin_users.remove_role_submit,
        admin_users.deactivate_submit,
        admin_groups.add_group_submit,
        admin_groups.add_member_submit,
        admin_groups.remove_member_submit,
    ]
    return Router(
        path="/",
        route_handlers=handlers,
        include_in_schema=False,
        exception_handlers={NotAuthenticated: login_redirect},
    )


def error_page(
    request: Request[Any, Any, Any], status_code: int, detail: str, errors: list[dict[str, str]]
) -> Response[Any] | None:
    """The HTML page for a failed browser request (see `hamyar.core.web.errors`)."""
    from hamyar.core.web.ui.page import login_redirect, render

    if status_code == 401:
        return login_redirect(request, NotAuthenticated(detail))
    from hamyar.core.web.error_text import error_text
    from hamyar.core.web.ui.page import locale_of

    actor = request.scope.get("state", {}).get("hamyar_actor")
    locale = locale_of(request)
    return render(
        request,
        "error.html",
        actor=actor,
        status_code=status_code,
        code=status_code,
        detail=error_text(locale, status_code, detail),
        errors=[
            {
                "field": e.get("field", ""),
                "message": error_text(locale, status_code, e.get("message", "")),
            }
            for e in errors
        ],
        page_title=str(status_code),
    )


__all__ = ["error_page", "ui_router"]
