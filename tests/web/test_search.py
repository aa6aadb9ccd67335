"""`q`: Persian-normalised full-text search through an index (FTS5 / pg_trgm), not a scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, text

from hamyar.core.cases.search import matching_cases
from hamyar.core.storage.models import Case
from tests.web.conftest import World

Client = TestClient[Litestar]
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _ids(client: Client, world: World, q: str, user: str = "coordinator") -> list[int]:
    response = client.get("/api/cases", params={"q": q}, headers=world.headers(user))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def seed_case(world: World) -> int:
    description = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    assert "سازمان خدمات اجتماعى" in description  # Arabic yeh, as the news site wrote it
    return world.add_case("seed", "library.visit", title="نشست هم‌اندیشی", description=description)


def test_the_seed_text_is_found_by_its_persian_spelling(
    client: Client, world: World, seed_case: int
) -> None:
    assert _ids(client, world, "سازمان خدمات اجتماعی") == [seed_case]


@pytest.mark.parametrize(
    "query",
    [
        "سازمان خدمات اجتماعى",  # Arabic ى, as in the text
        "خدمات   اجتماعی سازمان",  # any order, any spacing
        "اجتماع",  # a word's start
        "شهرداری تهران",  # the text has شهرداری with Persian yeh, تهران as typed
    ],
)
def test_spellings_fold_together(client: Client, world: World, seed_case: int, query: str) -> None:
    assert seed_case in _ids(client, world, query)


def test_every_term_must_match(client: Client, world: World, seed_case: int) -> None:
    assert _ids(client, world, "سازمان خدمات کتابخانه‌ناموجود") == []


def test_search_combines_with_filters_and_visibility(
    client: Client, world: World, seed_case: int
) -> None:
    assert _ids(client, world, "اجتماعی", user="welfare.caseworker") == [seed_case]
    assert _ids(client, world, "اجتماعی", user="nobody") == []
    response = client.get(
        "/api/cases", params={"q": "اجتماعی", "state": "new"}, headers=world.headers("coordinator")
    )
    assert response.json()["items"] == []


def test_a_query_without_terms_filters_nothing(client: Client, world: World) -> None:
    assert len(_ids(client, world, " ، . ")) == len(world.cases)


def test_the_search_uses_an_index(world: World) -> None:
    session = world.session
    dialect = session.get_bind().dialect.name
    condition = matching_cases("سازمان خدمات", dialect)
    assert condition is not None
    query = select(Case.id).where(condition)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if dialect == "sqlite":
        plan = " ".join(str(r[-1]) for r in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "VIRTUAL TABLE INDEX" in plan and "case_fts" in plan, plan
    else:
        session.execute(text("SET enable_seqscan = off"))  # tiny table: force the planner's hand
        plan = " ".join(r[0] for r in session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_case_search_trgm" in plan, plan
    session.rollback()
