"""`q` finds a tracking code however it is typed, and a reporter's phone for those who may read
reporters — through indexes, never a scan; and a phone search tells nobody else anything."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, text

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.search import search_condition
from hamyar.core.storage.models import Case
from hamyar.core.text.phone_numbers import phone_key, tracking_code_in
from hamyar.core.workflow import roles as R
from tests.web.conftest import World

Client = TestClient[Litestar]
PHONE = "09121234567"
PHONE_FORMS = [
    "09121234567",
    "0912 123 4567",
    "0912-123-4567",
    "+989121234567",
    "+98 912 123 4567",
    "00989121234567",
    "۰۹۱۲۱۲۳۴۵۶۷",
    "۰۹۱۲ ۱۲۳ ۴۵۶۷",
    "+۹۸۹۱۲۱۲۳۴۵۶۷",
    "٠٩١٢١٢٣٤٥٦٧",
]


def _ids(client: Client, world: World, q: str, user: str = "coordinator") -> list[int]:
    response = client.get("/api/cases", params={"q": q}, headers=world.headers(user))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def _code(world: World, case_id: int) -> str:
    case = world.session.get(Case, case_id)
    assert case is not None
    return case.tracking_code


def _persian(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


@pytest.fixture
def reported(world: World) -> int:
    """A library case whose citizen reporter left a phone number (in Persian digits)."""
    return world.add_case(
        "reported",
        "library.visit",
        title="درخواست بازدید",
        reporter={"first_name": "زهرا", "phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷"},
    )


def test_phone_and_tracking_code_forms_fold_to_one_key() -> None:
    assert {phone_key(form) for form in PHONE_FORMS} == {PHONE}
    assert phone_key("021-8888 1234") == "02188881234"
    assert phone_key("9121234567") is None  # ten bare digits: a tracking code
    assert phone_key("کتابخانه 0912") is None
    assert tracking_code_in("۹۰۹ ۲۲۳ ۶۸۷۷") == "9092236877"
    assert tracking_code_in("909-223-6877") == "9092236877"
    assert tracking_code_in("90922368") is None


def test_the_reporter_phone_is_stored_canonical(world: World, reported: int) -> None:
    case = world.session.get(Case, reported)
    assert case is not None and case.reporter_phone == PHONE


@pytest.mark.parametrize("user", ["coordinator", "library.caseworker", "municipality.caseworker"])
def test_a_tracking_code_is_found_in_any_digits_and_grouping(
    client: Client, world: World, reported: int, user: str
) -> None:
    code = _code(world, reported)
    grouped = f"{code[:3]} {code[3:6]}-{code[6:]}"
    for query in (code, _persian(code), grouped, _persian(grouped)):
        assert _ids(client, world, query, user) == [reported], query


def test_a_tracking_code_finds_only_a_case_the_caller_may_see(client: Client, world: World) -> None:
    secret = world.add_case("secret", "health.screening", title="غربالگری محرمانه")
    code = _code(world, secret)
    assert _ids(client, world, _persian(code), "health.caseworker") == [secret]
    assert _ids(client, world, code, "coordinator") == [secret]  # they route it
    assert _ids(client, world, code, "library.caseworker") == []  # it does not exist for them
    assert _ids(client, world, code, "nobody") == []


@pytest.mark.parametrize("query", PHONE_FORMS)
def test_the_reporters_agency_finds_a_case_by_phone(
    client: Client, world: World, reported: int, query: str
) -> None:
    assert _ids(client, world, query, "library.caseworker") == [reported]
    assert _ids(client, world, query, "library.supervisor") == [reported]


@pytest.mark.parametrize(
    "user", ["coordinator", "auditor", "admin", "municipality.caseworker", "nobody"]
)
def test_others_learn_nothing_by_searching_a_phone(
    client: Client, world: World, reported: int, user: str
) -> None:
    """Those who may not read the reporter get the same answer for the reporter's phone as for
    a phone nobody has: nothing."""
    assert _ids(client, world, PHONE, user) == []
    assert _ids(client, world, "+98 912 123 4567", user) == _ids(client, world, "09350000000", user)


def _plan(world: World, condition: object) -> str:
    session = world.session
    query = select(Case.id).where(condition)  # type: ignore[arg-type]
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " ".join(str(r[-1]) for r in rows)
    session.execute(text("SET enable_seqscan = off"))  # tiny table: force the planner's hand
    plan = " ".join(r[0] for r in session.execute(text(f"EXPLAIN {compiled}")))
    session.rollback()
    return plan


def test_code_and_phone_searches_use_indexes(world: World) -> None:
    dialect = world.session.get_bind().dialect.name
    staff = Actor.from_assignments("library.caseworker", [(R.CASEWORKER, "library")])
    code = search_condition(staff, "۹۰۹۲۲۳۶۸۷۷", dialect)
    phone = search_condition(staff, "+989121234567", dialect)
    assert code is not None and phone is not None
    code_plan, phone_plan = _plan(world, code), _plan(world, phone)
    scan = re.compile(r"SCAN case(?!_fts)|Seq Scan on \"?case\b")  # the table itself, read whole
    assert "tracking_code" in code_plan and not scan.search(code_plan), code_plan
    assert "ix_case_reporter_phone" in phone_plan and not scan.search(phone_plan), phone_plan
