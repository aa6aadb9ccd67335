"""Correcting a case: its title, description, neighbourhood or form answers, after it opened.

A correction is not a transition (the case stays where it is) but it is written the same way:
with a new version, refused on a stale one, and with one history entry per changed field
saying what it was and what it became (`{"field", "from", "to"}` as JSON, so the timeline can
show it in either language). Form answers are compared field by field; the whole form must
still satisfy the service's schema. The history entries are case content: readers who may not
read the case's content see that it was corrected, never the values.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import MAX_DESCRIPTION, MAX_TITLE, search_text, validate_form
from hamyar.core.engine.transition import apply_correction
from hamyar.core.exceptions import InvalidInput, StaleVersion
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Neighbourhood

EDIT_ACTION = "edit"


def change_entry(field: str, old: Any, new: Any) -> str:
    """The history comment for one changed field."""
    return json.dumps({"field": field, "from": old, "to": new}, ensure_ascii=False)


def parse_change(comment: str) -> dict[str, Any] | None:
    """The change an `edit` history entry records, or None for a comment that is not one."""
    try:
        found = json.loads(comment)
    except (TypeError, ValueError):
        return None
    if isinstance(found, dict) and "field" in found:
        return found
    return None


def _neighbourhood_code(session: Session, neighbourhood_id: int | None) -> str | None:
    if neighbourhood_id is None:
        return None
    place = session.get(Neighbourhood, neighbourhood_id)
    return place.code if place else str(neighbourhood_id)


def correct_case(
    session: Session,
    registry: Registry,
    actor: Actor,
    case: Case,
    *,
    title: str | None = None,
    description: str | None = None,
    neighbourhood_id: int | None = None,
    data: dict[str, Any] | None = None,
    version: int | None = None,
) -> list[str]:
    """Apply the given corrections; return the fields that changed (none: nothing written).

    `data` is merged into the form's answers (a `null` value removes an answer) and the result
    validated by the service's schema. InvalidInput (422) names each bad field.
    """
    if version is not None and version != case.version:  # a stale form is told so first
        raise StaleVersion(
            f"this case changed (version {case.version}, you had {version}); "
            "reload it and try again"
        )
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    entries: list[str] = []
    changed: list[str] = []
    if title is not None:
        title = title.strip()
        if not title:
            errors.append({"field": "title", "message": "a title is required"})
        elif len(title) > MAX_TITLE:
            errors.append({"field": "title", "message": f"at most {MAX_TITLE} characters"})
        elif title != case.title:
            values["title"] = title
            entries.append(change_entry("title", case.title, title))
            changed.append("title")
    if description is not None and description != case.description:
        if len(description) > MAX_DESCRIPTION:
            errors.append(
                {"field": "description", "message": f"at most {MAX_DESCRIPTION} characters"}
            )
        else:
            values["description"] = description
            entries.append(change_entry("description", case.description, description))
            changed.append("description")
    if neighbourhood_id is not None and neighbourhood_id != case.neighbourhood_id:
        if session.get(Neighbourhood, neighbourhood_id) is None:
            errors.append({"field": "neighbourhood", "message": "unknown neighbourhood"})
        else:
            values["neighbourhood_id"] = neighbourhood_id
            entries.append(
                change_entry(
                    "neighbourhood",
                    _neighbourhood_code(session, case.neighbourhood_id),
                    _neighbourhood_code(session, neighbourhood_id),
                )
            )
            changed.append("neighbourhood")
    if errors:
        raise InvalidInput(errors[0]["field"] + ": " + errors[0]["message"], errors)
    if data is not None:
        merged = {k: v for k, v in {**(case.data or {}), **data}.items() if v is not None}
        clean = validate_form(registry, case.service_code, merged)
        old = case.data or {}
        for key in sorted(set(old) | set(clean)):
            if old.get(key) != clean.get(key):
                entries.append(change_entry(f"data.{key}", old.get(key), clean.get(key)))
                changed.append(f"data.{key}")
        if clean != old:
            values["data"] = clean
    if not values:
        return []
    values["search_text"] = search_text(
        values.get("title", case.title),
        values.get("description", case.description),
        values.get("data", case.data or {}),
    )
    apply_correction(session, case, values, actor, entries, expected_version=version)
    return changed
