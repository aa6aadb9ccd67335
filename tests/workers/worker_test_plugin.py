"""A throwaway agency for the worker tests, installed through a real `hamyar` entry point.

Worker processes load plugins the way production does (entry points), so the tests give this
module a dist-info folder on PYTHONPATH instead of registering it by hand. Its behaviour is
steered through the environment, which worker subprocesses inherit:

- HAMYAR_TEST_FAULT_FILE: while this file exists, the `workertest.flaky` handler raises.
- HAMYAR_TEST_HANDLER_SLEEP: seconds the `workertest.slow` handler sleeps before acting.
- HAMYAR_TEST_TICK_CRON: the schedule of the `workertest.tick` periodic job.
"""

from __future__ import annotations

import os
import time
from typing import Any

from sqlmodel import select

from hamyar import (
    AgencySpec,
    Case,
    Guard,
    HandlerContext,
    HistoryEntry,
    PeriodicContext,
    PeriodicJob,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    State,
    Transition,
    Trigger,
    WorkflowDefinition,
    hookimpl,
    utcnow,
)
from hamyar import roles as R

AGENCY = "workertest"
WORKERS = (R.CASEWORKER, R.SUPERVISOR, R.SYSTEM)


def _task_workflow(id: str, handler: str) -> WorkflowDefinition:
    """open → (automatic process, runs `handler`) processing → (finish, by the handler) done."""
    return WorkflowDefinition.build(
        id,
        initial_state="open",
        states=[
            State("open", transitions=("process",)),
            State("processing", transitions=("finish",)),
            State("done", terminal=True),
        ],
        transitions=[
            Transition(
                "process", new_state="processing", trigger=Trigger.AUTOMATIC, handler=handler
            ),
            Transition("finish", new_state="done", guard=Guard(roles=WORKERS)),
        ],
    )


def _handle(ctx: HandlerContext) -> None:
    """Record that the handler acted (tests count these), then finish the task."""
    assert ctx.task is not None
    ctx.session.add(
        HistoryEntry(
            case_id=ctx.case.id,
            task_id=ctx.task.id,
            action="handled",  # type: ignore[arg-type]
            actor="system",
            comment=ctx.transition_name,
            version=ctx.task.version,
        )
    )
    ctx.transition(ctx.task, "finish")


def record(ctx: HandlerContext) -> None:
    _handle(ctx)


def slow(ctx: HandlerContext) -> None:
    time.sleep(float(os.environ.get("HAMYAR_TEST_HANDLER_SLEEP", "0")))
    _handle(ctx)


def flaky(ctx: HandlerContext) -> None:
    fault = os.environ.get("HAMYAR_TEST_FAULT_FILE", "")
    if fault and os.path.exists(fault):
        raise ConnectionError("the agency's booking system does not answer")
    _handle(ctx)


def tick(ctx: PeriodicContext) -> None:
    """Leave one mark per run on the oldest case (the test counts them)."""
    session = ctx.session
    case = session.exec(select(Case).order_by(Case.id)).first()  # type: ignore[arg-type]
    if case is not None:
        session.add(
            HistoryEntry(
                case_id=case.id,
                action="tick",
                actor="system",  # type: ignore[arg-type]
                created_at=utcnow(),
                version=case.version,
            )
        )


@hookimpl
def register_agencies(register: Any) -> None:
    register(AgencySpec(code=AGENCY, title_fa="آزمایش کارگر", title_en="Worker test"))


@hookimpl
def register_workflows(register: Any) -> None:
    register(_task_workflow("workertest.record", "workertest.record"))
    register(_task_workflow("workertest.slow", "workertest.slow"))
    register(_task_workflow("workertest.flaky", "workertest.flaky"))


@hookimpl
def register_services(register: Any) -> None:
    for name in ("record", "slow", "flaky"):
        register(
            ServiceSpec(
                code=f"{AGENCY}.{name}",
                agency=AGENCY,
                title_fa=name,
                title_en=name,
                workflow=f"workertest.{name}",
                sla_days=2,
                categories=("test",),
            )
        )


@hookimpl
def register_handlers(register: Any) -> None:
    register("workertest.record", record)
    register("workertest.slow", slow)
    register("workertest.flaky", flaky)


@hookimpl
def register_periodic_jobs(register: Any) -> None:
    cron = os.environ.get("HAMYAR_TEST_TICK_CRON", "")
    if cron:
        register(PeriodicJob(name="workertest.tick", function=tick, cron=cron, queue="bulk"))


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    """Every case of this agency goes to its own service; "unroutable" ones to nobody."""
    case = context.case
    if not case.service_code.startswith(f"{AGENCY}."):
        return []
    if case.title.startswith("unroutable"):  # a coordinator decides (no default route either)
        return [RouteProposal(service=case.service_code, reason="آزمایش", score=0.0)]
    return [RouteProposal(service=case.service_code, reason="آزمایش", score=0.9)]
