"""Field types for agency forms that take what people type.

`JalaliDate` is a date as an Iranian office writes it: "1402/07/03", "۱۴۰۲-۰۷-۰۳",
"3 مهر 1402", "۳ مهرماه ۱۴۰۲" (or an ISO Gregorian date from an API client, whose year is above
1700). It is stored as ISO Gregorian ("2023-09-25"), and the forms and the case page show it
back in Jalali. A plain `datetime.date` field would read "1405-09-20" as the Gregorian year
1405; this type reads it as the Jalali date it is (2026-12-11).

A refused date is a `FormDateError`, a ValueError that names its error type (`jalali_date`,
`date_out_of_range`); pydantic reports it as a `value_error`, and the form-error catalogue
(`hamyar.core.i18n.form_errors`) reads the type to word it in the reader's language.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from hamyar.core.time import jalali

JALALI_FORMAT = "jalali"
"""`x-calendar` of a JalaliDate's schema: the UI shows and takes the date in Jalali."""


class FormDateError(ValueError):
    """A typed date that is not one; `error_type` is its entry in the message catalogue."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def parse_jalali_date(value: Any) -> Any:
    """A typed date → `date`; a date passes; anything else is left for pydantic to refuse."""
    if isinstance(value, datetime):
        return jalali.to_tehran(value).date() if value.tzinfo else value.date()
    if not isinstance(value, str):
        return value
    try:
        return jalali.parse_date(value)
    except jalali.DateOutOfRange:
        raise FormDateError(
            "date_out_of_range", "the date must be between Jalali 1279 and 1678"
        ) from None
    except ValueError:
        raise FormDateError(
            "jalali_date", "not a date; expected e.g. 1402/07/03 or 3 Mehr 1402"
        ) from None


JalaliDate = Annotated[
    date,
    BeforeValidator(parse_jalali_date),
    WithJsonSchema({"type": "string", "format": "date", "x-calendar": JALALI_FORMAT}),
]
"""A form date typed in Jalali (or ISO Gregorian), stored as ISO Gregorian."""


__all__ = ["JALALI_FORMAT", "FormDateError", "JalaliDate", "parse_jalali_date"]
