"""What every command needs, built once per process: settings, database, plugins.

The web app, the CLI and each worker build one `Application` at start-up and hand it to the
code below them (Litestar's dependency injection in handlers), so the engine never reaches for
a process-wide singleton and a test can build as many applications as it likes, each with its
own database and plugin set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pluggy
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.auth import caller_cache  # noqa: F401  (its hooks: every process marks access changes)
from hamyar.core.cases import task_tally  # noqa: F401  (create_all makes its triggers)
from hamyar.core.plugin.manager import Plugins, build_plugins
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import reference_rows  # noqa: F401  (every process marks their changes)
from hamyar.core.storage.database import ReadSession, make_engine, read_only
from hamyar.core.storage.settings import Settings, get_settings

if TYPE_CHECKING:
    from hamyar.core.application.unit_of_work import UnitOfWork

Dispatch = Callable[["Application", Sequence[str]], object]
"""Sends the outbox rows named by these keys to the queue now (the workers' relay); given by a
composition root that can reach Redis. Without one, the relay's next poll sends them."""


@dataclass(frozen=True)
class Application:
    settings: Settings
    engine: Engine
    plugins: Plugins
    dispatch: Dispatch | None = None

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        plugins: Plugins | None = None,
        engine: Engine | None = None,
        dispatch: Dispatch | None = None,
    ) -> Application:
        """An application on `settings` (default: the environment), loading the plugins it does
        not disable unless `plugins` is given."""
        settings = settings or get_settings()
        return cls(
            settings=settings,
            engine=engine or make_engine(settings.database_url),
            plugins=plugins or build_plugins(settings.disabled_plugins),
            dispatch=dispatch,
        )

    @property
    def registry(self) -> Registry:
        return self.plugins.registry

    @property
    def pm(self) -> pluggy.PluginManager:
        return self.plugins.pm

    def unit_of_work(self, session: Session | None = None) -> UnitOfWork:
        """A unit of work on its own session, or on `session` (a web request's)."""
        from hamyar.core.application.unit_of_work import UnitOfWork

        return UnitOfWork(self, session)

    def read_session(self) -> Session:
        """A session for reading only: on SQLite it never takes the write lock; its block ends
        in a commit, which keeps the connection's prepared statements (`ReadSession`)."""
        return ReadSession(read_only(self.engine), expire_on_commit=False)
