"""What the `load_demo_data` hook is handed: the demo's transaction and a way to add cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pluggy
from sqlmodel import Session

from hamyar.core.demo_data.cases import DemoCase
from hamyar.core.demo_data.driver import add_cases
from hamyar.core.plugin.registry import Registry


@dataclass(frozen=True)
class DemoContext:
    session: Session
    """The demo data's transaction: rows of the plugin's own tables go here."""
    registry: Registry
    pm: pluggy.PluginManager

    def add_cases(self, cases: Iterable[DemoCase]) -> int:
        """Open each case not yet present and drive it towards its goal through the engine,
        as people and workers would; return how many were added."""
        return add_cases(self.session, self.registry, cases, pm=self.pm)
