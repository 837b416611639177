"""bot.domain.dates: dates, months, numbers and times as Vietnamese users type them (L2, L3)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import (
    parse_date,
    parse_month,
    parse_number,
    parse_start_and_length,
    parse_time,
)

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/2", date(2026, 2, 3)),  # L3: day/month, this year
        ("03/02", date(2026, 2, 3)),
        ("03/02/2026", date(2026, 2, 3)),  # L2
        ("3-2-26", date(2026, 2, 3)),  # L3
        ("3.2.2026", date(2026, 2, 3)),
        ("  3 / 2 / 2026 ", date(2026, 2, 3)),
        ("2026-02-03", date(2026, 2, 3)),  # ISO
        ("ngày 3 tháng 2 năm 2026", date(2026, 2, 3)),  # L2 formal
        ("Ngày 03 tháng 02 năm 2026", date(2026, 2, 3)),
        ("3 tháng 2", date(2026, 2, 3)),
        ("mùng 3 tháng 2", date(2026, 2, 3)),
        ("ngày 3/2/2026", date(2026, 2, 3)),
        ("hôm nay", TODAY),
        (" Hôm qua ", date(2026, 11, 20)),
        ("HÔM NAY", TODAY),
        ("today", TODAY),
        ("yesterday", date(2026, 11, 20)),
        ("29/2/2024", date(2024, 2, 29)),
    ],
)
def test_l2_l3_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["31/2", "31/02/2026", "29/2/2025", "0/1/2026", "3/13", "3/2-2026", "3", "", "abc", "3/2/202"],
)
def test_l2_parse_date_rejects_impossible_or_garbled(text: str) -> None:
    assert parse_date(text, today=TODAY) is None


def test_l3_two_digit_years() -> None:
    # 20yy unless that is more than a year ahead of today: then 19yy.
    assert parse_date("3-2-26", today=TODAY) == date(2026, 2, 3)
    assert parse_date("3-2-27", today=TODAY) == date(2027, 2, 3)
    assert parse_date("3-2-28", today=TODAY) == date(1928, 2, 3)
    assert parse_date("19/5/90", today=TODAY) == date(1990, 5, 19)


def test_l2_require_year_for_rosters() -> None:
    assert parse_date("3/2", today=TODAY, require_year=True) is None
    assert parse_date("hôm nay", today=TODAY, require_year=True) is None
    assert parse_date("03/02/2026", today=TODAY, require_year=True) == date(2026, 2, 3)


@given(st.text(), st.dates())
def test_parse_date_never_raises(text: str, today: date) -> None:
    result = parse_date(text, today=today)
    assert result is None or isinstance(result, date)


@given(st.sampled_from(["hôm nay", "hôm qua", "yesterday", "ngày mai"]), st.dates())
def test_relative_dates_at_the_ends_of_the_calendar(text: str, today: date) -> None:
    parse_date(text, today=today)  # date.min - 1 day must not raise


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_l2_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%d/%m/%Y"), today=TODAY) == day
    assert parse_date(f"ngày {day:%d} tháng {day:%m} năm {day:%Y}", today=TODAY) == day
    assert parse_date(f"{day.day}-{day.month}-{day.year}", today=TODAY) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/2024", (2024, 1)),
        ("1/2024", (2024, 1)),
        ("tháng 1/2024", (2024, 1)),
        ("Tháng 01/2024", (2024, 1)),
        ("T1/2024", (2024, 1)),
        ("t12-2025", (2025, 12)),
        ("tháng 1 năm 2024", (2024, 1)),
        ("tháng 3", (2026, 3)),
        ("2024-01", (2024, 1)),
        ("1.2024", (2024, 1)),
    ],
)
def test_l2_parse_month_accepts(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["13/2024", "0/2024", "1/24", "tháng", "2024", "", "x/2024"])
def test_l2_parse_month_rejects(text: str) -> None:
    assert parse_month(text, today=TODAY) is None


@given(st.text(), st.dates())
def test_parse_month_never_raises(text: str, today: date) -> None:
    parse_month(text, today=today)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96,5", Decimal("96.5")),  # L3 decimal comma
        ("96.5", Decimal("96.5")),  # a phone keyboard's dot
        ("1.234,5", Decimal("1234.5")),  # L3 thousands dot
        ("1,234.5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),  # Vietnamese grouping
        ("1.234.567", Decimal("1234567")),
        ("0.125", Decimal("0.125")),
        ("12", Decimal("12")),
        ("-3,5", Decimal("-3.5")),
        ("96,5%", Decimal("96.5")),
        ("1 234,5", Decimal("1234.5")),
        (" 90 ", Decimal("90")),
    ],
)
def test_l3_parse_number_accepts(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "5,", "1.2.3", "1,2,3", "1.23,4.5", "NaN", "1e5"])
def test_l3_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


@given(st.decimals(min_value=0, max_value=10**9, places=1))
def test_l3_parse_number_reads_babel_vi_output(value: Decimal) -> None:
    # L3: what the bot prints with Babel's vi locale reads back unchanged.
    assert parse_number(format_decimal(value, format="#,##0.0", locale="vi")) == value


@given(st.text())
def test_parse_number_never_raises(text: str) -> None:
    parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:30", time(19, 30)),
        ("19h30", time(19, 30)),
        ("19h", time(19, 0)),
        ("19 giờ 30", time(19, 30)),
        ("7:30 tối", time(19, 30)),
        ("19:30:00", time(19, 30)),
        ("8h sáng", time(8, 0)),
    ],
)
def test_l2_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "19:75", "19", "", "tối"])
def test_l2_parse_time_rejects(text: str) -> None:
    assert parse_time(text) is None


@given(st.text())
def test_parse_time_never_raises(text: str) -> None:
    parse_time(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("19:30", (time(19, 30), None)),
        ("19h30", (time(19, 30), None)),
        ("120", (None, 120)),
        ("120 phút", (None, 120)),
        ("90p", (None, 90)),
        ("19:30 120", (time(19, 30), 120)),
        ("120 phút 19h", (time(19, 0), 120)),
        ("7:30 tối, 150p", (time(19, 30), 150)),
        ("19 giờ 30 90", (time(19, 30), 90)),
    ],
)
def test_start_and_length_as_typed(typed: str, expected: tuple[time | None, int | None]) -> None:
    assert parse_start_and_length(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "0", "601", "25:00", "19:30 abc", "1000 phút"])
def test_unreadable_start_or_length(typed: str) -> None:
    assert parse_start_and_length(typed) is None
