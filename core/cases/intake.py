"""Opening a case: the single entry point for every channel (web form, API, Open311, workers).

A case is written with its first history entry and the outbox row that asks a worker to route
it, in one transaction: a case can never exist without someone being asked to act on it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.default_plugins.workflows import CASE_WORKFLOW
from hamyar.core.engine import history, notifications
from hamyar.core.engine.outbox import ROUTE_CASE
from hamyar.core.exceptions import InvalidInput
from hamyar.core.geo import place
from hamyar.core.i18n import form_errors, form_schema
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Case
from hamyar.core.text.folding import search_key
from hamyar.core.text.input_limits import is_id
from hamyar.core.text.phone_numbers import phone_key
from hamyar.core.text.tracking_codes import new_tracking_code

CHANNELS = ("web", "api", "open311", "sms", "phone", "app", "facilitation", "caseworker", "demo")
MAX_TITLE = 300
MAX_DESCRIPTION = 20_000


def validate_form(registry: Registry, service_code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check `data` against the service's form; return it normalised, or raise InvalidInput
    with one error per field (the UI shows each next to its field).

    Persian digits are taken wherever the form wants a number or a date; each error's message
    is a `Phrase` naming the field's title, in Persian and in English.
    """
    spec = registry.services.get(service_code)
    if spec is None:
        raise InvalidInput(
            f"unknown service {service_code!r}; GET /api/services lists them",
            [{"field": "service", "message": "unknown service"}],
        )
    if spec.form is None:
        return dict(data)
    schema = _schema_of(spec.form)
    try:
        typed = form_schema.fold_numbers(schema, data) if isinstance(data, dict) else data
        return spec.form.model_validate(typed).model_dump(mode="json")
    except ValidationError as exc:
        errors = form_errors.from_validation(exc, schema)
        raise InvalidInput(form_errors.summary(errors), errors) from None


@cache
def _schema_of(form: type[BaseModel]) -> dict[str, Any]:
    """A form's JSON Schema, built once: validation only reads it (for digits and titles), and
    pydantic builds it anew on every call."""
    return form.model_json_schema()


def open_case(
    session: Session,
    registry: Registry,
    actor: Actor,
    *,
    service: str,
    title: str,
    neighbourhood_id: int | None = None,
    description: str = "",
    data: dict[str, Any] | None = None,
    channel: str = "web",
    category: str | None = None,
    reporter: dict[str, Any] | None = None,
) -> Case:
    """Create a case in its workflow's initial state and ask a worker to route it."""
    title = (title or "").strip()
    errors = []
    if not title:
        errors.append({"field": "title", "message": "a title is required"})
    elif len(title) > MAX_TITLE:
        errors.append({"field": "title", "message": f"at most {MAX_TITLE} characters"})
    if len(description) > MAX_DESCRIPTION:
        errors.append({"field": "description", "message": f"at most {MAX_DESCRIPTION} characters"})
    if channel not in CHANNELS:
        errors.append({"field": "channel", "message": f"one of {', '.join(CHANNELS)}"})
    if neighbourhood_id is not None and (
        not is_id(neighbourhood_id) or place(session, neighbourhood_id) is None
    ):
        errors.append({"field": "neighbourhood", "message": "unknown neighbourhood"})
    if errors:
        raise InvalidInput(errors[0]["field"] + ": " + errors[0]["message"], errors)
    clean = validate_form(registry, service, data or {})
    spec = registry.service(service)
    if category is not None and spec.categories and category not in spec.categories:
        raise InvalidInput(
            f"category {category!r} is not one of {service!r}'s",
            [{"field": "category", "message": "unknown category"}],
        )
    number, definition = workflow_versions.newest(session, registry, CASE_WORKFLOW)

    for _attempt in range(5):
        case = Case(
            tracking_code=new_tracking_code(),
            service_code=service,
            agency_code=spec.agency,
            neighbourhood_id=neighbourhood_id,
            title=title,
            description=description,
            data=clean,
            channel=channel,
            category=category or (spec.categories[0] if spec.categories else None),
            workflow_id=definition.id,
            workflow_version=number,
            state=definition.initial_state,
            priority=spec.priority,
            confidential=spec.confidential,
            reporter=reporter,
            reporter_phone=reporter_phone(reporter),
            search_text=search_text(title, description, clean),
            created_by=actor.username,
        )
        if _insert_unless_taken(session, case):
            break
    else:  # pragma: no cover
        raise RuntimeError("could not allocate a tracking code")
    assert case.id is not None
    history.record(
        session,
        case_id=case.id,
        action="create",
        actor=actor.username,
        to_state=case.state,
        version=case.version,
        params={"channel": channel},
    )
    session.add(ROUTE_CASE.message({"case_id": case.id}, priority=case.priority, case_id=case.id))
    notifications.case_received(session, case)
    return case


_INSERTS: dict[str, Any] = {}


def _insert_skipping_taken(dialect: str) -> Any:
    """The case INSERT that skips a taken tracking code, built once per dialect with a bound
    parameter per column: building and keying a new statement for each case cost more than
    running it."""
    found = _INSERTS.get(dialect)
    if found is None:
        table = Case.__table__  # type: ignore[attr-defined]
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        found = _INSERTS[dialect] = (
            insert(table)
            .values({c.key: bindparam(c.key, type_=c.type) for c in table.columns if c.key != "id"})
            .on_conflict_do_nothing(index_elements=[table.c.tracking_code])
            .returning(table.c.id)
        )
    return found


def _insert_unless_taken(session: Session, case: Case) -> bool:
    """Write `case`; False when its tracking code is taken (one in a billion: try another).

    PostgreSQL and SQLite skip a taken code in the INSERT itself (ON CONFLICT DO NOTHING),
    which spares the savepoint other databases need to survive the unique violation.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return True
        except IntegrityError:
            return False
    table = Case.__table__  # type: ignore[attr-defined]
    values = {c.key: getattr(case, c.key) for c in table.columns if c.key != "id"}
    with session.no_autoflush:
        session.flush()
        new_id = session.execute(_insert_skipping_taken(dialect), values).scalar()
    if new_id is None:
        return False
    case.id = new_id
    make_transient_to_detached(case)  # it is the row just written: the session now holds it
    session.add(case)
    return True


def reporter_phone(reporter: dict[str, Any] | None) -> str | None:
    """The reporter's phone, canonical, for the indexed phone search (None if there is none)."""
    phone = (reporter or {}).get("phone")
    return phone_key(phone) if isinstance(phone, str) else None


def search_text(title: str, description: str, data: dict[str, Any]) -> str:
    """What search finds a case by: its title, description and the form's text answers."""
    return search_key(title, description, *(v for v in data.values() if isinstance(v, str)))
