"""The benchmark's agency: a service routed with no handler, and one whose handler takes time.

Installed through a real `hamyar` entry point (a dist-info folder the benchmark writes), so
the worker processes load it exactly as they load an agency plugin.

- `bench.report` (throughput.py): one routing proposal, no handler.
- `bench.slow` (recovery.py): its task's automatic step runs a handler that waits for as long
  as the file HAMYAR_BENCH_HOLD_FILE names exists (not at all without it), then finishes the
  task.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hamyar import (
    AgencySpec,
    Guard,
    HandlerContext,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    State,
    Transition,
    Trigger,
    WorkflowDefinition,
    hookimpl,
)
from hamyar import roles as R

SERVICE = "bench.report"
SLOW = "bench.slow"


@hookimpl
def register_agencies(register: Any) -> None:
    register(AgencySpec(code="bench", title_fa="سنجش", title_en="Benchmark"))


@hookimpl
def register_workflows(register: Any) -> None:
    register(
        WorkflowDefinition.build(
            SLOW,
            initial_state="open",
            states=[
                State("open", transitions=("process",)),
                State("processing", transitions=("finish",)),
                State("done", terminal=True),
            ],
            transitions=[
                Transition(
                    "process", new_state="processing", trigger=Trigger.AUTOMATIC, handler=SLOW
                ),
                Transition("finish", new_state="done", guard=Guard(roles=(R.SYSTEM,))),
            ],
        )
    )


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
    register(
        ServiceSpec(
            code=SLOW,
            agency="bench",
            title_fa="کند",
            title_en="Slow",
            workflow=SLOW,
            sla_days=3,
            categories=("bench",),
        )
    )


@hookimpl
def register_handlers(register: Any) -> None:
    register(SLOW, slow)


def slow(ctx: HandlerContext) -> None:
    hold = os.environ.get("HAMYAR_BENCH_HOLD_FILE", "")
    while hold and os.path.exists(hold):
        time.sleep(0.05)
    assert ctx.task is not None
    ctx.transition(ctx.task, "finish")


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    if context.case.service_code not in (SERVICE, SLOW):
        return []
    return [RouteProposal(service=context.case.service_code, reason="سنجش", score=1.0)]
