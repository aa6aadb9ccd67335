"""`hamyar open311`: an administrator issues, lists and revokes client API keys."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from hamyar.core.storage.database import make_engine
from hamyar.plugins.municipality.open311.clients import authenticate, hash_key
from hamyar.plugins.municipality.open311.errors import Forbidden
from hamyar.plugins.municipality.open311.models import Open311Client
from tests.test_cli import hamyar


def test_add_list_and_revoke_a_client(db_url: str) -> None:
    added = hamyar("open311", "add-client", "tehran-137-app", "--rate-limit", "120", db_url=db_url)
    assert added.returncode == 0, added.stderr
    key = added.stdout.strip()
    assert key.startswith("o311_") and len(key) > 30
    engine = make_engine(db_url)
    with Session(engine) as session:
        client = authenticate(session, key)
        assert (client.name, client.rate_limit, client.active) == ("tehran-137-app", 120, True)
        stored = session.exec(select(Open311Client)).one()
        assert stored.key_hash == hash_key(key) and key not in stored.model_dump_json()

    listed = json.loads(hamyar("open311", "list", "--json", db_url=db_url).stdout)
    assert listed[0]["name"] == "tehran-137-app" and listed[0]["key_ends_with"] == key[-4:]

    revoked = hamyar("open311", "revoke", "tehran-137-app", db_url=db_url)
    assert revoked.returncode == 0, revoked.stderr
    with Session(engine) as session:
        try:
            authenticate(session, key)
            raise AssertionError("a revoked key was accepted")
        except Forbidden:
            pass
    engine.dispose()
    assert "revoked" in hamyar("open311", "list", db_url=db_url).stdout


def test_mistakes_exit_2_with_one_line(db_url: str) -> None:
    assert hamyar("open311", "add-client", "app", db_url=db_url).returncode == 0
    again = hamyar("open311", "add-client", "app", db_url=db_url)
    unknown = hamyar("open311", "revoke", "nobody", db_url=db_url)
    negative = hamyar("open311", "add-client", "other", "--rate-limit", "-1", db_url=db_url)
    for result, words in ((again, "already exists"), (unknown, "nobody"), (negative, "negative")):
        assert result.returncode == 2
        assert words in result.stderr and result.stderr.strip().count("\n") == 0
        assert "Traceback" not in result.stderr
