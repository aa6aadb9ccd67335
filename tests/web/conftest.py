"""The web app on the real test database, with a small world of agencies, people and cases.

The agencies are a throwaway plugin standing in for the real ones (health, welfare,
municipality, library — disabled here), so these tests say what the API promises whatever the
real plugins register; workflows, transitions, access rules and search are the real ones.
Everyone holds a bearer token issued directly (no argon2 work per test) and all share the
password `PASSWORD`, hashed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.auth.passwords import hash_password
from hamyar.core.auth.tokens import new_token
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.declarations import AgencySpec, ServiceSpec
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import Plugins, build_registry, make_plugin_manager
from hamyar.core.storage.models import (
    County,
    Neighbourhood,
    Province,
    RoleAssignment,
    Task,
    User,
    utcnow,
)
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.storage.settings import get_settings
from hamyar.core.workflow import Guard, State, Transition, WorkflowDefinition, Worklist
from hamyar.core.workflow import roles as R
from tests.web.apps import app_for

PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)
AGENCIES = ("health", "welfare", "municipality", "library")
REAL_PLUGINS = AGENCIES


class PotholeForm(BaseModel):
    street: str = Field(min_length=2, max_length=120)
    severity: int = Field(ge=1, le=5)


class WebTestAgencies:
    """Two confidential agencies, two public ones; the library's task workflow declares a
    worklist, as a DCWorkflow definition may."""

    @hookimpl
    def register_agencies(self, register: Any) -> None:
        for code in AGENCIES:
            register(AgencySpec(code=code, title_fa=f"اداره {code}", title_en=code.title()))

    @hookimpl
    def register_workflows(self, register: Any) -> None:
        workers = (R.CASEWORKER, R.SUPERVISOR)
        register(
            WorkflowDefinition.build(
                "webtest.visit",
                title="بازدید",
                title_en="Visit",
                initial_state="planned",
                states=[
                    State(
                        id="planned",
                        title="برنامه‌ریزی",
                        transitions=("visit",),
                        permission_roles={R.VIEW: workers, R.MODIFY: workers},
                    ),
                    State(id="visited", title="انجام شد", terminal=True),
                ],
                transitions=[
                    Transition(
                        id="visit",
                        title="بازدید شد",
                        new_state="visited",
                        guard=Guard(roles=workers),
                    )
                ],
                worklists=[
                    Worklist(
                        id="to_visit",
                        title="بازدیدهای پیش رو",
                        title_en="Visits to make",
                        matches={"state": ("planned",)},
                        guard=Guard(roles=workers),
                    )
                ],
            )
        )

    @hookimpl
    def register_services(self, register: Any) -> None:
        register(
            ServiceSpec(
                code="health.screening",
                agency="health",
                workflow="hamyar.task",
                title_fa="غربالگری",
                title_en="Screening",
                confidential=True,
                sla_days=5,
            )
        )
        register(
            ServiceSpec(
                code="welfare.empowerment",
                agency="welfare",
                workflow="hamyar.task",
                title_fa="توانمندسازی",
                title_en="Empowerment",
                confidential=True,
                sla_days=10,
            )
        )
        register(
            ServiceSpec(
                code="municipality.pothole",
                agency="municipality",
                workflow="hamyar.task",
                title_fa="چاله",
                title_en="Pothole",
                form=PotholeForm,
                sla_days=3,
            )
        )
        register(
            ServiceSpec(
                code="library.visit",
                agency="library",
                workflow="webtest.visit",
                title_fa="کتابخانه سیار",
                title_en="Mobile library",
                sla_days=7,
            )
        )


def web_plugins() -> Plugins:
    pm = make_plugin_manager(disabled=REAL_PLUGINS)
    pm.register(WebTestAgencies(), name="webtest")
    return Plugins(pm=pm, registry=build_registry(pm))


USERS: dict[str, list[tuple[str, str | None]]] = {
    "admin": [(R.MANAGER, None)],
    "coordinator": [(R.COORDINATOR, None)],
    "auditor": [(R.AUDITOR, None)],
    "nobody": [],
    **{f"{a}.caseworker": [(R.CASEWORKER, a)] for a in AGENCIES},
    **{f"{a}.supervisor": [(R.SUPERVISOR, a)] for a in AGENCIES},
}


@dataclass
class World:
    """Ids of what the tests talk about, and each user's bearer token."""

    session: Session
    plugins: Plugins
    neighbourhood_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def add_case(
        self,
        name: str,
        service: str,
        *,
        title: str = "",
        description: str = "",
        data: dict[str, Any] | None = None,
        routed: bool = True,
        due_in: timedelta | None = None,
        reporter: dict[str, Any] | None = None,
    ) -> int:
        """Open a case as the engine would and route it to its service's agency."""
        registry = self.plugins.registry
        spec = registry.service(service)
        case = open_case(
            self.session,
            registry,
            SYSTEM,
            service=service,
            title=title or f"پرونده {name}",
            description=description,
            data=data or {},
            neighbourhood_id=self.neighbourhood_id,
            channel="demo",
            reporter=reporter,
        )
        assert case.id is not None
        due = utcnow() + due_in if due_in is not None else None
        case.due_at = due
        if routed:
            task = Task(
                case_id=case.id,
                agency_code=spec.agency,
                service_code=service,
                workflow_id=spec.workflow,
                state=registry.workflow(spec.workflow).initial_state,
                confidential=spec.confidential,
                due_at=due,
            )
            self.session.add(task)
            self.session.flush()
            assert task.id is not None
            self.tasks[name] = task.id
            apply_transition(self.session, case, "routed", SYSTEM, registry)
        self.session.commit()
        self.cases[name] = case.id
        return case.id


@pytest.fixture
def web_plugins_fixture() -> Plugins:
    return web_plugins()


@pytest.fixture
def world(
    engine: Engine, session: Session, web_plugins_fixture: Plugins, monkeypatch: pytest.MonkeyPatch
) -> World:
    monkeypatch.setenv("HAMYAR_SECRET_KEY", "test-secret-key-for-the-web-tests")
    get_settings.cache_clear()
    sync_registry(session, web_plugins_fixture.registry)
    province = Province(code="tehran", name_fa="تهران", name_en="Tehran")
    session.add(province)
    session.flush()
    county = County(
        code="tehran-city",
        province_id=province.id,
        name_fa="تهران",  # type: ignore[arg-type]
        name_en="Tehran",
    )
    session.add(county)
    session.flush()
    place = Neighbourhood(
        code="khak-sefid",
        county_id=county.id,
        name_fa="خاک سفید",  # type: ignore[arg-type]
        name_en="Khak-e Sefid",
        deprived=True,
    )
    session.add(place)
    for username, roles in USERS.items():
        user = User(username=username, password_hash=PASSWORD_HASH)
        session.add(user)
        session.flush()
        for role, agency in roles:
            session.add(RoleAssignment(user_id=user.id, role=role, agency_code=agency))  # type: ignore[arg-type]
    session.commit()
    assert place.id is not None
    world = World(session=session, plugins=web_plugins_fixture, neighbourhood_id=place.id)
    for user in session.exec(select(User)).all():
        world.tokens[user.username] = new_token(session, user, name="test")[0]
    session.commit()
    world.add_case(
        "health",
        "health.screening",
        title="غربالگری محرمانه خانم الف",
        description="سابقه بیماری قلبی",
    )
    world.add_case("welfare", "welfare.empowerment", title="خانوار سرپرست زن")
    world.add_case(
        "pothole",
        "municipality.pothole",
        title="چاله خیابان آزادی",
        data={"street": "آزادی", "severity": 3},
        due_in=timedelta(days=-1),
    )
    world.add_case("library", "library.visit", title="بازدید کتابخانه سیار")
    world.add_case(
        "unrouted",
        "municipality.pothole",
        title="گزارش تازه",
        data={"street": "انقلاب", "severity": 1},
        routed=False,
    )
    return world


@pytest.fixture
def app(world: World, engine: Engine) -> Litestar:
    return app_for(plugins=world.plugins, engine=engine)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        yield client
