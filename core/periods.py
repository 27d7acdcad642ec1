"""Reporting periods: one calendar month, written `YYYY-MM`."""

from __future__ import annotations

import datetime as dt
import re

from core.errors import ValidationError

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str, field: str = "period") -> str:
    """Return the canonical `YYYY-MM` form of `text`, or raise a ValidationError saying why not."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValidationError(
            field, f"'{text}' is not a period: write it as YYYY-MM, e.g. 2026-03."
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValidationError(field, f"'{text}' is not a period: the month must be 01 to 12.")
    if year < 1:
        raise ValidationError(field, f"'{text}' is not a period: the year must be 0001 or later.")
    return f"{year:04d}-{month:02d}"


def period_of(day: dt.date) -> str:
    """The period a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def add_months(period: str, months: int) -> str:
    """The period `months` after (or before, if negative) `period`."""
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: str, end: str) -> int:
    """How many months `end` is after `start` (negative if before)."""
    return (int(end[:4]) * 12 + int(end[5:7])) - (int(start[:4]) * 12 + int(start[5:7]))


def first_day(period: str) -> dt.date:
    return dt.date(int(period[:4]), int(period[5:7]), 1)
