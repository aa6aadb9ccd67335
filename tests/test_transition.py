"""The engine's one way to change state: guards, versions, automatic chains, history, outbox."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.commands import take_transition
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import (
    apply_transition,
    available_transitions,
    fire_automatic,
)
from hamyar.core.exceptions import (
    AutomaticCycle,
    CommentRequired,
    GuardRefused,
    StaleVersion,
    TransitionNotAvailable,
)
from hamyar.core.plugin.declarations import AgencySpec, ServiceSpec
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import Plugins, build_registry, make_plugin_manager
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Agency, Case, HistoryEntry, OutboxMessage, Service, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import Expression, Guard, State, Transition, Trigger, WorkflowDefinition
from hamyar.core.workflow import roles as R


class ChainPlugin:
    """A throwaway agency whose workflow chains automatic steps and has a looping branch."""

    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code="testagency", title_fa="آزمایشی", title_en="Test agency"))

    @hookimpl
    def register_workflows(self, register: Any) -> None:
        register(
            WorkflowDefinition.build(
                "test.chain",
                initial_state="draft",
                states=[
                    State("draft", transitions=("submit", "loop")),
                    State("checked", transitions=("approve_auto",)),
                    State("approved", transitions=("archive_auto",)),
                    State("archived", terminal=True),
                    State("ping", transitions=("pong_auto",)),
                    State("pong", transitions=("ping_auto",)),
                ],
                transitions=[
                    Transition("submit", new_state="checked", guard=Guard(roles=(R.CASEWORKER,))),
                    Transition(
                        "approve_auto",
                        new_state="approved",
                        trigger=Trigger.AUTOMATIC,
                        guard=Guard(expression=Expression.parse("variables.ok == True")),
                    ),
                    Transition("archive_auto", new_state="archived", trigger=Trigger.AUTOMATIC),
                    Transition("loop", new_state="ping", guard=Guard(roles=(R.CASEWORKER,))),
                    Transition("pong_auto", new_state="pong", trigger=Trigger.AUTOMATIC),
                    Transition("ping_auto", new_state="ping", trigger=Trigger.AUTOMATIC),
                ],
            )
        )

    @hookimpl
    def register_services(self, register: Any) -> None:
        register(
            ServiceSpec(
                code="testagency.thing",
                agency="testagency",
                title_fa="کار",
                title_en="Thing",
                workflow="test.chain",
                sla_days=3,
            )
        )


@pytest.fixture
def chain_registry() -> Registry:
    pm = make_plugin_manager(entry_points_group=None)
    pm.register(ChainPlugin(), name="chain")
    registry = build_registry(pm)
    assert not registry.failures
    return registry


WORKER = Actor.from_assignments("w", [(R.CASEWORKER, "testagency")])
OUTSIDER = Actor.from_assignments("o", [(R.CASEWORKER, "otheragency")])


def _task(session: Session, registry: Registry, ok: bool = False) -> Task:
    sync_registry(session, registry)
    case = open_case(session, registry, WORKER, service="testagency.thing", title="آزمایش")
    task = Task(
        case_id=case.id,
        agency_code="testagency",
        service_code="testagency.thing",
        workflow_id="test.chain",
        state="draft",
        variables={"ok": ok},
    )
    session.add(task)
    session.commit()
    return task


def test_guard_refuses_an_actor_without_the_role(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry)
    nobody = Actor(username="n")
    with pytest.raises(GuardRefused):
        apply_transition(session, task, "submit", nobody, chain_registry)


def test_a_role_in_another_agency_does_not_count(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry)
    with pytest.raises(GuardRefused):
        apply_transition(session, task, "submit", OUTSIDER, chain_registry)
    assert available_transitions(session, task, OUTSIDER, chain_registry) == []
    assert [t.id for t in available_transitions(session, task, WORKER, chain_registry)] == [
        "submit",
        "loop",
    ]


def test_a_stale_version_is_refused_and_nothing_is_written(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry)
    before = len(session.exec(select(HistoryEntry)).all())
    with pytest.raises(StaleVersion):
        apply_transition(session, task, "submit", WORKER, chain_registry, expected_version=7)
    session.rollback()
    session.refresh(task)
    assert (task.state, task.version) == ("draft", 1)
    assert len(session.exec(select(HistoryEntry)).all()) == before


def test_a_concurrent_change_is_refused_by_the_update_itself(
    session: Session, chain_registry: Registry, engine: Any
) -> None:
    task = _task(session, chain_registry)
    with Session(engine) as other:
        other_task = other.get(Task, task.id)
        assert other_task is not None
        apply_transition(other, other_task, "submit", WORKER, chain_registry, expected_version=1)
        other.commit()
    # `task` in this session still says version 1: the UPDATE … WHERE version = 1 finds nothing.
    with pytest.raises(StaleVersion):
        apply_transition(session, task, "loop", WORKER, chain_registry, expected_version=1)
    session.rollback()
    assert len(session.exec(select(HistoryEntry).where(HistoryEntry.task_id == task.id)).all()) == 1


def test_automatic_transitions_chain_until_none_applies(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry, ok=True)
    events = apply_transition(session, task, "submit", WORKER, chain_registry)
    session.commit()
    assert [e.transition for e in events][:3] == ["submit", "approve_auto", "archive_auto"]
    assert task.state == "archived" and task.version == 4
    assert task.resolved_at is not None


def test_automatic_transitions_stop_when_a_guard_fails(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry, ok=False)
    apply_transition(session, task, "submit", WORKER, chain_registry)
    assert task.state == "checked"
    assert fire_automatic(session, task, SYSTEM, chain_registry) == []


def test_an_automatic_cycle_is_an_error_not_a_hang(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry)
    with pytest.raises(AutomaticCycle):
        apply_transition(session, task, "loop", WORKER, chain_registry)
    session.rollback()
    session.refresh(task)
    assert task.state == "draft"


def test_history_holds_one_entry_per_applied_transition(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry, ok=True)
    apply_transition(session, task, "submit", WORKER, chain_registry, comment="بررسی شد")
    session.commit()
    entries = session.exec(
        select(HistoryEntry).where(HistoryEntry.task_id == task.id).order_by(HistoryEntry.id)
    ).all()
    assert [(e.action, e.from_state, e.to_state, e.automatic) for e in entries] == [
        ("submit", "draft", "checked", False),
        ("approve_auto", "checked", "approved", True),
        ("archive_auto", "approved", "archived", True),
    ]
    assert entries[0].comment == "بررسی شد" and entries[0].actor == "w"


def test_a_transition_must_leave_the_current_state(
    session: Session, chain_registry: Registry
) -> None:
    task = _task(session, chain_registry)
    with pytest.raises(TransitionNotAvailable):
        apply_transition(session, task, "approve_auto", WORKER, chain_registry)
    with pytest.raises(TransitionNotAvailable):
        apply_transition(session, task, "no_such_thing", WORKER, chain_registry)


def test_opening_a_case_writes_history_and_asks_for_routing(
    session: Session, chain_registry: Registry
) -> None:
    sync_registry(session, chain_registry)
    case = open_case(
        session,
        chain_registry,
        WORKER,
        service="testagency.thing",
        title="لامپ خیابان خاموش است",
        description="خيابان",
    )
    session.commit()
    assert case.state == "new" and case.version == 1 and len(case.tracking_code) == 10
    assert (
        session.exec(select(HistoryEntry).where(HistoryEntry.case_id == case.id)).one().action
        == "create"
    )
    outbox = session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert (outbox.kind, outbox.key, outbox.sent_at) == ("route_case", f"route:{case.id}", None)
    assert "خیابان" in case.search_text
    assert session.get(Agency, "testagency") and session.get(Service, "testagency.thing")


def test_a_case_needs_a_comment_to_be_rejected(session: Session, chain_registry: Registry) -> None:
    sync_registry(session, chain_registry)
    case = open_case(session, chain_registry, WORKER, service="testagency.thing", title="x")
    coordinator = Actor.from_assignments("c", [(R.COORDINATOR, None)])
    with pytest.raises(CommentRequired):
        apply_transition(session, case, "reject", coordinator, chain_registry)
    apply_transition(session, case, "reject", coordinator, chain_registry, comment="تکراری نیست")
    assert case.state == "rejected"


class RaisingObserver:
    @hookimpl
    def transition_applied(self, event: Any) -> None:
        raise RuntimeError("observer is broken")


class RecordingObserver:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def transition_applied(self, event: Any) -> None:
        self.seen.append(event.transition)


def test_a_raising_observer_neither_undoes_the_transition_nor_silences_others(
    session: Session, engine: Engine, chain_registry: Registry
) -> None:
    pm = make_plugin_manager(entry_points_group=None)
    pm.register(ChainPlugin(), name="chain")
    recorder = RecordingObserver()
    pm.register(RaisingObserver(), name="raising")
    pm.register(recorder, name="recorder")
    app = Application.build(plugins=Plugins(pm=pm, registry=build_registry(pm)), engine=engine)

    task = _task(session, app.registry, ok=True)
    assert task.id is not None
    take_transition(app.unit_of_work(session), WORKER, "task", task.id, "submit")
    session.refresh(task)
    assert task.state == "archived"
    assert recorder.seen == ["submit", "approve_auto", "archive_auto"]
    assert session.get(Case, task.case_id) is not None
