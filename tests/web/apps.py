"""One Litestar app per test process and shape, each test with its own `Application`.

Building a Litestar app (registering every route, modelling every handler's signature) costs
over a second, which was most of a web test's setup. A real server also serves every request
with one app, so the tests share one per shape: the settings that shape routes and middleware
(not the test's own database and Redis, which the app reads from its `Application`) and the
plugins' services. Each test puts its own `Application` into `app.state` and gets fresh stores
(the rate limits' counters), so no test sees another's data or limits.
"""

from __future__ import annotations

from litestar import Litestar
from sqlalchemy.engine import Engine

from hamyar.core.application.context import Application
from hamyar.core.plugin.manager import Plugins
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
