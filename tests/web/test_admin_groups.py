"""Groups on the managers' users page: creating one, putting people in it, taking them out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.auth.groups import actor_of
from hamyar.core.auth.users import create_user, find_user
from hamyar.core.storage.models import GroupMember, UserGroup
from tests.web.apps import app_for
from tests.web.test_ui import log_in
from tests.web.ui_world import AGENCY, PASSWORD, World, build_world, ui_plugins


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, World]]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, plugins)
        create_user(session, "manager", PASSWORD, roles=["Manager"], full_name="مدیر")
        session.commit()
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client, world


def test_a_manager_makes_a_group_whose_member_holds_its_role(site, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    page = client.get("/admin/users").text
    assert 'id="group-form"' in page and "گروه‌ها" in page
    made = client.post(
        "/admin/groups",
        data={
            "_csrf_token": token,
            "group_name": "outreach",
            "group_agency": AGENCY,
            "group_role": "Supervisor",
        },
    )
    assert made.status_code == 200 and 'data-group="outreach"' in made.text
    with Session(engine) as session:
        auditor = find_user(session, "auditor")
        assert auditor is not None and auditor.id is not None
        user_id = auditor.id
    joined = client.post(
        f"/admin/users/{user_id}/groups", data={"_csrf_token": token, "group": "outreach"}
    )
    assert joined.status_code == 200
    with Session(engine) as session:
        user = find_user(session, "auditor")
        assert user is not None
        actor = actor_of(session, user)
    assert actor.groups == {"outreach"} and "Supervisor" in actor.roles_in(AGENCY)
    left = client.post(
        f"/admin/users/{user_id}/groups/remove", data={"_csrf_token": token, "group": "outreach"}
    )
    assert left.status_code == 200
    with Session(engine) as session:
        assert session.exec(select(GroupMember)).all() == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"group_name": "two words"}, "group_name"),
        ({"group_name": "across", "group_role": "Caseworker"}, "group_role"),
        ({"group_name": "x", "group_agency": "nowhere"}, "group_agency"),
    ],
)
def test_a_bad_group_is_named_beside_its_field(site, engine: Engine, form, field: str) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "manager")
    response = client.post("/admin/groups", data={"_csrf_token": token, **form})
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text
    with Session(engine) as session:
        assert session.exec(select(UserGroup)).all() == []


def test_only_a_manager_makes_groups(site) -> None:  # type: ignore[no-untyped-def]
    client, _world = site
    token = log_in(client, "auditor")
    refused = client.post("/admin/groups", data={"_csrf_token": token, "group_name": "g"})
    assert refused.status_code == 403
