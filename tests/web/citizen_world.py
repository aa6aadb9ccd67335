"""The citizens' side on the shipped plugins: a public municipality service, a confidential
health one, a place, and the staff who move a citizen's report (`citizen` fixture)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hamyar.core.application import commands
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.manager import Plugins, build_registry, make_plugin_manager
from hamyar.core.storage.models import Case, County, Neighbourhood, Province, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import roles as R
from tests.web.ui_world import _user

PUBLIC_SERVICE = "municipality.report"
CONFIDENTIAL_SERVICE = "health.screening"
CATEGORY = "municipality.report:street_lighting"
CASEWORKER = Actor(
    "municipality.caseworker", agency_roles={"municipality": frozenset({R.CASEWORKER})}
)


def citizen_plugins() -> Plugins:
    pm = make_plugin_manager()
    return Plugins(pm=pm, registry=build_registry(pm))


@dataclass(frozen=True)
class CitizenWorld:
    neighbourhood_id: int


def build_citizen_world(session: Session, plugins: Plugins) -> CitizenWorld:
    sync_registry(session, plugins.registry)
    province = Province(code="tehran", name_fa="تهران", name_en="Tehran")
    session.add(province)
    session.flush()
    county = County(
        code="tehran-city", province_id=province.id or 0, name_fa="تهران", name_en="Tehran"
    )
    session.add(county)
    session.flush()
    place = Neighbourhood(
        code="khak-sefid", county_id=county.id or 0, name_fa="خاک سفید", name_en="Khak-e Sefid"
    )
    session.add(place)
    _user(session, "municipality.caseworker", [(R.CASEWORKER, "municipality")])
    _user(session, "health.caseworker", [(R.CASEWORKER, "health")])
    _user(session, "coordinator", [(R.COORDINATOR, None)])
    _user(session, "auditor", [(R.AUDITOR, None)])
    session.commit()
    assert place.id is not None
    return CitizenWorld(neighbourhood_id=place.id)


def route(app: Application, tracking_code: str) -> tuple[int, int]:
    """What the routing worker does: give the case a task of its agency and move it on."""
    with app.unit_of_work() as uow:
        session = uow.session
        case = session.exec(select(Case).where(Case.tracking_code == tracking_code)).one()
        spec = app.registry.service(case.service_code)
        task = Task(
            case_id=case.id or 0,
            agency_code=spec.agency,
            service_code=spec.code,
            workflow_id=spec.workflow,
            state=app.registry.workflow(spec.workflow).initial_state,
            confidential=spec.confidential,
        )
        session.add(task)
        session.flush()
        case.agency_code = spec.agency
        apply_transition(session, case, "routed", SYSTEM, app.registry)
        assert case.id is not None and task.id is not None
        return case.id, task.id


def resolve(app: Application, task_id: int) -> None:
    """A caseworker finishes the task; the case resolves on its own."""
    commands.take_transition(app.unit_of_work(), CASEWORKER, "task", task_id, "complete")


def staff_case(
    app: Application, service: str, *, channel: str = "web", reporter: dict | None = None
) -> Case:
    """A case as staff (or a channel) opened it; a confidential service's case is opened as a
    public one and then given that service, as its form asks more than these tests need."""
    spec = app.registry.service(service)
    with app.unit_of_work() as uow:
        case = open_case(
            uow.session,
            app.registry,
            SYSTEM,
            service="municipality.report",
            title="گزارش",
            channel=channel,
            reporter=reporter,
        )
        case.service_code, case.confidential = spec.code, spec.confidential
        uow.session.add(case)
    return case
