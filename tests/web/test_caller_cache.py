"""Who called is remembered for a few seconds, and forgotten the moment access changes."""

from __future__ import annotations

from datetime import timedelta

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.auth.actor import Actor
from hamyar.core.auth.caller_cache import CallerCache, callers
from hamyar.core.storage.models import RoleAssignment, User, utcnow
from tests.web.conftest import World

Client = TestClient[Litestar]
AUTH_WORDS = ("api_token", "role_assignment", "group_member", "ui_session", "user_account")


def _about_the_caller(sent: list[str]) -> list[str]:
    """The reads of who is calling (not the token's last-use note, written aside)."""
    return [
        s
        for s in sent
        if s.lstrip().upper().startswith("SELECT") and any(w in s for w in AUTH_WORDS)
    ]


def test_a_second_request_does_not_ask_the_database_who_is_calling(
    client: Client, world: World, statements: list[str]
) -> None:
    headers = world.headers("health.caseworker")
    world.session.rollback()
    callers.clear()
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    assert _about_the_caller(statements), "the first request reads the token and the roles"
    statements.clear()
    for _ in range(3):
        assert client.get("/api/cases", headers=headers).status_code == 200
    assert _about_the_caller(statements) == []


def test_a_revoked_token_stops_working_at_once_though_it_was_remembered(
    client: Client, world: World
) -> None:
    headers = world.headers("health.caseworker")
    world.session.rollback()
    assert client.get("/api/cases", headers=headers).status_code == 200
    assert client.delete("/api/auth/token", headers=headers).status_code == 204
    assert client.get("/api/cases", headers=headers).status_code == 401


def test_a_role_taken_away_is_gone_on_the_next_request(client: Client, world: World) -> None:
    headers = world.headers("health.caseworker")
    world.session.rollback()
    me = client.get("/api/auth/me", headers=headers).json()
    assert me["agency_roles"] == {"health": ["Caseworker"]}
    user = world.session.exec(select(User).where(User.username == "health.caseworker")).one()
    for row in world.session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)):
        world.session.delete(row)
    world.session.commit()
    assert client.get("/api/auth/me", headers=headers).json()["agency_roles"] == {}


def test_a_deactivated_account_is_refused_on_the_next_request(client: Client, world: World) -> None:
    headers = world.headers("welfare.caseworker")
    world.session.rollback()
    assert client.get("/api/cases", headers=headers).status_code == 200
    user = world.session.exec(select(User).where(User.username == "welfare.caseworker")).one()
    user.active = False
    world.session.add(user)
    world.session.commit()
    assert client.get("/api/cases", headers=headers).status_code == 401


def test_nothing_read_before_a_change_is_kept_after_it() -> None:
    cache = CallerCache(ttl=60)
    actor = Actor(username="health.caseworker")
    later = utcnow() + timedelta(hours=1)
    generation = cache.generation()
    cache.clear()  # a commit changed the access tables while the request was reading
    cache.put(("db", "token", "x"), actor, generation, valid_until=later)
    assert cache.get(("db", "token", "x")) is None
    cache.put(("db", "token", "x"), actor, cache.generation(), valid_until=later)
    assert cache.get(("db", "token", "x")) == actor


def test_an_answer_never_outlives_its_credential_nor_the_lifetime() -> None:
    cache = CallerCache(ttl=0.05)
    actor = Actor(username="auditor")
    cache.put(("db", "token", "gone"), actor, cache.generation(), valid_until=utcnow())
    assert cache.get(("db", "token", "gone")) is None
    cache.put(("db", "token", "x"), actor, cache.generation(), valid_until=utcnow() + timedelta(1))
    assert cache.get(("db", "token", "x")) == actor
    import time

    time.sleep(0.06)
    assert cache.get(("db", "token", "x")) is None


def test_the_longest_unused_caller_is_forgotten_first() -> None:
    cache = CallerCache(ttl=60, max_entries=2)
    later = utcnow() + timedelta(hours=1)
    for name in ("a", "b"):
        cache.put(("db", "token", name), Actor(username=name), cache.generation(), later)
    assert cache.get(("db", "token", "a")) is not None  # "b" is now the longest unused
    cache.put(("db", "token", "c"), Actor(username="c"), cache.generation(), later)
    assert cache.get(("db", "token", "b")) is None
    assert cache.get(("db", "token", "a")) is not None
    assert cache.get(("db", "token", "c")) is not None


def test_a_savepoint_rolled_back_after_a_change_still_clears_at_commit(world: World) -> None:
    session = world.session
    user = session.exec(select(User).where(User.username == "auditor")).one()
    user.active = False
    session.add(user)
    session.flush()
    try:
        with session.begin_nested():
            raise RuntimeError("an inner step fails and is rolled back")
    except RuntimeError:
        pass
    before = callers.generation()
    session.commit()
    assert callers.generation() > before, "the commit that deactivated the account clears"


def test_a_change_written_on_a_bare_connection_counts_at_once(
    client: Client, world: World, engine: Engine
) -> None:
    from sqlalchemy import update

    headers = world.headers("library.caseworker")
    world.session.rollback()
    assert client.get("/api/cases", headers=headers).status_code == 200
    with engine.begin() as conn:
        conn.execute(
            update(User.__table__)  # type: ignore[arg-type]
            .where(User.__table__.c.username == "library.caseworker")  # type: ignore[attr-defined]
            .values(active=False)
        )
    assert client.get("/api/cases", headers=headers).status_code == 401


def test_another_process_deactivating_an_account_counts_at_once_here(
    client: Client, world: World, engine: Engine
) -> None:
    """What the CLI or another web process commits reaches this one through the machine's
    mark of access changes, not after the cache's lifetime."""
    import subprocess
    import sys
    import time

    headers = world.headers("municipality.caseworker")
    world.session.rollback()
    assert client.get("/api/cases", headers=headers).status_code == 200
    script = (
        "import sys\n"
        "from sqlmodel import Session, select\n"
        "from hamyar.core.application.context import Application\n"
        "from hamyar.core.storage.database import make_engine\n"
        "from hamyar.core.storage.models import User\n"
        "engine = make_engine(sys.argv[1])\n"
        "with Session(engine) as s:\n"
        "    u = s.exec(select(User).where(User.username == 'municipality.caseworker')).one()\n"
        "    u.active = False\n"
        "    s.add(u)\n"
        "    s.commit()\n"
    )
    url = engine.url.render_as_string(hide_password=False)
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", script, url], check=True, timeout=120)
    assert client.get("/api/cases", headers=headers).status_code == 401
    assert time.monotonic() - started < 60  # not a wait for the lifetime: the mark said so
