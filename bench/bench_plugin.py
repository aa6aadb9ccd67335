"""The benchmark's agency: one service, one routing proposal, no handler.

Installed through a real `hamyar` entry point (a dist-info folder the benchmark writes), so
the worker processes load it exactly as they load an agency plugin.
"""

from __future__ import annotations

from typing import Any

from hamyar import (
    AgencySpec,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    hookimpl,
)

SERVICE = "bench.report"


@hookimpl
def register_agencies(register: Any) -> None:
    register(AgencySpec(code="bench", title_fa="سنجش", title_en="Benchmark"))


@hookimpl
def register_services(register: Any) -> None:
    register(
        ServiceSpec(
            code=SERVICE,
            agency="bench",
            title_fa="گزارش",
            title_en="Report",
            workflow="hamyar.task",
            sla_days=3,
            categories=("bench",),
        )
    )


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    if context.case.service_code != SERVICE:
        return []
    return [RouteProposal(service=SERVICE, reason="سنجش", score=1.0)]
