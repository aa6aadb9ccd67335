"""The one place the web application is assembled.

`create_app()` gathers the JSON API controllers, the UI router, every plugin's routes
(`register_routes`), templates (plugin folders first), static files, sessions, CSRF, error
handling, metrics and the OpenAPI schema at `/schema`, around one `Application`. Everything it
needs can be handed in, so tests and benchmarks build apps on their own database and plugin
set; by default it builds the application from the environment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.static_files import create_static_files_router
from sqlalchemy.engine import Engine

from hamyar.core.application.context import Application
from hamyar.core.plugin.manager import Plugins
from hamyar.core.storage.settings import Settings
from hamyar.core.web.api import api_handlers
from hamyar.core.web.auth import session_config
from hamyar.core.web.csrf import csrf_middleware
from hamyar.core.web.dependencies import DEPENDENCIES
from hamyar.core.web.errors import EXCEPTION_HANDLERS
from hamyar.core.web.input_guard import MAX_BODY_BYTES, InputGuardMiddleware
from hamyar.core.web.metrics import MetricsMiddleware, metrics_handler
from hamyar.core.web.openapi import document_routes, openapi_config
from hamyar.core.web.probes import health_handler
from hamyar.core.web.rate_limits import middleware as rate_limit_middleware
from hamyar.core.web.rate_limits import stores as rate_limit_stores
from hamyar.core.web.security_headers import SecurityHeadersMiddleware
from hamyar.core.web.sms_inbound import sms_inbound_get, sms_inbound_post
from hamyar.core.web.ui import ui_router
from hamyar.core.web.ui.templating import template_config

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _htmx_plugins() -> list[Any]:
    from litestar.plugins.htmx import HTMXPlugin

    return [HTMXPlugin()]


def _sync_on_startup(app: Litestar) -> None:
    """Mirror the registry into the agency/service tables and make sure the search index
    exists; a database not yet migrated is reported, not fatal (health says so too)."""
    from hamyar.core.application.setup import prepare_database

    try:
        prepare_database(app.state.app)
    except Exception:
        log.exception(
            "could not sync the plugin registry into the database; run `hamyar db upgrade`"
        )


def create_app(
    *,
    application: Application | None = None,
    plugins: Plugins | None = None,
    engine: Engine | None = None,
    settings: Settings | None = None,
    route_handlers: Sequence[Any] = (),
    debug: bool = False,
) -> Litestar:
    """The Hamyar web application (`hamyar serve` runs it with uvicorn, as a factory).

    Builds the process's `Application` unless one is given; `plugins`, `engine` and
    `settings` replace its parts (tests and benchmarks use them).
    """
    if application is None:
        from hamyar.workers.runtime import dispatch_soon

        application = Application.build(
            settings, plugins=plugins, engine=engine, dispatch=dispatch_soon
        )
    elif plugins is not None or engine is not None or settings is not None:
        raise TypeError("give an application, or the parts to build one from, not both")
    settings, plugins = application.settings, application.plugins
    secret = settings.effective_secret_key()
    registry = plugins.registry
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR], include_in_schema=False
    )
    handlers: list[Any] = [
        Router(path="/api", route_handlers=api_handlers()),
        health_handler,
        metrics_handler,
        static,
        ui_router(),
        sms_inbound_post,
        sms_inbound_get,
        *registry.routes,
        *route_handlers,
    ]
    app = Litestar(
        route_handlers=handlers,
        dependencies=DEPENDENCIES,
        middleware=[
            MetricsMiddleware(),
            SecurityHeadersMiddleware(secure_cookies=settings.secure_cookies),
            InputGuardMiddleware(),
            *rate_limit_middleware(settings),
            session_config(secret).middleware,
            csrf_middleware(secret),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=openapi_config(),
        template_config=template_config(registry.template_dirs),
        compression_config=CompressionConfig(backend="gzip", minimum_size=2048),
        plugins=_htmx_plugins(),
        state=State({"app": application}),
        stores=rate_limit_stores(),
        on_startup=[_sync_on_startup],
        debug=debug,
    )
    document_routes(app)
    return app
