"""The Jinja environment of the UI: where templates are looked up and what they may call.

Plugin template folders are searched before the core's (Datasette's habit), so a plugin can
override a page; `"core:base.html"` always names the core's own file, so an override can still
extend the original. The app factory passes `template_config()` to Litestar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from hamyar.core import i18n
from hamyar.core.i18n.labels import (
    actor_label,
    channel_label,
    list_separator,
    queue_label,
    worker_state_label,
)
from hamyar.core.text.folding import to_persian_digits

WEB_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _locale(context: Mapping[str, Any]) -> str:
    return str(context.get("locale") or i18n.DEFAULT_LOCALE)


@pass_context
def _translate(context: Mapping[str, Any], msgid: str, **values: Any) -> str:
    return i18n.gettext(_locale(context), msgid, **values)


@pass_context
def _number(context: Mapping[str, Any], value: Any) -> str:
    return i18n.format_number(value, _locale(context))


@pass_context
def _date(context: Mapping[str, Any], value: Any) -> str:
    return i18n.format_date(value, _locale(context))


@pass_context
def _datetime(context: Mapping[str, Any], value: Any) -> str:
    return i18n.format_datetime(value, _locale(context))


@pass_context
def _percent(context: Mapping[str, Any], share: float | None) -> str:
    """A 0..1 share as a percentage ("۸۷٫۵٪" in fa); a dash when there is none."""
    if share is None:
        return "—"
    locale = _locale(context)
    value = i18n.format_number(round(share * 100, 1), locale)
    return value + ("٪" if locale == "fa" else "%")


@pass_context
def _title(context: Mapping[str, Any], thing: Any) -> str:
    """The localized title of anything with title_fa/title_en or title/title_en attributes."""
    if thing is None:
        return ""
    fa = (
        getattr(thing, "title_fa", None)
        or getattr(thing, "title", None)
        or getattr(thing, "name_fa", None)
    )
    en = getattr(thing, "title_en", None) or getattr(thing, "name_en", None)
    return i18n.localized(_locale(context), fa, en) or str(getattr(thing, "id", "") or "")


@pass_context
def _channel(context: Mapping[str, Any], code: str | None) -> str:
    """A channel code named in the page's language."""
    return i18n.gettext(_locale(context), channel_label(code))


@pass_context
def _category(context: Mapping[str, Any], spec: Any, code: str | None) -> str:
    """A routing category named by the service that declares it (`ServiceSpec.category_titles`),
    in the page's language; the code itself when the plugin gave it no title."""
    titles = getattr(spec, "category_titles", None) or {}
    if code in titles:
        fa, en = titles[code]
        return i18n.localized(_locale(context), fa, en)
    return code or ""


@pass_context
def _separator(context: Mapping[str, Any]) -> str:
    return list_separator(_locale(context))


@pass_context
def _digits(context: Mapping[str, Any], text: Any) -> str:
    """Text with the page's digits: Persian digits in `fa` (a holiday name, a sample date)."""
    value = "" if text is None else str(text)
    return to_persian_digits(value) if _locale(context) == "fa" else value


def make_environment(extra_dirs: Iterable[Path] = ()) -> Environment:
    """The UI's Jinja environment, plugin folders first, with `_`, number and date filters."""
    core = FileSystemLoader(TEMPLATES_DIR)
    loader = ChoiceLoader(
        [
            *(FileSystemLoader(Path(d)) for d in extra_dirs),
            core,
            PrefixLoader({"core": core}),
        ]
    )
    env = Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["_"] = _translate
    env.globals["actor_label"] = actor_label
    env.globals["category_name"] = _category
    env.globals["sep"] = _separator
    env.globals["queue_label"] = queue_label
    env.globals["worker_state_label"] = worker_state_label
    env.globals["channel_name"] = _channel
    env.filters.update(
        digits=_digits,
        number=_number,
        jdate=_date,
        jdatetime=_datetime,
        title=_title,
        percent=_percent,
    )
    return env


def template_config(extra_dirs: Iterable[Path] = ()) -> TemplateConfig[JinjaTemplateEngine]:
    """What `create_app()` passes as `template_config`: the plugins' folders, then the core's."""
    env = make_environment(extra_dirs)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))
