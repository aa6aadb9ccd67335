"""Every workflow Plone 6 ships imports with a role map, binds to a service, and runs cases.

The definitions are Plone's own files (tests/fixtures/dcworkflow/, see its README). Each is
imported with the role map an agency would write, bound to the municipality's report service, and
a case routed there walks from the initial state along every transition a mapped user may take.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from hamyar.core.application import administration as admin
from hamyar.core.application.context import Application
from hamyar.core.application.setup import prepare_database
from hamyar.core.auth.access import task_agencies
from hamyar.core.auth.actor import OPERATOR, Actor
from hamyar.core.auth.permission_map import CaseGrants, HeldTask, task_grants_sql
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition, available_transitions
from hamyar.core.exceptions import InvalidInput
from hamyar.core.geo import load_places
from hamyar.core.routing.router import open_task, route_case
from hamyar.core.storage.models import Case, Neighbourhood, Task
from hamyar.core.storage.workflow_store import bindings
from hamyar.core.workflow import Trigger, WorkflowDefinition
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.dcworkflow import parse_definition
from hamyar.plugins.municipality.demo import REPORT_FORMS

FIXTURES = Path(__file__).parent / "fixtures" / "dcworkflow"
PLONE = sorted(FIXTURES.glob("*.xml"))
SERVICE = "municipality.report"

ROLE_MAP = {
    "Owner": (R.CASEWORKER,),
    "Editor": (R.CASEWORKER,),
    "Contributor": (R.CASEWORKER,),
    "Member": (R.CASEWORKER,),
    "Reviewer": (R.SUPERVISOR,),
    "Reader": (R.AUDITOR,),
    "Anonymous": (R.AUDITOR,),
    "Site Administrator": (R.MANAGER,),
}
SITE_PERMISSIONS = {
    # Plone's site role map (Products.CMFPlone's rolemap.xml), in Hamyar's roles
    "Review portal content": (R.SUPERVISOR, R.MANAGER),
    "Request review": (R.CASEWORKER, R.MANAGER),
    "Review comments": (R.SUPERVISOR, R.MANAGER),
    "Modify portal content": (R.CASEWORKER, R.MANAGER),
}
PEOPLE = [
    Actor.from_assignments("municipality.caseworker", [(R.CASEWORKER, "municipality")]),
    Actor.from_assignments("municipality.supervisor", [(R.SUPERVISOR, "municipality")]),
    Actor.from_assignments("coordinator", [(R.COORDINATOR, None)]),
    Actor.from_assignments("admin", [(R.MANAGER, None)]),
]
ONLOOKERS = [
    *PEOPLE,
    Actor.from_assignments("municipality.auditor", [(R.AUDITOR, "municipality")]),
    Actor.from_assignments("health.caseworker", [(R.CASEWORKER, "health")]),
    Actor.from_assignments("auditor", [(R.AUDITOR, None)]),
]
"""Whose sight of a task the state's View map decides: the people who walk, a reader of the
task's agency, a caseworker of another agency and a global auditor."""


def test_the_fixtures_are_every_workflow_plone_6_ships() -> None:
    assert {p.stem for p in PLONE} == {
        "simple_publication_workflow",
        "one_state_workflow",
        "intranet_workflow",
        "intranet_folder_workflow",
        "folder_workflow",
        "plone_workflow",
        "comment_review_workflow",
        "comment_one_state_workflow",
    }


@pytest.fixture
def app(engine: Engine) -> Application:
    app = Application.build(engine=engine)
    prepare_database(app)
    with app.unit_of_work() as uow:
        load_places(uow.session)
    return app


@pytest.mark.parametrize("fixture", PLONE, ids=lambda p: p.stem)
def test_a_plone_workflow_without_a_role_map_is_refused_listing_its_roles(
    app: Application, fixture: Path
) -> None:
    original = parse_definition(fixture.read_bytes())
    plone_roles = {"Owner", "Editor", "Contributor", "Reviewer", "Reader", "Site Administrator"}
    with pytest.raises(InvalidInput) as refused:
        admin.import_workflow(app.unit_of_work(), OPERATOR, fixture.read_bytes())
    message = str(refused.value)
    assert message.startswith("roles neither known here nor mapped: ")
    listed = set(message.split(";")[0].split(": ", 1)[1].split(", "))
    # Owner, Manager and the implicit Anonymous and Authenticated are roles here as in Plone.
    assert listed == (original_roles(original) - {"Owner", "Manager", "Anonymous", "Authenticated"})
    assert listed <= plone_roles | {"Anonymous", "Member"}
    assert "--role PLONE_ROLE=HAMYAR_ROLE" in message and "\n" not in message
    with app.read_session() as session:
        assert original.id not in bindings(session).values()


@pytest.mark.parametrize("fixture", PLONE, ids=lambda p: p.stem)
def test_a_plone_workflow_imports_binds_and_a_case_walks_every_transition(
    app: Application, fixture: Path
) -> None:
    definition = admin.import_workflow(
        app.unit_of_work(),
        OPERATOR,
        fixture.read_bytes(),
        role_map=ROLE_MAP,
        site_permissions=SITE_PERMISSIONS,
    )
    admin.set_service_workflow(app.unit_of_work(), OPERATOR, SERVICE, definition.id)

    # a new report is routed onto the bound workflow, in its initial state
    with app.unit_of_work() as uow:
        nb = uow.session.exec(select(Neighbourhood).limit(1)).one()
        case = open_case(
            uow.session,
            uow.registry,
            OPERATOR,
            service=SERVICE,
            title="چاله در خیابان",
            neighbourhood_id=nb.id,
            data=dict(REPORT_FORMS[0]),
            category="waste",
        )
        assert case.id is not None
        route_case(uow.session, case.id, uow.registry, pm=app.pm)
        task = uow.session.exec(select(Task).where(Task.case_id == case.id)).one()
        assert (task.workflow_id, task.state) == (definition.id, definition.initial_state)
        assert task.workflow_version == 1
        case_id = case.id
        sight: dict[str, dict[str, bool]] = {task.state: seen(uow.session, task)}

    original = parse_definition(fixture.read_bytes())
    taken = walk(app, case_id, definition, lambda s, t: sight.update({t.state: seen(s, t)}))
    assert sight.keys() == reached(definition, taken)
    for state, seers in sight.items():
        expected = {p.username: p.username in view_map_grants(original, state) for p in ONLOOKERS}
        assert seers == expected, f"{fixture.stem}: who sees a task in {state!r}"
    # the map decides, not a constant: where two states map View differently, sight differs
    maps = {state: view_map_grants(original, state) for state in sight}
    if len(set(maps.values())) > 1:
        assert len({tuple(sorted(s.items())) for s in sight.values()}) > 1
    user_exits = {
        (s.id, t.id)
        for s in definition.states.values()
        for t in definition.exits(s.id, Trigger.USER)
    }
    assert taken == user_exits  # every transition of every state, each by a mapped person
    assert {target for _, _, target in _edges(definition)} <= reached(definition, taken)


def view_map_grants(original: WorkflowDefinition, state: str) -> frozenset[str]:
    """Who of ONLOOKERS the state's View map in Plone's own file lets read a task of the
    municipality in that state, worked out from the XML and the role map alone: a Plone role
    they hold in the task's agency, or, where the state acquires View, a role the case's state
    grants there (the case workflow gives its staff View: caseworkers and supervisors)."""
    spec = original.states[state]
    mapped = {r for plone in spec.roles_with(R.VIEW) for r in ROLE_MAP.get(plone, (plone,))}
    acquired = R.VIEW in spec.acquired_permissions or R.VIEW not in spec.permission_roles
    case_state_grants = {R.CASEWORKER, R.SUPERVISOR}
    found = set()
    for person in ONLOOKERS:
        roles = person.agency_roles.get("municipality", frozenset())
        if roles & mapped or (acquired and roles & case_state_grants):
            found.add(person.username)
    return frozenset(found)


def seen(session: Session, task: Task) -> dict[str, bool]:
    """Who of ONLOOKERS reads `task` by the access function, on a case of its own that gives
    nobody anything through the case itself (confidential, of no agency, recorded by nobody of
    them): what remains is the task's state's map. The worklist's SQL condition must agree."""
    case = session.get(Case, task.case_id)
    assert case is not None
    alone = Case(
        tracking_code="0",
        service_code=case.service_code,
        workflow_id=case.workflow_id,
        workflow_version=case.workflow_version,
        state=case.state,
        title="",
        confidential=True,
        agency_code=None,
        created_by="",
    )
    held = HeldTask(
        task.agency_code, task.workflow_id, task.state, task.assignee, task.workflow_version
    )
    grants = CaseGrants(tasks=(held,), grants=task_agencies(session, [case.id])[case.id].grants)
    found = {}
    for person in ONLOOKERS:
        reads = grants.holds(person, alone, R.VIEW)
        if (
            person.global_roles
            & grants.grant(case.workflow_id, case.workflow_version, case.state, R.VIEW).roles
        ):
            reads = False  # a global role the case's state grants: the task's map is not asked
        found[person.username] = reads
        in_sql = session.exec(
            select(Task.id).where(Task.id == task.id, task_grants_sql(person, R.VIEW))
        ).first()
        direct = bool(
            person.agency_roles.get(task.agency_code, frozenset())
            & grants.grant(task.workflow_id, task.workflow_version, task.state, R.VIEW).roles
        )
        assert (in_sql is not None) == direct, (person.username, task.state)
    return found


def original_roles(definition: WorkflowDefinition) -> set[str]:
    from hamyar.core.workflow.role_map import roles_named

    return roles_named(definition)


def _edges(definition: WorkflowDefinition) -> list[tuple[str, str, str]]:
    return [
        (s.id, t.id, definition.target(t, s.id))
        for s in definition.states.values()
        for t in definition.exits(s.id, Trigger.USER)
    ]


def reached(definition: WorkflowDefinition, taken: set[tuple[str, str]]) -> set[str]:
    states = {definition.initial_state}
    for state, transition in taken:
        states.add(definition.target(definition.transitions[transition], state))
    return states


def walk(
    app: Application,
    case_id: int,
    definition: WorkflowDefinition,
    look: Callable[[Session, Task], None],
) -> set[tuple[str, str]]:
    """Breadth first from the initial state: for each state reached, a fresh task of the case is
    brought there along the path found, and each exit is taken by the first person offered it;
    `look` is shown the task in every state it reaches."""
    paths: dict[str, list[tuple[str, Actor]]] = {definition.initial_state: []}
    queue = deque([definition.initial_state])
    taken: set[tuple[str, str]] = set()
    while queue:
        state = queue.popleft()
        for exit_ in definition.exits(state, Trigger.USER):
            with app.unit_of_work() as uow:
                case = uow.session.get(Case, case_id)
                assert case is not None
                task = open_task(uow.session, uow.registry, case, SERVICE, kind="joint", reason="")
                for step, person in paths[state]:
                    apply_transition(uow.session, task, step, person, uow.registry)
                assert task.state == state
                look(uow.session, task)
                person = next(
                    (
                        p
                        for p in PEOPLE
                        if exit_.id
                        in [t.id for t in available_transitions(uow.session, task, p, uow.registry)]
                    ),
                    None,
                )
                assert person is not None, f"nobody mapped may {exit_.id} from {state}"
                apply_transition(uow.session, task, exit_.id, person, uow.registry)
                target = definition.target(exit_, state)
                assert task.state == target and task.workflow_version == 1
                uow.session.flush()
                look(uow.session, task)
            taken.add((state, exit_.id))
            if target not in paths:
                paths[target] = [*paths[state], (exit_.id, person)]
                queue.append(target)
    return taken
