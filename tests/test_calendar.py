"""Specification of the Iranian working-day calendar (core/calendar.py).

Reference weeks, worked out by hand from the official list in `holidays` 0.109:

* 2025-05-07 … 2025-05-10 (17-20 Ordibehesht 1404) is an ordinary week:
  Wednesday 7, Thursday 8, Friday 9, Saturday 10 May, with no holiday between
  24 April and 4 June.
* Nowruz 1404 is spelled out in the Nowruz section below.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from hamyar.core.time.working_days import (
    FRIDAY,
    THURSDAY,
    DayOverride,
    WorkingCalendar,
    official_holidays,
)

TEHRAN = ZoneInfo("Asia/Tehran")

WEDNESDAY_MAY_7 = date(2025, 5, 7)
THURSDAY_MAY_8 = date(2025, 5, 8)
FRIDAY_MAY_9 = date(2025, 5, 9)
SATURDAY_MAY_10 = date(2025, 5, 10)


def jalali(year: int, month: int, day: int) -> date:
    return jdatetime.date(year, month, day).togregorian()


def in_tehran(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TEHRAN)


def end_of(day: date) -> datetime:
    """The promised due instant for ``day``: its last instant in Tehran, as UTC."""
    return datetime.combine(day, time.max, tzinfo=TEHRAN).astimezone(UTC)


def due_day(due: datetime) -> date:
    return due.astimezone(TEHRAN).date()


# --- the deadline convention -------------------------------------------------


def test_due_instant_is_the_last_instant_of_the_tehran_day_returned_in_utc() -> None:
    due = WorkingCalendar().add_working_days(in_tehran(WEDNESDAY_MAY_7), 1)
    # 23:59:59.999999 on Thursday in Tehran (UTC+03:30, no daylight saving).
    assert due == datetime(2025, 5, 8, 20, 29, 59, 999999, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_tehran_has_no_daylight_saving_so_summer_deadlines_end_at_2029_utc() -> None:
    due = WorkingCalendar().add_working_days(in_tehran(date(2025, 7, 15)), 1)  # Tue
    assert due == datetime(2025, 7, 16, 20, 29, 59, 999999, tzinfo=UTC)


def test_the_start_day_never_counts_even_when_opened_at_dawn() -> None:
    due = WorkingCalendar().add_working_days(in_tehran(WEDNESDAY_MAY_7, 0, 1), 1)
    assert due_day(due) == THURSDAY_MAY_8


def test_the_start_day_is_the_tehran_day_not_the_utc_day() -> None:
    # 21:00 UTC on Tuesday is already 00:30 on Wednesday in Tehran.
    start = datetime(2025, 5, 6, 21, 0, tzinfo=UTC)
    assert due_day(WorkingCalendar().add_working_days(start, 1)) == THURSDAY_MAY_8


def test_a_start_in_any_zone_is_converted_to_tehran() -> None:
    start = datetime(2025, 5, 6, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    assert due_day(WorkingCalendar().add_working_days(start, 1)) == THURSDAY_MAY_8


def test_naive_datetimes_are_refused() -> None:
    calendar = WorkingCalendar()
    with pytest.raises(ValueError, match="naive"):
        calendar.add_working_days(datetime(2025, 5, 7, 10, 0), 1)
    with pytest.raises(ValueError, match="naive"):
        calendar.add_working_hours(datetime(2025, 5, 7, 10, 0), 1)


def test_negative_slas_are_refused() -> None:
    calendar = WorkingCalendar()
    with pytest.raises(ValueError, match=">= 0"):
        calendar.add_working_days(in_tehran(WEDNESDAY_MAY_7), -1)
    with pytest.raises(ValueError, match=">= 0"):
        calendar.add_working_hours(in_tehran(WEDNESDAY_MAY_7), -1)


def test_zero_days_means_end_of_today_or_of_the_next_working_day() -> None:
    add = WorkingCalendar().add_working_days
    assert add(in_tehran(WEDNESDAY_MAY_7), 0) == end_of(WEDNESDAY_MAY_7)
    assert add(in_tehran(FRIDAY_MAY_9), 0) == end_of(SATURDAY_MAY_10)


# --- Friday and Thursday -----------------------------------------------------


def test_due_dates_skip_fridays() -> None:
    due = WorkingCalendar().add_working_days(in_tehran(WEDNESDAY_MAY_7), 2)
    assert due == end_of(SATURDAY_MAY_10)


def test_friday_is_off_for_every_agency() -> None:
    for calendar in (WorkingCalendar(), WorkingCalendar(thursday_closed=True)):
        assert not calendar.is_working_day(FRIDAY_MAY_9)
        assert calendar.day_off_reason(FRIDAY_MAY_9) == FRIDAY == "جمعه"


def test_thursday_is_a_working_day_unless_the_agency_closes_on_thursdays() -> None:
    open_on_thursday = WorkingCalendar(thursday_closed=False, agency="municipality")
    closed_on_thursday = WorkingCalendar(thursday_closed=True, agency="library")

    assert open_on_thursday.is_working_day(THURSDAY_MAY_8)
    assert closed_on_thursday.day_off_reason(THURSDAY_MAY_8) == THURSDAY == "پنجشنبه"

    start = in_tehran(WEDNESDAY_MAY_7, 15)
    assert open_on_thursday.add_working_days(start, 1) == end_of(THURSDAY_MAY_8)
    assert closed_on_thursday.add_working_days(start, 1) == end_of(SATURDAY_MAY_10)


# --- official holidays -------------------------------------------------------


def test_official_holidays_carry_their_persian_names() -> None:
    khomeini = date(2025, 6, 4)
    assert WorkingCalendar().day_off_reason(khomeini) == "رحلت حضرت امام خمینی"


def test_a_holiday_on_a_friday_is_reported_by_its_own_name() -> None:
    eid_al_adha = date(2025, 6, 6)  # a Friday
    assert WorkingCalendar().day_off_reason(eid_al_adha) == "عید سعید قربان"


def test_estimated_lunar_dates_say_so_in_their_name() -> None:
    names = official_holidays(2030).values()
    assert any("(تخمینی)" in name for name in names)


def test_holiday_lookups_are_built_once_per_year_and_read_only() -> None:
    assert official_holidays(2025) is official_holidays(2025)
    with pytest.raises(TypeError):
        official_holidays(2025)[date(2025, 5, 7)] = "not a holiday"  # type: ignore[index]


# --- Nowruz 1404 -------------------------------------------------------------
#
# By hand, from the official list:
#   28 Esfand 1403  Tue 2025-03-18  task opened
#   29 Esfand 1403  Wed 2025-03-19  oil nationalization day        off
#   30 Esfand 1403  Thu 2025-03-20  last day of (leap) year 1403   off
#    1 Farvardin    Fri 2025-03-21  Nowruz                         off
#  2-4 Farvardin    Sat-Mon         Nowruz holidays                off
#    5 Farvardin    Tue 2025-03-25  working day 1
#    6 Farvardin    Wed 2025-03-26  working day 2
#    7 Farvardin    Thu 2025-03-27  working day 3  (Thursday-open agency)
#    8 Farvardin    Fri             off
#    9 Farvardin    Sat 2025-03-29  working day 3  (Thursday-closed agency), 4 otherwise
#   10 Farvardin    Sun 2025-03-30  working day 5
#   11-13 Farvardin Mon-Wed         Eid al-Fitr, its holiday + Islamic Republic Day,
#                                   Nature's Day                   off
#   14 Farvardin    Thu 2025-04-03  working day 6

OPENED_28_ESFAND_1403 = jalali(1403, 12, 28)


def test_the_package_lists_the_nowruz_holidays_this_file_counts_on() -> None:
    listed = official_holidays(2025)
    assert listed[jalali(1403, 12, 29)] == "روز ملی شدن صنعت نفت ایران"
    assert listed[jalali(1403, 12, 30)] == "آخرین روز سال"
    assert listed[jalali(1404, 1, 1)] == "جشن نوروز"
    for day in (2, 3, 4):
        assert "عیدنوروز" in listed[jalali(1404, 1, day)]
    assert "روز جمهوری اسلامی" in listed[jalali(1404, 1, 12)]
    assert listed[jalali(1404, 1, 13)] == "روز طبیعت"
    for day in (5, 6, 7, 9, 10, 14):
        assert jalali(1404, 1, day) not in listed


def test_a_task_opened_on_28_esfand_is_due_after_the_nowruz_holidays() -> None:
    assert date(2025, 3, 18) == OPENED_28_ESFAND_1403
    start = in_tehran(OPENED_28_ESFAND_1403, 14)

    due = WorkingCalendar().add_working_days(start, 3)

    assert due == end_of(jalali(1404, 1, 7)) == end_of(date(2025, 3, 27))


def test_a_thursday_closed_agency_gets_the_task_two_days_later() -> None:
    start = in_tehran(OPENED_28_ESFAND_1403, 14)
    due = WorkingCalendar(thursday_closed=True).add_working_days(start, 3)
    assert due == end_of(jalali(1404, 1, 9)) == end_of(date(2025, 3, 29))


def test_the_12_and_13_farvardin_holidays_are_skipped_too() -> None:
    calendar = WorkingCalendar()
    due = calendar.add_working_days(in_tehran(OPENED_28_ESFAND_1403), 6)
    assert due == end_of(jalali(1404, 1, 14))
    counted = calendar.working_days_between(OPENED_28_ESFAND_1403, jalali(1404, 1, 14))
    assert counted == 6


# --- a start on a day off ----------------------------------------------------


def test_a_start_on_a_friday_counts_from_the_next_working_day() -> None:
    due = WorkingCalendar().add_working_days(in_tehran(FRIDAY_MAY_9), 1)
    assert due == end_of(SATURDAY_MAY_10)


def test_a_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Wed 4 June (Khomeini), Thu 5 June (15 Khordad), Fri 6 June (Eid al-Adha).
    due = WorkingCalendar().add_working_days(in_tehran(date(2025, 6, 4)), 1)
    assert due == end_of(date(2025, 6, 7))


# --- admin overrides ---------------------------------------------------------


def test_an_override_that_closes_a_day_pushes_the_deadline() -> None:
    closure = DayOverride(THURSDAY_MAY_8, closed=True, name="تعطیلی به دستور استانداری")
    calendar = WorkingCalendar(overrides=[closure])

    assert calendar.day_off_reason(THURSDAY_MAY_8) == "تعطیلی به دستور استانداری"
    due = calendar.add_working_days(in_tehran(WEDNESDAY_MAY_7), 1)
    assert due == end_of(SATURDAY_MAY_10)


def test_an_override_that_opens_a_friday_is_honoured() -> None:
    working_friday = DayOverride(FRIDAY_MAY_9, closed=False, name="جمعه کاری")
    calendar = WorkingCalendar(thursday_closed=True, overrides=[working_friday])

    assert calendar.is_working_day(FRIDAY_MAY_9)
    due = calendar.add_working_days(in_tehran(WEDNESDAY_MAY_7), 1)
    assert due == end_of(FRIDAY_MAY_9)


def test_overrides_correct_an_estimated_lunar_date() -> None:
    # Suppose Ashura turns out to be Monday 7 July, not the listed Sunday 6 July.
    overrides = [
        DayOverride(date(2025, 7, 6), closed=False, name="اصلاح تاریخ عاشورا"),
        DayOverride(date(2025, 7, 7), closed=True, name="عاشورای حسینی"),
    ]
    calendar = WorkingCalendar(overrides=overrides)

    assert calendar.is_working_day(date(2025, 7, 6))
    assert calendar.day_off_reason(date(2025, 7, 7)) == "عاشورای حسینی"
    due = calendar.add_working_days(in_tehran(date(2025, 7, 5)), 2)  # Tasua, Saturday
    assert due == end_of(date(2025, 7, 8))


def test_an_agency_specific_override_applies_only_to_that_agency() -> None:
    overrides = [
        DayOverride(SATURDAY_MAY_10, closed=True, name="انبارگردانی", agency="library"),
    ]

    library = WorkingCalendar(overrides=overrides, agency="library")
    municipality = WorkingCalendar(overrides=overrides, agency="municipality")
    no_agency = WorkingCalendar(overrides=overrides)

    assert library.day_off_reason(SATURDAY_MAY_10) == "انبارگردانی"
    assert municipality.is_working_day(SATURDAY_MAY_10)
    assert no_agency.is_working_day(SATURDAY_MAY_10)
    start = in_tehran(THURSDAY_MAY_8)
    assert library.add_working_days(start, 1) == end_of(date(2025, 5, 11))
    assert municipality.add_working_days(start, 1) == end_of(SATURDAY_MAY_10)


def test_an_agency_override_beats_an_all_agency_override_for_the_same_day() -> None:
    overrides = [
        DayOverride(SATURDAY_MAY_10, closed=False, name="کشیک", agency="health"),
        DayOverride(SATURDAY_MAY_10, closed=True, name="تعطیلی سراسری"),
    ]
    health = WorkingCalendar(overrides=overrides, agency="health")
    assert health.is_working_day(SATURDAY_MAY_10)
    welfare = WorkingCalendar(overrides=overrides, agency="welfare")
    assert welfare.day_off_reason(SATURDAY_MAY_10) == "تعطیلی سراسری"


def test_within_the_same_scope_the_later_override_wins() -> None:
    overrides = [
        DayOverride(SATURDAY_MAY_10, closed=True, name="اعلام اولیه"),
        DayOverride(SATURDAY_MAY_10, closed=False, name="لغو تعطیلی"),
    ]
    assert WorkingCalendar(overrides=overrides).is_working_day(SATURDAY_MAY_10)


# --- crisis services: hours round the clock ----------------------------------


def test_crisis_hours_count_across_a_friday() -> None:
    start = in_tehran(THURSDAY_MAY_8, 20)
    for calendar in (WorkingCalendar(), WorkingCalendar(thursday_closed=True)):
        assert calendar.add_working_hours(start, 24) == in_tehran(FRIDAY_MAY_9, 20)
        assert calendar.add_working_hours(start, 48) == in_tehran(SATURDAY_MAY_10, 20)


def test_crisis_hours_ignore_holidays_and_closures_and_return_utc() -> None:
    closure = DayOverride(date(2025, 3, 19), closed=True, name="تعطیلی")
    start = in_tehran(OPENED_28_ESFAND_1403, 9)  # Nowruz ahead

    due = WorkingCalendar(overrides=[closure]).add_working_hours(start, 72)

    assert due == datetime(2025, 3, 21, 5, 30, tzinfo=UTC)
    assert due.tzinfo is UTC


# --- counting working days between two dates ---------------------------------


def test_working_days_between_counts_after_the_first_day_up_to_the_second() -> None:
    assert WorkingCalendar().working_days_between(WEDNESDAY_MAY_7, SATURDAY_MAY_10) == 2
    thursday_closed = WorkingCalendar(thursday_closed=True)
    assert thursday_closed.working_days_between(WEDNESDAY_MAY_7, SATURDAY_MAY_10) == 1
    assert WorkingCalendar().working_days_between(WEDNESDAY_MAY_7, WEDNESDAY_MAY_7) == 0


def test_working_days_between_is_negative_when_the_second_day_is_earlier() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(SATURDAY_MAY_10, WEDNESDAY_MAY_7) == -2


# --- the promises, checked over a whole year ---------------------------------


@pytest.mark.parametrize("thursday_closed", [False, True])
def test_no_due_date_lands_on_a_day_off_and_counting_agrees(
    thursday_closed: bool,
) -> None:
    calendar = WorkingCalendar(thursday_closed=thursday_closed)
    first_day_of_1404 = jalali(1404, 1, 1)
    for offset in range(365):
        start_day = first_day_of_1404 + timedelta(days=offset)
        for days in range(1, 11):
            due = calendar.add_working_days(in_tehran(start_day, 16), days)
            assert due.tzinfo is UTC
            assert calendar.is_working_day(due_day(due)), (start_day, days)
            assert calendar.working_days_between(start_day, due_day(due)) == days
