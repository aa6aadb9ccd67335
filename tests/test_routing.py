"""Routing: every case reaches the right agency (and district), or the coordinators' triage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pluggy
import pytest
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.contexts import RoutingContext
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import GuardRefused
from hamyar.core.geo import load_places
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import build_registry, make_plugin_manager
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import RouteProposal, assign_case, return_to_triage, route_case
from hamyar.core.storage.models import (
    CalendarOverride,
    Case,
    HistoryEntry,
    Neighbourhood,
    OutboxMessage,
    RoutingRule,
    Task,
)
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.time.working_days import TEHRAN
from hamyar.core.workflow import roles as R
from hamyar.plugins.health.demo import COUNSELLING_FORMS, MATERNAL_FORMS, SCREENING_FORMS
from hamyar.plugins.library.demo import JOINT_FORMS, MEMBERSHIP_FORMS, VISIT_FORMS, WORKSHOP_FORMS
from hamyar.plugins.municipality.demo import CRISIS_FORMS, PROGRAMME_FORMS, REPORT_FORMS
from hamyar.plugins.welfare.demo import CHILDREN_FORMS, EMPOWERMENT_FORMS, RESILIENCE_FORMS
from hamyar.plugins.welfare.demo import WORKSHOP_FORMS as WELFARE_WORKSHOP_FORMS

FORMS: dict[str, dict[str, Any]] = {
    "municipality.report": REPORT_FORMS[0],
    "municipality.crisis": CRISIS_FORMS[0],
    "municipality.programme": PROGRAMME_FORMS[0],
    "library.mobile_visit": VISIT_FORMS[0],
    "library.reading_workshop": WORKSHOP_FORMS[0],
    "library.membership_drive": MEMBERSHIP_FORMS[0],
    "library.joint_programme": JOINT_FORMS[1],
    "health.screening": SCREENING_FORMS[0],
    "health.counselling": COUNSELLING_FORMS[0],
    "health.maternal_child": MATERNAL_FORMS[0],
    "welfare.household_empowerment": EMPOWERMENT_FORMS[0],
    "welfare.life_skills": WELFARE_WORKSHOP_FORMS[0],
    "welfare.working_children": CHILDREN_FORMS[0],
    "welfare.resilience": RESILIENCE_FORMS[0],
}
CLERK = Actor.from_assignments("operator", [(R.COORDINATOR, None)])
COORDINATOR = Actor.from_assignments("coordinator", [(R.COORDINATOR, None)])
_REGISTRY = build_registry(make_plugin_manager())
ROUTED_CATEGORIES = [
    (spec.code, category)
    for spec in _REGISTRY.services.values()
    for category in spec.categories
    if category != "other"
]


def worker(agency: str) -> Actor:
    return Actor.from_assignments(f"{agency}.caseworker", [(R.CASEWORKER, agency)])


@pytest.fixture
def world(session: Session, registry: Registry) -> Registry:
    sync_registry(session, registry)
    load_places(session)
    session.commit()
    return registry


def place(session: Session, code: str) -> Neighbourhood:
    nb = session.exec(select(Neighbourhood).where(Neighbourhood.code == code)).one()
    return nb


def new_case(
    session: Session,
    registry: Registry,
    service: str,
    nb: str = "karaj-hesarak",
    category: str | None = None,
    data: dict[str, Any] | None = None,
    title: str = "چراغ‌های کوچه خاموش است",
) -> Case:
    case = open_case(
        session,
        registry,
        CLERK,
        service=service,
        title=title,
        channel="phone",
        neighbourhood_id=place(session, nb).id,
        category=category,
        data=FORMS[service] if data is None else data,
    )
    session.flush()
    return case


def tasks_of(session: Session, case: Case) -> list[Task]:
    return list(session.exec(select(Task).where(Task.case_id == case.id).order_by(Task.id)).all())


@pytest.mark.parametrize(("service", "category"), ROUTED_CATEGORIES)
def test_each_category_routes_to_its_agency_and_district(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
    service: str,
    category: str,
) -> None:
    case = new_case(session, world, service, category=category)
    result = route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert result.outcome == "routed"
    assert case.state == "in_progress"
    primary = tasks_of(session, case)[0]
    agency = world.service(service).agency
    assert (primary.kind, primary.agency_code, primary.service_code) == ("primary", agency, service)
    assert case.agency_code == agency
    if agency == "municipality":
        assert primary.variables["district"] == "karaj-5"
        assert "منطقه ۵ شهرداری کرج" in primary.reason


def test_a_report_goes_to_the_district_owning_its_neighbourhood(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(session, world, "municipality.report", "tehran-harandi", "waste")
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    [task] = tasks_of(session, case)
    assert task.variables["district"] == "tehran-12"
    assert "منطقه ۱۲ شهرداری تهران" in task.reason


def test_an_unroutable_report_lands_in_triage_and_a_coordinator_assigns_it(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(session, world, "municipality.report", category="other")
    result = route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert (result.outcome, case.state, tasks_of(session, case)) == ("triage", "triage", [])
    entry = session.exec(select(HistoryEntry).where(HistoryEntry.action == "to_triage")).one()
    assert entry.actor == "system" and entry.comment

    with pytest.raises(GuardRefused):
        assign_case(
            session,
            case,
            worker("municipality"),
            world,
            "municipality.report",
            "x",
            pm=plugin_manager,
        )
    task = assign_case(
        session,
        case,
        COORDINATOR,
        world,
        "municipality.report",
        "مسئولیت با منطقه ۵ است",
        pm=plugin_manager,
    )
    assert case.state == "in_progress"
    assert task.variables["district"] == "karaj-5"


def test_a_programme_outside_the_target_neighbourhoods_goes_to_triage(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(session, world, "municipality.programme", "tehran-vanak", "sports")
    assert route_case(session, case.id, world, pm=plugin_manager).outcome == "triage"  # type: ignore[arg-type]


def test_the_joint_programme_gives_one_task_per_agency_on_one_case(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(
        session,
        world,
        "library.joint_programme",
        category="joint_programme",
        title="برنامه مشترک کانون، سلامت و بهزیستی در حصارک",
    )
    result = route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    tasks = tasks_of(session, case)
    assert len(result.tasks) == 4
    assert {(t.agency_code, t.kind) for t in tasks} == {
        ("library", "primary"),
        ("health", "joint"),
        ("welfare", "joint"),
        ("municipality", "joint"),
    }
    assert {t.case_id for t in tasks} == {case.id}
    assert case.agency_code == "library"
    assert all(t.confidential for t in tasks if t.agency_code in ("health", "welfare"))


def test_rules_add_joint_tasks_and_route_what_plugins_would_not(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    session.add(
        RoutingRule(
            category="cultural",
            province_code="alborz",
            service_code="library.reading_workshop",
            kind="joint",
        )
    )
    session.add(
        RoutingRule(
            category="cultural",
            province_code="qazvin",
            service_code="welfare.resilience",
            kind="joint",
        )
    )
    session.add(
        RoutingRule(
            category="other",
            county_code="karaj",
            service_code="municipality.report",
            note="موارد متفرقه کرج با مرکز ۱۳۷",
        )
    )
    session.flush()
    show = new_case(
        session, world, "municipality.programme", category="cultural", title="جشن محله و تئاتر کودک"
    )
    route_case(session, show.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert [(t.service_code, t.kind) for t in tasks_of(session, show)] == [
        ("municipality.programme", "primary"),
        ("library.reading_workshop", "joint"),
    ]
    other = new_case(
        session, world, "municipality.report", category="other", title="درخواست نصب دوربین"
    )
    assert route_case(session, other.id, world, pm=plugin_manager).outcome == "routed"  # type: ignore[arg-type]
    [task] = tasks_of(session, other)
    assert task.reason == "موارد متفرقه کرج با مرکز ۱۳۷"


def test_one_task_per_agency_even_when_a_rule_names_a_second_service_of_the_same_agency(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    session.add(
        RoutingRule(category="street_lighting", service_code="municipality.crisis", kind="joint")
    )
    session.flush()
    case = new_case(session, world, "municipality.report", category="street_lighting")
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    tasks = tasks_of(session, case)
    assert len(tasks) == 1 and tasks[0].kind == "primary"


def test_not_responsible_returns_the_case_to_triage_with_the_reason(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(session, world, "municipality.report", category="stray_animals")
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    [task] = tasks_of(session, case)
    reason = "جمع‌آوری حیوانات با دامپزشکی است، نه منطقه"
    return_to_triage(session, task, worker("municipality"), world, reason)
    assert (task.state, case.state) == ("returned", "triage")
    entries = session.exec(
        select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.id)
    ).all()
    returned = next(e for e in entries if e.action == "not_responsible")
    back = next(e for e in entries if e.action == "back_to_triage")
    assert returned.comment == reason and returned.task_id == task.id
    assert back.task_id is None and reason in back.comment and "municipality" in back.comment


def test_the_case_resolves_when_its_last_task_is_done_and_a_coordinator_closes_it(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(
        session, world, "library.joint_programme", category="joint_programme", data=JOINT_FORMS[0]
    )
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    library, health, welfare = tasks_of(session, case)
    apply_transition(session, library, "complete", worker("library"), world)
    apply_transition(session, health, "complete", worker("health"), world)
    assert case.state == "in_progress"
    apply_transition(session, welfare, "complete", worker("welfare"), world, comment="برگزار شد")
    assert case.state == "resolved"
    resolve = session.exec(select(HistoryEntry).where(HistoryEntry.action == "resolve")).one()
    assert resolve.actor == "system" and "برگزار شد" in resolve.comment
    apply_transition(session, case, "close", COORDINATOR, world)
    assert case.state == "closed"


def test_routing_is_idempotent(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    case = new_case(session, world, "health.screening")
    assert route_case(session, case.id, world, pm=plugin_manager).outcome == "routed"  # type: ignore[arg-type]
    again = route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert again.already_routed and again.tasks == []
    assert len(tasks_of(session, case)) == 1


class Raising:
    @hookimpl
    def propose_routes(self, context: RoutingContext) -> list[RouteProposal]:
        raise RuntimeError("broken plugin")


class Wrong:
    @hookimpl
    def propose_routes(self, context: RoutingContext) -> list[Any]:
        return [
            "not a proposal",
            RouteProposal(service="no.such"),
            RouteProposal(service="health.screening", agency="library", joint=True),
        ]


def test_a_raising_or_confused_plugin_does_not_stop_routing(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    plugin_manager.register(Raising(), name="raising")
    plugin_manager.register(Wrong(), name="wrong")
    case = new_case(session, world, "municipality.report", category="waste")
    assert route_case(session, case.id, world, pm=plugin_manager).outcome == "routed"  # type: ignore[arg-type]
    assert [t.agency_code for t in tasks_of(session, case)] == ["municipality"]


def _tehran(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TEHRAN).astimezone(UTC)


def _due_day(task: Task) -> date:
    assert task.due_at is not None
    return task.due_at.astimezone(TEHRAN).date()


def test_due_dates_skip_fridays_and_nowruz(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    # 28 Esfand 1403 = Tuesday 18 March 2025; counselling promises 3 working days. Off: 29 and
    # 30 Esfand, 1-4 Farvardin (Friday 21 March among them); so Tue 25, Wed 26, Thu 27 March.
    case = new_case(session, world, "health.counselling")
    route_case(session, case.id, world, pm=plugin_manager, now=_tehran(date(2025, 3, 18)))  # type: ignore[arg-type]
    [task] = tasks_of(session, case)
    assert _due_day(task) == date(2025, 3, 27)
    assert case.due_at == task.due_at

    # Opened Thursday 8 May 2025: Friday is skipped, so Sat 10, Sun 11, Mon 12.
    other = new_case(session, world, "health.counselling", data=COUNSELLING_FORMS[1])
    route_case(session, other.id, world, pm=plugin_manager, now=_tehran(date(2025, 5, 8)))  # type: ignore[arg-type]
    assert _due_day(tasks_of(session, other)[0]) == date(2025, 5, 12)


def test_thursdays_count_per_agency_and_overrides_close_days(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    session.add(
        CalendarOverride(day=date(2025, 5, 10), closed=True, name="تعطیلی به دستور استانداری")
    )
    session.flush()
    health = new_case(session, world, "health.counselling")
    route_case(session, health.id, world, pm=plugin_manager, now=_tehran(date(2025, 5, 7)))  # type: ignore[arg-type]
    # Wed 7 May: Thu 8 (health works Thursdays), Fri off, Sat 10 closed by decree, Sun 11.
    assert _due_day(tasks_of(session, health)[0]) == date(2025, 5, 12)
    welfare = new_case(session, world, "welfare.working_children")
    route_case(session, welfare.id, world, pm=plugin_manager, now=_tehran(date(2025, 5, 7)))  # type: ignore[arg-type]
    # Welfare closes on Thursdays: Sun 11, Mon 12, Tue 13, Wed 14, Sat 17 for five days.
    assert _due_day(tasks_of(session, welfare)[0]) == date(2025, 5, 17)


def test_crisis_deadlines_count_hours_round_the_clock(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    nowruz = _tehran(date(2025, 3, 21), hour=22)  # a Friday and a holiday
    case = new_case(session, world, "municipality.crisis", category="flood")
    assert case.priority == 2
    route = session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert route.queue == "urgent"
    route_case(session, case.id, world, pm=plugin_manager, now=nowruz)  # type: ignore[arg-type]
    [task] = tasks_of(session, case)
    assert task.due_at == nowruz + timedelta(hours=6)
