"""HTML form fields from a service's JSON Schema, and the submitted strings back into data.

The schema is the one the registry publishes (`ServiceSpec.form_schema()`, pydantic's JSON
Schema); validation stays in the engine (`hamyar.core.cases.intake.validate_form`). This module
only decides
which input shows each property and turns what a browser posts (strings, Persian digits, absent
checkboxes) into the JSON the schema describes, so the engine's errors are about meaning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hamyar.core.i18n import Phrase, form_schema, format_number, gettext
from hamyar.core.i18n.form_schema import AgencyTitles
from hamyar.core.plugin.registry import Registry
from hamyar.core.text.folding import to_ascii_digits, to_persian_digits
from hamyar.core.time import jalali

PREFIX = "data."
"""Form inputs of the service's own fields are named `data.<property>`."""

TEXTAREA_AFTER = 200
"""A string property allowing more characters than this gets a multi-line box."""

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class FormField:
    name: str
    """The property name in the service's data (the input is named PREFIX + name)."""
    kind: str
    """text, textarea, integer, number, checkbox, select, multiselect, date or json."""
    label_fa: str
    label_en: str
    required: bool = False
    hint_fa: str = ""
    hint_en: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    """(value, label) pairs for select and multiselect; each label is a `Phrase`."""
    value: Any = None
    error: str = ""
    max_length: int | None = None

    @property
    def input_name(self) -> str:
        return PREFIX + self.name

    def label(self, locale: str) -> str:
        return (self.label_fa if locale == "fa" else self.label_en) or self.label_en or self.name

    def hint(self, locale: str) -> str:
        """The help text in `locale` only: a Persian page shows no English hint."""
        return self.hint_fa if locale == "fa" else self.hint_en

    def shown(self, locale: str) -> str:
        """The value as the input shows it: a stored date in Jalali, numbers in the reader's
        digits; what someone typed (a form sent back with errors) as they typed it."""
        value = self.value
        if value is None:
            return ""
        if self.kind == "date" and isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return jalali.format_date(date.fromisoformat(value), locale)
            except ValueError:
                return value
        if self.kind in ("integer", "number") and not isinstance(value, bool):
            text = str(value)
            return to_persian_digits(text) if locale == "fa" else to_ascii_digits(text)
        if self.kind == "json" and not isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def is_selected(self, option: str) -> bool:
        if isinstance(self.value, list | tuple):
            return option in [str(v) for v in self.value]
        return self.value is not None and str(self.value) == option


def agency_titles(registry: Registry) -> dict[str, tuple[str, str]]:
    """Agency code → (Persian, English) title, for form fields whose choices are agencies."""
    return {code: (a.title_fa, a.title_en) for code, a in registry.agencies.items()}


def _kind(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    if "enum" in node:
        return "select"
    if kind == "array":
        return "multiselect" if "enum" in node.get("items", {}) else "json"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return str(kind)
    if kind == "string":
        if node.get("format") == "date":
            return "date"
        max_length = node.get("maxLength")
        return "textarea" if max_length is None or max_length > TEXTAREA_AFTER else "text"
    return "json"


def _error_of(name: str, errors: Mapping[str, str]) -> str:
    """The error of the field or of one of its items ("age_groups.0")."""
    if errors.get(name):
        return errors[name]
    return next((m for f, m in errors.items() if f.startswith(name + ".") and m), "")


def _options(node: Mapping[str, Any], agencies: AgencyTitles | None) -> list[tuple[str, str]]:
    return [
        (
            str(value),
            Phrase(
                form_schema.choice_label(node, value, "en", agencies),
                form_schema.choice_label(node, value, "fa", agencies),
            ),
        )
        for value in form_schema.enum_values(node)
    ]


def fields_for(
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    agencies: AgencyTitles | None = None,
) -> list[FormField]:
    """One FormField per property, in the schema's order, with values and errors filled in.

    `agencies` (code → fa/en titles) labels the choices of fields whose values are agencies.
    """
    required = set(schema.get("required", ()))
    values, errors = values or {}, errors or {}
    fields = []
    for name, node in form_schema.properties(schema).items():
        fields.append(
            FormField(
                name=name,
                kind=_kind(node),
                required=name in required,
                label_fa=form_schema.title(node, "fa", name),
                label_en=form_schema.title(node, "en", name),
                hint_fa=form_schema.hint(node, "fa"),
                hint_en=form_schema.hint(node, "en"),
                options=_options(node, agencies),
                value=values.get(name, node.get("default")),
                error=_error_of(name, errors),
                max_length=node.get("maxLength"),
            )
        )
    return fields


def data_from_form(schema: Mapping[str, Any], form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The service data a browser submitted: `form` maps each input name to all its values.

    Values that cannot be converted are passed on as typed, so the engine names the field.
    """
    data: dict[str, Any] = {}
    for item in fields_for(schema):
        posted = [v for v in form.get(item.input_name, []) if v is not None]
        if item.kind == "checkbox":
            data[item.name] = any(v in ("on", "true", "1") for v in posted)
            continue
        if item.kind == "multiselect":
            if posted:
                data[item.name] = posted
            continue
        text = (posted[-1] if posted else "").strip()
        if not text:
            continue  # absent: the schema's default applies, or the engine says it is required
        if item.kind == "integer":
            data[item.name] = _number(text, int)
        elif item.kind == "number":
            data[item.name] = _number(text, float)
        elif item.kind == "date":
            data[item.name] = to_ascii_digits(text)
        elif item.kind == "json":
            try:
                data[item.name] = json.loads(text)
            except ValueError:
                data[item.name] = text
        else:
            data[item.name] = text
    return data


def _number(text: str, kind: type[int] | type[float]) -> Any:
    ascii_text = to_ascii_digits(text).replace("٫", ".").replace("٬", "").replace(",", "")
    try:
        return kind(ascii_text)
    except ValueError:
        return text


def answer_text(
    node: Mapping[str, Any], value: Any, locale: str, agencies: AgencyTitles | None = None
) -> str:
    """A stored answer as a person reads it on the case page and in its history: choices by
    their labels, dates in Jalali, numbers and yes/no in the reader's language."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext(locale, "Yes" if value else "No")
    if isinstance(value, int | float):
        return format_number(value, locale)
    if isinstance(value, list):
        separator = "، " if locale == "fa" else ", "
        item = {**node.get("items", {}), "x-labels": node.get("x-labels")}  # labels sit on the list
        return separator.join(answer_text(item, v, locale, agencies) for v in value)
    text = str(value)
    if form_schema.is_date(node) and _ISO_DAY.fullmatch(text):
        try:
            return jalali.format_date(date.fromisoformat(text), locale)
        except ValueError:
            return text
    if form_schema.enum_values(node) or node.get("x-labels"):
        return form_schema.choice_label(node, value, locale, agencies)
    return text
