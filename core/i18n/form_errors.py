"""Validation messages a person can act on, in their language, naming the field they filled.

pydantic says "Input should be less than or equal to 15"; a caseworker needs «حداکثر برای
«تعداد اعضای خانوار» ۱۵ است». Each pydantic error type the service forms can produce has an
English message here (a catalogue msgid, translated in `hamyar.core.i18n.fa`) with the field's
own title and the limit filled in. The message travels as a `Phrase` holding both languages, so
the UI's `_()` and the API (by Accept-Language) each pick theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from hamyar.core.i18n import form_schema
from hamyar.core.i18n.catalogue import LOCALES, Phrase, gettext

WHOLE_NUMBER = 'Write "{field}" as a whole number, such as 12.'
NUMBER = 'Write "{field}" as a number, such as 2.5.'
CHOOSE_ONE = 'Choose one of the options for "{field}".'
YES_OR_NO = 'Answer "{field}" with yes or no.'
DATE = 'Write "{field}" as a real date, such as 1402/07/03 or 3 Mehr 1402.'
TEXT = 'Write "{field}" as text.'
INVALID = 'The value of "{field}" is not valid.'

MESSAGES: dict[str, str] = {
    "missing": '"{field}" is required.',
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "finite_number": NUMBER,
    "less_than_equal": 'The most "{field}" can be is {limit}.',
    "greater_than_equal": 'The least "{field}" can be is {limit}.',
    "less_than": '"{field}" must be less than {limit}.',
    "greater_than": '"{field}" must be more than {limit}.',
    "string_too_long": '"{field}" can hold at most {limit} characters.',
    "string_too_short": '"{field}" needs at least {limit} characters.',
    "string_type": TEXT,
    "enum": CHOOSE_ONE,
    "literal_error": CHOOSE_ONE,
    "list_type": 'Choose one or more options for "{field}".',
    "too_short": 'Choose at least {limit} options for "{field}".',
    "too_long": 'Choose at most {limit} options for "{field}".',
    "bool_parsing": YES_OR_NO,
    "bool_type": YES_OR_NO,
    "date_parsing": DATE,
    "date_type": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "jalali_date": DATE,
    "date_out_of_range": 'The date in "{field}" must be between Jalali 1279 and 1678.',
    "time_parsing": 'Write "{field}" as a time, such as 14:30.',
    "time_type": 'Write "{field}" as a time, such as 14:30.',
    "extra_forbidden": '"{field}" is not a field of this form.',
}
"""pydantic error type → English message (a msgid of the catalogue)."""

AT_LEAST_ONE = 'Choose at least one option for "{field}".'
VALUE_ERROR = '"{field}": {reason}'
FORM_NOT_OBJECT = "The service form's answers must be an object of fields."
FORM_HAS_ERRORS = "The form has errors: {errors}"

_LIMITS = ("le", "ge", "lt", "gt", "max_length", "min_length")


def _limit(ctx: Mapping[str, Any]) -> Any:
    return next((ctx[key] for key in _LIMITS if key in ctx), None)


def _msgid(error: Mapping[str, Any]) -> str:
    kind = error_type(error)
    if kind == "too_short" and error.get("ctx", {}).get("min_length") == 1:
        return AT_LEAST_ONE
    return MESSAGES.get(kind, INVALID)


def _reason(error: Mapping[str, Any]) -> str:
    """A plugin's own ValueError text (a model validator's: a `Phrase` in both languages, or an
    English sentence the catalogue may translate), or pydantic's message."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, Exception) and cause.args and isinstance(cause.args[0], Phrase):
        return cause.args[0]
    return str(cause) if cause is not None else str(error.get("msg", ""))


def error_type(error: Mapping[str, Any]) -> str:
    """pydantic's type of `error`, or the `error_type` of the ValueError a field type of ours
    raised (`hamyar.core.time.form_dates.FormDateError`)."""
    cause = error.get("ctx", {}).get("error")
    return str(getattr(cause, "error_type", None) or error.get("type", ""))


def message(error: Mapping[str, Any], schema: Mapping[str, Any], locale: str) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) worded for `locale`."""
    loc = tuple(error.get("loc", ()))
    kind = error_type(error)
    if not loc:
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            return gettext(locale, FORM_NOT_OBJECT)
        return gettext(locale, _reason(error))  # a whole-form rule: the plugin's own words
    name = str(loc[0])
    node = form_schema.properties(schema).get(name, {})
    field = form_schema.title(node, locale, name)
    if kind in ("value_error", "assertion_error"):
        return gettext(locale, VALUE_ERROR, field=field, reason=gettext(locale, _reason(error)))
    limit = _limit(error.get("ctx", {}))
    msgid = _msgid(error)
    if kind == "missing" and form_schema.enum_values(node):  # a choice is picked, not typed
        msgid = MESSAGES["list_type"] if node.get("type") == "array" else CHOOSE_ONE
    return gettext(locale, msgid, field=field, limit="" if limit is None else limit)


def describe(
    errors: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]
) -> list[dict[str, str]]:
    """`{field, type, message}` per error; `message` is a `Phrase` in every locale."""
    described = []
    for error in errors:
        words = {locale: message(error, schema, locale) for locale in LOCALES}
        described.append(
            {
                "field": ".".join(str(p) for p in error.get("loc", ())) or "data",
                "type": error_type(error),
                "message": Phrase(words["en"], words["fa"]),
            }
        )
    return described


def summary(errors: Sequence[Mapping[str, str]]) -> Phrase:
    """One line for the whole form (an API answer's `detail`), in every locale."""
    words = {
        locale: gettext(
            locale,
            FORM_HAS_ERRORS,
            errors=("؛ " if locale == "fa" else "; ").join(
                gettext(locale, e["message"]) for e in errors
            ),
        )
        for locale in LOCALES
    }
    return Phrase(words["en"], words["fa"])


def from_validation(exc: ValidationError, schema: Mapping[str, Any]) -> list[dict[str, str]]:
    return describe(exc.errors(), schema)


__all__ = ["MESSAGES", "describe", "error_type", "from_validation", "message", "summary"]
