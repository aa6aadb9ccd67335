"""A service's form, spoken as Open311 attributes, and submitted attributes back as form data.

Services describe their forms as pydantic models; the JSON Schema of that model is the one
description every channel shares. This module maps it onto GeoReport v2's attribute vocabulary
(`string`, `number`, `datetime`, `text`, `singlevaluelist`, `multivaluelist`), so a 137 app
renders the same fields the web form does, and the case is validated by the same model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamyar import ServiceSpec

ADDRESS_FIELD = "address"
LONG_TEXT = 500
"""Strings allowed to be longer than this are offered as `text` (a text area)."""


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` and unwrap `Optional[...]` (anyOf with null) to the real type."""
    while True:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}), **extra}
            continue
        options = node.get("anyOf")
        if isinstance(options, list):
            real = [o for o in options if o.get("type") != "null"]
            if len(real) == 1:
                extra = {k: v for k, v in node.items() if k != "anyOf"}
                node = {**real[0], **extra}
                continue
        return node


def _labels(node: dict[str, Any], locale: str = "fa") -> dict[str, str]:
    """Human names for enum values, from `x-labels` (`hamyar.labelled(choices=...)`, in
    `locale`), `oneOf: [{const, title}]` or `x-enum-names`."""
    labels: dict[str, str] = {}
    named = node.get("x-labels")
    if isinstance(named, dict):
        for value, words in named.items():
            if isinstance(words, dict):
                labels[str(value)] = str(words.get(locale) or words.get("fa") or value)
    for option in node.get("oneOf") or []:
        if "const" in option:
            labels[str(option["const"])] = str(option.get("title", option["const"]))
    names = node.get("x-enum-names") or node.get("enumNames")
    if isinstance(names, dict):
        labels.update({str(k): str(v) for k, v in names.items()})
    elif isinstance(names, list):
        labels.update({str(k): str(v) for k, v in zip(node.get("enum", []), names, strict=False)})
    return labels


YES_NO = {"fa": ("بله", "خیر"), "en": ("yes", "no")}


def _choices(node: dict[str, Any], locale: str) -> list[dict[str, str]] | None:
    if "enum" in node:
        keys = [str(v) for v in node["enum"]]
    elif isinstance(node.get("oneOf"), list) and all("const" in o for o in node["oneOf"]):
        keys = [str(o["const"]) for o in node["oneOf"]]
    elif node.get("type") == "boolean":
        yes, no = YES_NO.get(locale, YES_NO["fa"])
        return [{"key": "true", "name": yes}, {"key": "false", "name": no}]
    else:
        return None
    labels = _labels(node, locale)
    return [{"key": k, "name": labels.get(k, k)} for k in keys]


def _datatype(
    schema: dict[str, Any], node: dict[str, Any], locale: str
) -> tuple[str, list[dict[str, str]]]:
    if node.get("type") == "array":
        items = _resolve(schema, node.get("items") or {})
        if "x-labels" in node:  # a list's labels sit on the list, not on its items
            items = {**items, "x-labels": node["x-labels"]}
        choices = _choices(items, locale)
        if choices is not None:
            return "multivaluelist", choices
        return "string", []
    choices = _choices(node, locale)
    if choices is not None:
        return "singlevaluelist", choices
    kind = node.get("type")
    if kind in ("integer", "number"):
        return "number", []
    if node.get("format") in ("date-time", "date"):
        return "datetime", []
    if node.get("format") == "textarea" or node.get("widget") == "textarea":
        return "text", []
    if kind == "string" and node.get("maxLength", 0) > LONG_TEXT:
        return "text", []
    return "string", []


def service_attributes(spec: ServiceSpec, locale: str = "fa") -> list[dict[str, Any]]:
    """The service definition's attributes, one per form field, in the form's order.

    Hamyar forms write titles in Persian and descriptions in English, with `title_en` and
    `description_fa` as extras: the question shown (`description`) is the title in the
    requested language, the help text (`datatype_description`) the description in it.
    """
    schema = spec.form_schema()
    required = set(schema.get("required") or [])
    attributes = []
    for order, (code, raw) in enumerate((schema.get("properties") or {}).items(), start=1):
        node = _resolve(schema, raw)
        datatype, values = _datatype(schema, node, locale)
        title = (locale == "en" and node.get("title_en")) or node.get("title") or code
        help_text = node.get("description") if locale == "en" else node.get("description_fa")
        attribute: dict[str, Any] = {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": code in required,
            "datatype_description": help_text,
            "order": order,
            "description": title,
        }
        if values:
            attribute["values"] = values
        attributes.append(attribute)
    return attributes


def form_data(
    spec: ServiceSpec, submitted: Mapping[str, list[str]], address: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Turn `attribute[CODE]` / `attribute[CODE][]` values into the form's data.

    Returns the data for `validate_form` (which coerces "3" to 3 and ISO strings to dates, as
    pydantic does for every channel) and a problem for each attribute the service does not
    have. Empty values count as not given, so a required attribute left blank is reported
    as missing rather than as a wrong type. A form with an `address` field takes the
    request's `address_string` there unless the client filled the attribute itself.
    """
    schema = spec.form_schema()
    properties = schema.get("properties") or {}
    data: dict[str, Any] = {}
    if address and ADDRESS_FIELD in properties and ADDRESS_FIELD not in submitted:
        data[ADDRESS_FIELD] = address
    problems: list[str] = []
    for code, values in submitted.items():
        if code not in properties:
            problems.append(
                f"attribute[{code}]: service {spec.code} has no such attribute; "
                f"GET services/{spec.code} lists them"
            )
            continue
        values = [v for v in values if v != ""]
        if not values:
            continue
        node = _resolve(schema, properties[code])
        data[code] = values if node.get("type") == "array" else values[-1]
    return data, problems
