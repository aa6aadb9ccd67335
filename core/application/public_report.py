"""A citizen files a report on the public form `/report`: category, place, description, contact.

`file_public_report` validates what a stranger typed (every refusal names its field with a
catalogue message, so the form comes back worded in Persian or English), then opens the case
through the one intake entry point (`commands.open_case`, channel `web`) as the public form's
intake actor, in one unit of work that commits and announces like every other command.

Which services a citizen may report (`reportable_offerings`): the public, non-confidential
ones (`access.public_services`) whose form this short form can fill — nothing beyond an
address, which the typed place (or the neighbourhood's name) answers. A service that needs
more (a programme's audience, a venue) is asked for through staff, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hamyar.core.application import attachments, commands
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor, intake_actor
from hamyar.core.cases.intake import validate_form
from hamyar.core.cases.listing import resolve_neighbourhood
from hamyar.core.exceptions import InvalidInput
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Neighbourhood
from hamyar.core.text.folding import normalize
from hamyar.core.text.phone_numbers import phone_key

FIELDS = ("category", "neighbourhood", "place", "description", "contact")
"""The public form's fields, in the order it asks them."""
PUBLIC_FORM = "public-form"
"""The intake actor the public form's cases are recorded by (`Case.created_by`)."""
ADDRESS_FIELD = "address"
MAX_PLACE = 300
MAX_DESCRIPTION = 4000
MIN_DESCRIPTION = 5
TITLE_LENGTH = 80
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


@dataclass(frozen=True)
class Offering:
    """One choice in the form's category list: a service, and one of its categories."""

    spec: ServiceSpec
    category: str | None

    @property
    def value(self) -> str:
        return f"{self.spec.code}:{self.category}" if self.category else self.spec.code


def _fills(registry: Registry, spec: ServiceSpec) -> bool:
    try:
        validate_form(registry, spec.code, _form_data(spec, "-"))
    except InvalidInput:
        return False
    return True


def _form_data(spec: ServiceSpec, place: str) -> dict[str, Any]:
    properties = spec.form_schema().get("properties", {}) if spec.form else {}
    return {ADDRESS_FIELD: place} if ADDRESS_FIELD in properties else {}


def reportable_offerings(registry: Registry) -> list[Offering]:
    """Every (service, category) a citizen may report on the public form."""
    found = []
    for code in access.public_services(registry):
        spec = registry.services[code]
        if _fills(registry, spec):
            found += [Offering(spec, c) for c in spec.categories] or [Offering(spec, None)]
    return found


def find_offering(registry: Registry, value: str) -> Offering | None:
    return next((o for o in reportable_offerings(registry) if o.value == value), None)


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    email: str | None = None

    def as_reporter(self) -> dict[str, Any]:
        return {k: v for k, v in (("phone", self.phone), ("email", self.email)) if v}


def parse_contact(text: str) -> Contact:
    """A phone number (any digits, any Iranian prefix, canonicalised) or an email address."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "a phone number or an email address is required",
            [
                {
                    "field": "contact",
                    "message": "Give a phone number or an email address for updates.",
                }
            ],
        )
    if "@" in text:
        email = normalize(text) if text.isascii() else text
        if _EMAIL.match(email) and len(email) <= 254:
            return Contact(email=email)
        raise InvalidInput(
            "not an email address",
            [{"field": "contact", "message": "This is not an email address."}],
        )
    phone = phone_key(text)
    if phone is None:
        raise InvalidInput(
            "not a phone number",
            [{"field": "contact", "message": "This is not an Iranian phone number (09… or 021…)."}],
        )
    return Contact(phone=phone)


def _title(description: str) -> str:
    first = " ".join(description.split())
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class Photo:
    """The photo a citizen chose on the form: its name and bytes (checked by content later)."""

    filename: str
    data: bytes


def file_public_report(
    uow: UnitOfWork,
    *,
    category: str,
    neighbourhood: str | None,
    place: str,
    description: str,
    contact: str,
    photo: Photo | None = None,
) -> Case:
    """Open a case from the public form (channel `web`), with its photo if one was chosen;
    InvalidInput (422) naming every field to correct, with nothing written, when the form
    does not hold a report a worker can route, and 415/413 (field `file`) for a photo that is
    not one by its content or too large — the case and its photo land together or not at all.
    """
    errors: list[dict[str, str]] = []
    try:
        reporter = parse_contact(contact)
    except InvalidInput as exc:
        errors += exc.errors
        reporter = Contact()
    actor = intake_actor(PUBLIC_FORM)
    with uow:
        case = open_report(
            uow,
            actor,
            category=category,
            neighbourhood=neighbourhood,
            place=place,
            description=description,
            reporter=reporter,
            channel="web",
            errors=errors,
        )
        if photo is not None:
            attachments.attach_as_system(
                uow, actor, case, filename=photo.filename, data=photo.data, source="web"
            )
        return case


def open_report(
    uow: UnitOfWork,
    actor: Actor,
    *,
    category: str,
    neighbourhood: str | None,
    place: str,
    description: str,
    reporter: Contact,
    channel: str,
    errors: list[dict[str, str]] | None = None,
) -> Case:
    """A citizen's report, from the public form or an operator taking a call: check the
    category, place and description (adding to `errors`, the caller's own findings), then open
    the case through `commands.open_case`."""
    with uow:
        session, registry = uow.session, uow.registry
        errors = list(errors or [])
        offering = find_offering(registry, (category or "").strip())
        if offering is None:
            errors.insert(0, {"field": "category", "message": "Choose a category."})
        place = (place or "").strip()
        neighbourhood_id: int | None = None
        if neighbourhood:
            try:
                neighbourhood_id = resolve_neighbourhood(session, neighbourhood.strip())
            except InvalidInput:
                neighbourhood_id = None
            if neighbourhood_id is None or session.get(Neighbourhood, neighbourhood_id) is None:
                errors.append(
                    {"field": "neighbourhood", "message": "Choose a neighbourhood from the list."}
                )
                neighbourhood_id = None
        elif not place:
            errors.append(
                {"field": "place", "message": "Pick a neighbourhood or type where it is."}
            )
        if len(place) > MAX_PLACE:
            errors.append({"field": "place", "message": "The place is too long."})
        description = (description or "").strip()
        if len(description) < MIN_DESCRIPTION:
            errors.append(
                {"field": "description", "message": "Describe the problem in a few words."}
            )
        elif len(description) > MAX_DESCRIPTION:
            errors.append({"field": "description", "message": "The description is too long."})
        if errors:
            raise InvalidInput(errors[0]["field"] + ": " + errors[0]["message"], errors)
        assert offering is not None
        where = place
        if not where and neighbourhood_id is not None:
            row = session.get(Neighbourhood, neighbourhood_id)
            where = row.name_fa if row else ""
        text = description if not place else f"{description}\n\n{place}"
        return commands.open_case(
            uow,
            actor,
            service=offering.spec.code,
            title=_title(description),
            neighbourhood=neighbourhood_id,
            description=text,
            data=_form_data(offering.spec, where),
            channel=channel,
            category=offering.category,
            reporter=reporter.as_reporter(),
        )
