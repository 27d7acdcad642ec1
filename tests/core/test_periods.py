"""Reporting periods written YYYY-MM: parsing and month arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ValidationError
from core.periods import add_months, first_day, months_between, parse_period, period_of


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-03", "2026-03"),
        (" 2026-03 ", "2026-03"),
        ("2026-01", "2026-01"),
        ("2026-12", "2026-12"),
    ],
)
def test_parse_period_accepts(text: str, period: str) -> None:
    """A YYYY-MM period with month 01 to 12 is accepted in its canonical form."""
    assert parse_period(text) == period


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "26-03", "2026/03", "", "  ", "2026-3", "2026-03-01", "0000-05"]
)
def test_parse_period_refuses(text: str) -> None:
    """Anything but a real YYYY-MM month is refused with a message on the period field."""
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert caught.value.field == "period"
    assert str(caught.value)


def test_parse_period_names_the_given_field() -> None:
    """A refused period names the field it was typed in."""
    with pytest.raises(ValidationError) as caught:
        parse_period("2026/03", field="effective_from")
    assert caught.value.field == "effective_from"


@pytest.mark.parametrize(
    ("period", "months", "expected"),
    [
        ("2026-03", 0, "2026-03"),
        ("2026-03", 1, "2026-04"),
        ("2026-12", 1, "2027-01"),
        ("2027-01", -1, "2026-12"),
        ("2026-03", 12, "2027-03"),
        ("2026-11", 14, "2028-01"),
        ("2026-03", -15, "2024-12"),
        ("2026-01", -25, "2023-12"),
    ],
)
def test_add_months(period: str, months: int, expected: str) -> None:
    """Adding months carries across year ends, forwards and backwards."""
    assert add_months(period, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2026-03", "2026-03", 0),
        ("2026-12", "2027-01", 1),
        ("2027-01", "2026-12", -1),
        ("2024-02", "2026-03", 25),
        ("2026-03", "2024-02", -25),
    ],
)
def test_months_between(start: str, end: str, months: int) -> None:
    """Months between two periods count across years, negative when the end is earlier."""
    assert months_between(start, end) == months
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("day", "period"),
    [(dt.date(2026, 1, 1), "2026-01"), (dt.date(2026, 12, 31), "2026-12")],
)
def test_period_of_and_first_day(day: dt.date, period: str) -> None:
    """A date falls in its calendar month, which starts on the 1st."""
    assert period_of(day) == period
    assert first_day(period) == day.replace(day=1)
