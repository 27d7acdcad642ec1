"""Importing readings from a spreadsheet's CSV: one reading a line, with the KPI's name, the
period, the value and an optional comment, in that order; a header line is optional. The
plan names every line that cannot be imported and why, so that an import is all or nothing.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from core.cells import INTEGER, SPLIT_REST, Number, decimal_mark, read_number, read_period, shown
from core.errors import ReviewError, ValidationError
from core.kpis import name_key
from core.model import (
    Kpi,
)
from core.periods import parse_period

MAX_LISTED_PROBLEMS = 20
# Working out "did you mean" is slow; a file of junk names gets suggestions for its first ones.
_MAX_SUGGESTED_NAMES = 200


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote: `written` readings, of which `replaced` took an earlier one's place."""

    written: int
    replaced: int


# --- importing readings ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingRow:
    """One readable line of the file, before its KPI name is looked up."""

    line: int
    kpi_name: str
    period: str
    value: float
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why one line of the file (1-based, as an editor counts) cannot be imported."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class PlannedReading(NamedTuple):
    kpi_id: str
    period: str
    value: float
    comment: str


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The readings a file holds, or the problems that stop it being imported."""

    rows: list[PlannedReading] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # How many of `rows` replace a reading already recorded for their KPI and period.
    replaced: int = 0

    def check(self) -> None:
        """Raise a ReadingsImportError unless the whole file can be imported."""
        if self.problems:
            raise ReadingsImportError(self.problems)
        if not self.rows:
            raise ReadingsImportError([], "Nothing was imported: the file holds no readings.")


class ReadingsImportError(ReviewError):
    """A file of readings was refused; the message names each wrong line (up to 20) and why."""

    def __init__(self, problems: Sequence[ImportProblem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or _problems_message(self.problems))


def _problems_message(problems: Sequence[ImportProblem]) -> str:
    count = len(problems)
    lines = [f"Nothing was imported: {count} {'line is' if count == 1 else 'lines are'} wrong."]
    lines += [str(p) for p in problems[:MAX_LISTED_PROBLEMS]]
    if count > MAX_LISTED_PROBLEMS:
        lines.append(f"… and {count - MAX_LISTED_PROBLEMS} more")
    return "\n".join(lines)


def parse_readings_csv(
    data: bytes, kpis: Sequence[Kpi], existing_periods: dict[str, set[str]], this_month: str
) -> ImportPlan:
    """Read a CSV file of readings into an import plan; raise nothing but ReviewErrors.

    `existing_periods` maps a KPI's id to the periods it already has a reading for: a line for
    one of those replaces the reading, it is no problem. A period after `this_month` is.
    """
    this_month = parse_period(this_month, "this_month")
    text, problem = _decode(data)
    if problem is not None:
        return ImportPlan(problems=[problem])
    return _Planner(text, kpis, existing_periods, this_month).plan()


# --- the file's text -------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_at(text: str | bytes, index: int) -> int:
    """The physical line (1-based) that position `index` of the file falls on."""
    if isinstance(text, bytes):
        return len(_LINE_BREAK_BYTES.findall(text, 0, index)) + 1
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def _decode(data: bytes) -> tuple[str, ImportProblem | None]:
    """The file's text: UTF-8 (with or without its mark), UTF-16 with its mark, else Windows'
    cp1252, else Latin-1. A workbook or other binary file is a problem on its first line."""
    if data.startswith(b"PK\x03\x04"):
        return "", ImportProblem(
            1, "this is an Excel workbook (or another zip file), not CSV: save the sheet as CSV"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "", ImportProblem(
            1, "this is an old Excel workbook (.xls), not CSV: save the sheet as CSV"
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            line = _line_at(data, len(codecs.BOM_UTF8) + error.start)
            return "", ImportProblem(
                line, "this line is not UTF-8 text, although the file says it is"
            )
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return "", ImportProblem(1, "the file says it is UTF-16 text, but it is not")
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    nul = text.find("\x00")
    if nul >= 0:
        return "", ImportProblem(
            _line_at(text, nul),
            "this line holds a NUL byte: the file is not text (export the sheet as CSV)",
        )
    return text, None


def _separator(text: str) -> str:
    """';' when the first non-blank line has more semicolons than commas (outside quotes)."""
    for line in _LINE_BREAK.split(text):
        if not line.strip():
            continue
        counts = {",": 0, ";": 0}
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        return ";" if counts[";"] > counts[","] else ","
    return ","


class _Record(NamedTuple):
    line: int
    end_line: int
    cells: list[str]  # trimmed
    raw: list[str]  # as read, for a comment that held the separator


def _records(text: str, separator: str) -> tuple[list[_Record], list[ImportProblem]]:
    """The file's non-empty records with their first and last physical line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    records: list[_Record] = []
    problems: list[ImportProblem] = []
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(ImportProblem(before + 1, f"cannot be read as CSV ({error})"))
            if reader.line_num == before:
                break
            continue
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        while len(cells) > 3 and not cells[-1]:
            cells.pop()
        records.append(_Record(before + 1, max(reader.line_num, before + 1), cells, row))
    return records, problems


# --- the plan --------------------------------------------------------------------------------


class _Planner:
    """Works through the records of one file, gathering readings and each line's problems."""

    def __init__(
        self,
        text: str,
        kpis: Sequence[Kpi],
        existing_periods: dict[str, set[str]],
        this_month: str,
    ) -> None:
        self.separator = _separator(text)
        self.records, csv_problems = _records(text, self.separator)
        self.kpis = list(kpis)
        self.by_key = {name_key(k.name): k for k in kpis}
        self.existing = existing_periods
        self.this_month = this_month
        self.messages: dict[int, list[str]] = {}
        for problem in csv_problems:
            self._problem(problem.line, problem.message)
        self.suggestions: dict[str, str | None] = {}
        # Names and periods repeat from line to line: each is worked out once.
        self.keys: dict[str, str] = {}
        self.periods: dict[str, str] = {}

    def _key(self, name: str) -> str:
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = name_key(name)
        return key

    def _problem(self, line: int, message: str) -> None:
        self.messages.setdefault(line, []).append(message)

    def plan(self) -> ImportPlan:
        records = self.records
        numbers = [read_number(r.cells[2]) if len(r.cells) > 2 else None for r in records]
        if records and self._is_header(records[0], numbers[0]):
            records, numbers = records[1:], numbers[1:]
        decimal, shown_by_values = decimal_mark(numbers, self.separator)
        rows: list[PlannedReading] = []
        seen: dict[tuple[str, str], int] = {}
        replaced = 0
        for record, number in zip(records, numbers, strict=True):
            found = self._reading(record, number, decimal, shown_by_values)
            if found is None:
                continue
            kpi, reading = found
            first = seen.setdefault((kpi.id, reading.period), record.line)
            if first != record.line:
                self._problem(
                    record.line,
                    f"{kpi.name} for {reading.period} is already on line {first}",
                )
                continue
            if reading.period in self.existing.get(kpi.id, ()):
                replaced += 1
            rows.append(PlannedReading(kpi.id, reading.period, reading.value, reading.comment))
        problems = [
            ImportProblem(line, "; ".join(messages))
            for line, messages in sorted(self.messages.items())
        ]
        if problems:
            return ImportPlan(problems=problems)
        return ImportPlan(rows=rows, replaced=replaced)

    def _is_header(self, record: _Record, number: Number | None) -> bool:
        """A first line whose value is not a number, whose KPI is unknown and whose period is
        not one: a header (a data line with all three wrong is still named as wrong)."""
        if number is not None or self._key(record.cells[0]) in self.by_key:
            return False
        if len(record.cells) > 1:
            try:
                read_period(record.cells[1])
            except ValidationError:
                return True
            return False
        return True

    def _reading(
        self, record: _Record, number: Number | None, decimal: str | None, shown_by_values: bool
    ) -> tuple[Kpi, ReadingRow] | None:
        """The record as a reading of its KPI, or None after naming its problems."""
        line, cells = record.line, record.cells
        if len(cells) < 3:
            found = f"{len(cells)} {'cell' if len(cells) == 1 else 'cells'}"
            self._problem(
                line,
                f"expected the KPI name, the period and the value, separated by "
                f"'{self.separator}' (found {found})",
            )
            return None
        if record.end_line > record.line and any("\n" in c or "\r" in c for c in cells[:3]):
            self._problem(
                line,
                f'a quoted cell runs on to line {record.end_line}: is a closing quote (") missing?',
            )
            return None
        name, period_cell, value_cell = cells[0], cells[1], cells[2]
        comment = self.separator.join(record.raw[3 : len(cells)]).strip()
        before = len(self.messages.get(line, ()))
        kpi = self._kpi(line, name)
        period = self._period(line, period_cell)
        if (
            self.separator == ","
            and len(cells) > 3
            and INTEGER.fullmatch(value_cell)
            and SPLIT_REST.fullmatch(cells[3])
        ):
            # "99,5" unquoted in a comma-separated file: never read it as 99 with a comment 5.
            self._problem(
                line,
                f"the value seems cut in two by the ',' separator ({shown(value_cell)} and "
                f"{shown(cells[3])}): put a value written with a ',' in quotes",
            )
            return None
        value = self._value(line, value_cell, number, decimal, shown_by_values, kpi)
        if len(self.messages.get(line, ())) > before or kpi is None:
            return None
        assert period is not None and value is not None
        return kpi, ReadingRow(line, name, period, value, comment)

    def _kpi(self, line: int, name: str) -> Kpi | None:
        if not name:
            self._problem(line, "the KPI name is empty")
            return None
        kpi = self.by_key.get(self._key(name))
        if kpi is None:
            self._problem(line, f"unknown KPI {shown(name)}{self._suggestion(name)}")
        return kpi

    def _suggestion(self, name: str) -> str:
        if not self.kpis:
            return " (the partnership has no KPIs yet)"
        key = name_key(name)
        if key not in self.suggestions:
            closest = None
            if len(self.suggestions) < _MAX_SUGGESTED_NAMES:
                closest = _closest(key, self.kpis)
            self.suggestions[key] = closest
        closest = self.suggestions[key]
        return f" (did you mean '{closest}'?)" if closest else ""

    def _period(self, line: int, cell: str) -> str | None:
        if not cell:
            self._problem(line, "the period is empty")
            return None
        period = self.periods.get(cell)
        if period is None:
            try:
                period = self.periods[cell] = read_period(cell)
            except ValidationError as error:
                self._problem(line, error.message.rstrip("."))
                return None
        if period > self.this_month:
            self._problem(line, f"{period} is in the future (this month is {self.this_month})")
            return None
        return period

    def _value(
        self,
        line: int,
        cell: str,
        number: Number | None,
        decimal: str | None,
        shown_by_values: bool,
        kpi: Kpi | None,
    ) -> float | None:
        if not cell:
            self._problem(line, "the value is empty (leave the line out if there is no reading)")
            return None
        if number is None:
            self._problem(line, f"{shown(cell)} is not a number")
            return None
        value = number.value
        if number.ambiguous_mark is not None:
            if number.ambiguous_mark == decimal:
                value = number.value
            elif shown_by_values:
                value = number.grouped
            else:
                self._problem(
                    line,
                    f"{shown(cell)} is ambiguous: it could be {number.grouped:g} or "
                    f"{number.value:g}; write it without a thousands separator",
                )
                return None
        if not math.isfinite(value):
            self._problem(line, f"{shown(cell)} is too large a number")
            return None
        if number.percent and kpi is not None and kpi.unit.strip() != "%":
            unit = f"in {kpi.unit.strip()}" if kpi.unit.strip() else "without a unit"
            self._problem(line, f"{shown(cell)} is a percentage, but {kpi.name} is measured {unit}")
            return None
        return value


def _closest(key: str, kpis: Sequence[Kpi]) -> str | None:
    """The KPI name most like `key` (a name_key), whole or in one of its runs of words, if any
    is close enough; between equally close parts, the name closest as a whole."""
    best: str | None = None
    best_score = (0.0, 0.0)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    for kpi in kpis:
        full = name_key(kpi.name)
        matcher.set_seq1(full)
        whole = matcher.ratio()
        score = whole if whole >= 0.6 else 0.0
        words = full.split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                matcher.set_seq1(" ".join(words[start:end]))
                part = matcher.ratio()
                if part == 1.0 or (part >= 0.8 and len(key) >= 4):
                    score = max(score, part * 0.99)
        if score > 0 and (score, whole) > best_score:
            best, best_score = kpi.name, (score, whole)
    return best
