"""The demo data set: places, logins, routing rules, and a few hundred cases with real histories.

`load_demo_data` is run by `hamyar demo-data load` and on every `hamyar demo` start, so it must
be idempotent: places, users and rules are keyed by their natural keys, and every demo case has a
deterministic tracking code derived from its key, so a second run finds each one and adds
nothing. Plugins add their own settings and cases through the `load_demo_data` hook, describing
each case as a `DemoCase`; `add_cases` then drives it through the engine for real — opened,
routed, handlers run, tasks and referrals moved by the demo users — exactly as the web app and
the workers would, before its timestamps are spread over the past weeks so that dashboards,
overdue lists and reports have something real to show.
"""

from __future__ import annotations

import logging
from typing import Any

import pluggy
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.demo_data.cases import GOALS, DemoCase, demo_tracking_code, spread
from hamyar.core.demo_data.context import DemoContext
from hamyar.core.demo_data.driver import add_cases
from hamyar.core.demo_data.referrals import add_pending_referrals
from hamyar.core.demo_data.rules import DEMO_RULES, add_rules
from hamyar.core.demo_data.users import DEMO_PASSWORD, DemoUser, actor_for, add_users, demo_users
from hamyar.core.geo import load_places
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case
from hamyar.core.storage.registry_mirror import sync_registry

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_RULES",
    "GOALS",
    "DemoCase",
    "DemoContext",
    "DemoUser",
    "actor_for",
    "add_cases",
    "add_rules",
    "add_users",
    "demo_tracking_code",
    "demo_users",
    "load_demo_data",
    "load_places",
    "spread",
]

log = logging.getLogger(__name__)


def load_demo_data(app: Application) -> dict[str, Any]:
    """Everything the demo needs, idempotently, in one transaction; return counts."""
    with app.unit_of_work() as uow:
        return _load(uow.session, app.registry, app.pm)


def _load(session: Session, registry: Registry, pm: pluggy.PluginManager) -> dict[str, Any]:
    sync_registry(session, registry)
    counts: dict[str, Any] = dict(load_places(session))
    counts["users"] = add_users(session, registry)
    counts["routing_rules"] = add_rules(session, registry)
    before = len(session.exec(select(Case.id)).all())
    failures = []
    context = DemoContext(session=session, registry=registry, pm=pm)
    for impl in reversed(pm.hook.load_demo_data.get_hookimpls()):
        # A savepoint per plugin: one plugin's failure (even a failed statement, which aborts
        # a PostgreSQL transaction) is rolled back alone and every other plugin's data lands.
        try:
            with session.begin_nested():
                impl.function(context=context)
        except Exception:
            log.exception("plugin %s failed to load its demo data", impl.plugin_name)
            failures.append(impl.plugin_name)
    counts["cases"] = len(session.exec(select(Case.id)).all()) - before
    counts["pending_referrals"] = add_pending_referrals(session, registry)
    counts["failed_plugins"] = failures
    return counts
