"""What plugins register: agencies, services, handlers and periodic jobs, as frozen data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from hamyar.core.engine.contexts import HandlerContext, PeriodicContext


@dataclass(frozen=True)
class AgencySpec:
    code: str
    title_fa: str
    title_en: str
    thursday_closed: bool = False
    """Whether the agency's offices close on Thursdays (a per-agency, per-decree setting)."""
    description_fa: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class RoleSpec:
    """A role a plugin adds (`register(RoleSpec("Nurse", "پرستار", "Nurse", agency=True))`).

    Usable in permission maps, guards and role assignments like the core's roles.
    """

    name: str
    title_fa: str
    title_en: str
    agency: bool = True
    """Held within one agency (as Caseworker is) rather than globally (as Coordinator is)."""


@dataclass(frozen=True)
class ServiceSpec:
    """A service an agency offers; cases are opened against a service."""

    code: str
    """Globally unique, by convention `<agency>.<name>` (e.g. `welfare.household_empowerment`)."""
    agency: str
    title_fa: str
    title_en: str
    workflow: str
    """The workflow the agency's task follows."""
    form: type[BaseModel] | None = None
    sla_days: int | None = None
    """Working days from the task's opening to its due date."""
    sla_hours: int | None = None
    """Round-the-clock hours instead of working days (crisis services)."""
    confidential: bool = False
    public: bool = True
    """Offered to citizens (Open311, the public intake form)."""
    categories: tuple[str, ...] = ()
    category_titles: Mapping[str, tuple[str, str]] = field(
        default_factory=dict, hash=False, compare=False
    )
    """Category code → (Persian title, English title): how pages name a category (routing
    rules, the case page). A category without one is shown by its code."""
    description_fa: str = ""
    description_en: str = ""
    priority: int = 0
    keywords: tuple[str, ...] = ()
    route_to_own_agency: bool = True
    """A case opened against this service that no plugin or rule proposes a route for goes to
    this service's own agency (as `direct_request` would say). False: such a case waits in the
    coordinators' triage instead, for a service whose right office depends on the case (the
    municipality's district, known only from the neighbourhood)."""

    def form_schema(self) -> dict[str, Any]:
        """The JSON Schema of the service's form (an empty object schema when it has none)."""
        if self.form is None:
            return {"type": "object", "properties": {}}
        return self.form.model_json_schema()


@dataclass(frozen=True)
class HandlerSpec:
    name: str
    function: Callable[[HandlerContext], None]
    plugin: str = ""


@dataclass(frozen=True)
class PeriodicJob:
    """A job a scheduler runs once per period, however many schedulers are alive."""

    name: str
    function: Callable[[PeriodicContext], None]
    cron: str
    """Cron expression in Asia/Tehran time, e.g. `0 6 * * 6` for Saturday 06:00."""
    queue: str = "bulk"
    description: str = ""
    """What the job does, in English (the queue page shows it to English readers)."""
    description_fa: str = ""
    """The same in Persian, for the Persian queue page (it falls back to `description`)."""
    plugin: str = field(default="", compare=False)
