"""Workflow versions: a changed plugin workflow strands no running case, and a migration with a
state map moves them on (Plone's `remap_workflow`, Camunda's instance migration)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hamyar import AgencySpec, ServiceSpec, hookimpl
from hamyar.core.application import administration as admin
from hamyar.core.application.context import Application
from hamyar.core.application.setup import prepare_database
from hamyar.core.auth import access, permission_map
from hamyar.core.auth.actor import OPERATOR, Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.migration import MIGRATE_ACTION, MigrationRefused
from hamyar.core.engine.transition import apply_transition, available_transitions
from hamyar.core.exceptions import InvalidInput, StaleVersion
from hamyar.core.plugin.manager import build_plugins
from hamyar.core.routing.router import open_task
from hamyar.core.storage.models import Case, HistoryEntry, Task, WorkflowVersion
from hamyar.core.storage.workflow_versions import running_counts, workflow_of
from hamyar.core.web.ui.case_page import build_view
from hamyar.core.workflow import State, WorkflowDefinition
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.builders import agency_state, user_transition
from hamyar.core.workflow.diff import diff_definitions

PILOT = "pilot.visit"
WORKER = Actor.from_assignments("pilot.caseworker", [(R.CASEWORKER, "pilot")])


def pilot_workflow(working: str = "working", title: str = "در حال کار") -> WorkflowDefinition:
    """open → (start) → WORKING → (finish) → done; version 2 renames the middle state."""
    return WorkflowDefinition.build(
        PILOT,
        title="بازدید آزمایشی",
        initial_state="open",
        states=[
            agency_state("open", "جدید", "New", ("start",)),
            agency_state(working, title, "Working", ("finish",)),
            agency_state("done", "انجام شد", "Done", terminal=True),
        ],
        transitions=[
            user_transition("start", "شروع", "Start", working, R.WORKERS),
            user_transition("finish", "پایان", "Finish", "done", R.WORKERS),
        ],
    )


class PilotPlugin:
    """A third-party agency whose workflow the test changes between two starts."""

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self.name = "pilot"

    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code="pilot", title_fa="آزمایشی", title_en="Pilot"))

    @hookimpl
    def register_services(self, register: Any) -> None:
        register(
            ServiceSpec(
                code="pilot.visit",
                agency="pilot",
                title_fa="بازدید",
                title_en="Visit",
                workflow=PILOT,
                sla_days=5,
            )
        )

    @hookimpl
    def register_workflows(self, register: Any) -> None:
        register(self.definition)


def start(engine: Engine, definition: WorkflowDefinition) -> Application:
    """A process starting: a fresh plugin manager and application, the database prepared."""
    app = Application.build(plugins=build_plugins(extra=[PilotPlugin(definition)]), engine=engine)
    prepare_database(app)
    return app


def open_pilot_task(app: Application) -> tuple[int, int]:
    with app.unit_of_work() as uow:
        case = open_case(
            uow.session, uow.registry, OPERATOR, service="pilot.visit", title="بازدید محله"
        )
        task = open_task(uow.session, uow.registry, case, "pilot.visit", kind="primary", reason="")
        assert case.id is not None and task.id is not None
        return case.id, task.id


def take(app: Application, task_id: int, transition: str) -> Task:
    with app.unit_of_work() as uow:
        task = uow.session.get(Task, task_id)
        assert task is not None
        apply_transition(uow.session, task, transition, WORKER, uow.registry)
        return task


def test_a_restart_with_an_unchanged_workflow_makes_no_new_version(engine: Engine) -> None:
    start(engine, pilot_workflow())
    start(engine, pilot_workflow())
    with Session(engine) as session:
        numbers = session.exec(
            select(WorkflowVersion.number).where(WorkflowVersion.workflow_id == PILOT)
        ).all()
        case_versions = session.exec(
            select(WorkflowVersion.number).where(WorkflowVersion.workflow_id == "hamyar.case")
        ).all()
    assert list(numbers) == [1] and list(case_versions) == [1]


def test_a_renamed_state_leaves_running_cases_working_on_their_version(engine: Engine) -> None:
    first = start(engine, pilot_workflow())
    _, old_task = open_pilot_task(first)
    assert take(first, old_task, "start").state == "working"

    second = start(engine, pilot_workflow(working="in_work", title="در دست اقدام"))
    _, new_task = open_pilot_task(second)
    with second.read_session() as session:
        old, new = session.get(Task, old_task), session.get(Task, new_task)
        assert old is not None and new is not None
        assert (old.workflow_version, new.workflow_version) == (1, 2)
        # the old task still offers its own version's next step, in the restarted process
        offered = [t.id for t in available_transitions(session, old, WORKER, second.registry)]
        assert offered == ["finish"]
        assert "working" in workflow_of(session, second.registry, old).states
        assert "working" not in workflow_of(session, second.registry, new).states
        # and its case page, drawn by the restarted process, names the state and offers the step
        case = session.get(Case, old.case_id)
        assert case is not None
        allowed = access.case_access(WORKER, case, {"pilot"})
        view = build_view(session, second.plugins, WORKER, case, allowed, "en")
        shown = {v.task.id: v for v in view.tasks}[old_task]
        assert (shown.state.id, shown.state.title) == ("working", "در حال کار")
        assert [t.id for t in shown.transitions] == ["finish"]
    assert take(second, old_task, "finish").state == "done"
    assert take(second, new_task, "start").state == "in_work"


def test_a_migration_with_a_map_moves_running_tasks_and_a_dry_run_only_lists(
    engine: Engine,
) -> None:
    first = start(engine, pilot_workflow())
    case_id, moving = open_pilot_task(first)
    take(first, moving, "start")
    _, waiting = open_pilot_task(first)  # still in `open`, which version 2 keeps
    second = start(engine, pilot_workflow(working="in_work"))

    with pytest.raises(MigrationRefused) as refused:
        admin.migrate_workflow(second.unit_of_work(), OPERATOR, PILOT, 2, {}, dry_run=True)
    assert [(m.id, m.from_state) for m in refused.value.plan.refused] == [(moving, "working")]
    assert "working" in str(refused.value) and "--map" in str(refused.value)

    plan = admin.migrate_workflow(
        second.unit_of_work(), OPERATOR, PILOT, 2, {"working": "in_work"}, dry_run=True
    )
    assert sorted((m.id, m.from_state, m.to_state) for m in plan.moves) == sorted(
        [(moving, "working", "in_work"), (waiting, "open", "open")]
    )
    with second.read_session() as session:
        assert session.get(Task, moving).workflow_version == 1  # type: ignore[union-attr]
        assert running_counts(session, PILOT) == {1: (0, 2)}

    admin.migrate_workflow(
        second.unit_of_work(), OPERATOR, PILOT, 2, {"working": "in_work"}, batch=1
    )
    with second.read_session() as session:
        task = session.get(Task, moving)
        assert task is not None and (task.workflow_version, task.state) == (2, "in_work")
        assert task.version == 3  # start, then the migration: an open page gets its 409
        entry = session.exec(
            select(HistoryEntry)
            .where(HistoryEntry.task_id == moving)
            .order_by(col(HistoryEntry.id).desc())
        ).first()
        assert entry is not None and entry.action == MIGRATE_ACTION
        assert (entry.from_state, entry.to_state, entry.case_id) == ("working", "in_work", case_id)
        assert "v1 → v2" in entry.comment
        assert running_counts(session, PILOT) == {2: (0, 2)}
    assert take(second, moving, "finish").state == "done"


def test_a_map_to_a_state_the_version_lacks_is_refused(engine: Engine) -> None:
    start(engine, pilot_workflow())
    second = start(engine, pilot_workflow(working="in_work"))
    with pytest.raises(InvalidInput, match="no state 'nowhere'"):
        admin.migrate_workflow(
            second.unit_of_work(), OPERATOR, PILOT, 2, {"working": "nowhere"}, dry_run=True
        )


def test_a_stale_page_is_refused_after_a_migration(engine: Engine) -> None:
    first = start(engine, pilot_workflow())
    _, task_id = open_pilot_task(first)
    second = start(engine, pilot_workflow(working="in_work"))
    admin.migrate_workflow(second.unit_of_work(), OPERATOR, PILOT, 2, {})
    with second.unit_of_work() as uow, pytest.raises(StaleVersion):
        task = uow.session.get(Task, task_id)
        assert task is not None
        apply_transition(uow.session, task, "start", WORKER, uow.registry, expected_version=1)


def test_the_diff_names_the_renamed_state_and_the_moved_transitions() -> None:
    lines = diff_definitions(pilot_workflow(), pilot_workflow(working="in_work"))
    assert "- state working" in lines and "+ state in_work" in lines
    assert "~ transition start: new_state 'working' → 'in_work'" in lines
    assert any(line.startswith("~ state open") for line in lines) is False
    assert diff_definitions(pilot_workflow(), pilot_workflow()) == []


def test_a_permission_map_change_shows_in_the_diff() -> None:
    old = pilot_workflow()
    state = old.states["open"]
    changed = State(
        id=state.id,
        title=state.title,
        title_en=state.title_en,
        transitions=state.transitions,
        permission_roles={**state.permission_roles, R.MODIFY: (R.SUPERVISOR,)},
    )
    new = WorkflowDefinition.build(
        PILOT,
        initial_state="open",
        states=[changed, *(s for s in old.states.values() if s.id != "open")],
        transitions=old.transitions.values(),
        title=old.title,
    )
    assert "~ state open: permission_roles" in "\n".join(diff_definitions(old, new))
    assert "Modify: (Supervisor)" in "\n".join(diff_definitions(old, new))


def test_cases_opened_before_versions_existed_get_the_version_of_the_day(engine: Engine) -> None:
    first = start(engine, pilot_workflow())
    case_id, task_id = open_pilot_task(first)
    with first.unit_of_work() as uow:  # as a row written before the migration added the column
        for table, row_id in ((Case, case_id), (Task, task_id)):
            row = uow.session.get(table, row_id)
            assert row is not None
            row.workflow_version = None
            uow.session.add(row)
    start(engine, pilot_workflow())
    with Session(engine) as session:
        assert session.get(Task, task_id).workflow_version == 1  # type: ignore[union-attr]
        assert session.get(Case, case_id).workflow_version == 1  # type: ignore[union-attr]


def test_a_task_on_an_old_version_is_judged_by_that_versions_map(engine: Engine) -> None:
    """Version 2 keeps the state names but gives View and Modify of `working` to supervisors
    only: the caseworker keeps reading the task they started on version 1, not one on 2."""
    v1 = start(engine, pilot_workflow())
    _, old = open_pilot_task(v1)
    take(v1, old, "start")

    narrowed = pilot_workflow()
    working = narrowed.states["working"]
    narrowed = WorkflowDefinition.build(
        PILOT,
        title=narrowed.title,
        initial_state="open",
        states=[
            narrowed.states["open"],
            agency_state(
                "working",
                working.title,
                working.title_en,
                ("finish",),
                view=(R.SUPERVISOR,),
                modify=(R.SUPERVISOR,),
                acquired=frozenset(),
            ),
            narrowed.states["done"],
        ],
        transitions=list(narrowed.transitions.values()),
    )
    v2 = start(engine, narrowed)
    _, new = open_pilot_task(v2)
    take(v2, new, "start")
    supervisor = Actor.from_assignments("pilot.supervisor", [(R.SUPERVISOR, "pilot")])

    def direct(actor: Actor, permission: str) -> set[int]:
        with Session(engine) as session:
            ids = session.exec(
                select(Task.id).where(
                    col(Task.id).in_([old, new]),
                    permission_map.task_grants_sql(actor, permission),
                )
            ).all()
            return {i for i in ids if i is not None}

    with Session(engine) as session:
        versions = {t.id: t.workflow_version for t in session.exec(select(Task)).all()}
    assert (versions[old], versions[new]) == (1, 2)
    for permission in (R.VIEW, R.MODIFY):
        assert direct(WORKER, permission) == {old}
        assert direct(supervisor, permission) == {old, new}
    with Session(engine) as session:
        task = session.get(Task, old)
        assert task is not None
        held = access.task_agencies(session, [task.case_id])[task.case_id]
        (mine,) = [t for t in held.tasks if t.workflow_version == 1]
        assert held.grant(PILOT, 1, "working", R.VIEW).roles >= {R.CASEWORKER}
        assert R.CASEWORKER not in held.grant(PILOT, 2, "working", R.VIEW).roles
        assert mine.state == "working"
