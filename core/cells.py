"""Reading what a person typed in a cell, or a spreadsheet wrote in a field: a number (99.5,
99,5, 1 234, 12%, with its decimal mark guessed or asked about) and a period (2026-03,
03/2026, March 2026...), and quoting it back in a one-line message."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from core.errors import ValidationError

_SHOWN_LENGTH = 60


def shown(text: str) -> str:
    """A cell as it can be quoted in a one-line message: no line breaks or control characters,
    at most 60 characters."""
    cleaned = "".join("?" if unicodedata.category(c).startswith("C") else c for c in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > _SHOWN_LENGTH:
        cleaned = cleaned[: _SHOWN_LENGTH - 1] + "…"
    return f"'{cleaned}'"


# --- periods ---------------------------------------------------------------------------------

_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
_YEAR_MONTH = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})", re.ASCII)
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[-/.]([0-9]{4})", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_NAMED_MONTH = re.compile(r"([A-Za-z]+)\.?[ \-/]*([0-9]{4})", re.ASCII)
_PERIOD_HINT = "write it as YYYY-MM, e.g. 2026-03"


def read_period(cell: str) -> str:
    """The canonical YYYY-MM of a period written 2026-03, 2026/03, 03/2026 or Mar 2026 (a
    full date 2026-03-31 means its month); raise a ValidationError saying why not."""
    text = cell.strip()
    year = month = 0
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
    elif match := _MONTH_YEAR.fullmatch(text):
        month, year = int(match[1]), int(match[2])
    elif match := _ISO_DATE.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        try:
            dt.date(year, month, int(match[3]))
        except ValueError:
            raise ValidationError(
                "period", f"{shown(cell)} is not a date: {_PERIOD_HINT}."
            ) from None
    elif (match := _NAMED_MONTH.fullmatch(text)) and match[1].casefold() in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1].casefold()]
    else:
        raise ValidationError("period", f"{shown(cell)} is not a period: {_PERIOD_HINT}.")
    if not 1 <= month <= 12:
        raise ValidationError(
            "period", f"{shown(cell)} is not a period: the month must be 01 to 12."
        )
    if year < 1:
        raise ValidationError(
            "period", f"{shown(cell)} is not a period: the year must be 0001 or later."
        )
    return f"{year:04d}-{month:02d}"


# --- numbers ---------------------------------------------------------------------------------


class Number(NamedTuple):
    """A value cell read as far as it can be on its own.

    `evidence` is the decimal mark the cell shows the file uses ('.' or ','; None when it shows
    none). An ambiguous cell (`1,234`: one mark followed by exactly three digits) has `value`
    for the mark read as a decimal mark and `grouped` for it read as a thousands separator.
    """

    value: float
    evidence: str | None = None
    ambiguous_mark: str | None = None
    grouped: float = 0.0
    percent: bool = False


_SIGNS = "+-\u2212"
_SPACE_MARKS = " \u00a0\u202f\u2009'’"
INTEGER = re.compile(r"[0-9]+", re.ASCII)
_ONE_MARK = re.compile(r"([0-9]*)([.,])([0-9]+)", re.ASCII)
_THOUSANDS_SHAPED = re.compile(r"[1-9][0-9]{0,2}", re.ASCII)
_GROUPED = re.compile(r"([1-9][0-9]{0,2}(?:([.,])[0-9]{3})(?:\2[0-9]{3})*)(?:([.,])([0-9]+))?")
_SPACE_GROUPED = re.compile(
    rf"([1-9][0-9]{{0,2}}(?:[{_SPACE_MARKS}][0-9]{{3}})+)(?:([.,])([0-9]+))?", re.ASCII
)
# What follows an integer value when an unquoted ',' split "99,5" or "1,234.5" in two.
SPLIT_REST = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_SCIENTIFIC = re.compile(r"([0-9]+)(?:([.,])([0-9]+))?[eE]([+-]?[0-9]{1,4})", re.ASCII)


def read_number(cell: str) -> Number | None:
    """The number in a value cell, or None when it is not one; see `Number`."""
    text = cell.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    sign = 1.0
    if text[:1] and text[0] in _SIGNS:
        sign = 1.0 if text[0] == "+" else -1.0
        text = text[1:]
    number = _unsigned(text)
    if number is None:
        return None
    if sign == 1.0 and not percent:
        return number
    return number._replace(
        value=sign * number.value, grouped=sign * number.grouped, percent=percent
    )


def _unsigned(text: str) -> Number | None:
    if INTEGER.fullmatch(text):
        return Number(float(text))
    if match := _ONE_MARK.fullmatch(text):
        whole, mark, fraction = match[1], match[2], match[3]
        value = float(f"{whole or '0'}.{fraction}")
        if len(fraction) == 3 and _THOUSANDS_SHAPED.fullmatch(whole):
            return Number(value, ambiguous_mark=mark, grouped=float(whole + fraction))
        return Number(value, evidence=mark)
    if match := _GROUPED.fullmatch(text):
        group_mark, decimal_mark = match[2], match[3]
        digits = match[1].replace(group_mark, "")
        if decimal_mark is None:
            return Number(float(digits), evidence="." if group_mark == "," else ",")
        if decimal_mark == group_mark:
            return None
        return Number(float(f"{digits}.{match[4]}"), evidence=decimal_mark)
    if match := _SPACE_GROUPED.fullmatch(text):
        digits = "".join(c for c in match[1] if c.isdigit())
        if match[2] is None:
            return Number(float(digits))
        return Number(float(f"{digits}.{match[3]}"), evidence=match[2])
    if match := _SCIENTIFIC.fullmatch(text):
        return Number(float(f"{match[1]}.{match[3] or '0'}e{match[4]}"), evidence=match[2])
    return None


def decimal_mark(numbers: Sequence[Number | None], separator: str) -> tuple[str | None, bool]:
    """The file's decimal mark and whether its own values show it (rather than the separator
    suggesting it: ';' files are written where the decimal mark is a comma). None when the
    values contradict each other."""
    seen = {n.evidence for n in numbers if n is not None and n.evidence is not None}
    if len(seen) == 1:
        return seen.pop(), True
    if seen:
        return None, False
    return ("," if separator == ";" else "."), False
