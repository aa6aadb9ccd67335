"""Helpers for agency request forms: Persian labels with the English beside them.

A service's form is a pydantic model; its JSON Schema drives the new-case page, the API and
Open311. The UI shows `title` (Persian) and offers `title_en`, a key of our own in the schema,
to English readers; `description` is the English help text. These helpers write that convention
once, so a plugin's form reads as its fields and their limits.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field


def form_config(fa: str, en: str) -> ConfigDict:
    """A form model's `model_config`: its Persian title and its English one."""
    return ConfigDict(title=fa, json_schema_extra={"title_en": en})


def labelled(fa: str, en: str, description: str | None = None, **constraints: Any) -> Any:
    """A form field titled `fa`, with `en` as its English title and, unless given, its help text.

    `constraints` are pydantic's (`default`, `ge`, `le`, `max_length`, …).
    """
    return Field(
        title=fa,
        description=en if description is None else description,
        json_schema_extra={"title_en": en},
        **constraints,
    )


def expected_attendees(*, ge: int, le: int) -> Any:
    """How many people a workshop, visit or programme expects: the agency plans staff by it."""
    return labelled("تعداد تقریبی شرکت‌کنندگان", "Expected attendees", ge=ge, le=le)
