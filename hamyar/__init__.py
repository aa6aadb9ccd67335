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
"""

from hamyar.core.application import commands
from hamyar.core.application.context import Application
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth.actor import Actor, intake_actor
from hamyar.core.cli._context import cli_application
from hamyar.core.default_plugins.workflows import CASE_WORKFLOW, TASK_WORKFLOW
from hamyar.core.demo_data.cases import DemoCase
from hamyar.core.demo_data.cases import spread as spread_demo_cases
from hamyar.core.demo_data.context import DemoContext
from hamyar.core.engine.contexts import (
    CaseSnapshot,
    HandlerContext,
    NeighbourhoodSnapshot,
    PeriodicContext,
    RoutingContext,
)
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.exceptions import GuardRefused, HamyarError, InvalidInput, NotFound
from hamyar.core.geo import district_title
from hamyar.core.plugin.declarations import AgencySpec, PeriodicJob, ServiceSpec
from hamyar.core.plugin.forms import expected_attendees, form_config, labelled
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import Plugins, build_plugins
from hamyar.core.plugin.registry import Registry
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
from hamyar.core.storage.models.types import JSONType, UTCDateTime
from hamyar.core.storage.settings import Settings, get_settings
from hamyar.core.text.folding import to_persian_digits
from hamyar.core.text.folding import tokens as search_tokens
from hamyar.core.time.jalali import format_date as format_jalali_date
from hamyar.core.time.working_days import WorkingCalendar, tehran_day
from hamyar.core.web.dependencies import application_of
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

__all__ = [
    "CASE_WORKFLOW",
    "DIRECT_SCORE",
    "JOINT_PROGRAMME",
    "JOINT_SCORE",
    "TASK_WORKFLOW",
    "Actor",
    "AgencySpec",
    "Application",
    "Case",
    "CaseSnapshot",
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
    "Neighbourhood",
    "NeighbourhoodSnapshot",
    "NotFound",
    "PeriodicContext",
    "PeriodicJob",
    "Plugins",
    "Province",
    "Registry",
    "RouteProposal",
    "RoutingContext",
    "ServiceSpec",
    "Settings",
    "State",
    "Task",
    "Transition",
    "TransitionEvent",
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
    "intake_actor",
    "is_joint_partner",
    "joint_partner",
    "labelled",
    "not_responsible",
    "returned_state",
    "roles",
    "search_tokens",
    "spread_demo_cases",
    "tehran_day",
    "to_persian_digits",
    "user_transition",
    "utcnow",
    "when",
]
