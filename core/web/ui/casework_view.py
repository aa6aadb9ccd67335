"""What the case page shows for casework: the timeline with notes and corrections, the forms a
person may complete there (note, correction, reopen, duplicate), the links between a
duplicate and its original, and the failed steps to retry.

Every "may" comes from `hamyar.core.auth.access` and the engine's `available_transitions`: a
form is shown only when its command would accept this person (no dead buttons), and a
transition that needs more than a comment is offered as its form, never as a bare button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.application.casework import (
    FORM_TRANSITIONS,
    MARK_DUPLICATE,
    REOPEN,
    reopenable_tasks,
)
from hamyar.core.auth import access
from hamyar.core.auth.access import CaseAccess
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.corrections import EDIT_ACTION, parse_change
from hamyar.core.cases.incidents import case_incidents
from hamyar.core.cases.notes import notes_for
from hamyar.core.engine.transition import REOPEN_TASK
from hamyar.core.exceptions import NotFound
from hamyar.core.i18n import form_schema, gettext, localized
from hamyar.core.i18n.labels import list_separator
from hamyar.core.plugin.manager import Plugins
from hamyar.core.storage.models import Agency, Case, Incident, Neighbourhood, Task
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.ui.schema_form import FormField, agency_titles, answer_text, fields_for
from hamyar.core.workflow import Transition

VISIBILITY_LABELS = {
    "agency": "Internal to my agency",
    "shared": "Shared with every agency on the case",
    "public": "Public (may be shown to the reporter)",
}
VISIBILITY_BADGES = {"agency": "Internal", "shared": "Shared", "public": "Public"}
DEFAULT_DUPLICATE = "تکرار پرونده "
"""How a duplicate mark without a comment names its original (`cases.dedupe`)."""
ROUTER_ONLY = frozenset({"routed"})
"""Case transitions the router takes once it opened tasks: a bare button for a person would
move a case with no task to "in progress" and straight back to triage."""
FIELD_LABELS = {"title": "Title", "description": "Description", "neighbourhood": "Neighbourhood"}


@dataclass
class TimelineItem:
    title: str
    actor: str
    created_at: datetime
    comment: str = ""
    to_state: str | None = None
    to_state_title: str = ""
    automatic: bool = False
    note: str = ""
    """The engine's words for the entry; `comment` is what a person (or a plugin) wrote."""
    agency: Any = None
    visibility: str = ""
    """For a note: agency, shared or public."""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    """For a correction: (field label, from, to)."""


@dataclass
class LinkedCase:
    id: int
    tracking_code: str
    title: str | None


@dataclass
class CaseworkView:
    may_work_on: bool
    case_transitions: list[Transition]
    """The case's transitions offered as plain buttons (those needing a form are not)."""
    timeline: list[TimelineItem] = field(default_factory=list)
    visibilities: list[tuple[str, str]] = field(default_factory=list)
    edit_fields: list[FormField] = field(default_factory=list)
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    reopen_tasks: list[tuple[Task, Any]] = field(default_factory=list)
    """When the reader may reopen the case: its finished tasks with their agency."""
    may_mark_duplicate: bool = False
    original: LinkedCase | None = None
    duplicates: list[LinkedCase] = field(default_factory=list)
    incidents: list[tuple[Incident, str | None]] = field(default_factory=list)
    """Failed steps the user may retry, each with its error text (None: not theirs to read)."""


def _linked(session: Session, actor: Actor, case_id: int) -> LinkedCase | None:
    try:
        found, seen = access.get_case(session, actor, case_id)
    except NotFound:
        return None
    assert found.id is not None
    return LinkedCase(found.id, found.tracking_code, found.title if seen.content else None)


def _text(value: Any, locale: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return list_separator(locale).join(gettext(locale, str(v)) for v in value)
    return gettext(locale, str(value))


def _changes(
    plugins: Plugins, case: Case, comment: str, places: dict[str, Neighbourhood], locale: str
) -> list[tuple[str, str, str]]:
    change = parse_change(comment)
    if change is None:
        return []
    name = str(change["field"])
    old, new = change.get("from"), change.get("to")
    if name.startswith("data."):
        spec = plugins.registry.services.get(case.service_code)
        node = (form_schema.properties(spec.form_schema()) if spec else {}).get(name[5:], {})
        agencies = agency_titles(plugins.registry)
        label = form_schema.title(node, locale, name[5:])
        return [
            (
                label,
                answer_text(node, old, locale, agencies),
                answer_text(node, new, locale, agencies),
            )
        ]
    else:
        label = gettext(locale, FIELD_LABELS.get(name, name))
    if name == "neighbourhood":
        old, new = (
            localized(locale, places[v].name_fa, places[v].name_en) if v in places else v
            for v in (old, new)
        )
    return [(label, _text(old, locale), _text(new, locale))]


def casework_view(
    db: Session,
    plugins: Plugins,
    actor: Actor,
    case: Case,
    allowed: CaseAccess,
    view: Any,
    locale: str,
    *,
    edit_values: dict[str, Any] | None = None,
    edit_errors: dict[str, str] | None = None,
) -> CaseworkView:
    """The casework part of the case page for `actor`; `view` is case_page's CaseView."""
    assert case.id is not None
    works = access.may_work_on(actor, allowed)
    offered = {t.id for t in view.case_transitions}
    result = CaseworkView(
        may_work_on=works,
        case_transitions=[
            t for t in view.case_transitions if t.id not in FORM_TRANSITIONS | ROUTER_ONLY
        ],
        may_mark_duplicate=MARK_DUPLICATE in offered,
    )
    agencies = {a.code: a for a in db.exec(select(Agency)).all()}
    places = {n.code: n for n in db.exec(select(Neighbourhood)).all()}
    for entry in view.history:
        item = TimelineItem(
            title=entry.action_title,
            actor=entry.actor,
            created_at=entry.created_at,
            comment=entry.comment,
            to_state=entry.to_state,
            to_state_title=entry.to_state_title,
            automatic=entry.automatic,
            agency=entry.agency,
            note=entry.note,
        )
        if entry.action == EDIT_ACTION:
            item.title = gettext(locale, "Corrected")
            item.changes = _changes(plugins, case, entry.comment, places, locale)
            item.comment = ""
        elif entry.action == REOPEN_TASK and entry.action_title == REOPEN_TASK:
            item.title = gettext(locale, "Reopened")
        elif entry.action == MARK_DUPLICATE and entry.comment.startswith(DEFAULT_DUPLICATE):
            code = entry.comment.removeprefix(DEFAULT_DUPLICATE).strip()
            item.comment = gettext(locale, "Duplicate of case {code}", code=code)
        result.timeline.append(item)
    for note in notes_for(db, actor, case, allowed):
        result.timeline.append(
            TimelineItem(
                title=gettext(locale, "Note"),
                actor=note.author,
                created_at=note.created_at,
                comment=note.text,
                agency=agencies.get(note.agency_code or ""),
                visibility=note.visibility,
            )
        )
    result.timeline.sort(key=lambda i: i.created_at)
    if works:
        result.visibilities = [
            (v, gettext(locale, VISIBILITY_LABELS[v]))
            for v in access.note_visibilities(actor, allowed, confidential=case.confidential)
        ]
        spec = plugins.registry.services.get(case.service_code)
        schema = spec.form_schema() if spec else {}
        values = edit_values if edit_values is not None else dict(case.data or {})
        result.edit_fields = fields_for(
            schema, values, edit_errors or {}, agency_titles(plugins.registry)
        )
        result.neighbourhoods = sorted_by_name(
            db.exec(select(Neighbourhood)).all(), lambda n: localized(locale, n.name_fa, n.name_en)
        )
        result.incidents = case_incidents(db, actor, case.id)
    if REOPEN in offered:
        result.reopen_tasks = [
            (t, agencies.get(t.agency_code)) for t in reopenable_tasks(db, case, plugins.registry)
        ]
    if case.duplicate_of_id is not None:
        result.original = _linked(db, actor, case.duplicate_of_id)
    for row in db.exec(
        select(Case)
        .where(col(Case.duplicate_of_id) == case.id, access.visible_cases(actor))
        .order_by(col(Case.id))
    ).all():
        assert row.id is not None
        linked = _linked(db, actor, row.id)
        if linked is not None:
            result.duplicates.append(linked)
    return result
