"""What is wrong with a request's parameters or body, worded in both languages.

msgspec (which decodes every API body and parameter against `hamyar.core.web.limits`) and
Litestar say what is wrong in English of their own: "Expected `int` <= 200", "Object missing
required field `service`". A citizen's app that asked for Persian, or a person whose form post
the browser sent, needs «حداکثر برای «limit» ۲۰۰ است». Each kind of message they produce is
matched here and worded through the catalogue with the field's name and the limit kept, as a
`Phrase` holding both languages: the API answers in the one `Accept-Language` asks for, the
error page in its own. The sentences are the service forms' own (`hamyar.core.i18n.form_errors`)
where the meaning is the same, so one fault reads the same wherever it is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hamyar.core.i18n import Phrase, phrase
from hamyar.core.i18n.form_errors import (
    CHOOSE_ONE,
    INVALID,
    MESSAGES,
    NUMBER,
    TEXT,
    WHOLE_NUMBER,
)
from hamyar.core.text.input_limits import (
    CONTROL_CHARACTER_MESSAGE,
    ID_DIGITS_MESSAGE,
    ID_PATTERN,
    MAX_INT,
    MIN_INT,
    OUT_OF_RANGE_MESSAGE,
)

REQUIRED = MESSAGES["missing"]
NOT_A_FIELD = '"{field}" is not a field of this request.'
TRUE_OR_FALSE = 'Write "{field}" as true or false.'
AN_OBJECT = '"{field}" must be an object of named fields, such as {{"title": "…"}}.'
A_LIST = '"{field}" must be a list, such as ["…"].'
A_DATETIME = 'Write "{field}" as a date and time, such as 2026-12-07T09:30:00+03:30.'
A_DATE = 'Write "{field}" as a date, such as 2026-12-07.'
AT_MOST_ITEMS = '"{field}" can hold at most {limit} items.'
AT_LEAST_ITEMS = '"{field}" needs at least {limit} items.'
NOT_NULL = '"{field}" cannot be null; leave it out instead.'
WITH_REASON = '"{field}": {reason}'
BODY_NOT_JSON = "The request body is not valid JSON ({reason})."

_EXPECTED = {
    "str": TEXT,
    "int": WHOLE_NUMBER,
    "float": NUMBER,
    "number": NUMBER,
    "decimal": NUMBER,
    "bool": TRUE_OR_FALSE,
    "object": AN_OBJECT,
    "array": A_LIST,
    "datetime": A_DATETIME,
    "date": A_DATE,
    "null": NOT_NULL,
}
"""msgspec's name of the type it wanted → the sentence that asks for it."""

_COMPARED = {
    "<=": MESSAGES["less_than_equal"],
    ">=": MESSAGES["greater_than_equal"],
    "<": MESSAGES["less_than"],
    ">": MESSAGES["greater_than"],
}
_LENGTH = {
    ("str", "<="): MESSAGES["string_too_long"],
    ("str", ">="): MESSAGES["string_too_short"],
    ("array", "<="): AT_MOST_ITEMS,
    ("array", ">="): AT_LEAST_ITEMS,
}
_PATTERNS = {
    f"matching regex {ID_PATTERN!r}": ID_DIGITS_MESSAGE,
    "matching regex '^[^": CONTROL_CHARACTER_MESSAGE,
}
"""A broken `pattern` of `hamyar.core.web.limits` → what the rule is for."""


def _wanted(types: str) -> str:
    """The type a value should have had, from msgspec's "`bool | null`": the first that is
    not null (a null is always allowed where it is listed)."""
    names = [t.strip() for t in types.split("|")]
    return next((t for t in names if t != "null"), names[0])


def _missing(found: re.Match[str], field: str) -> Phrase:
    return phrase(REQUIRED, field=found["name"])


def _unknown(found: re.Match[str], field: str) -> Phrase:
    return phrase(NOT_A_FIELD, field=found["name"])


def _length(found: re.Match[str], field: str) -> Phrase:
    msgid = _LENGTH.get((_wanted(found["type"]), found["op"]), INVALID)
    return phrase(msgid, field=field, limit=int(found["limit"]))


def _compared(found: re.Match[str], field: str) -> Phrase:
    limit: int | str = found["limit"]
    if found["limit"].lstrip("-+").isdigit():
        limit = int(found["limit"])
    if limit in (MAX_INT, MIN_INT):  # the INTEGER column's end, not a limit anyone chose
        return phrase(WITH_REASON, field=field, reason=phrase(OUT_OF_RANGE_MESSAGE))
    return phrase(_COMPARED[found["op"]], field=field, limit=limit)


def _pattern(found: re.Match[str], field: str) -> Phrase:
    rule = next((meant for said, meant in _PATTERNS.items() if said in found[0]), None)
    if rule is None:
        return phrase(INVALID, field=field)
    return phrase(WITH_REASON, field=field, reason=phrase(rule))


def _type(found: re.Match[str], field: str) -> Phrase:
    return phrase(_EXPECTED.get(_wanted(found["type"]), INVALID), field=field)


def _choice(found: re.Match[str], field: str) -> Phrase:
    return phrase(CHOOSE_ONE, field=field)


def _temporal(found: re.Match[str], field: str) -> Phrase:
    return phrase(A_DATE if found["kind"] == "date" else A_DATETIME, field=field)


_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], Phrase]], ...] = (
    (re.compile(r"Object missing required field `(?P<name>[^`]+)`"), _missing),
    (re.compile(r"Object contains unknown field `(?P<name>[^`]+)`"), _unknown),
    (re.compile(r"Expected `(?P<type>[^`]+)` of length (?P<op>[<>]=?) (?P<limit>\d+)"), _length),
    (re.compile(r"Expected `(?P<type>[^`]+)` (?P<op>[<>]=?) (?P<limit>[-+.\deE]+)"), _compared),
    (re.compile(r"Expected `str` matching regex .*"), _pattern),
    (re.compile(r"Expected `(?P<type>[^`]+)`, got `[^`]+`"), _type),
    (re.compile(r"Invalid enum value"), _choice),
    (
        re.compile(r"Invalid (?:RFC3339|ISO ?8601)? ?encoded (?P<kind>datetime|date|time)"),
        _temporal,
    ),
)


def field_message(message: str, field: str) -> Phrase:
    """One of msgspec's messages about `field`, in both languages."""
    for pattern, word in _MESSAGES:
        found = pattern.search(message)
        if found:
            return word(found, field)
    return phrase(INVALID, field=field)


_MISSING_PARAMETER = re.compile(r"^Missing required (?P<kind>\w+) parameter '(?P<name>[^']+)'")


def missing_parameter(detail: str) -> tuple[str, Phrase] | None:
    """Litestar's "Missing required query parameter 'q' for path …" as (field, message)."""
    found = _MISSING_PARAMETER.match(detail)
    if found is None:
        return None
    return found["name"], phrase(REQUIRED, field=found["name"])


def body_not_json(reason: str) -> Phrase:
    """The body could not be decoded at all; msgspec's reason (with the byte it stopped at)
    helps whoever wrote the client, so the English keeps it."""
    return phrase(BODY_NOT_JSON, reason=reason)


def joined(messages: list[Phrase]) -> Phrase:
    """Several messages as one line (an answer's `detail`), with each language's separator."""
    return Phrase(
        "; ".join(m.in_locale("en") for m in messages),
        "؛ ".join(m.in_locale("fa") for m in messages),
    )


__all__ = ["body_not_json", "field_message", "joined", "missing_parameter"]
