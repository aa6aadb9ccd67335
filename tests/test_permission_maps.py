"""The permission map of the state a case's task is in decides who sees and changes the case.

A throwaway plugin adds two confidential agencies, a role (Nurse), and a review workflow whose
`pending` state shows the task's agency's supervisors alone and whose `released` state shows
its caseworkers and nurses too, with Modify for supervisors only. Releasing takes membership of
the `releasers` group (a DCWorkflow guard_groups guard). Every read path — list, detail,
search, worklists — must agree with the map, and so must the writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar import (
    AgencySpec,
    Guard,
    RoleSpec,
    ServiceSpec,
    State,
    Transition,
    WorkflowDefinition,
    Worklist,
    hookimpl,
)
from hamyar.core.application import administration as admin
from hamyar.core.application.casework import add_note, edit_case
from hamyar.core.application.commands import take_transition
from hamyar.core.application.context import Application
from hamyar.core.auth import access
from hamyar.core.auth.actor import OPERATOR, SYSTEM, Actor
from hamyar.core.auth.groups import actor_of
from hamyar.core.auth.users import find_user
from hamyar.core.cases import worklists
from hamyar.core.cases.intake import open_case
from hamyar.core.cases.listing import CaseFilters, list_cases
from hamyar.core.exceptions import GuardRefused, InvalidInput, NotFound
from hamyar.core.plugin.manager import build_plugins
from hamyar.core.routing.router import open_task
from hamyar.core.storage.models import Case, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.workflow import roles as R

MARK = "PERMTEST-CONTENT-3141"
SHOWN = (R.CASEWORKER, R.SUPERVISOR, "Nurse")


class PermTestPlugin:
    name = "permtest"

    @hookimpl
    def register_roles(self, register: Any) -> None:
        register(RoleSpec("Nurse", "پرستار", "Nurse"))

    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code="permfront", title_fa="پذیرش", title_en="Front desk"))
        register(AgencySpec(code="permback", title_fa="بازبینی", title_en="Review"))

    @hookimpl
    def register_workflows(self, register: Any) -> None:
        register(
            WorkflowDefinition.build(
                "permtest.review",
                title="بازبینی",
                initial_state="pending",
                states=[
                    State(
                        id="pending",
                        transitions=("release",),
                        permission_roles={
                            R.ACCESS: (R.SUPERVISOR,),
                            R.VIEW: (R.SUPERVISOR,),
                            R.MODIFY: (R.SUPERVISOR,),
                        },
                    ),
                    State(
                        id="released",
                        permission_roles={
                            R.ACCESS: SHOWN,
                            R.VIEW: SHOWN,
                            R.MODIFY: (R.SUPERVISOR,),
                        },
                    ),
                ],
                transitions=[
                    Transition(
                        id="release", new_state="released", guard=Guard(groups=("releasers",))
                    )
                ],
                worklists=[
                    Worklist(
                        id="to_review",
                        title="بازبینی",
                        title_en="To review",
                        matches={"state": ("pending", "released")},
                        guard=Guard(roles=SHOWN),
                    )
                ],
            )
        )

    @hookimpl
    def register_services(self, register: Any) -> None:
        for code, agency, workflow in (
            ("permfront.intake", "permfront", "hamyar.task"),
            ("permback.review", "permback", "permtest.review"),
        ):
            register(
                ServiceSpec(
                    code=code,
                    agency=agency,
                    workflow=workflow,
                    title_fa="خدمت",
                    title_en="Service",
                    confidential=True,
                    sla_days=5,
                )
            )


@pytest.fixture
def app(engine: Engine) -> Iterator[Application]:
    plugins = build_plugins(extra=[PermTestPlugin()])
    application = Application.build(engine=engine, plugins=plugins)
    with application.unit_of_work() as uow:
        sync_registry(uow.session, application.registry)
    uow = application.unit_of_work()
    admin.add_group(uow, OPERATOR, "releasers", agency="permback", roles=[R.SUPERVISOR])
    people: list[tuple[str, list[str], str | None, list[str]]] = [
        ("back.caseworker", [R.CASEWORKER], "permback", []),
        ("back.supervisor", [R.SUPERVISOR], "permback", []),
        ("back.nurse", ["Nurse"], "permback", []),
        ("back.lead", [], None, ["releasers"]),
        ("walk.in", [R.CASEWORKER], "permback", []),
    ]
    for name, roles, agency, groups in people:
        admin.add_user(
            application.unit_of_work(),
            OPERATOR,
            name,
            "pw",
            roles=roles,
            agency=agency,
            groups=groups,
        )
    yield application


def person(app: Application, name: str) -> Actor:
    with app.read_session() as session:
        user = find_user(session, name)
        assert user is not None
        return actor_of(session, user)


def new_case(app: Application, by: Actor = SYSTEM, *, review: bool = True) -> tuple[int, int]:
    """A confidential front-desk case with a review task of the back office; (case, task)."""
    with app.unit_of_work() as uow:
        case = open_case(
            uow.session,
            app.registry,
            by,
            service="permfront.intake",
            title=f"پرونده {MARK}",
            description=MARK,
            data={},
            channel="phone",
        )
        uow.session.flush()
        task_id = 0
        if review:
            task = open_task(
                uow.session, app.registry, case, "permback.review", kind="joint", reason=""
            )
            uow.session.flush()
            task_id = task.id or 0
        assert case.id is not None
        return case.id, task_id


def reads(app: Application, actor: Actor, case_id: int) -> dict[str, bool]:
    """What each read path says about the case, for `actor`."""
    with app.read_session() as session:
        listed = [c.id for c in list_cases(session, actor, CaseFilters()).items]
        found = [c.id for c in list_cases(session, actor, CaseFilters(q=MARK)).items]
        try:
            _case, allowed = access.get_case(session, actor, case_id)
            detail, content = True, allowed.content
        except NotFound:
            detail = content = False
        queued = []
        for spec in worklists.worklists_for(actor, app.registry):
            rows, _next = worklists.items(session, spec, actor)
            queued += [r.case_id if isinstance(r, Task) else r.id for r in rows]
    return {
        "list": case_id in listed,
        "detail": detail,
        "content": content,
        "search": case_id in found,
        "worklist": case_id in queued,
    }


def test_a_state_hides_a_case_from_caseworkers_until_a_transition_shows_it(
    app: Application,
) -> None:
    case_id, task_id = new_case(app)
    caseworker, supervisor = person(app, "back.caseworker"), person(app, "back.supervisor")
    hidden = dict.fromkeys(("list", "detail", "content", "search", "worklist"), False)
    assert reads(app, caseworker, case_id) == hidden
    assert reads(app, supervisor, case_id) == dict.fromkeys(hidden, True)

    take_transition(app.unit_of_work(), person(app, "back.lead"), "task", task_id, "release")

    assert reads(app, caseworker, case_id) == dict.fromkeys(hidden, True)


def test_a_group_guard_passes_a_member_and_refuses_everyone_else(app: Application) -> None:
    _case_id, task_id = new_case(app)
    with pytest.raises(GuardRefused):
        take_transition(
            app.unit_of_work(), person(app, "back.supervisor"), "task", task_id, "release"
        )
    lead = person(app, "back.lead")
    assert lead.groups == {"releasers"} and lead.roles_in("permback") == {R.SUPERVISOR}
    done = take_transition(app.unit_of_work(), lead, "task", task_id, "release")
    assert done.events[0].to_state == "released"


def test_the_modify_map_refuses_a_note_and_an_edit_that_view_allows(app: Application) -> None:
    case_id, task_id = new_case(app)
    take_transition(app.unit_of_work(), person(app, "back.lead"), "task", task_id, "release")
    caseworker = person(app, "back.caseworker")
    assert reads(app, caseworker, case_id)["content"]
    with pytest.raises(GuardRefused):
        add_note(app.unit_of_work(), caseworker, case_id, text="دیدم", visibility="shared")
    with pytest.raises(GuardRefused):
        edit_case(app.unit_of_work(), caseworker, case_id, version=None, title="عنوان تازه")
    note = add_note(
        app.unit_of_work(),
        person(app, "back.supervisor"),
        case_id,
        text="دیدم",
        visibility="shared",
    )
    assert note.id is not None


def test_a_plugin_role_with_its_titles_is_granted_view_by_a_map(app: Application) -> None:
    registry = app.registry
    assert "Nurse" in registry.known_roles() and "Nurse" in registry.agency_roles()
    assert registry.role_title("Nurse", "fa") == "پرستار"
    assert registry.role_title("Nurse", "en") == "Nurse"
    case_id, task_id = new_case(app)
    nurse = person(app, "back.nurse")
    assert not reads(app, nurse, case_id)["detail"]
    take_transition(app.unit_of_work(), person(app, "back.lead"), "task", task_id, "release")
    assert reads(app, nurse, case_id)["content"]


def test_owner_sees_the_confidential_case_they_opened(app: Application) -> None:
    walk_in = person(app, "walk.in")
    case_id, _ = new_case(app, walk_in, review=False)
    seen = reads(app, walk_in, case_id)
    assert seen["list"] and seen["detail"] and seen["content"] and seen["search"]
    other = reads(app, person(app, "back.caseworker"), case_id)
    assert not (other["list"] or other["detail"] or other["search"])


def test_hook_register_roles(app: Application) -> None:
    """A registered role may be given to users; an unknown one, or a core one again, may not."""
    assert app.registry.owner("role", "Nurse") == "permtest"
    assert person(app, "back.nurse").roles_in("permback") == {"Nurse"}
    with pytest.raises(InvalidInput):
        admin.add_user(
            app.unit_of_work(), OPERATOR, "x", "pw", roles=["Midwife"], agency="permback"
        )

    class Again:
        @hookimpl
        def register_roles(self, register: Any) -> None:
            register(RoleSpec(R.CASEWORKER, "کارشناس", "Caseworker"))
            register(RoleSpec("Nameless", "", "Nameless"))

    plugins = build_plugins(extra=[Again()], installed=False)
    errors = [f.error for f in plugins.registry.failures if f.hook == "register_roles"]
    assert any("core's roles" in e for e in errors) and any("English title" in e for e in errors)
    assert "Nameless" not in plugins.registry.known_roles()


def test_the_caseworker_listing_filters_through_indexes_in_sql(app: Application) -> None:
    """The permission rows are joined by their primary key and a case's tasks by theirs."""
    caseworker = person(app, "back.caseworker")
    with app.read_session() as session:
        query = select(Case.id).where(access.visible_cases(caseworker)).order_by(Case.id.desc())
        dialect = session.get_bind().dialect.name
        compiled = query.compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        if dialect == "postgresql":
            # A test database is tiny; the question is whether an index *can* serve the query.
            session.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            " ".join(str(v) for v in row) for row in session.execute(text(prefix + str(compiled)))
        )
    if dialect == "postgresql":
        assert "Seq Scan" not in plan, plan
        assert "using state_permission_pkey on state_permission" in plan, plan
        assert re.search(r"Index (Only )?Scan using \w+ on task held_task", plan), plan
    else:
        assert "SEARCH state_permission" in plan and "SCAN state_permission" not in plan, plan
        assert "SEARCH held_task USING" in plan and "SCAN held_task" not in plan, plan
