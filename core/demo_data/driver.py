"""Opening demo cases and driving each one to its goal through the engine, as people would.

Every step is a real transition taken by a demo user (or the engine), and the handlers it queues
run as a worker would run them, so a demo case's history is one the product could have written.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from typing import Any

import pluggy
from sqlmodel import Session, col, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.dedupe import mark_duplicate
from hamyar.core.cases.intake import open_case
from hamyar.core.cases.referrals import offer_referral
from hamyar.core.demo_data.backdating import backdate
from hamyar.core.demo_data.cases import DemoCase, demo_tracking_code
from hamyar.core.demo_data.notes import add_notes
from hamyar.core.demo_data.ownership import share_out_tasks
from hamyar.core.demo_data.users import actor_for
from hamyar.core.engine.contexts import HandlerContext
from hamyar.core.engine.outbox import ROUTE_CASE, RUN_HANDLER
from hamyar.core.engine.transition import apply_transition, available_transitions
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import assign_case, route_case
from hamyar.core.storage.models import Case, Neighbourhood, OutboxMessage, Task, utcnow

COMMENTS = {
    "not_responsible": "این درخواست در حیطه وظایف این واحد نیست؛ لطفاً به دستگاه مربوط ارجاع شود",
    "reject": "درخواست با اطلاعات موجود قابل پیگیری نیست",
    "cancel": "به درخواست متقاضی لغو شد",
    "approve": "با توجه به گزارش مددکار، استثنا تأیید شد",
    "decline": "شرایط برنامه احراز نشد",
    "revoke": "پیگیری در همین دستگاه ادامه می‌یابد",
    "reopen": "متقاضی اعلام کرد مشکل برطرف نشده است",
}
DEFAULT_COMMENT = "به تشخیص کارشناس"


class _Driver:
    """Moves one demo case towards its goal with the demo users, as people and workers would."""

    def __init__(self, session: Session, registry: Registry, pm: pluggy.PluginManager) -> None:
        self.session, self.registry, self.pm = session, registry, pm
        self.coordinator = actor_for("coordinator", registry)

    def supervisor(self, agency: str) -> Actor:
        return actor_for(f"{agency}.supervisor", self.registry)

    def run_handlers(self, case: Case) -> None:
        """Do what a worker does with the handler rows the last steps wrote: run, mark done."""
        for _ in range(10):
            rows = self.session.exec(
                select(OutboxMessage)
                .where(
                    OutboxMessage.case_id == case.id,
                    OutboxMessage.done_at == None,  # noqa: E711
                    col(OutboxMessage.kind).in_((RUN_HANDLER.name, ROUTE_CASE.name)),
                )
                .order_by(col(OutboxMessage.id))
            ).all()
            pending = [r for r in rows if r.kind == RUN_HANDLER.name]
            for row in rows:
                if row.kind == ROUTE_CASE.name and case.state != "new":
                    row.sent_at = row.done_at = utcnow()
            if not pending:
                return
            for row in pending:
                payload = row.payload
                task = self.session.get(Task, payload["id"]) if payload["kind"] == "task" else None
                spec = self.registry.handlers[payload["handler"]]
                spec.function(
                    HandlerContext(self.session, self.registry, case, task, payload["transition"])
                )
                row.sent_at = row.done_at = utcnow()
                row.attempts = 1
            self.session.flush()

    def step(self, target: Case | Task, transition: str, actor: Actor, case: Case) -> None:
        definition = self.registry.workflow(target.workflow_id)
        needs = definition.transitions[transition].requires_comment
        apply_transition(
            self.session,
            target,
            transition,
            actor,
            self.registry,
            comment=COMMENTS.get(transition, DEFAULT_COMMENT) if needs else "",
        )
        self.run_handlers(case)

    def drive(self, task: Task, goal: str, case: Case, *, max_steps: int = 1) -> None:
        """Move `task` towards `goal` along the shortest path of transitions its agency's
        supervisor may take, letting handlers take the steps only the engine may."""
        definition = self.registry.workflow(task.workflow_id)
        actor = self.supervisor(task.agency_code)
        for _ in range(max_steps):
            if task.state == goal:
                return
            distance = _distances(definition, goal)
            options = [
                t
                for t in available_transitions(self.session, task, actor, self.registry)
                if distance.get(definition.target(t, task.state), 99) < distance.get(task.state, 99)
            ]
            if not options:
                return
            self.step(task, options[0].id, actor, case)

    def tasks(self, case: Case) -> list[Task]:
        return list(
            self.session.exec(
                select(Task).where(col(Task.case_id) == case.id).order_by(col(Task.id))
            ).all()
        )


def _distances(definition: Any, goal: str) -> dict[str, int]:
    """Steps from each state to `goal` over every transition (breadth-first, backwards)."""
    edges: dict[str, set[str]] = {}
    for state in definition.states.values():
        for tid in state.transitions:
            edges.setdefault(definition.target(definition.transitions[tid], state.id), set()).add(
                state.id
            )
    distance, queue = {goal: 0}, deque([goal])
    while queue:
        here = queue.popleft()
        for before in edges.get(here, ()):
            if before not in distance:
                distance[before] = distance[here] + 1
                queue.append(before)
    return distance


def _play(driver: _Driver, demo: DemoCase, case: Case, keyed: dict[str, Case]) -> None:
    session, registry = driver.session, driver.registry
    if demo.goal == "new":
        return
    if demo.goal == "duplicate" and demo.duplicate_of in keyed:
        original = keyed[demo.duplicate_of]
        if registry.service(demo.service).confidential:  # never automatic: a coordinator decides
            route_case(session, case.id, registry, pm=driver.pm)  # type: ignore[arg-type]
            driver.run_handlers(case)
            _to_triage(driver, case)
            if case.state == "triage":
                mark_duplicate(session, case, original, registry, driver.coordinator)
            return
    result = route_case(session, case.id, registry, pm=driver.pm)  # type: ignore[arg-type]
    driver.run_handlers(case)
    if result.outcome == "duplicate" or demo.goal == "duplicate":
        return
    if demo.goal == "triage":
        _to_triage(driver, case)
        return
    if demo.goal == "rejected":
        _to_triage(driver, case)
        if case.state == "triage":
            driver.step(case, "reject", driver.coordinator, case)
        return
    if case.state == "triage":
        assign_case(
            session,
            case,
            driver.coordinator,
            registry,
            demo.service,
            "بررسی شد؛ مسئولیت با این دستگاه است",
            pm=driver.pm,
        )
        driver.run_handlers(case)
    if demo.referral and case.state == "in_progress":
        _refer(driver, demo, case)
    for task in driver.tasks(case):
        if task.kind == "referral":
            continue
        if demo.goal == "in_progress":
            if demo.task_progress and task.kind == "primary":
                driver.drive(task, "done", case, max_steps=1)
        else:
            driver.drive(task, "done", case, max_steps=8)
    if demo.goal == "closed" and case.state == "resolved":
        driver.step(case, "close", driver.coordinator, case)


def _to_triage(driver: _Driver, case: Case) -> None:
    """Every agency holding an open task says "not responsible", so the case returns to triage."""
    for task in driver.tasks(case):
        definition = driver.registry.workflow(task.workflow_id)
        if task.state not in definition.terminal_states and case.state == "in_progress":
            actor = driver.supervisor(task.agency_code)
            if any(
                t.id == "not_responsible"
                for t in available_transitions(driver.session, task, actor, driver.registry)
            ):
                driver.step(task, "not_responsible", actor, case)


def _refer(driver: _Driver, demo: DemoCase, case: Case) -> None:
    assert demo.referral is not None
    service, goal = demo.referral
    primary = next(t for t in driver.tasks(case) if t.kind == "primary")
    referrer = driver.supervisor(primary.agency_code)
    task = offer_referral(
        driver.session,
        case,
        referrer,
        driver.registry,
        from_agency=primary.agency_code,
        service_code=service,
        reason="خانواده به خدمات این دستگاه نیاز دارد",
        consent=True,
    )
    receiver = driver.supervisor(task.agency_code)
    if goal == "revoked":
        driver.step(task, "revoke", referrer, case)
    elif goal == "rejected":
        driver.step(task, "reject", receiver, case)
    elif goal in ("accepted", "done"):
        driver.step(task, "accept", receiver, case)
        if goal == "done":
            driver.step(task, "complete", receiver, case)


def add_cases(
    session: Session,
    registry: Registry,
    cases: Iterable[DemoCase],
    *,
    pm: pluggy.PluginManager,
) -> int:
    """Open and drive every demo case not yet present; return how many were added."""
    cases = [c for c in cases if c.service in registry.services]
    codes = {c.key: demo_tracking_code(c.key) for c in cases}
    present = {
        code: case
        for code, case in (
            (c.tracking_code, c)
            for c in session.exec(
                select(Case).where(col(Case.tracking_code).in_(list(codes.values())))
            ).all()
        )
    }
    keyed = {key: present[code] for key, code in codes.items() if code in present}
    places = {n.code: n.id for n in session.exec(select(Neighbourhood)).all()}
    driver = _Driver(session, registry, pm)
    calendars: dict[str, Any] = {}
    added = 0
    for demo in cases:
        if demo.key in keyed or demo.neighbourhood not in places:
            continue
        rng = random.Random(demo.key)
        spec = registry.service(demo.service)
        author = actor_for(f"{spec.agency}.caseworker", registry)
        case = open_case(
            session,
            registry,
            author,
            service=demo.service,
            title=demo.title,
            neighbourhood_id=places[demo.neighbourhood],
            description=demo.description,
            data=demo.data,
            channel=demo.channel,
            category=demo.category,
        )
        case.tracking_code = codes[demo.key]
        session.flush()
        _play(driver, demo, case, keyed)
        share_out_tasks(session, registry, case)
        backdate(session, registry, case, demo.age_days, rng, calendars)
        session.flush()
        keyed[demo.key] = case
        added += 1
    add_notes(session, registry, keyed)
    return added
