"""What handlers ask for by name: `db` (a Session), `plugins` (the registry and manager) and
`actor` (the caller, 401 when anonymous — see `hamyar.core.web.auth.current_actor`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.plugin.manager import Plugins
from hamyar.core.web.auth import current_actor, optional_actor

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def provide_db(state: State, request: Request[Any, Any, Any]) -> Iterator[Session]:
    """One session per request; handlers that write commit explicitly, the rest just read.

    Reading requests get SQLite's deferred transactions (`hamyar.core.storage.database`), so they
    run side by side
    instead of each taking the write lock; on PostgreSQL the option means nothing.
    """
    engine = state.engine
    if request.method in READ_METHODS:
        engine = engine.execution_options(sqlite_read_only=True)
    with Session(engine, expire_on_commit=False) as session:
        yield session


def provide_plugins(state: State) -> Plugins:
    return state.plugins  # type: ignore[no-any-return]


DEPENDENCIES = {
    "db": Provide(provide_db),
    "plugins": Provide(provide_plugins, sync_to_thread=False),
    "actor": Provide(current_actor, sync_to_thread=True),
    "maybe_actor": Provide(optional_actor, sync_to_thread=True),
}

PluginsDep = NamedDependency[SkipValidation[Plugins]]
"""Annotate handler parameters with these: the values are ours, validating them is waste (and
`Plugins` holds callables whose type hints msgspec cannot resolve)."""
ActorDep = NamedDependency[SkipValidation[Actor]]
MaybeActorDep = NamedDependency[SkipValidation[Actor | None]]
DbDep = NamedDependency[SkipValidation[Session]]
