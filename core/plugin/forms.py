"""Helpers for agency request forms: every word a person reads, in Persian and in English.

A service's form is a pydantic model; its JSON Schema drives the new-case page, the case
correction form, the API and Open311. Our own keys in that schema carry the second language:

- `title` is the field's Persian title, `title_en` its English one;
- `description` is the English hint under the field, `description_fa` the Persian one (a field
  with no hint shows none: a Persian page never shows an English hint);
- `x-labels` names each value of a choice (`Literal`, an `Enum`, or a list of either):
  `{"value": {"fa": "…", "en": "…"}}`, or the string `"agencies"` for values that are agency
  codes (the registered agencies' titles are shown).

`form_config` and `labelled` write that convention once, so a plugin's form reads as its fields
and their limits; `JalaliDate` is the date type of forms (see `hamyar.core.time.form_dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import ConfigDict, Field

Labels = Mapping[str, tuple[str, str]]
"""A choice's value → (Persian label, English label)."""

AGENCY_TITLES: Final = "agencies"
"""`labelled(..., choices=AGENCY_TITLES)`: the values are agency codes, shown as agency titles."""


def form_config(fa: str, en: str) -> ConfigDict:
    """A form model's `model_config`: its Persian title and its English one."""
    return ConfigDict(title=fa, json_schema_extra={"title_en": en})


def choice_labels(choices: Labels | str) -> dict[str, Any] | str:
    """`x-labels` as the schema holds it: {value: {"fa", "en"}}, or `AGENCY_TITLES`."""
    if isinstance(choices, str):
        if choices != AGENCY_TITLES:
            raise ValueError(f"choices={choices!r}: give {{value: (fa, en)}} or AGENCY_TITLES")
        return choices
    return {str(value): {"fa": fa, "en": en} for value, (fa, en) in choices.items()}


def labelled(
    fa: str,
    en: str,
    hint_en: str | None = None,
    *,
    hint_fa: str | None = None,
    choices: Labels | str | None = None,
    **constraints: Any,
) -> Any:
    """A form field titled `fa` (Persian) and `en` (English).

    `hint_en` / `hint_fa` are the help text under the field, shown to English and Persian
    readers; give both or neither. `choices` labels the values of a choice field (see the module
    docstring). `constraints` are pydantic's (`default`, `ge`, `le`, `max_length`, …).
    """
    extra: dict[str, Any] = {"title_en": en}
    if hint_fa:
        extra["description_fa"] = hint_fa
    if choices is not None:
        extra["x-labels"] = choice_labels(choices)
    return Field(title=fa, description=hint_en or None, json_schema_extra=extra, **constraints)


def expected_attendees(*, ge: int, le: int) -> Any:
    """How many people a workshop, visit or programme expects: the agency plans staff by it."""
    return labelled("تعداد تقریبی شرکت‌کنندگان", "Expected attendees", ge=ge, le=le)
