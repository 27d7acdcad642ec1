"""Rules about KPIs and their readings: set-up, readings typed in or imported from a
spreadsheet's CSV, and the other side confirming or disputing them in a meeting.

The CSV is what a spreadsheet exports: one reading a line, with the KPI's name, the period,
the value and an optional comment, in that order; a header line is optional. The plan names
every line that cannot be imported and why, so that an import is all or nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from core.errors import LifecycleError, ReviewError, ValidationError
from core.model import (
    Direction,
    Kpi,
    KpiTarget,
    Meeting,
    MeetingStatus,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    Side,
)
from core.people import clean_name
from core.periods import parse_period
from core.rag import check_thresholds
from core.text import one_line

MAX_LISTED_PROBLEMS = 20
# A reading's comment, and the reason given for a confirmation or a dispute.
MAX_COMMENT = 500
# Working out "did you mean" is slow; a file of junk names gets suggestions for its first ones.
_MAX_SUGGESTED_NAMES = 200
_SHOWN_LENGTH = 60


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote: `written` readings, of which `replaced` took an earlier one's place."""

    written: int
    replaced: int


# --- KPIs and targets ------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The form in which two KPI names are the same: case, spaces and Unicode forms folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def check_kpi(kpi: Kpi, target: KpiTarget, existing: Sequence[Kpi]) -> Kpi:
    """The KPI with its name and unit cleaned; refuse a name already used in the partnership,
    thresholds that contradict the direction, or a first target with no valid period."""
    checked = _check_name(kpi, existing)
    check_target(target, checked)
    return checked


def check_kpi_change(kpi: Kpi, targets: Sequence[KpiTarget], existing: Sequence[Kpi]) -> Kpi:
    """An edited KPI cleaned; refuse a name used by another KPI, or a direction that one of
    its targets (each judging the readings of its months) would contradict."""
    checked = _check_name(kpi, existing)
    for target in targets:
        try:
            check_target(target, checked)
        except ValidationError as error:
            better = "higher" if checked.direction is Direction.HIGHER_IS_BETTER else "lower"
            raise ValidationError(
                "direction",
                f"The target from {target.effective_from} ({target_text(target)}) does not fit "
                f"a KPI where {better} is better: {error.message} Add a target that fits first.",
            ) from None
    return checked


def _check_name(kpi: Kpi, existing: Sequence[Kpi]) -> Kpi:
    name = clean_name(kpi.name)
    key = name_key(name)
    for other in existing:
        if (
            other.id != kpi.id
            and other.partnership_id == kpi.partnership_id
            and name_key(other.name) == key
        ):
            raise ValidationError("name", f"There is already a KPI named '{other.name}'.")
    unit = kpi.unit.strip()
    if len(unit) > 20:
        raise ValidationError("unit", "A unit is at most 20 characters (e.g. %, hours, k€).")
    return replace(kpi, name=name, unit=unit)


def check_target(target: KpiTarget, kpi: Kpi) -> KpiTarget:
    """The target with its period in canonical form; refuse contradicting thresholds."""
    if target.kpi_id != kpi.id:
        raise ValidationError("kpi", f"This target belongs to another KPI than '{kpi.name}'.")
    check_thresholds(kpi.direction, target.target, target.amber, target.red)
    return replace(target, effective_from=parse_period(target.effective_from, "effective_from"))


def check_new_target(target: KpiTarget, kpi: Kpi, earlier: Iterable[KpiTarget]) -> KpiTarget:
    """A further target of a KPI: checked, and refused when one already starts that period."""
    checked = check_target(target, kpi)
    for other in earlier:
        if other.effective_from == checked.effective_from:
            raise ValidationError(
                "effective_from",
                f"{kpi.name} already has a target from {checked.effective_from} "
                f"({target_text(other)}).",
            )
    return checked


def target_text(target: KpiTarget) -> str:
    """A target and its thresholds in one line, as the audit log and messages show it."""
    return f"target {target.target:g}, amber {target.amber:g}, red {target.red:g}"


# --- readings typed in -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingEntry:
    """A reading typed in for one KPI and period, before it is written."""

    kpi_id: str
    period: str
    value: float
    comment: str = ""


def clean_comment(text: str, field: str = "comment") -> str:
    """A comment on one line, its spaces folded; refuse one over 500 characters."""
    cleaned = one_line(text)
    if len(cleaned) > MAX_COMMENT:
        raise ValidationError(
            field, f"A comment is at most {MAX_COMMENT} characters (this one has {len(cleaned)})."
        )
    return cleaned


def read_value(text: str, kpi: Kpi | None = None) -> float:
    """The number typed in a cell (99.5, 99,5, 1 234, 12%); raise a ValidationError saying
    why it is not one."""
    cell = text.strip()
    if not cell:
        raise ValidationError("value", "Type a number.")
    number = _read_number(cell)
    if number is None:
        raise ValidationError(
            "value", f"{_shown(cell)} is not a number: type digits, e.g. 99.5 or 99,5."
        )
    if number.ambiguous_mark is not None:
        raise ValidationError(
            "value",
            f"{_shown(cell)} is ambiguous: it could be {number.grouped:g} or {number.value:g}; "
            "write it without a thousands separator.",
        )
    if not math.isfinite(number.value):
        raise ValidationError("value", f"{_shown(cell)} is too large a number.")
    if number.percent and kpi is not None and kpi.unit.strip() != "%":
        unit = f"in {kpi.unit.strip()}" if kpi.unit.strip() else "without a unit"
        raise ValidationError(
            "value", f"{_shown(cell)} is a percentage, but {kpi.name} is measured {unit}."
        )
    return number.value


def check_period_not_future(period: str, this_month: str) -> str:
    """The period in canonical form; refuse a month that has not begun."""
    checked = parse_period(period)
    if checked > parse_period(this_month, "this_month"):
        raise ValidationError(
            "period",
            f"{checked} is in the future (this month is {this_month}): "
            "a reading is entered once its month has begun.",
        )
    return checked


def check_reading_entry(entry: ReadingEntry, kpi: Kpi, this_month: str) -> ReadingEntry:
    """A typed reading with its period and comment cleaned; refuse a future period, a value
    that is not a finite number, a comment too long, or a reading of another KPI."""
    if entry.kpi_id != kpi.id:
        raise ValidationError("kpi", f"This reading belongs to another KPI than '{kpi.name}'.")
    period = check_period_not_future(entry.period, this_month)
    if not math.isfinite(entry.value):
        raise ValidationError("value", f"The value of {kpi.name} for {period} must be a number.")
    return replace(entry, period=period, comment=clean_comment(entry.comment))


def confirmation_after_entry(
    kpi: Kpi, entered_by: Side, previous: ReadingConfirmation | None = None
) -> ReadingConfirmation:
    """Whether a reading needs confirming once `entered_by` has entered (or corrected) it.

    The owner's own figure stands; the other side's waits for the owner. A dispute stays
    open through corrections: only a confirmation ends it.
    """
    if previous is ReadingConfirmation.DISPUTED:
        return ReadingConfirmation.DISPUTED
    if entered_by is kpi.owner_side:
        return ReadingConfirmation.CONFIRMED
    return ReadingConfirmation.TO_BE_CONFIRMED


# --- confirming and disputing readings in a meeting -----------------------------------------


def reviewing_side(kpi: Kpi, reading: Reading) -> Side:
    """The side that confirms or disputes a reading: the one that did not enter it (a reading
    of unknown origin counts as its owner's)."""
    return (reading.entered_by or kpi.owner_side).other


def can_confirm(reading: Reading) -> bool:
    """A reading waiting for confirmation, or disputed, can be confirmed."""
    return reading.confirmation is not ReadingConfirmation.CONFIRMED


def check_reading_review(
    review: ReadingReview,
    kpi: Kpi,
    reading: Reading,
    meeting: Meeting,
    earlier: Sequence[ReadingReview],
) -> ReadingReview:
    """A meeting's confirmation or dispute of a reading, its reason cleaned.

    Refused: in a signed meeting; for a reading of a later period than the meeting reviews;
    by the side that entered the reading (the other side confirms it); a dispute without its
    reason; confirming a reading already confirmed; disputing twice in one meeting. A review
    made within the same second as the reading's last one is dated a second after it.
    """
    if review.reading_id != reading.id:
        raise ValidationError("reading", "This review is of another reading.")
    if review.meeting_id != meeting.id:
        raise ValidationError("meeting", "This review is of another meeting.")
    if meeting.status is MeetingStatus.SIGNED:
        raise LifecycleError(
            f"Meeting {meeting.number} is signed off: its record cannot change. "
            "Make an amendment instead."
        )
    what = f"{kpi.name} for {reading.period}"
    if reading.period > meeting.period:
        raise ValidationError(
            "reading",
            f"{what} is after the period this meeting reviews ({meeting.period}).",
        )
    entered = reading.entered_by or kpi.owner_side
    if review.side is entered:
        raise ValidationError(
            "side",
            f"The {entered.label} side entered {what}: the {entered.other.label} side confirms "
            "or disputes it, not the side that reported it.",
        )
    comment = clean_comment(review.comment)
    if review.verdict is ReadingVerdict.DISPUTED:
        if not comment:
            raise ValidationError(
                "comment",
                f"A dispute needs its reason: say what the {review.side.label} side does not "
                f"accept in {what}.",
            )
        if (
            any(
                e.meeting_id == meeting.id and e.verdict is ReadingVerdict.DISPUTED
                for e in earlier
                if e.reading_id == reading.id
            )
            and reading.confirmation is ReadingConfirmation.DISPUTED
        ):
            raise ValidationError(
                "verdict", f"{what} is already disputed in this meeting: confirm it or undo."
            )
    elif not can_confirm(reading):
        raise ValidationError("verdict", f"{what} is already confirmed.")
    # Reviews are read back in time order (to the second): a later one stays later.
    reviewed_at = review.reviewed_at.replace(microsecond=0)
    times = [e.reviewed_at for e in earlier if e.reading_id == reading.id]
    if times and reviewed_at <= max(times):
        reviewed_at = max(times) + dt.timedelta(seconds=1)
    return replace(review, comment=comment, reviewed_at=reviewed_at)


def confirmation_of(verdict: ReadingVerdict) -> ReadingConfirmation:
    """A reading's confirmation once a meeting has given this verdict on it."""
    if verdict is ReadingVerdict.CONFIRMED:
        return ReadingConfirmation.CONFIRMED
    return ReadingConfirmation.DISPUTED


def disputed_readings(readings_by_kpi: Mapping[str, Sequence[Reading]], upto: str) -> list[Reading]:
    """Every reading still disputed, of any period up to `upto`: disputes stay in view until
    the other side confirms, oldest first."""
    found = [
        r
        for readings in readings_by_kpi.values()
        for r in readings
        if r.confirmation is ReadingConfirmation.DISPUTED and r.period <= upto
    ]
    return sorted(found, key=lambda r: (r.period, r.kpi_id))


def latest_dispute(reviews: Iterable[ReadingReview]) -> ReadingReview | None:
    """The last dispute among a reading's reviews (oldest first), if any."""
    found = None
    for review in reviews:
        if review.verdict is ReadingVerdict.DISPUTED:
            found = review
    return found


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


def _shown(text: str) -> str:
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
                "period", f"{_shown(cell)} is not a date: {_PERIOD_HINT}."
            ) from None
    elif (match := _NAMED_MONTH.fullmatch(text)) and match[1].casefold() in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1].casefold()]
    else:
        raise ValidationError("period", f"{_shown(cell)} is not a period: {_PERIOD_HINT}.")
    if not 1 <= month <= 12:
        raise ValidationError(
            "period", f"{_shown(cell)} is not a period: the month must be 01 to 12."
        )
    if year < 1:
        raise ValidationError(
            "period", f"{_shown(cell)} is not a period: the year must be 0001 or later."
        )
    return f"{year:04d}-{month:02d}"


# --- numbers ---------------------------------------------------------------------------------


class _Number(NamedTuple):
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
_INTEGER = re.compile(r"[0-9]+", re.ASCII)
_ONE_MARK = re.compile(r"([0-9]*)([.,])([0-9]+)", re.ASCII)
_THOUSANDS_SHAPED = re.compile(r"[1-9][0-9]{0,2}", re.ASCII)
_GROUPED = re.compile(r"([1-9][0-9]{0,2}(?:([.,])[0-9]{3})(?:\2[0-9]{3})*)(?:([.,])([0-9]+))?")
_SPACE_GROUPED = re.compile(
    rf"([1-9][0-9]{{0,2}}(?:[{_SPACE_MARKS}][0-9]{{3}})+)(?:([.,])([0-9]+))?", re.ASCII
)
# What follows an integer value when an unquoted ',' split "99,5" or "1,234.5" in two.
_SPLIT_REST = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_SCIENTIFIC = re.compile(r"([0-9]+)(?:([.,])([0-9]+))?[eE]([+-]?[0-9]{1,4})", re.ASCII)


def _read_number(cell: str) -> _Number | None:
    """The number in a value cell, or None when it is not one; see `_Number`."""
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


def _unsigned(text: str) -> _Number | None:
    if _INTEGER.fullmatch(text):
        return _Number(float(text))
    if match := _ONE_MARK.fullmatch(text):
        whole, mark, fraction = match[1], match[2], match[3]
        value = float(f"{whole or '0'}.{fraction}")
        if len(fraction) == 3 and _THOUSANDS_SHAPED.fullmatch(whole):
            return _Number(value, ambiguous_mark=mark, grouped=float(whole + fraction))
        return _Number(value, evidence=mark)
    if match := _GROUPED.fullmatch(text):
        group_mark, decimal_mark = match[2], match[3]
        digits = match[1].replace(group_mark, "")
        if decimal_mark is None:
            return _Number(float(digits), evidence="." if group_mark == "," else ",")
        if decimal_mark == group_mark:
            return None
        return _Number(float(f"{digits}.{match[4]}"), evidence=decimal_mark)
    if match := _SPACE_GROUPED.fullmatch(text):
        digits = "".join(c for c in match[1] if c.isdigit())
        if match[2] is None:
            return _Number(float(digits))
        return _Number(float(f"{digits}.{match[3]}"), evidence=match[2])
    if match := _SCIENTIFIC.fullmatch(text):
        return _Number(float(f"{match[1]}.{match[3] or '0'}e{match[4]}"), evidence=match[2])
    return None


def _decimal_mark(numbers: Sequence[_Number | None], separator: str) -> tuple[str | None, bool]:
    """The file's decimal mark and whether its own values show it (rather than the separator
    suggesting it: ';' files are written where the decimal mark is a comma). None when the
    values contradict each other."""
    seen = {n.evidence for n in numbers if n is not None and n.evidence is not None}
    if len(seen) == 1:
        return seen.pop(), True
    if seen:
        return None, False
    return ("," if separator == ";" else "."), False


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
        numbers = [_read_number(r.cells[2]) if len(r.cells) > 2 else None for r in records]
        if records and self._is_header(records[0], numbers[0]):
            records, numbers = records[1:], numbers[1:]
        decimal, shown_by_values = _decimal_mark(numbers, self.separator)
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

    def _is_header(self, record: _Record, number: _Number | None) -> bool:
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
        self, record: _Record, number: _Number | None, decimal: str | None, shown_by_values: bool
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
            and _INTEGER.fullmatch(value_cell)
            and _SPLIT_REST.fullmatch(cells[3])
        ):
            # "99,5" unquoted in a comma-separated file: never read it as 99 with a comment 5.
            self._problem(
                line,
                f"the value seems cut in two by the ',' separator ({_shown(value_cell)} and "
                f"{_shown(cells[3])}): put a value written with a ',' in quotes",
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
            self._problem(line, f"unknown KPI {_shown(name)}{self._suggestion(name)}")
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
        number: _Number | None,
        decimal: str | None,
        shown_by_values: bool,
        kpi: Kpi | None,
    ) -> float | None:
        if not cell:
            self._problem(line, "the value is empty (leave the line out if there is no reading)")
            return None
        if number is None:
            self._problem(line, f"{_shown(cell)} is not a number")
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
                    f"{_shown(cell)} is ambiguous: it could be {number.grouped:g} or "
                    f"{number.value:g}; write it without a thousands separator",
                )
                return None
        if not math.isfinite(value):
            self._problem(line, f"{_shown(cell)} is too large a number")
            return None
        if number.percent and kpi is not None and kpi.unit.strip() != "%":
            unit = f"in {kpi.unit.strip()}" if kpi.unit.strip() else "without a unit"
            self._problem(
                line, f"{_shown(cell)} is a percentage, but {kpi.name} is measured {unit}"
            )
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
