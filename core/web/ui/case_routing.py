"""The case page's routing forms: assign (from triage, or to add agencies), reassign a task,
and refer a task's case to another agency — each offered only to someone who can complete it.

What each form offers is worked out here (`routing_view`), from the same rules the commands
apply; the posts run the commands of `hamyar.core.application` and come back to the case page,
with a banner saying what was wrong when a command refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import assignment, referrals
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.referrals import REFERABLE_CASE_STATES, ConsentRequired
from hamyar.core.engine.transition import available_transitions
from hamyar.core.exceptions import (
    GuardRefused,
    HamyarError,
    InvalidInput,
    NotFound,
    StaleVersion,
    TransitionNotAvailable,
)
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.manager import Plugins
from hamyar.core.routing.assignment import (
    ASSIGNABLE_STATES,
    CLOSING_STEPS,
    ServiceChoice,
    service_choices,
    triage_reason,
)
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Case, Task
from hamyar.core.storage.models.referral import CONSENT_METHODS
from hamyar.core.text.input_limits import parse_id
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.ui.page import FormData, Message, form_value, plugins_of, t
from hamyar.core.web.ui.pickers import services_in_order
from hamyar.core.workflow import roles as R

ENGINE_ACTIONS = {
    "open_primary": "Task opened",
    "open_joint": "Joint task opened",
    "open_referral": "Referral offered",
    "reassign": "Moved to another service",
    "consent_given": "Consent recorded",
    "consent_refused": "Refusal of consent recorded",
    "consent_override": "Referred without consent (supervisor)",
    "migrate_workflow": "Moved to another workflow version",
    "attach": "Attachment added",
    "publish_attachment": "Attachment made public",
    "unpublish_attachment": "Attachment no longer public",
    "media_fetch_failed": "Photo not fetched",
}
"""History entries the engine writes outside a transition, by the message id that names them."""


METHOD_LABELS = {"in_person": "In person", "phone": "By phone", "in_writing": "In writing"}
"""The consent methods' labels (English ids of the catalogue; the codes are not English)."""


@dataclass
class TaskForms:
    """Which routing forms a task offers this actor."""

    reassign: bool = False
    refer: bool = False


@dataclass
class RoutingView:
    assign: list[ServiceChoice] = field(default_factory=list)
    """The picker, when the actor may assign the case now (empty: no form)."""
    from_triage: bool = False
    triage_reason: str = ""
    reassign_to: list[ServiceSpec] = field(default_factory=list)
    refer_to: dict[int, list[ServiceSpec]] = field(default_factory=dict)
    """task id → the services of other agencies it may be referred to."""
    tasks: dict[int, TaskForms] = field(default_factory=dict)
    consent_needed: bool = False
    supervisor_of: frozenset[str] = frozenset()
    methods: tuple[tuple[str, str], ...] = tuple((m, METHOD_LABELS[m]) for m in CONSENT_METHODS)
    """(code, catalogue id of its label): how the family answered."""
    agencies: dict[str, Any] = field(default_factory=dict)
    """agency code → its spec, for the picker's labels."""


def routing_view(
    db: Session, plugins: Plugins, actor: Actor, case: Case, tasks: list[Task], locale: str = "fa"
) -> RoutingView:
    """The routing forms of the case page; nothing for someone who may not write."""
    registry = plugins.registry
    view = RoutingView(
        consent_needed=case.confidential or any(t.confidential for t in tasks),
        agencies=dict(registry.agencies),
    )
    if not access.may_write(actor):
        return view
    view.supervisor_of = frozenset(
        a for a, roles in actor.agency_roles.items() if R.SUPERVISOR in roles
    )
    if actor.is_coordinator and case.state in ASSIGNABLE_STATES:
        view.assign = service_choices(db, registry, case, plugins.pm)
        view.from_triage = case.state == "triage"
        view.triage_reason = triage_reason(db, case) if view.from_triage else ""
    services = services_in_order(registry, locale)
    for task in tasks:
        assert task.id is not None
        definition = workflow_versions.definition_or_none(db, registry, task)
        if definition is None or task.state in definition.terminal_states:
            continue
        forms = TaskForms()
        if actor.is_coordinator and task.kind != "referral":
            forms.reassign = any(
                tr.id in CLOSING_STEPS for tr in available_transitions(db, task, actor, registry)
            )
        roles = actor.agency_roles.get(task.agency_code, frozenset())
        if (
            {R.CASEWORKER, R.SUPERVISOR} & roles
            and case.state in REFERABLE_CASE_STATES
            and (task.kind != "referral" or task.state == "accepted")
        ):
            forms.refer = True
            view.refer_to[task.id] = [s for s in services if s.agency != task.agency_code]
        view.tasks[task.id] = forms
    if any(f.reassign for f in view.tasks.values()):
        view.reassign_to = services
    return view


def _back(
    request: Request[Any, Any, Any], uow: UowDep, actor: Actor, case_id: int, exc: HamyarError
) -> Template:
    """The case page again, with what the command refused (nothing was written)."""
    from hamyar.core.web.ui.case_page import _page

    text = str(exc)
    if isinstance(exc, InvalidInput) and exc.errors:
        text = "; ".join(t(request, e.get("message", "")) for e in exc.errors)
    elif isinstance(exc, ConsentRequired):
        text = t(
            request,
            "This case is confidential: record the family's consent, "
            "or a supervisor overrides with a reason.",
        )
    elif isinstance(exc, StaleVersion):
        text = t(
            request,
            "Someone else changed this case first. The page now shows "
            "the latest version: check it, then try again.",
        )
    elif isinstance(exc, GuardRefused):
        text = t(request, "You may not take this step on this case.")
    elif isinstance(exc, TransitionNotAvailable):
        text = t(request, "This step is no longer available: the case has moved on.")
    uow.session.rollback()
    return _page(
        request,
        uow.session,
        plugins_of(request),
        actor,
        case_id,
        status_code=exc.status_code,
        messages=[Message(f"{t(request, 'This step was not taken')}: {text}", "error")],
    )


def _values(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value]) if str(v).strip()]


@post("/cases/{case_id:int}/assign", name="ui:case-assign", sync_to_thread=True, status_code=303)
def assign_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    access.require_writer(actor)
    try:
        assignment.assign(
            uow,
            actor,
            case_id,
            services=_values(data, "services"),
            reason=form_value(data, "reason"),
            version=parse_id(form_value(data, "version")),
        )
    except NotFound:
        raise
    except HamyarError as exc:
        return _back(request, uow, actor, case_id, exc)
    return Redirect(f"/cases/{case_id}", status_code=303)


@post(
    "/cases/{case_id:int}/tasks/{task_id:int}/reassign",
    name="ui:task-reassign",
    sync_to_thread=True,
    status_code=303,
)
def reassign_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    access.require_writer(actor)
    _task_of(uow, actor, case_id, task_id)
    try:
        assignment.reassign(
            uow,
            actor,
            task_id,
            service=form_value(data, "service"),
            reason=form_value(data, "reason"),
            version=parse_id(form_value(data, "version")),
        )
    except NotFound:
        raise
    except HamyarError as exc:
        return _back(request, uow, actor, case_id, exc)
    return Redirect(f"/cases/{case_id}", status_code=303)


@post(
    "/cases/{case_id:int}/tasks/{task_id:int}/referrals",
    name="ui:task-refer",
    sync_to_thread=True,
    status_code=303,
)
def refer_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    task_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    access.require_writer(actor)
    _task_of(uow, actor, case_id, task_id)
    answer = form_value(data, "consent")
    try:
        consent = (
            referrals.parse_consent(
                {
                    "given": answer == "given",
                    "by": form_value(data, "consent_by"),
                    "method": form_value(data, "consent_method"),
                    "at": form_value(data, "consent_at"),
                }
            )
            if answer in ("given", "refused")
            else None
        )
        referrals.refer(
            uow,
            actor,
            task_id,
            service=form_value(data, "service"),
            reason=form_value(data, "reason"),
            consent=consent,
            override_reason=form_value(data, "override_reason"),
            version=parse_id(form_value(data, "version")),
        )
    except NotFound:
        raise
    except HamyarError as exc:
        return _back(request, uow, actor, case_id, exc)
    return Redirect(f"/cases/{case_id}", status_code=303)


def _task_of(uow: UowDep, actor: Actor, case_id: int, task_id: int) -> None:
    _task, case, _allowed = access.get_task(uow.session, actor, task_id)
    if case.id != case_id:
        raise NotFound(f"case {case_id} has no task {task_id}")


ROUTING_HANDLERS = [assign_submit, reassign_submit, refer_submit]
