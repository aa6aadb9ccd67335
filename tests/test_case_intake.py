"""Opening a case: a tracking code already taken is skipped for a fresh one, in one INSERT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from hamyar.core.cases import intake
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case
from tests.test_routing import CLERK, new_case, world

__all__ = ["world"]  # the fixture, shared with the routing tests


def test_a_taken_tracking_code_is_skipped_for_a_fresh_one(
    session: Session, world: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = new_case(session, world, "municipality.report", category="street_lighting")
    session.commit()
    codes: Iterator[str] = iter([first.tracking_code, "4207193858"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    second = intake.open_case(
        session,
        world,
        CLERK,
        service="municipality.report",
        title="آب‌گرفتگی زیرگذر پس از باران",
        category="water_flooding",
    )
    session.commit()
    assert second.id is not None and second.id != first.id
    assert second.tracking_code == "4207193858"
    rows = session.exec(select(Case.tracking_code, Case.title).order_by(Case.id)).all()
    assert [tuple(r) for r in rows] == [
        (first.tracking_code, first.title),
        ("4207193858", "آب‌گرفتگی زیرگذر پس از باران"),
    ]
