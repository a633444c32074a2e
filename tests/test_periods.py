"""Period arithmetic against hand-computed dates (catalog §3 and the holiday calendar)."""
import datetime as dt

import pytest

from compliance.periods import CalendarNotCovered, PeriodSpec, add_months, counted_days, is_workday, last_day

D = dt.date


def test_comment_period_worked_example():
    # catalog §3: published 2025-03-01, start day excluded -> day 30 is 2025-03-31
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("30 days")) == D(2025, 3, 31)
    assert counted_days(D(2025, 3, 1), D(2025, 3, 31)) == 30
    assert counted_days(D(2025, 3, 1), D(2025, 3, 30)) == 29


def test_include_start_day_counts_one_more():
    assert last_day(D(2025, 3, 3), PeriodSpec.parse("30 days")) == D(2025, 4, 2)
    assert last_day(D(2025, 3, 3), PeriodSpec.parse("30 days"), "include_start_day") == D(2025, 4, 1)


def test_reminder_wait_is_ten_working_days():
    # catalog AEL-54: served Mon 2024-11-04 -> last day Mon 2024-11-18
    assert last_day(D(2024, 11, 4), PeriodSpec.parse("10 working_days")) == D(2024, 11, 18)


def test_seven_working_days_over_qingming():
    # 2025-04-04 (Fri) is 清明 holiday: submitted 04-01 -> 04-02,03,07,08,09,10,11
    assert last_day(D(2025, 4, 1), PeriodSpec.parse("7 working_days")) == D(2025, 4, 11)


def test_month_period_corresponding_day_and_month_end():
    assert last_day(D(2025, 1, 10), PeriodSpec.parse("6 months")) == D(2025, 7, 10)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)


def test_deadline_on_national_day_rolls_to_next_working_day():
    # 30 days from 2025-09-01 is 2025-10-01 (国庆); the holiday runs to 10-08, a working day
    assert last_day(D(2025, 9, 1), PeriodSpec.parse("30 days")) == D(2025, 10, 9)


def test_spring_festival_and_make_up_workday():
    # 2025-01-26 (Sunday) was a 调休 working day; 2025-01-28..02-04 春节 holiday
    assert is_workday(D(2025, 1, 26))
    assert not is_workday(D(2025, 1, 29))
    assert last_day(D(2025, 1, 19), PeriodSpec.parse("10 days")) == D(2025, 2, 5)


def test_weekend_rolls_forward():
    # 2025-03-01 + 14 days = Sat 2025-03-15 -> Mon 2025-03-17
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("14 days")) == D(2025, 3, 17)


def test_year_outside_the_calendar_is_an_error_not_a_guess():
    with pytest.raises(CalendarNotCovered):
        last_day(D(2035, 3, 1), PeriodSpec.parse("30 days"))


@pytest.mark.parametrize("text", ["30", "thirty days", "3 weeks", ""])
def test_bad_period_spec(text):
    with pytest.raises(ValueError):
        PeriodSpec.parse(text)


def test_working_days_from_a_rest_day_count_from_the_next_working_day():
    # Sat 2025-03-01: neither counting counts a rest day, so both give Fri 03-07
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("5 working_days")) == D(2025, 3, 7)
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("5 working_days"), "include_start_day") == D(2025, 3, 7)
    # Mon 2025-03-03: counted only when the profile counts the start day
    assert last_day(D(2025, 3, 3), PeriodSpec.parse("5 working_days")) == D(2025, 3, 10)
    assert last_day(D(2025, 3, 3), PeriodSpec.parse("5 working_days"), "include_start_day") == D(2025, 3, 7)


def test_month_period_counting_the_start_day_ends_a_day_earlier():
    assert last_day(D(2025, 1, 10), PeriodSpec.parse("6 months"), "include_start_day") == D(2025, 7, 9)


def test_a_maximum_does_not_roll_over_a_rest_day():
    # one year from 2025-03-01 is Sunday 2026-03-01: a freeze limit stays there, a period to act rolls
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("1 year no_rollover")) == D(2026, 3, 1)
    assert last_day(D(2025, 3, 1), PeriodSpec.parse("1 year")) == D(2026, 3, 2)


def test_no_rollover_is_refused_for_working_days():
    with pytest.raises(ValueError):
        PeriodSpec.parse("5 working_days no_rollover")
