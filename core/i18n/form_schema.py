"""Reading a service form's JSON Schema the way people see it: titles, hints, choice labels.

The new-case page, the correction form, the case page's answers, the history of changes and the
validation messages all name a field and its values; they read them here, so a field is called
the same everywhere, in the reader's language (the keys are described in
`hamyar.core.plugin.forms`). `fold_numbers` lets every channel take Persian digits where the
schema wants a number, a date or a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamyar.core.i18n.catalogue import localized
from hamyar.core.plugin.forms import AGENCY_TITLES
from hamyar.core.text.folding import to_ascii_digits

AgencyTitles = Mapping[str, tuple[str, str]]
"""Agency code → (Persian title, English title), for fields labelled with `AGENCY_TITLES`."""

_TEXT_FORMATS = ("date", "time", "date-time")


def resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """`node` with local `$ref`s followed, `Optional[...]` unwrapped, and its items resolved."""
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        merged = {
            **schema.get("$defs", {}).get(name, {}),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
        return resolve(schema, merged)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            if len(options) == 1:
                rest = {k: v for k, v in node.items() if k != key}
                return resolve(schema, {**options[0], **rest})
    if "allOf" in node and len(node["allOf"]) == 1:
        rest = {k: v for k, v in node.items() if k != "allOf"}
        return resolve(schema, {**node["allOf"][0], **rest})
    resolved = dict(node)
    if isinstance(node.get("items"), Mapping):
        resolved["items"] = resolve(schema, node["items"])
    return resolved


def properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each property of the form, resolved, in the schema's order."""
    return {name: resolve(schema, raw) for name, raw in schema.get("properties", {}).items()}


def title(node: Mapping[str, Any], locale: str, fallback: str = "") -> str:
    """The field's title for `locale` (the Persian one is `title`, the English `title_en`)."""
    fa = node.get("title_fa") or node.get("title")
    return localized(locale, fa, node.get("title_en") or fa) or fallback


def hint(node: Mapping[str, Any], locale: str) -> str:
    """The help text under the field in `locale`, or "" (never the other language's)."""
    key = "description_fa" if locale == "fa" else "description"
    return str(node.get(key) or "")


def enum_values(node: Mapping[str, Any]) -> list[Any]:
    """The values a choice (or each item of a list of choices) may take."""
    return list(node.get("enum") or node.get("items", {}).get("enum") or [])


def choice_label(
    node: Mapping[str, Any], value: Any, locale: str, agencies: AgencyTitles | None = None
) -> str:
    """How `value` of a choice field reads in `locale`: its `x-labels` entry, else the value."""
    labels = node.get("x-labels")
    code = str(value)
    if labels == AGENCY_TITLES and agencies and code in agencies:
        return localized(locale, *agencies[code])
    if isinstance(labels, Mapping) and isinstance(labels.get(code), Mapping):
        entry = labels[code]
        return localized(locale, entry.get("fa"), entry.get("en")) or code
    return code


def is_date(node: Mapping[str, Any]) -> bool:
    return node.get("type") == "string" and node.get("format") == "date"


def _fold(node: Mapping[str, Any], value: Any) -> Any:
    if isinstance(value, list) and node.get("type") == "array":
        return [_fold(node.get("items", {}), item) for item in value]
    if not isinstance(value, str):
        return value
    kind = node.get("type")
    if kind in ("integer", "number"):
        text = to_ascii_digits(value).strip().replace("٫", ".").replace("٬", "").replace(",", "")
        return text or value
    if kind == "string" and node.get("format") in _TEXT_FORMATS:
        return to_ascii_digits(value).strip()
    return value


def fold_numbers(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with Persian and Arabic-Indic digits (and ٫ ٬ separators) made ASCII wherever the
    schema expects a number, a date or a time, so "۱۲۰" is 120 from any channel."""
    if not any(isinstance(v, str | list) for v in data.values()):
        return dict(data)  # nothing typed as text: nothing to fold
    nodes = properties(schema)
    return {name: _fold(nodes[name], v) if name in nodes else v for name, v in data.items()}


__all__ = [
    "AgencyTitles",
    "choice_label",
    "enum_values",
    "fold_numbers",
    "hint",
    "is_date",
    "properties",
    "resolve",
    "title",
]
