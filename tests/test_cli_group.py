"""`hamyar group add NAME [--agency CODE] [--role ROLE]` and `hamyar user add … --group NAME`."""

from __future__ import annotations

from sqlmodel import Session, select

from hamyar.core.auth.groups import actor_of
from hamyar.core.auth.users import find_user
from hamyar.core.storage.database import make_engine
from hamyar.core.storage.models import UserGroup
from tests.web.test_web_cli import hamyar


def test_a_group_made_on_the_command_line_gives_its_members_its_role(db_url: str) -> None:
    made = hamyar(
        "group", "add", "outreach", "--agency", "welfare", "--role", "Supervisor", db_url=db_url
    )
    assert made.returncode == 0, made.stderr
    assert "group outreach in welfare" in made.stdout
    added = hamyar(
        "user",
        "add",
        "lead",
        "--group",
        "outreach",
        "--password-stdin",
        db_url=db_url,
        stdin="pw\n",
    )
    assert added.returncode == 0, added.stderr
    engine = make_engine(db_url)
    with Session(engine) as session:
        group = session.exec(select(UserGroup)).one()
        assert (group.name, group.agency_code) == ("outreach", "welfare")
        user = find_user(session, "lead")
        assert user is not None
        actor = actor_of(session, user)
    engine.dispose()
    assert actor.groups == {"outreach"} and actor.roles_in("welfare") == {"Supervisor"}
    assert actor.roles_in("health") == frozenset()


def test_group_mistakes_are_one_line_and_exit_2(db_url: str) -> None:
    across = hamyar("group", "add", "everyone", "--role", "Caseworker", db_url=db_url)
    assert across.returncode == 2 and "--role" in across.stderr
    assert "Traceback" not in across.stderr and len(across.stderr.strip().splitlines()) == 1
    unknown = hamyar(
        "user", "add", "x", "--group", "nobody", "--password-stdin", db_url=db_url, stdin="pw\n"
    )
    assert unknown.returncode == 2 and "group" in unknown.stderr
    assert "Traceback" not in unknown.stderr
