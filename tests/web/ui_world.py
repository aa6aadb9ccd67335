"""A small world for the UI tests: one agency with one service, two people, one routed case.

The agency is a throwaway plugin (`uitest`), so these tests say what the UI does whatever the
real agency plugins register; the engine (workflows, transitions, access) is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.auth.passwords import hash_password
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.declarations import AgencySpec, ServiceSpec
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import Plugins, build_registry, make_plugin_manager
from hamyar.core.storage.models import County, Neighbourhood, Province, RoleAssignment, Task, User
from hamyar.core.storage.registry_mirror import sync_registry

AGENCY = "uitest"
SERVICE = "uitest.household_visit"
PASSWORD = "demo"


class VisitForm(BaseModel):
    household_size: int = Field(
        ge=1, le=30, title="تعداد اعضای خانوار", json_schema_extra={"title_en": "Household size"}
    )
    address_note: str | None = Field(
        default=None, max_length=120, title="نشانی", json_schema_extra={"title_en": "Address note"}
    )


class UiTestPlugin:
    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code=AGENCY, title_fa="اداره آزمایشی", title_en="Test office"))

    @hookimpl
    def register_services(self, register: Any) -> None:
        register(
            ServiceSpec(
                code=SERVICE,
                agency=AGENCY,
                workflow="hamyar.task",
                title_fa="بازدید از خانوار",
                title_en="Household visit",
                form=VisitForm,
                sla_days=5,
            )
        )


def ui_plugins() -> Plugins:
    """The default and installed plugins plus the test agency."""
    pm = make_plugin_manager()
    pm.register(UiTestPlugin(), name="uitest")
    return Plugins(pm=pm, registry=build_registry(pm))


@dataclass(frozen=True)
class World:
    case_id: int
    task_id: int
    neighbourhood_id: int
    tracking_code: str


def _user(session: Session, username: str, roles: list[tuple[str, str | None]]) -> None:
    user = User(username=username, password_hash=hash_password(PASSWORD), full_name=username)
    session.add(user)
    session.flush()
    assert user.id is not None
    for role, agency in roles:
        session.add(RoleAssignment(user_id=user.id, role=role, agency_code=agency))


def build_world(session: Session, plugins: Plugins) -> World:
    """People, a place, and one case routed to the test agency with an open task."""
    sync_registry(session, plugins.registry)
    province = Province(code="alborz", name_fa="البرز", name_en="Alborz")
    session.add(province)
    session.flush()
    county = County(code="karaj", province_id=province.id or 0, name_fa="کرج", name_en="Karaj")
    session.add(county)
    session.flush()
    place = Neighbourhood(
        code="hesar", county_id=county.id or 0, name_fa="حصارک", name_en="Hesarak", deprived=True
    )
    session.add(place)
    _user(session, "uitest.caseworker", [("Caseworker", AGENCY)])
    _user(session, "coordinator", [("Coordinator", None)])
    _user(session, "auditor", [("Auditor", None)])
    session.flush()
    case = open_case(
        session,
        plugins.registry,
        SYSTEM,
        service=SERVICE,
        title="درخواست بازدید از خانوار در حصارک",
        neighbourhood_id=place.id,
        description="خانوار پنج‌نفره، نیازمند بازدید مددکار",
        channel="phone",
        data={"household_size": 5},
    )
    session.flush()
    assert case.id is not None
    task = Task(
        case_id=case.id,
        agency_code=AGENCY,
        service_code=SERVICE,
        workflow_id="hamyar.task",
        state="open",
        reason="test routing",
    )
    session.add(task)
    case.agency_code = AGENCY
    session.add(case)
    session.commit()
    apply_transition(session, case, "routed", SYSTEM, plugins.registry)
    session.commit()
    assert task.id is not None and place.id is not None
    return World(
        case_id=case.id,
        task_id=task.id,
        neighbourhood_id=place.id,
        tracking_code=case.tracking_code,
    )
