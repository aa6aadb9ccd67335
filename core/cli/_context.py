"""The CLI's application: one per `hamyar` invocation, built when a command first needs it.

The CLI is a composition root like the web app and the worker: it builds the `Application`
(settings from the environment, every enabled plugin) and hands it to the commands it runs.
Plugins' own commands reach it through `hamyar.cli_application()`.
"""

from __future__ import annotations

from functools import cache

from hamyar.core.application.context import Application
from hamyar.core.plugin.manager import Plugins, build_plugins
from hamyar.core.storage.settings import get_settings


@cache
def cli_plugins() -> Plugins:
    """The plugins this invocation loaded (their commands are part of the CLI)."""
    return build_plugins(get_settings().disabled_plugins)


@cache
def cli_application() -> Application:
    """The application the CLI's commands run in."""
    return Application.build(plugins=cli_plugins())
