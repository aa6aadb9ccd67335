"""Specification of Jalali dates: what people may type, what they read, and the UTC in between."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamyar.core.time.jalali import (
    EN_MONTHS,
    FA_MONTHS,
    TEHRAN,
    format_date,
    format_datetime,
    format_long,
    parse_date,
    parse_datetime,
    to_gregorian,
    to_jalali,
    to_tehran,
    utcnow,
)

MEHR_3_1402 = date(2023, 9, 25)

# --- parse_date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1402/07/03",
        "1402-07-03",
        "1402.7.3",
        "۱۴۰۲-۰۷-۰۳",
        "۱۴۰۲/۷/۳",
        "١٤٠٢/٠٧/٠٣",
        " 1402 / 07 / 03 ",
        "3 مهر 1402",
        "۳ مهر ۱۴۰۲",
        "۳ مهرماه ۱۴۰۲",
        "۳ مهر ماه ۱۴۰۲",
        "۳ مهر، ۱۴۰۲",
        "3 Mehr 1402",
        "3 mehr 1402",
        "2023-09-25",
        "2023/9/25",
    ],
)
def test_parse_date_accepts_what_people_type(typed: str) -> None:
    assert parse_date(typed) == MEHR_3_1402


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        *((f"1 {name} 1402", n) for n, name in enumerate(FA_MONTHS, start=1)),
        *((f"1 {name} 1402", n) for n, name in enumerate(EN_MONTHS, start=1)),
        ("۱ ارديبهشت ۱۴۰۲", 2),  # Arabic yeh
        ("۱ شهريور ۱۴۰۲", 6),
        ("۱ دي ۱۴۰۲", 10),
        ("۱ دى ۱۴۰۲", 10),
        ("۱ ابان ۱۴۰۲", 8),  # madda left out
        ("۱ اذر ۱۴۰۲", 9),
        ("۱ امرداد ۱۴۰۲", 5),
        ("1 Amordad 1402", 5),
        ("1 Dei 1402", 10),
        ("1 ESFAND 1402", 12),
    ],
)
def test_month_names_in_any_spelling(typed: str, month: int) -> None:
    assert to_jalali(parse_date(typed)) == (1402, month, 1)


def test_esfand_30_exists_only_in_leap_years() -> None:
    assert parse_date("1403/12/30") == date(2025, 3, 20)
    with pytest.raises(ValueError, match=r"not a date: '1402/12/30' \(Esfand 1402 has days 1..29"):
        parse_date("1402/12/30")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "فردا",
        "1402/13/01",
        "1402/00/10",
        "1402/07/00",
        "1402/06/32",
        "1402/07/31",  # Mehr has 30 days
        "۳ مهر ۲۰۲۳",  # month names are Jalali; 2023 is a Gregorian year
        "3 Foo 1402",
        "2023-02-29",
        "02/07/03",  # two-digit year
        "03/07/1402",  # day first is ambiguous, so refused
        "1402/07-03",  # mixed separators
        "1402/07/03 10:00",  # a time is for parse_datetime
    ],
)
def test_parse_date_refuses_anything_else_with_an_example(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^not a date: .*; expected e\.g\. 1402/07/03$"):
        parse_date(typed)


# --- parse_datetime ----------------------------------------------------------------------


def test_parse_datetime_reads_tehran_time_and_returns_utc() -> None:
    moment = parse_datetime("۱۴۰۲/۰۷/۰۳ ۱۴:۳۰")
    assert moment == datetime(2023, 9, 25, 11, 0, tzinfo=UTC)
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("stamp", "utc"),
    [
        # seed 001, from the years of daylight saving (+04:30)
        ("۱۳۹۹/۰۳/۱۳ - ۱۰:۴۵:۵۵", datetime(2020, 6, 2, 6, 15, 55, tzinfo=UTC)),
        # seed 002, winter (+03:30)
        ("۵ بهمن ۱۳۹۸ - ۰۸:۲۶", datetime(2020, 1, 25, 4, 56, tzinfo=UTC)),
        ("2023-09-25T14:30", datetime(2023, 9, 25, 11, 0, tzinfo=UTC)),
        ("3 Mehr 1402, 14:30:15", datetime(2023, 9, 25, 11, 0, 15, tzinfo=UTC)),
    ],
)
def test_parse_datetime_reads_news_site_stamps(stamp: str, utc: datetime) -> None:
    assert parse_datetime(stamp) == utc


def test_a_date_without_time_is_tehran_midnight() -> None:
    assert parse_datetime("1402/07/03") == datetime(2023, 9, 24, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1402/07/03 24:00", r"^not a time: .*expected e\.g\. 14:30$"),
        ("1402/07/03 10:60", r"^not a time: "),
        ("1402/12/30 10:00", r"^not a date and time: .*Esfand 1402 has days 1..29"),
        ("10:00", r"^not a date and time: "),
    ],
)
def test_parse_datetime_errors(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_datetime(typed)


# --- formatting --------------------------------------------------------------------------


def test_format_date_per_locale() -> None:
    assert format_date(MEHR_3_1402) == "۱۴۰۲/۰۷/۰۳"
    assert format_date(MEHR_3_1402, "en") == "1402-07-03"
    assert format_date(MEHR_3_1402, "fa_IR") == "۱۴۰۲/۰۷/۰۳"


def test_an_instant_is_shown_on_its_tehran_day() -> None:
    late_evening_utc = datetime(2023, 9, 25, 21, 0, tzinfo=UTC)  # 00:30 on 4 Mehr in Tehran
    assert format_date(late_evening_utc) == "۱۴۰۲/۰۷/۰۴"
    assert format_datetime(late_evening_utc) == "۱۴۰۲/۰۷/۰۴ ۰۰:۳۰"
    assert format_datetime(late_evening_utc, "en") == "1402-07-04 00:30"


def test_format_long_per_locale() -> None:
    assert format_long(MEHR_3_1402) == "۳ مهر ۱۴۰۲"
    assert format_long(MEHR_3_1402, "en-US") == "3 Mehr 1402"
    assert format_long(date(2023, 11, 1)) == "۱۰ آبان ۱۴۰۲"


def test_formatting_ignores_jdatetimes_thread_locale() -> None:
    previous = jdatetime.get_locale()
    jdatetime.set_locale(jdatetime.FA_LOCALE)
    try:
        assert format_long(MEHR_3_1402, "en") == "3 Mehr 1402"
    finally:
        jdatetime.set_locale(previous)


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale 'de'"):
        format_date(MEHR_3_1402, "de")


# --- conversions and time zone -----------------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1402, 7, 3), date(2023, 9, 25)),
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
    ],
)
def test_known_conversions(jalali: tuple[int, int, int], gregorian: date) -> None:
    assert to_gregorian(*jalali) == gregorian
    assert to_jalali(gregorian) == jalali


def test_to_gregorian_explains_an_impossible_date() -> None:
    with pytest.raises(ValueError, match=r"month 13 is not 1\.\.12"):
        to_gregorian(1402, 13, 1)


def test_tehran_is_utc_plus_three_thirty_without_dst() -> None:
    summer = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    assert to_tehran(summer).utcoffset() == timedelta(hours=3, minutes=30)
    assert to_tehran(summer).tzinfo is TEHRAN
    assert str(TEHRAN) == "Asia/Tehran"


def test_to_tehran_converts_from_any_zone_but_refuses_naive_datetimes() -> None:
    berlin_noon = datetime(2024, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    assert to_tehran(berlin_noon).time() == time(14, 30)
    with pytest.raises(ValueError, match="naive datetime"):
        to_tehran(datetime(2024, 1, 1, 12, 0))


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is UTC
    assert abs(datetime.now(UTC) - now) < timedelta(seconds=5)


# --- round trips -------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
LOCALES = st.sampled_from(["fa", "en"])


@given(DATES)
def test_jalali_round_trip(day: date) -> None:
    assert to_gregorian(*to_jalali(day)) == day


@given(DATES, LOCALES)
def test_formatted_dates_parse_back(day: date, locale: str) -> None:
    assert parse_date(format_date(day, locale)) == day
    assert parse_date(format_long(day, locale)) == day


# Since 1402 Tehran has no daylight saving, so every wall-clock minute names one instant.
INSTANTS = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(second=0, microsecond=0))


@given(INSTANTS, LOCALES)
def test_formatted_instants_parse_back(moment: datetime, locale: str) -> None:
    assert parse_datetime(format_datetime(moment, locale)) == moment
