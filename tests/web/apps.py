"""One Litestar app per test process and shape, each test with its own `Application`.

Building a Litestar app (registering every route, modelling every handler's signature) costs
over a second, which was most of a web test's setup. A real server also serves every request
with one app, so the tests share one per shape: the settings that shape routes and middleware
(not the test's own database and Redis, which the app reads from its `Application`) and the
plugins' services. Each test puts its own `Application` into `app.state` and gets fresh stores
(the rate limits' counters), so no test sees another's data or limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.application.context import Application
from hamyar.core.auth.tokens import new_token
from hamyar.core.demo_data import add_users, load_places
from hamyar.core.plugin.manager import Plugins, build_plugins
from hamyar.core.storage.models import User
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.web.app import create_app
from hamyar.core.web.rate_limits import fresh_stores
from hamyar.workers.runtime import dispatch_soon

_APPS: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Litestar] = {}


def shared_app(application: Application) -> Litestar:
    """The process's app of this application's shape, now serving `application`."""
    settings, registry = application.settings, application.registry
    shape = settings.model_dump_json(exclude={"database_url", "redis_url", "media_url"})
    key = (shape, tuple(sorted(registry.services)), tuple(map(str, registry.template_dirs)))
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(application=application)
    app.state["app"] = application
    app.stores = fresh_stores()
    return app


def app_for(*, plugins: Plugins | None = None, engine: Engine | None = None) -> Litestar:
    """`create_app(plugins=…, engine=…)`, shared as `shared_app` shares."""
    return shared_app(Application.build(plugins=plugins, engine=engine, dispatch=dispatch_soon))


@contextmanager
def api_as(
    engine: Engine, username: str
) -> Iterator[tuple[TestClient[Litestar], dict[str, str], Application]]:
    """A client of the real plugins' app on the demo's places and people, with the headers that
    make `username` (one of the demo's users) the caller."""
    app = Application.build(plugins=build_plugins(), engine=engine)
    with app.unit_of_work() as uow:
        sync_registry(uow.session, app.registry)
        load_places(uow.session)
        add_users(uow.session, app.registry)
        user = uow.session.exec(select(User).where(User.username == username)).one()
        token = new_token(uow.session, user, name="test")[0]
    with TestClient(shared_app(app)) as client:
        yield client, {"Authorization": f"Bearer {token}"}, app
