"""The two traps a plugin author fell into, run from the documentation's own code.

The README's minimal plugin (no `propose_routes`) must route its case to its agency, and the
docs' example workflow (its finished state is `booked`, not `done`) must resolve its cases
instead of sending them back to triage. Both tests execute the code blocks exactly as the
documents print them, so the documents cannot drift from what works.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar import (
    Actor,
    Application,
    ServiceSpec,
    State,
    WorkflowDefinition,
    build_plugins,
    commands,
    hookimpl,
    prepare_database,
    user_transition,
)
from hamyar import roles as R
from hamyar.core.application import steps
from hamyar.core.application.casework import reopenable_tasks
from hamyar.core.storage.models import Case, HistoryEntry, Task
from hamyar.core.workflow import WorkflowError
from hamyar.core.workflow.dcworkflow import dump_definition, parse_definition

ROOT = Path(__file__).resolve().parents[1]
CLERK = Actor.from_assignments("clerk", [(R.CASEWORKER, "myagency")])


def python_block_after(text: str, heading: str) -> str:
    """The first ```python block after the line `heading`."""
    start = text.index(f"\n{heading}\n")
    match = re.compile(r"```python\n(.*?)```", re.S).search(text, start)
    assert match, f"no python block after {heading!r}"
    return match.group(1)


def module_from(name: str, *blocks: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile("\n".join(blocks), f"<{name}>", "exec"), module.__dict__)
    return module


def _application(engine: Engine, plugin: types.ModuleType) -> Application:
    app = Application.build(plugins=build_plugins(extra=[plugin]), engine=engine)
    assert not [f for f in app.registry.failures if f.plugin == plugin.__name__]
    prepare_database(app)
    return app


def _case(engine: Engine, case_id: int) -> Case:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def _tasks(engine: Engine, case_id: int) -> list[Task]:
    with Session(engine) as session:
        return list(session.exec(select(Task).where(Task.case_id == case_id)).all())


def _history(engine: Engine, case_id: int) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(HistoryEntry).where(HistoryEntry.case_id == case_id).order_by(HistoryEntry.id)  # type: ignore[arg-type]
        ).all()
        return [row.action for row in rows]


def _take(app: Application, task: Task, transition: str) -> None:
    assert task.id is not None
    commands.take_transition(app.unit_of_work(), CLERK, "task", task.id, transition)


def test_the_readmes_minimal_plugin_routes_its_case_to_its_agency(engine: Engine) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    plugin = module_from(
        "myagency_hamyar", python_block_after(readme, "## Writing a plugin for your agency")
    )
    assert not hasattr(plugin, "propose_routes")  # the trap: a plugin that says nothing of routing
    app = _application(engine, plugin)
    case = commands.open_case(
        app.unit_of_work(), CLERK, service="myagency.visit", title="بازدید از مدرسه", channel="api"
    )
    assert case.id is not None

    routed = steps.route_new_case(app.unit_of_work(), case.id)

    assert routed.outcome == "routed" and routed.primary_service == "myagency.visit"
    (task,) = _tasks(engine, case.id)
    assert task.agency_code == "myagency" and task.kind == "primary"
    assert _case(engine, case.id).agency_code == "myagency"
    assert "مستقیم" in routed.reason  # the history says why: a direct request of the agency
    _take(app, task, "complete")
    assert _case(engine, case.id).state == "resolved"


DOCS_HOOKS = (
    "### register_agencies(register)",
    "### register_services(register)",
    "### register_workflows(register)",
    "### register_handlers(register)",
)


def test_the_docs_example_workflow_finishes_its_cases(engine: Engine) -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    plugin = module_from("myagency_docs", *(python_block_after(docs, h) for h in DOCS_HOOKS))
    app = _application(engine, plugin)
    definition = app.registry.workflow("myagency.visit")
    assert "done" not in definition.states  # the trap: its finished state has another name
    assert definition.done_states == {"booked"}
    case = commands.open_case(
        app.unit_of_work(),
        CLERK,
        service="myagency.visit",
        title="بازدید از مدرسه",
        data={"school": "شهید بهشتی", "attendees": 30},
        channel="api",
    )
    assert case.id is not None
    assert steps.route_new_case(app.unit_of_work(), case.id).outcome == "routed"
    (task,) = _tasks(engine, case.id)
    assert task.state == "requested"

    _take(app, task, "book")  # a caseworker books; a worker then runs the handler
    assert task.id is not None
    steps.run_handler(app.unit_of_work(), "myagency.book", "task", task.id, "book")

    (task,) = _tasks(engine, case.id)
    assert task.state == "booked" and task.variables["visit_day"]
    assert _case(engine, case.id).state == "resolved"
    assert "back_to_triage" not in _history(engine, case.id)
    with Session(engine) as session:
        finished = reopenable_tasks(session, _case(engine, case.id), app.registry)
    assert [t.id for t in finished] == [task.id]  # reopening would send the booked visit back


def _visit_workflow(*, flagged: bool, name: str = "held") -> WorkflowDefinition:
    return WorkflowDefinition.build(
        "trap.visit",
        initial_state="open",
        states=[
            State(id="open", transitions=("hold", "drop")),
            State(id=name, terminal=True, done=flagged),
            State(id="dropped", terminal=True),
        ],
        transitions=[
            user_transition("hold", "برگزار شد", "Held", name, R.WORKERS),
            user_transition("drop", "منتفی شد", "Dropped", "dropped", R.WORKERS),
        ],
    )


class TrapAgency:
    """A plugin with one service on a workflow given per test, and no routing of its own."""

    name = "trap"

    def __init__(self, workflow: WorkflowDefinition, **service: object) -> None:
        self.workflow, self.service = workflow, service

    @hookimpl
    def register_agencies(self, register: object) -> None:
        from hamyar import AgencySpec

        register(AgencySpec(code="trap", title_fa="دستگاه آزمایشی", title_en="Trap"))  # type: ignore[operator]

    @hookimpl
    def register_workflows(self, register: object) -> None:
        register(self.workflow)  # type: ignore[operator]

    @hookimpl
    def register_services(self, register: object) -> None:
        spec = ServiceSpec(
            code="trap.visit",
            agency="trap",
            title_fa="بازدید",
            title_en="Visit",
            workflow=self.workflow.id,
            **self.service,  # type: ignore[arg-type]
        )
        register(spec)  # type: ignore[operator]


def _run(engine: Engine, plugin: TrapAgency, transition: str | None) -> Case:
    app = Application.build(plugins=build_plugins(extra=[plugin]), engine=engine)
    assert not app.registry.failures or all(f.plugin != "trap" for f in app.registry.failures)
    prepare_database(app)
    clerk = Actor.from_assignments("clerk", [(R.CASEWORKER, "trap")])
    case = commands.open_case(
        app.unit_of_work(), clerk, service="trap.visit", title="بازدید", channel="api"
    )
    assert case.id is not None
    steps.route_new_case(app.unit_of_work(), case.id)
    if transition:
        (task,) = _tasks(engine, case.id)
        assert task.id is not None
        commands.take_transition(app.unit_of_work(), clerk, "task", task.id, transition)
    return _case(engine, case.id)


@pytest.mark.parametrize(
    ("flagged", "name", "transition", "state"),
    [
        (True, "held", "hold", "resolved"),  # the flag, whatever the state is called
        (False, "held", "hold", "triage"),  # terminal alone is not done
        (False, "done", "hold", "resolved"),  # no flag anywhere: a terminal `done` still is
        (True, "held", "drop", "triage"),  # another terminal state ended without the work
    ],
)
def test_a_task_is_finished_in_a_state_its_workflow_flags_done(
    engine: Engine, flagged: bool, name: str, transition: str, state: str
) -> None:
    plugin = TrapAgency(_visit_workflow(flagged=flagged, name=name))
    assert _run(engine, plugin, transition).state == state


def test_the_done_flag_travels_in_definition_xml_as_an_attribute_plone_ignores() -> None:
    definition = _visit_workflow(flagged=True)
    xml = dump_definition(definition)
    assert 'hamyar:done="True"' in xml and xml.count("hamyar:done") == 1
    assert parse_definition(xml).states["held"].done
    plone = re.sub(r'\s+hamyar:\w+="[^"]*"', "", xml)  # what Plone reads: no hamyar:* at all
    assert parse_definition(plone).done_states == frozenset()


def test_a_done_state_must_be_terminal() -> None:
    with pytest.raises(WorkflowError, match="flagged done but is not terminal"):
        WorkflowDefinition.build(
            "trap.bad",
            initial_state="open",
            states=[State(id="open", transitions=("hold",)), State(id="held", done=True)],
            transitions=[user_transition("hold", "برگزار شد", "Held", "held", R.WORKERS)],
        )


def test_a_service_may_turn_the_default_route_off(engine: Engine) -> None:
    plugin = TrapAgency(_visit_workflow(flagged=True), route_to_own_agency=False)
    case = _run(engine, plugin, None)
    assert case.state == "triage"
    assert _tasks(engine, case.id) == []  # type: ignore[arg-type]


def test_the_default_route_goes_to_the_cases_own_agency(engine: Engine) -> None:
    case = _run(engine, TrapAgency(_visit_workflow(flagged=True)), None)
    assert case.state == "in_progress" and case.agency_code == "trap"
