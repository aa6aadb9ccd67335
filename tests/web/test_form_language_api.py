"""The API takes a service form as people write it, and says what is wrong in their language.

On the real plugins: `POST /api/cases` and `PATCH /api/cases/{id}` accept Persian digits and
Jalali dates in the data (stored as numbers and ISO Gregorian dates); a 422 names each field by
its own title, in Persian for `Accept-Language: fa` and in English otherwise (the API has always
answered in English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.application.context import Application
from hamyar.core.storage.models import Case
from tests.web.apps import api_as

Client = TestClient[Litestar]


@pytest.fixture
def api(engine: Engine, redis_url: str) -> Iterator[tuple[Client, dict[str, str], Application]]:
    with api_as(engine, "library.caseworker") as api:
        yield api


def _visit(**data: Any) -> dict[str, Any]:
    return {
        "service": "library.mobile_visit",
        "title": "بازدید کتابخانه سیار از دبستان فهمیده",
        "neighbourhood": "karaj-hesarak",
        "data": {
            "venue": "school",
            "venue_name": "دبستان فهمیده",
            "age_groups": ["primary", "preschool"],
            "expected_attendees": "۱۲۰",
            **data,
        },
    }


def test_persian_digits_and_a_jalali_date_are_stored_as_number_and_iso_date(
    api: tuple[Client, dict[str, str], Application],
) -> None:
    client, headers, app = api
    response = client.post("/api/cases", json=_visit(preferred_date="۱۴۰۵/۰۹/۲۰"), headers=headers)
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]
    with app.unit_of_work() as uow:
        case = uow.session.get(Case, case_id)
        assert case is not None and case.data is not None
        assert case.data["expected_attendees"] == 120
        assert case.data["preferred_date"] == "2026-12-11"  # not the Gregorian year 1405
        assert case.data["age_groups"] == ["primary", "preschool"]
        version = case.version
    patched = client.patch(
        f"/api/cases/{case_id}",
        json={
            "version": version,
            "data": {"preferred_date": "3 مهر 1406", "expected_attendees": "٩٠"},
        },
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    with app.unit_of_work() as uow:
        case = uow.session.get(Case, case_id)
        assert case is not None and case.data is not None
        assert case.data["preferred_date"] == "2027-09-25"
        assert case.data["expected_attendees"] == 90


def test_a_422_speaks_persian_when_asked_and_english_otherwise(
    api: tuple[Client, dict[str, str], Application],
) -> None:
    client, headers, app = api
    bad = _visit(expected_attendees="۵۰۰۰", age_groups=[], preferred_date="1405/13/01")
    persian = client.post("/api/cases", json=bad, headers={**headers, "Accept-Language": "fa-IR"})
    assert persian.status_code == 422, persian.text
    errors = {e["field"]: e for e in persian.json()["errors"]}
    assert errors["expected_attendees"]["message"] == (
        "حداکثر برای «تعداد تقریبی شرکت‌کنندگان» ۲٬۰۰۰ است."
    )
    assert errors["expected_attendees"]["type"] == "less_than_equal"
    assert errors["age_groups"]["message"] == "دست‌کم یک گزینه برای «گروه‌های سنی» انتخاب کنید."
    assert "«تاریخ پیشنهادی»" in errors["preferred_date"]["message"]
    assert persian.json()["detail"].startswith("فرم خطا دارد: ")
    assert not re.search("[A-Za-z]{2,}", persian.json()["detail"])

    english = client.post(
        "/api/cases", json=bad, headers={**headers, "Accept-Language": "de, en;q=0.8, fa;q=0.5"}
    )
    errors = {e["field"]: e for e in english.json()["errors"]}
    assert errors["expected_attendees"]["message"] == (
        'The most "Expected attendees" can be is 2,000.'
    )
    assert english.json()["detail"].startswith("The form has errors: ")
    default = client.post("/api/cases", json=bad, headers=headers)
    assert default.json()["errors"] == english.json()["errors"]
    with app.unit_of_work() as uow:  # no refused request opened a case
        assert uow.session.exec(select(Case)).all() == []
