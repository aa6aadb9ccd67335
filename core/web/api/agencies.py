"""`/api/agencies` and `/api/services`: what the installed plugins offer."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from hamyar.core.exceptions import NotFound
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.web.dependencies import ActorDep, PluginsDep
from hamyar.core.web.limits import Line


def service_view(spec: ServiceSpec, *, schema: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": spec.code,
        "agency": spec.agency,
        "title_fa": spec.title_fa,
        "title_en": spec.title_en,
        "workflow": spec.workflow,
        "sla_days": spec.sla_days,
        "sla_hours": spec.sla_hours,
        "confidential": spec.confidential,
        "public": spec.public,
        "categories": list(spec.categories),
        "priority": spec.priority,
    }
    if schema:
        body["form_schema"] = spec.form_schema()
    return body


class AgencyController(Controller):
    path = "/"
    tags = ["agencies"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/agencies", sync_to_thread=False)
    def agencies(self, plugins: PluginsDep, actor: ActorDep) -> list[dict[str, Any]]:
        """Every registered agency, with its number of services."""
        registry = plugins.registry
        return [
            {
                "code": a.code,
                "title_fa": a.title_fa,
                "title_en": a.title_en,
                "thursday_closed": a.thursday_closed,
                "plugin": registry.owner("agency", a.code),
                "services": len(registry.services_of(a.code)),
            }
            for a in registry.agencies.values()
        ]

    @get("/services", sync_to_thread=False)
    def services(
        self, plugins: PluginsDep, actor: ActorDep, agency: FromQuery[Line | None] = None
    ) -> list[dict[str, Any]]:
        """Services, optionally of one agency; `form_schema` is on each service's own page."""
        return [
            service_view(s, schema=False)
            for s in plugins.registry.services.values()
            if agency is None or s.agency == agency
        ]

    @get("/services/{code:str}", sync_to_thread=False)
    def service(self, code: FromPath[Line], plugins: PluginsDep, actor: ActorDep) -> dict[str, Any]:
        """One service, with its form as JSON Schema and its SLA."""
        spec = plugins.registry.services.get(code)
        if spec is None:
            raise NotFound(f"no service {code!r}; GET /api/services lists them")
        return service_view(spec, schema=True)
