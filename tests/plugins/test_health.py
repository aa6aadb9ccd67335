"""Health: confidential services with validated forms."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import pytest
from sqlmodel import Session

from hamyar.core.exceptions import InvalidInput
from hamyar.core.plugin.registry import Registry
from tests.test_routing import new_case, world  # noqa: F401  (fixture)


def test_every_health_service_is_confidential_with_a_persian_form(registry: Registry) -> None:
    services = registry.services_of("health")
    assert {s.code for s in services} >= {
        "health.screening",
        "health.counselling",
        "health.maternal_child",
    }
    for spec in services:
        schema = spec.form_schema()
        assert spec.confidential and schema["title"] and schema["title_en"]
        assert all(p.get("title_en") for p in schema["properties"].values())


def test_a_health_case_is_confidential_and_its_form_is_checked(
    session: Session,
    world: Registry,
) -> None:
    case = new_case(session, world, "health.maternal_child")
    assert case.confidential
    with pytest.raises(InvalidInput) as bad:
        new_case(session, world, "health.maternal_child", data={"need": "vaccination"})
    assert "pregnancy" in str(bad.value.errors)
    with pytest.raises(InvalidInput) as bad:
        new_case(session, world, "health.counselling", data={"client_age": 200, "concern": "x"})
    assert {e["field"] for e in bad.value.errors} >= {"client_age", "concern", "consent_to_contact"}
