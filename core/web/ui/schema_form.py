"""HTML form fields from a service's JSON Schema, and the submitted strings back into data.

The schema is the one the registry publishes (`ServiceSpec.form_schema()`, pydantic's JSON
Schema); validation stays in the engine (`hamyar.core.cases.intake.validate_form`). This module
only decides
which input shows each property and turns what a browser posts (strings, Persian digits, absent
checkboxes) into the JSON the schema describes, so the engine's errors are about meaning.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hamyar.core.text.folding import to_ascii_digits

PREFIX = "data."
"""Form inputs of the service's own fields are named `data.<property>`."""

TEXTAREA_AFTER = 200
"""A string property allowing more characters than this gets a multi-line box."""


@dataclass
class FormField:
    name: str
    """The property name in the service's data (the input is named PREFIX + name)."""
    kind: str
    """text, textarea, integer, number, checkbox, select, multiselect, date or json."""
    label_fa: str
    label_en: str
    required: bool = False
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    """(value, label) pairs for select and multiselect."""
    value: Any = None
    error: str = ""
    max_length: int | None = None

    @property
    def input_name(self) -> str:
        return PREFIX + self.name

    def label(self, locale: str) -> str:
        return (self.label_fa if locale == "fa" else self.label_en) or self.label_en or self.name

    def is_selected(self, option: str) -> bool:
        if isinstance(self.value, list | tuple):
            return option in [str(v) for v in self.value]
        return self.value is not None and str(self.value) == option


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` and unwrap `Optional[...]` (anyOf with null)."""
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        merged = {
            **schema.get("$defs", {}).get(name, {}),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
        return _resolve(schema, merged)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            if len(options) == 1:
                rest = {k: v for k, v in node.items() if k != key}
                return _resolve(schema, {**options[0], **rest})
    if "allOf" in node and len(node["allOf"]) == 1:
        rest = {k: v for k, v in node.items() if k != "allOf"}
        return _resolve(schema, {**node["allOf"][0], **rest})
    return node


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


def fields_for(
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[FormField]:
    """One FormField per property, in the schema's order, with values and errors filled in."""
    required = set(schema.get("required", ()))
    values, errors = values or {}, errors or {}
    fields = []
    for name, raw in schema.get("properties", {}).items():
        node = _resolve(schema, raw)
        kind = _kind(node)
        enum = node.get("enum") or node.get("items", {}).get("enum") or []
        labels = node.get("enum_titles") or {}
        fields.append(
            FormField(
                name=name,
                kind=kind,
                required=name in required,
                label_fa=str(node.get("title_fa") or node.get("title") or name),
                label_en=str(node.get("title_en") or node.get("title") or name),
                description=str(node.get("description") or ""),
                options=[(str(v), str(labels.get(str(v), v))) for v in enum],
                value=values.get(name, node.get("default")),
                error=errors.get(name, ""),
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
