"""Reference rows (bindings, versions, calendar, rules) are read once per process, and a change
made anywhere on the machine counts for the next case at once."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pluggy
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.routing.rules import active_rules
from hamyar.core.storage.database import read_only
from hamyar.core.storage.models import CalendarOverride, RoutingRule
from hamyar.core.storage.reference_rows import reference
from tests.test_routing import _due_day, _tehran, new_case, tasks_of, world

__all__ = ["world"]  # the fixture, shared with the routing tests

OTHER_TITLE = "تیر چراغ برق خیابان کج شده و خطرناک است"
"""Not a repeat of `new_case`'s report, which the duplicate check would link instead."""
READS_REFERENCE = re.compile(
    r"\bFROM (routing_rule|service_workflow|workflow_version|calendar_override)\b"
)


@pytest.fixture(autouse=True)
def _kept_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep values for an hour, so that only a change, never the lifetime, makes them go."""
    monkeypatch.setattr(reference, "ttl", 3600.0)
    reference.clear()


def _rule(service: str = "welfare.resilience", category: str = "street_lighting") -> RoutingRule:
    return RoutingRule(category=category, service_code=service, kind="joint", note="قاعده تازه")


def test_routing_a_second_case_reads_no_reference_row_again(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
    statements: list[str],
) -> None:
    first = new_case(session, world, "municipality.report", category="street_lighting")
    route_case(session, first.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    session.commit()
    assert [s for s in statements if READS_REFERENCE.search(s)], "the first case reads them"
    second = new_case(
        session, world, "municipality.report", category="street_lighting", title=OTHER_TITLE
    )
    statements.clear()
    route_case(session, second.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert [t.service_code for t in tasks_of(session, second)] == ["municipality.report"]
    assert not [s for s in statements if READS_REFERENCE.search(s)]


def test_a_rule_added_and_committed_here_routes_the_next_case(
    engine: Engine, session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    first = new_case(session, world, "municipality.report", category="street_lighting")
    route_case(session, first.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    session.commit()
    with Session(engine) as admin:
        admin.add(_rule())
        admin.commit()
    second = new_case(
        session, world, "municipality.report", category="street_lighting", title=OTHER_TITLE
    )
    route_case(session, second.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert [(t.service_code, t.kind) for t in tasks_of(session, second)] == [
        ("municipality.report", "primary"),
        ("welfare.resilience", "joint"),
    ]


def test_a_rule_another_process_adds_counts_here_at_once(
    engine: Engine, session: Session, world: Registry
) -> None:
    """The CLI or a web process of the machine adds a rule: this process, which holds the
    rules for an hour, hears of it through the machine's mark of changes."""
    assert not [r for r in active_rules(session) if r.service_code == "welfare.resilience"]
    session.commit()
    script = (
        "import sys\n"
        "from sqlmodel import Session\n"
        "from hamyar.core.application.context import Application\n"
        "from hamyar.core.storage.database import make_engine\n"
        "from hamyar.core.storage.models import RoutingRule\n"
        "with Session(make_engine(sys.argv[1])) as s:\n"
        "    s.add(RoutingRule(category='street_lighting', service_code='welfare.resilience'))\n"
        "    s.commit()\n"
    )
    url = engine.url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-c", script, url], check=True, timeout=120)
    assert [r.service_code for r in active_rules(session)] == ["welfare.resilience"]


def test_a_transaction_sees_its_own_rule_and_nobody_keeps_it_when_it_rolls_back(
    engine: Engine, session: Session, world: Registry
) -> None:
    session.commit()
    assert active_rules(session) == ()
    session.commit()
    with Session(engine) as writer:
        writer.add(_rule())
        writer.flush()
        assert [r.service_code for r in active_rules(writer)] == ["welfare.resilience"]
        writer.rollback()
    assert active_rules(session) == ()


def test_a_day_closed_by_the_administrator_moves_the_next_due_date(
    engine: Engine, session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    wednesday = _tehran(date(2025, 5, 7))
    before = new_case(session, world, "health.counselling")
    route_case(session, before.id, world, pm=plugin_manager, now=wednesday)  # type: ignore[arg-type]
    # Three working days: Thu 8 (health works Thursdays), Fri off, Sat 10, Sun 11.
    assert _due_day(tasks_of(session, before)[0]) == date(2025, 5, 11)
    session.commit()
    with Session(engine) as admin:
        admin.add(CalendarOverride(day=date(2025, 5, 10), closed=True, name="تعطیلی استانداری"))
        admin.commit()
    after = new_case(session, world, "health.counselling", title=OTHER_TITLE)
    route_case(session, after.id, world, pm=plugin_manager, now=wednesday)  # type: ignore[arg-type]
    assert _due_day(tasks_of(session, after)[0]) == date(2025, 5, 12)


def test_a_rule_the_session_added_counts_before_it_is_flushed(
    session: Session, world: Registry
) -> None:
    session.commit()
    assert active_rules(session) == ()
    session.add(_rule())
    assert [r.service_code for r in active_rules(session)] == ["welfare.resilience"]
    session.rollback()
    assert active_rules(session) == ()


def test_a_transaction_older_than_a_change_keeps_nothing_it_read(
    engine: Engine, session: Session, world: Registry
) -> None:
    """On SQLite a transaction reads the snapshot of its first read: one that began before a
    rule was committed reads the rules without it, and must not keep that for everyone."""
    session.commit()
    with Session(read_only(engine)) as older:
        older.execute(select(RoutingRule.id)).all()  # its transaction, and snapshot, begin
        with Session(engine) as admin:
            admin.add(_rule())
            admin.commit()
        active_rules(older)
        older.rollback()
    assert [r.service_code for r in active_rules(session)] == ["welfare.resilience"]
