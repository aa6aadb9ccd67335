"""POST requests: an Open311 submission becomes an ordinary case, routed like any other.

The submission is checked in the specification's order (key, service, location, attributes),
then opened with the `open_case` command on channel `open311`, in one unit of work with the
submission row, so a report is either wholly accepted or not at all. Routing happens after,
through the outbox, exactly as for a case typed in by a caseworker.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from hamyar import (
    InvalidInput,
    Registry,
    UnitOfWork,
    attachments,
    commands,
    idempotency,
    intake_actor,
)
from hamyar.plugins.municipality.open311.attributes import form_data
from hamyar.plugins.municipality.open311.catalogue import (
    find_offering,
    offering_name,
    service_notice,
)
from hamyar.plugins.municipality.open311.characters import clean
from hamyar.plugins.municipality.open311.clients import authenticate, check_rate_limit
from hamyar.plugins.municipality.open311.errors import BadRequest, Unprocessable
from hamyar.plugins.municipality.open311.geo import valid_point
from hamyar.plugins.municipality.open311.location import locate
from hamyar.plugins.municipality.open311.models import Open311Submission
from hamyar.plugins.municipality.open311.status import MAX_DESCRIPTION

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")
MAX_FIELD = 300
MAX_TITLE = 120


@dataclass
class Submission:
    """The fields of one POST, parsed from form pairs or a JSON object."""

    fields: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media: tuple[str, bytes] | None = None
    """A photo uploaded as the multipart field `media`: (its name, its bytes)."""

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Any]]) -> Submission:
        """Form fields; `attribute[CODE][]` may repeat, plain fields keep their last value.
        Control characters are stripped from every field (`characters.clean`)."""
        parsed = cls()
        for raw_key, raw_value in pairs:
            if not isinstance(raw_value, str):  # an uploaded file: the photo, as `media`
                if raw_key == "media" and hasattr(raw_value, "file"):
                    raw_value.file.seek(0)
                    parsed.media = (str(raw_value.filename or "media"), raw_value.file.read())
                continue
            key, value = clean(raw_key), clean(raw_value)
            match = ATTRIBUTE.match(key)
            if match:
                parsed.attributes.setdefault(match.group(1), []).append(value)
            else:
                parsed.fields[key] = value
        return parsed

    @classmethod
    def from_json(cls, body: Any) -> Submission:
        """A JSON object with the same names; `attribute` may also be a nested object."""
        if not isinstance(body, dict):
            raise BadRequest("a JSON body must be an object of the specification's fields")
        pairs: list[tuple[str, Any]] = []
        for key, value in body.items():
            if key == "attribute" and isinstance(value, dict):
                for code, inner in value.items():
                    for item in inner if isinstance(inner, list) else [inner]:
                        pairs.append((f"attribute[{code}][]", _scalar(item)))
            elif isinstance(value, list):
                pairs += [(key, _scalar(item)) for item in value]
            elif value is not None:
                pairs.append((key, _scalar(value)))
        return cls.from_pairs(pairs)

    def get(self, name: str) -> str | None:
        value = self.fields.get(name, "").strip()
        return value or None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _coordinate(name: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadRequest(f"{name} must be a decimal number (WGS84), not {value!r}") from None
    if not math.isfinite(number):
        raise BadRequest(f"{name} must be a finite number")
    return number


def _location(sub: Submission) -> tuple[float | None, float | None]:
    lat, lon = _coordinate("lat", sub.get("lat")), _coordinate("long", sub.get("long"))
    if (lat is None) != (lon is None):
        raise BadRequest("lat and long must be given together")
    if lat is not None and lon is not None and not valid_point(lat, lon):
        raise BadRequest("lat must be within -90..90 and long within -180..180")
    if lat is None and not sub.get("address_string") and not sub.get("address_id"):
        raise BadRequest("a location is required: lat and long, address_string or address_id")
    return lat, lon


def _media_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest(f"media_url must be an http(s) URL, not {value!r}")
    return value


def _contact(sub: Submission) -> dict[str, str] | None:
    """Contact details for the case's agency; stored on the case, never served by Open311."""
    contact = {name: value[:MAX_FIELD] for name in CONTACT_FIELDS if (value := sub.get(name))}
    return contact or None


def _title(description: str, service_title: str, address: str | None) -> str:
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    if first_line:
        return first_line if len(first_line) <= MAX_TITLE else first_line[: MAX_TITLE - 1] + "…"
    return f"{service_title} — {address}"[:MAX_TITLE] if address else service_title


def submit(
    uow: UnitOfWork, registry: Registry, sub: Submission, locale: str, key: str | None = None
) -> dict[str, Any]:
    """Accept one submission, in one unit of work: the POST requests answer item.

    With an `Idempotency-Key` (`key`), a client's retry of a submission that committed gets
    the first answer (its service_request_id or token) and no second case; the same key with
    other fields is refused. Keys are the client's own: another client's key never matches.
    """
    if key is None:
        with uow:
            return _submit(uow, registry, sub, locale)
    with uow.app.read_session() as session:
        client = authenticate(session, sub.get("api_key"))
    content = {
        "fields": {k: v for k, v in sub.fields.items() if k != "api_key"},
        "attributes": sub.attributes,
    }
    try:
        answer = idempotency.once(
            uow,
            caller=f"open311:{client.id}",
            operation="open311.requests.create",
            key=key,
            content=content,
            run=lambda: _submit(uow, registry, sub, locale),
            status_code=200,
        )
    except idempotency.KeyReused as exc:
        raise Unprocessable(str(exc)) from None
    return dict(answer.body)


def _submit(uow: UnitOfWork, registry: Registry, sub: Submission, locale: str) -> dict[str, Any]:
    session = uow.session
    client = authenticate(session, sub.get("api_key"), for_update=True)
    check_rate_limit(session, client)
    code = sub.get("service_code")
    if code is None:
        raise BadRequest("service_code is required; GET services lists them")
    offering = find_offering(registry, code)
    if offering is None:
        raise BadRequest(f"service_code {code!r} was not found; GET services lists them")
    spec = offering.spec
    lat, lon = _location(sub)
    description = sub.get("description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(f"description may hold at most {MAX_DESCRIPTION} characters")
    media_url = _media_url(sub.get("media_url"))
    address, address_id = sub.get("address_string"), sub.get("address_id")
    data, problems = form_data(spec, sub.attributes, address)
    if problems:
        raise BadRequest(*problems)
    place = locate(session, lat=lat, lon=lon, address=address, address_id=address_id)
    try:
        case = commands.open_case(
            uow,
            intake_actor(f"open311:{client.name}"),
            service=spec.code,
            title=_title(description, offering_name(offering, locale), address),
            neighbourhood=place.id if place else None,
            description=description,
            data=data,
            channel="open311",
            category=offering.category,
            reporter=_contact(sub),
        )
    except InvalidInput as exc:
        errors = exc.errors or [{"field": "", "message": str(exc)}]
        raise BadRequest(*(_problem(e) for e in errors)) from None
    assert case.id is not None and client.id is not None
    token = secrets.token_urlsafe(16)
    session.add(
        Open311Submission(
            client_id=client.id,
            case_id=case.id,
            token=token,
            lat=lat,
            long=lon,
            address_string=address,
            address_id=address_id[:64] if address_id else None,
            media_url=media_url,
        )
    )
    session.flush()
    actor = intake_actor(f"open311:{client.name}")
    if sub.media is not None:
        name, body = sub.media
        try:
            attachments.attach_as_system(
                uow, actor, case, filename=name, data=body, source="open311"
            )
        except InvalidInput as exc:
            raise BadRequest(f"media: {exc}") from None
    elif media_url is not None:
        attachments.request_fetch(uow, case, media_url)
    answer: dict[str, Any] = (
        {"token": token} if client.queued else {"service_request_id": case.tracking_code}
    )
    answer["service_notice"] = service_notice(spec, locale)
    answer["account_id"] = sub.get("account_id")
    return answer


def _problem(error: dict[str, str]) -> str:
    name = error.get("field", "")
    if name in ("title", "description", "channel", "neighbourhood", "category", ""):
        return f"{name or 'request'}: {error.get('message', 'invalid')}"
    code = name.split(".", 1)[0]
    return f"attribute[{code}]: {error.get('message', 'invalid')}"


def find_token(session: Session, token: str) -> Open311Submission | None:
    return session.exec(select(Open311Submission).where(Open311Submission.token == token)).first()
