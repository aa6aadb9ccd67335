"""The shipped service forms take what people type and answer in the reader's language.

Specification of `JalaliDate`, the Persian digits every channel may send, the catalogue of
validation messages (every pydantic error the shipped forms can produce, in fa and en, naming
the field's own title) and the fa/en labels every plugin field and choice carries.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from hamyar import JalaliDate, build_plugins, labelled
from hamyar.core.cases.intake import validate_form
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import Phrase, form_errors, form_schema, gettext
from hamyar.core.i18n.fa import MESSAGES as FA
from hamyar.core.plugin.registry import Registry

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return build_plugins().registry


class DateForm(BaseModel):
    day: JalaliDate = labelled("تاریخ", "Date")
    maybe: JalaliDate | None = labelled("تاریخ دوم", "Second date", default=None)


@pytest.mark.parametrize(
    "typed",
    ["1402/07/03", "۱۴۰۲-۰۷-۰۳", "3 مهر 1402", "۳ مهر ۱۴۰۲", "۳ مهرماه ۱۴۰۲", "2023-09-25",
     "١٤٠٢/٧/٣", " 1402.7.3 "],
)  # fmt: skip
def test_a_jalali_date_is_taken_as_people_type_it_and_stored_as_iso(typed: str) -> None:
    form = DateForm.model_validate({"day": typed})
    assert form.day == date(2023, 9, 25)
    assert form.model_dump(mode="json")["day"] == "2023-09-25"


def test_a_jalali_year_is_never_read_as_a_gregorian_one() -> None:
    assert DateForm.model_validate({"day": "1405-09-20"}).day == date(2026, 12, 11)
    assert DateForm.model_validate({"day": "۱۴۰۵/۰۹/۲۰"}).day == date(2026, 12, 11)
    assert DateForm.model_validate({"day": date(2026, 12, 11)}).day == date(2026, 12, 11)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("1403/13/01", "jalali_date"), ("1402/12/30", "jalali_date"), ("فردا", "jalali_date"),
     ("1200/01/01", "date_out_of_range"), ("31 Esfand 1403", "jalali_date")],
)  # fmt: skip
def test_an_impossible_date_is_an_error_of_its_own_type(typed: str, kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DateForm.model_validate({"day": typed})
    described = form_errors.from_validation(caught.value, DateForm.model_json_schema())
    assert [e["type"] for e in described] == [kind]
    assert "«تاریخ»" in gettext("fa", described[0]["message"])


def test_esfand_30_exists_in_a_leap_year_only() -> None:
    assert DateForm.model_validate({"day": "1403/12/30"}).day == date(2025, 3, 20)


def test_a_jalali_date_schema_says_it_is_a_date_in_the_jalali_calendar() -> None:
    schema = DateForm.model_json_schema()
    node = form_schema.properties(schema)["maybe"]
    assert node["format"] == "date" and node["x-calendar"] == "jalali"
    assert node["title"] == "تاریخ دوم" and node["title_en"] == "Second date"


def _mobile_visit(**data: Any) -> dict[str, Any]:
    return {
        "venue": "school",
        "venue_name": "دبستان شهید فهمیده",
        "age_groups": ["primary", "mothers"],
        "expected_attendees": 80,
        **data,
    }


@pytest.mark.parametrize("digits", ["۱۲۰", "١٢٠", " 120 ", "۱۲۰"])
def test_persian_and_arabic_indic_digits_are_numbers_from_any_channel(
    registry: Registry, digits: str
) -> None:
    clean = validate_form(
        registry,
        "library.mobile_visit",
        _mobile_visit(expected_attendees=digits, preferred_date="۱۴۰۵/۰۹/۲۰"),
    )
    assert clean["expected_attendees"] == 120
    assert clean["preferred_date"] == "2026-12-11"
    assert clean["age_groups"] == ["primary", "mothers"]
    money = validate_form(
        registry,
        "welfare.household_empowerment",
        {
            "female_head": True,
            "household_size": "۴",
            "monthly_income_toman": "۸٬۵۰۰٬۰۰۰",
            "trade": "sewing",
        },
    )
    assert money["household_size"] == 4 and money["monthly_income_toman"] == 8_500_000


def _errors(registry: Registry, service: str, data: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        validate_form(registry, service, data)
    return caught.value.errors


def test_a_limit_is_named_with_the_fields_own_title_in_both_languages(registry: Registry) -> None:
    errors = _errors(
        registry,
        "welfare.household_empowerment",
        {"female_head": True, "household_size": 16, "monthly_income_toman": 0, "trade": "sewing"},
    )
    assert [(e["field"], e["type"]) for e in errors] == [("household_size", "less_than_equal")]
    message = errors[0]["message"]
    assert isinstance(message, Phrase)
    assert gettext("fa", message) == "حداکثر برای «تعداد اعضای خانوار» ۱۵ است."
    assert gettext("en", message) == 'The most "Household size" can be is 15.'


def test_every_message_of_the_catalogue_is_translated() -> None:
    msgids = {*form_errors.MESSAGES.values()}
    msgids |= {form_errors.AT_LEAST_ONE, form_errors.VALUE_ERROR, form_errors.FORM_NOT_OBJECT}
    msgids |= {form_errors.FORM_HAS_ERRORS, form_errors.INVALID}
    missing = sorted(m for m in msgids if m not in FA)
    assert not missing
    for msgid in msgids:
        assert not LATIN_WORD.search(re.sub(r"\{\w+\}", "", FA[msgid])), msgid


def _bad_values(node: dict[str, Any]) -> list[Any]:
    """Values a person (or an API client) might send that the field must refuse."""
    kind = node.get("type")
    if kind == "array":
        return ["primary, secondary", [], ["nonsense"], 5]
    if "enum" in node:
        return ["nonsense", 3]
    if kind == "boolean":
        return ["perhaps", [1]]
    if kind in ("integer", "number"):
        bad: list[Any] = ["abc", "۱٫۵" if kind == "integer" else "x", "1e999", [1]]
        if "maximum" in node:
            bad.append(node["maximum"] + 1)
        if "minimum" in node:
            bad.append(node["minimum"] - 1)
        return bad
    if node.get("format") == "date":
        return ["1403/13/40", "1200/01/01", 12]
    bad = [12]
    if "maxLength" in node:
        bad.append("ب" * (node["maxLength"] + 1))
    if "minLength" in node:
        bad.append("ب" * (node["minLength"] - 1))
    return bad


def test_every_error_the_shipped_forms_can_produce_is_worded_in_persian(
    registry: Registry,
) -> None:
    """Drive every field of every shipped form with wrong values (and leave every required one
    out): each message is catalogued (never the generic fallback), names the field's title, and
    has no Latin word in Persian and no Persian letter in English."""
    seen: set[str] = set()
    for code, spec in registry.services.items():
        schema = spec.form_schema()
        nodes = form_schema.properties(schema)
        attempts = [{}] + [
            {name: value} for name, node in nodes.items() for value in _bad_values(node)
        ]
        for data in attempts:
            try:
                validate_form(registry, code, data)
            except InvalidInput as exc:
                errors = exc.errors
            else:
                continue
            for error in errors:
                seen.add(error["type"])
                fa, en = (gettext(locale, error["message"]) for locale in ("fa", "en"))
                assert not LATIN_WORD.search(fa), (code, data, fa)
                assert not re.search("[\u0600-\u06ff]", en), (code, data, en)
                name = error["field"].split(".")[0]
                if name in nodes:
                    assert f"«{form_schema.title(nodes[name], 'fa')}»" in fa, (code, fa)
                    assert error["type"] in form_errors.MESSAGES or error["type"] == "value_error"
    assert {"missing", "int_parsing", "less_than_equal", "greater_than_equal", "string_too_long",
            "string_too_short", "literal_error", "enum", "list_type", "too_short", "bool_parsing",
            "jalali_date", "date_out_of_range", "int_type", "string_type"} <= seen  # fmt: skip


def test_a_whole_form_rule_speaks_the_plugins_words_in_both_languages(
    registry: Registry,
) -> None:
    errors = _errors(registry, "health.maternal_child", {"need": "vaccination"})
    assert errors[0]["field"] == "data"
    assert gettext("fa", errors[0]["message"]) == "هفته بارداری یا سن کودک را وارد کنید."
    assert gettext("en", errors[0]["message"]) == "Give the week of pregnancy or the child's age."


def test_every_shipped_field_and_choice_has_persian_and_english_words(registry: Registry) -> None:
    """No enum value shows as a code and no hint is in one language only."""
    agencies = {code: (a.title_fa, a.title_en) for code, a in registry.agencies.items()}
    for code, spec in registry.services.items():
        for name, node in form_schema.properties(spec.form_schema()).items():
            fa, en = form_schema.title(node, "fa"), form_schema.title(node, "en")
            assert fa and en and fa != en, (code, name)
            assert not LATIN_WORD.search(fa) and not re.search("[\u0600-\u06ff]", en)
            assert bool(node.get("description")) == bool(node.get("description_fa")), (code, name)
            assert not re.search("[\u0600-\u06ff]", node.get("description") or "")
            for value in form_schema.enum_values(node):
                label_fa = form_schema.choice_label(node, value, "fa", agencies)
                label_en = form_schema.choice_label(node, value, "en", agencies)
                assert label_fa != value and label_en != value, (code, name, value)
                assert not LATIN_WORD.search(label_fa), (code, name, label_fa)
        for category in spec.categories:
            assert category in spec.category_titles, (code, category)
    partners = form_schema.properties(registry.services["library.joint_programme"].form_schema())
    assert form_schema.choice_label(partners["partners"], "health", "fa", agencies) == (
        registry.agencies["health"].title_fa
    )


def test_labelled_writes_the_convention_and_refuses_a_wrong_choice_source() -> None:
    class Form(BaseModel):
        size: int = labelled("اندازه", "Size", "How big", hint_fa="چقدر بزرگ", ge=1)
        plain: str = labelled("ساده", "Plain")

    nodes = form_schema.properties(Form.model_json_schema())
    assert form_schema.hint(nodes["size"], "fa") == "چقدر بزرگ"
    assert form_schema.hint(nodes["size"], "en") == "How big"
    assert form_schema.hint(nodes["plain"], "fa") == form_schema.hint(nodes["plain"], "en") == ""
    with pytest.raises(ValueError, match="AGENCY_TITLES"):
        labelled("x", "y", choices="partners")
