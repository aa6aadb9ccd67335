"""The unit of work: commit once, then tell observers; roll back whole; nest without half-writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import build_plugins
from hamyar.core.storage.models import Province, utcnow


class Listener:
    name = "listener"

    def __init__(self) -> None:
        self.heard: list[str] = []

    @hookimpl
    def transition_applied(self, event: TransitionEvent) -> None:
        self.heard.append(event.transition)


def _event(name: str) -> TransitionEvent:
    return TransitionEvent(
        kind="case",
        object_id=1,
        case_id=1,
        agency=None,
        transition=name,
        actor="t",
        from_state="a",
        to_state="b",
        version=1,
        comment="",
        automatic=False,
        at=utcnow(),
    )


@pytest.fixture
def listener() -> Listener:
    return Listener()


@pytest.fixture
def app(engine: Engine, listener: Listener) -> Application:
    return Application.build(
        plugins=build_plugins(extra=[listener], installed=False), engine=engine
    )


def _provinces(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [p.code for p in session.exec(select(Province).order_by(Province.code)).all()]


def test_a_unit_commits_then_tells_observers_and_runs_what_waits_for_the_commit(
    app: Application, engine: Engine, listener: Listener
) -> None:
    seen_at_commit: list[list[str]] = []
    with app.unit_of_work() as uow:
        uow.session.add(Province(code="alborz", name_fa="البرز", name_en="Alborz"))
        uow.announce([_event("routed")])
        uow.after_commit(lambda: seen_at_commit.append(_provinces(engine)))
        assert listener.heard == []  # nothing is told before the commit
    assert listener.heard == ["routed"]
    assert seen_at_commit == [["alborz"]]


def test_a_unit_that_raises_writes_nothing_and_tells_nobody(
    app: Application, engine: Engine, listener: Listener
) -> None:
    after: list[str] = []
    with pytest.raises(ValueError), app.unit_of_work() as uow:
        uow.session.add(Province(code="qazvin", name_fa="قزوین", name_en="Qazvin"))
        uow.announce([_event("routed")])
        uow.after_commit(lambda: after.append("ran"))
        uow.session.flush()
        raise ValueError("refused")
    assert _provinces(engine) == [] and listener.heard == [] and after == []


def test_an_inner_unit_joins_the_outer_one(
    app: Application, engine: Engine, listener: Listener
) -> None:
    with app.unit_of_work() as uow:
        with uow:
            uow.session.add(Province(code="hamedan", name_fa="همدان", name_en="Hamedan"))
            uow.announce([_event("inner")])
        assert listener.heard == []  # the inner block's end is not a commit
        uow.session.add(Province(code="tehran", name_fa="تهران", name_en="Tehran"))
    assert _provinces(engine) == ["hamedan", "tehran"] and listener.heard == ["inner"]


def test_an_inner_failure_caught_by_the_outer_block_still_commits_nothing(
    app: Application, engine: Engine, listener: Listener
) -> None:
    with pytest.raises(RuntimeError, match="nothing was committed"), app.unit_of_work() as uow:
        uow.session.add(Province(code="alborz", name_fa="البرز", name_en="Alborz"))
        try:
            with uow:
                uow.session.add(Province(code="half", name_fa="نیمه", name_en="Half"))
                uow.announce([_event("half")])
                raise ValueError("the inner command failed half way")
        except ValueError:
            pass
    assert _provinces(engine) == [] and listener.heard == []


def test_a_unit_can_be_used_again_after_it_ended(app: Application, engine: Engine) -> None:
    uow = app.unit_of_work()
    with pytest.raises(ValueError), uow:
        raise ValueError("first use refused")
    with uow:
        uow.session.add(Province(code="alborz", name_fa="البرز", name_en="Alborz"))
    assert _provinces(engine) == ["alborz"]


def test_a_raising_observer_does_not_undo_the_commit(engine: Engine) -> None:
    class Broken:
        name = "broken"

        @hookimpl
        def transition_applied(self, event: Any) -> None:
            raise RuntimeError("observer down")

    app = Application.build(plugins=build_plugins(extra=[Broken()], installed=False), engine=engine)
    with app.unit_of_work() as uow:
        uow.session.add(Province(code="alborz", name_fa="البرز", name_en="Alborz"))
        uow.announce([_event("routed")])
    assert _provinces(engine) == ["alborz"]
