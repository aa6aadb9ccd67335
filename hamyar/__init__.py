"""Hamyar's public plugin API: everything an agency plugin imports, from one module.

    from hamyar import hookimpl, AgencySpec, ServiceSpec

    @hookimpl
    def register_agencies(register):
        register(AgencySpec(code="myagency", title_fa="سازمان من", title_en="My agency"))

What this module exports is the contract between the engine and plugins — the four shipped
agency plugins are held to it by an import contract in CI, exactly as a third-party plugin is.
Names are added freely and deprecated before they are removed; everything else under
`hamyar.core` and `hamyar.workers` is internal and may change in any release. docs/plugins.md
describes every hook with an example.

The names load on first use (PEP 562), so that importing one part of Hamyar (a worker job, a
migration) does not import the web app and the CLI; type checkers read them from the imports
under TYPE_CHECKING.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamyar.core.application import (
        attachments,
        commands,
        idempotency,
    )
    from hamyar.core.application.context import (
        Application,
    )
    from hamyar.core.application.setup import (
        prepare_database,
    )
    from hamyar.core.application.unit_of_work import (
        UnitOfWork,
    )
    from hamyar.core.auth.access import (
        publicly_readable_cases,
        readable_cases,
    )
    from hamyar.core.auth.actor import (
        Actor,
        intake_actor,
    )
    from hamyar.core.cases.status import (
        FINISHED_PUBLIC_STATES,
        public_state,
    )
    from hamyar.core.cli._context import (
        cli_application,
    )
    from hamyar.core.default_plugins.workflows import (
        CASE_WORKFLOW,
        TASK_WORKFLOW,
    )
    from hamyar.core.demo_data.cases import (
        DemoCase,
    )
    from hamyar.core.demo_data.cases import (
        spread as spread_demo_cases,
    )
    from hamyar.core.demo_data.context import (
        DemoContext,
    )
    from hamyar.core.engine.contexts import (
        CaseSnapshot,
        HandlerContext,
        NeighbourhoodSnapshot,
        PeriodicContext,
        RoutingContext,
    )
    from hamyar.core.engine.events import (
        TransitionEvent,
    )
    from hamyar.core.exceptions import (
        CommentRequired,
        GuardRefused,
        HamyarError,
        InvalidInput,
        NotAuthenticated,
        NotFound,
        StaleVersion,
        TooManyAttempts,
        TransitionNotAvailable,
    )
    from hamyar.core.geo import (
        district_title,
    )
    from hamyar.core.i18n import (
        Phrase,
    )
    from hamyar.core.plugin.declarations import (
        AgencySpec,
        PeriodicJob,
        RoleSpec,
        ServiceSpec,
    )
    from hamyar.core.plugin.forms import (
        AGENCY_TITLES,
        expected_attendees,
        form_config,
        labelled,
    )
    from hamyar.core.plugin.hookspecs import (
        hookimpl,
    )
    from hamyar.core.plugin.manager import (
        Plugins,
        build_plugins,
    )
    from hamyar.core.plugin.registry import (
        Registry,
    )
    from hamyar.core.plugin.sms import (
        SmsMessage,
        SmsSender,
        SmsSendError,
    )
    from hamyar.core.routing.proposals import (
        DIRECT_SCORE,
        JOINT_PROGRAMME,
        JOINT_SCORE,
        RouteProposal,
        direct_request,
        is_joint_partner,
        joint_partner,
    )
    from hamyar.core.storage.models import (
        Case,
        County,
        HistoryEntry,
        Neighbourhood,
        Province,
        Task,
        utcnow,
    )
    from hamyar.core.storage.models.types import (
        JSONType,
        UTCDateTime,
    )
    from hamyar.core.storage.settings import (
        Settings,
        get_settings,
    )
    from hamyar.core.text.collation import (
        sort_key as persian_sort_key,
    )
    from hamyar.core.text.folding import (
        to_persian_digits,
    )
    from hamyar.core.text.folding import (
        tokens as search_tokens,
    )
    from hamyar.core.time.deadlines import (
        working_calendar,
    )
    from hamyar.core.time.form_dates import (
        JalaliDate,
    )
    from hamyar.core.time.jalali import (
        format_date as format_jalali_date,
    )
    from hamyar.core.time.working_days import (
        WorkingCalendar,
        tehran_day,
    )
    from hamyar.core.web.dependencies import (
        ActorDep,
        application_of,
    )
    from hamyar.core.web.ui.plan_page import (
        PeriodicPlan,
        PlanChoice,
        PlanEntry,
        PlanLink,
        PlanPeriod,
        page_locale,
        plan_page,
    )
    from hamyar.core.workflow import (
        Expression,
        Guard,
        State,
        Transition,
        Trigger,
        Variable,
        WorkflowDefinition,
        WorkflowError,
        Worklist,
        roles,
    )
    from hamyar.core.workflow.builders import (
        agency_state,
        automatic_transition,
        not_responsible,
        returned_state,
        user_transition,
        when,
    )

_EXPORTS: dict[str, tuple[str, str]] = {
    "AGENCY_TITLES": ("hamyar.core.plugin.forms", "AGENCY_TITLES"),
    "Actor": ("hamyar.core.auth.actor", "Actor"),
    "ActorDep": ("hamyar.core.web.dependencies", "ActorDep"),
    "AgencySpec": ("hamyar.core.plugin.declarations", "AgencySpec"),
    "Application": ("hamyar.core.application.context", "Application"),
    "CASE_WORKFLOW": ("hamyar.core.default_plugins.workflows", "CASE_WORKFLOW"),
    "Case": ("hamyar.core.storage.models", "Case"),
    "CaseSnapshot": ("hamyar.core.engine.contexts", "CaseSnapshot"),
    "CommentRequired": ("hamyar.core.exceptions", "CommentRequired"),
    "County": ("hamyar.core.storage.models", "County"),
    "DIRECT_SCORE": ("hamyar.core.routing.proposals", "DIRECT_SCORE"),
    "DemoCase": ("hamyar.core.demo_data.cases", "DemoCase"),
    "DemoContext": ("hamyar.core.demo_data.context", "DemoContext"),
    "Expression": ("hamyar.core.workflow", "Expression"),
    "Guard": ("hamyar.core.workflow", "Guard"),
    "GuardRefused": ("hamyar.core.exceptions", "GuardRefused"),
    "HamyarError": ("hamyar.core.exceptions", "HamyarError"),
    "HandlerContext": ("hamyar.core.engine.contexts", "HandlerContext"),
    "HistoryEntry": ("hamyar.core.storage.models", "HistoryEntry"),
    "InvalidInput": ("hamyar.core.exceptions", "InvalidInput"),
    "JOINT_PROGRAMME": ("hamyar.core.routing.proposals", "JOINT_PROGRAMME"),
    "JOINT_SCORE": ("hamyar.core.routing.proposals", "JOINT_SCORE"),
    "JSONType": ("hamyar.core.storage.models.types", "JSONType"),
    "JalaliDate": ("hamyar.core.time.form_dates", "JalaliDate"),
    "Neighbourhood": ("hamyar.core.storage.models", "Neighbourhood"),
    "NeighbourhoodSnapshot": ("hamyar.core.engine.contexts", "NeighbourhoodSnapshot"),
    "NotAuthenticated": ("hamyar.core.exceptions", "NotAuthenticated"),
    "NotFound": ("hamyar.core.exceptions", "NotFound"),
    "PeriodicContext": ("hamyar.core.engine.contexts", "PeriodicContext"),
    "PeriodicJob": ("hamyar.core.plugin.declarations", "PeriodicJob"),
    "PeriodicPlan": ("hamyar.core.web.ui.plan_page", "PeriodicPlan"),
    "PlanChoice": ("hamyar.core.web.ui.plan_page", "PlanChoice"),
    "PlanEntry": ("hamyar.core.web.ui.plan_page", "PlanEntry"),
    "PlanLink": ("hamyar.core.web.ui.plan_page", "PlanLink"),
    "PlanPeriod": ("hamyar.core.web.ui.plan_page", "PlanPeriod"),
    "Phrase": ("hamyar.core.i18n", "Phrase"),
    "Plugins": ("hamyar.core.plugin.manager", "Plugins"),
    "Province": ("hamyar.core.storage.models", "Province"),
    "Registry": ("hamyar.core.plugin.registry", "Registry"),
    "RouteProposal": ("hamyar.core.routing.proposals", "RouteProposal"),
    "RoutingContext": ("hamyar.core.engine.contexts", "RoutingContext"),
    "RoleSpec": ("hamyar.core.plugin.declarations", "RoleSpec"),
    "ServiceSpec": ("hamyar.core.plugin.declarations", "ServiceSpec"),
    "Settings": ("hamyar.core.storage.settings", "Settings"),
    "SmsMessage": ("hamyar.core.plugin.sms", "SmsMessage"),
    "SmsSendError": ("hamyar.core.plugin.sms", "SmsSendError"),
    "SmsSender": ("hamyar.core.plugin.sms", "SmsSender"),
    "StaleVersion": ("hamyar.core.exceptions", "StaleVersion"),
    "State": ("hamyar.core.workflow", "State"),
    "TASK_WORKFLOW": ("hamyar.core.default_plugins.workflows", "TASK_WORKFLOW"),
    "Task": ("hamyar.core.storage.models", "Task"),
    "TooManyAttempts": ("hamyar.core.exceptions", "TooManyAttempts"),
    "Transition": ("hamyar.core.workflow", "Transition"),
    "TransitionEvent": ("hamyar.core.engine.events", "TransitionEvent"),
    "TransitionNotAvailable": ("hamyar.core.exceptions", "TransitionNotAvailable"),
    "Trigger": ("hamyar.core.workflow", "Trigger"),
    "UTCDateTime": ("hamyar.core.storage.models.types", "UTCDateTime"),
    "UnitOfWork": ("hamyar.core.application.unit_of_work", "UnitOfWork"),
    "Variable": ("hamyar.core.workflow", "Variable"),
    "WorkflowDefinition": ("hamyar.core.workflow", "WorkflowDefinition"),
    "WorkflowError": ("hamyar.core.workflow", "WorkflowError"),
    "WorkingCalendar": ("hamyar.core.time.working_days", "WorkingCalendar"),
    "Worklist": ("hamyar.core.workflow", "Worklist"),
    "agency_state": ("hamyar.core.workflow.builders", "agency_state"),
    "application_of": ("hamyar.core.web.dependencies", "application_of"),
    "automatic_transition": ("hamyar.core.workflow.builders", "automatic_transition"),
    "build_plugins": ("hamyar.core.plugin.manager", "build_plugins"),
    "cli_application": ("hamyar.core.cli._context", "cli_application"),
    "attachments": ("hamyar.core.application", "attachments"),
    "commands": ("hamyar.core.application", "commands"),
    "direct_request": ("hamyar.core.routing.proposals", "direct_request"),
    "district_title": ("hamyar.core.geo", "district_title"),
    "expected_attendees": ("hamyar.core.plugin.forms", "expected_attendees"),
    "form_config": ("hamyar.core.plugin.forms", "form_config"),
    "format_jalali_date": ("hamyar.core.time.jalali", "format_date"),
    "get_settings": ("hamyar.core.storage.settings", "get_settings"),
    "hookimpl": ("hamyar.core.plugin.hookspecs", "hookimpl"),
    "idempotency": ("hamyar.core.application", "idempotency"),
    "intake_actor": ("hamyar.core.auth.actor", "intake_actor"),
    "is_joint_partner": ("hamyar.core.routing.proposals", "is_joint_partner"),
    "joint_partner": ("hamyar.core.routing.proposals", "joint_partner"),
    "labelled": ("hamyar.core.plugin.forms", "labelled"),
    "not_responsible": ("hamyar.core.workflow.builders", "not_responsible"),
    "page_locale": ("hamyar.core.web.ui.plan_page", "page_locale"),
    "plan_page": ("hamyar.core.web.ui.plan_page", "plan_page"),
    "persian_sort_key": ("hamyar.core.text.collation", "sort_key"),
    "prepare_database": ("hamyar.core.application.setup", "prepare_database"),
    "readable_cases": ("hamyar.core.auth.access", "readable_cases"),
    "publicly_readable_cases": ("hamyar.core.auth.access", "publicly_readable_cases"),
    "public_state": ("hamyar.core.cases.status", "public_state"),
    "FINISHED_PUBLIC_STATES": ("hamyar.core.cases.status", "FINISHED_PUBLIC_STATES"),
    "returned_state": ("hamyar.core.workflow.builders", "returned_state"),
    "roles": ("hamyar.core.workflow", "roles"),
    "search_tokens": ("hamyar.core.text.folding", "tokens"),
    "spread_demo_cases": ("hamyar.core.demo_data.cases", "spread"),
    "tehran_day": ("hamyar.core.time.working_days", "tehran_day"),
    "to_persian_digits": ("hamyar.core.text.folding", "to_persian_digits"),
    "user_transition": ("hamyar.core.workflow.builders", "user_transition"),
    "utcnow": ("hamyar.core.storage.models", "utcnow"),
    "when": ("hamyar.core.workflow.builders", "when"),
    "working_calendar": ("hamyar.core.time.deadlines", "working_calendar"),
}
"""Public name → (module, name there)."""

__all__ = [
    "AGENCY_TITLES",
    "CASE_WORKFLOW",
    "DIRECT_SCORE",
    "FINISHED_PUBLIC_STATES",
    "JOINT_PROGRAMME",
    "JOINT_SCORE",
    "TASK_WORKFLOW",
    "Actor",
    "ActorDep",
    "AgencySpec",
    "Application",
    "Case",
    "CaseSnapshot",
    "CommentRequired",
    "County",
    "DemoCase",
    "DemoContext",
    "Expression",
    "Guard",
    "GuardRefused",
    "HamyarError",
    "HandlerContext",
    "HistoryEntry",
    "InvalidInput",
    "JSONType",
    "JalaliDate",
    "Neighbourhood",
    "NeighbourhoodSnapshot",
    "NotAuthenticated",
    "NotFound",
    "PeriodicContext",
    "PeriodicJob",
    "PeriodicPlan",
    "Phrase",
    "PlanChoice",
    "PlanEntry",
    "PlanLink",
    "PlanPeriod",
    "Plugins",
    "Province",
    "Registry",
    "RoleSpec",
    "RouteProposal",
    "RoutingContext",
    "ServiceSpec",
    "Settings",
    "SmsMessage",
    "SmsSendError",
    "SmsSender",
    "StaleVersion",
    "State",
    "Task",
    "TooManyAttempts",
    "Transition",
    "TransitionEvent",
    "TransitionNotAvailable",
    "Trigger",
    "UTCDateTime",
    "UnitOfWork",
    "Variable",
    "WorkflowDefinition",
    "WorkflowError",
    "WorkingCalendar",
    "Worklist",
    "agency_state",
    "application_of",
    "attachments",
    "automatic_transition",
    "build_plugins",
    "cli_application",
    "commands",
    "direct_request",
    "district_title",
    "expected_attendees",
    "form_config",
    "format_jalali_date",
    "get_settings",
    "hookimpl",
    "idempotency",
    "intake_actor",
    "is_joint_partner",
    "joint_partner",
    "labelled",
    "not_responsible",
    "page_locale",
    "persian_sort_key",
    "plan_page",
    "prepare_database",
    "public_state",
    "publicly_readable_cases",
    "readable_cases",
    "returned_state",
    "roles",
    "search_tokens",
    "spread_demo_cases",
    "tehran_day",
    "to_persian_digits",
    "user_transition",
    "utcnow",
    "when",
    "working_calendar",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'hamyar' has no attribute {name!r}") from None
    found = import_module(module)
    value = getattr(found, attribute, None)
    if value is None:  # a module of a package: `commands`, `roles`
        value = import_module(f"{module}.{attribute}")
    globals()[name] = value  # found once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
