"""The partner's updates coming back (DESIGN.md's "partner update"): the workbook the pre-read
sent them, filled in, or one CSV file from another tool, read into proposals that the
facilitator accepts, edits or rejects. Nothing here writes; storage/partner_updates.py writes
what was accepted.

A whole file is refused, with one message and nothing read, when it is not the workbook sent
for this meeting: not an .xlsx (or unreadable), no About sheet or another format, another
partnership or meeting, a workbook (or the same file) already received, a sheet renamed or
missing, headings changed or columns moved. Within a good file each wrong line is flagged with
its row and why, and left out; the other lines are proposed.

A formula in a cell the partner fills in is flagged ("a formula, not a value"), never read
through its cached result: a file written by another program may carry no cached result, or
one computed from cells that are not sent, and the facilitator could not see what a figure
was made of. The partner types the value itself.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import hashlib
import importlib
import io
import math
import re
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from core import workbook_format as shape
from core.cells import read_number, read_period, shown
from core.errors import ReviewError, ValidationError
from core.figures import NO_FIGURE
from core.kpis import clean_comment
from core.model import ReadingConfirmation, ReadingVerdict, ReviewStatus
from core.periods import period_of
from core.text import many_lines, one_line

T = TypeVar("T")

# Who the audit log says a change came from.
BY_WORKBOOK = "Partner (update workbook)"
BY_CSV = "Partner (update CSV file)"
# The agenda item an accepted item to raise becomes: a discussion of this many minutes.
ITEM_MINUTES = 10
MAX_TITLE = 500
MAX_DETAILS = 5000
# More filled rows than this in one sheet (or lines in a CSV file) is not a workbook we sent.
MAX_ROWS = 100_000

_XLSX_MAGIC = b"PK\x03\x04"
_STATUSES = {label: ReviewStatus(label.replace(" ", "_")) for label in shape.STATUSES}
_VERDICTS = {
    "confirm": ReadingVerdict.CONFIRMED,
    "confirmed": ReadingVerdict.CONFIRMED,
    "dispute": ReadingVerdict.DISPUTED,
    "disputed": ReadingVerdict.DISPUTED,
}
_VERDICT_WORDS = {ReadingVerdict.CONFIRMED: "confirm", ReadingVerdict.DISPUTED: "dispute"}
_CONFIRMATION_WORDS = {
    ReadingConfirmation.CONFIRMED: "confirmed",
    ReadingConfirmation.TO_BE_CONFIRMED: "to be confirmed",
    ReadingConfirmation.DISPUTED: "disputed",
}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]00:00(?::00)?)?", re.ASCII)
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})", re.ASCII)
_DATE_HINT = "write it as 2026-12-15, 15/12/2026 or 15.12.2026"


class WorkbookRefused(ReviewError):
    """The whole file is refused: it is not the workbook sent for this meeting. Nothing of it
    was read."""


class ProposalKind(StrEnum):
    """What a proposal would change."""

    ACTION = "action"  # a review of one of the partner's open actions
    READING = "reading"  # a value (and comment) of one of the partner's KPIs for a period
    CONFIRMATION = "confirmation"  # a confirmation or dispute of the enterprise's figure
    ITEM = "item"  # an item the partner wants on the agenda

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ProposalKind.ACTION: "Action",
    ProposalKind.READING: "KPI figure",
    ProposalKind.CONFIRMATION: "Their figure",
    ProposalKind.ITEM: "Item to raise",
}
_KIND_SHEETS = {
    ProposalKind.ACTION: shape.ACTIONS,
    ProposalKind.READING: shape.READINGS,
    ProposalKind.CONFIRMATION: shape.CONFIRMATIONS,
    ProposalKind.ITEM: shape.ITEMS,
}


# --- what the database knows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KnownAction:
    """One of the partner's open actions, as the database has it now."""

    id: str
    title: str
    owner: str
    due: dt.date
    status: ReviewStatus | None = None  # its last review's, if any


@dataclass(frozen=True, slots=True)
class KnownKpi:
    """One of the partner's KPIs, with its value and comment for each period it has one."""

    id: str
    name: str
    unit: str
    readings: Mapping[str, tuple[float, str]]


@dataclass(frozen=True, slots=True)
class KnownReading:
    """A figure the partner confirms or disputes: the enterprise's, of the meeting's period
    (or still disputed from an earlier one)."""

    id: str
    kpi_id: str
    kpi_name: str
    unit: str
    period: str
    value: float
    confirmation: ReadingConfirmation


@dataclass(frozen=True, slots=True)
class WorkbookContext:
    """What the database knows that a file coming back is checked against."""

    partnership_id: str
    meeting_id: str
    meeting_number: int
    period: str  # the period the meeting reviews
    actions: Mapping[str, KnownAction]
    kpis: Mapping[str, KnownKpi]
    readings: Mapping[str, KnownReading]
    # When each workbook already received came in, by its workbook id and by its file's SHA-256.
    received: Mapping[str, dt.datetime]


@dataclass(frozen=True, slots=True)
class ReceivedWorkbook:
    """A workbook (or CSV file) whose updates were accepted: a second copy is refused."""

    workbook_id: str
    meeting_id: str
    received_at: dt.datetime
    file_sha256: str


# --- what a file proposes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """One change the partner proposes, with where it was written and the value it would
    replace. `proposed` is the value as text (what the facilitator may edit); the fields after
    `comment` are that value read."""

    kind: ProposalKind
    sheet: str  # "" for a CSV file, whose `row` is a line
    row: int
    target_id: str  # the action, the KPI or the reading; "" for an item to raise
    what: str
    current: str
    proposed: str
    comment: str = ""
    status: ReviewStatus | None = None
    new_due: dt.date | None = None
    period: str = ""
    value: float | None = None
    verdict: ReadingVerdict | None = None

    @property
    def where(self) -> str:
        return _where(self.sheet, self.row)


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why one line was not proposed."""

    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{_where(self.sheet, self.row)}: {self.message}"


@dataclass(frozen=True, slots=True)
class PartnerUpdates:
    """What one file proposes for one meeting, and each line it flags."""

    workbook_id: str
    file_sha256: str
    meeting_id: str
    from_csv: bool
    proposals: tuple[Proposal, ...]
    problems: tuple[LineProblem, ...]
    # Lines that say what the database already holds (a figure confirmed again): nothing to do.
    unchanged: int = 0

    @property
    def by(self) -> str:
        """Who the audit log says the accepted changes came from."""
        return BY_CSV if self.from_csv else BY_WORKBOOK


def _where(sheet: str, row: int) -> str:
    return f"{sheet}, row {row}" if sheet else f"line {row}"


# --- reading a file ---------------------------------------------------------------------------


def read_file(data: bytes, name: str, known: WorkbookContext) -> PartnerUpdates:
    """A workbook (.xlsx) or a CSV file, told apart by its bytes and its name."""
    if data.startswith(_XLSX_MAGIC) or not name.lower().endswith(".csv"):
        return read_workbook(data, known)
    return read_csv(decode_csv(data), known)


def decode_csv(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without its mark), UTF-16 with its mark, else
    Windows' cp1252; a file that is not text is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _no_nul(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise WorkbookRefused("This file says it is UTF-16 text, but it is not.") from None
    for encoding in ("utf-8", "cp1252"):
        try:
            return _no_nul(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise WorkbookRefused("This file is not text: save the updates as CSV (UTF-8) or as .xlsx.")


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise WorkbookRefused("This file is not text: save the updates as CSV (UTF-8) or as .xlsx.")
    return text


def workbook_meeting(data: bytes) -> str:
    """The id of the meeting a workbook's About sheet says it is for ("" if it says none);
    refused when the file is no workbook, has no About sheet or is of another format."""
    about = _about(_load(data, about_only=True))
    _check_format(about)
    return about.get("meeting", "")


def read_workbook(data: bytes, known: WorkbookContext) -> PartnerUpdates:
    """The proposals of the update workbook sent for `known`'s meeting, and its flagged lines;
    a WorkbookRefused when the file is not that workbook (see the module's docstring)."""
    digest = hashlib.sha256(data).hexdigest()
    book = _load(data, about_only=False)
    workbook_id = _check_about(_about(book), known)
    _refuse_if_received(known, workbook_id, digest)
    for sheet in shape.SHEETS:
        _check_headings(sheet, book)
    reader = _Reader(known)
    for sheet, handle in (
        (shape.ACTIONS, reader.action),
        (shape.READINGS, reader.reading),
        (shape.CONFIRMATIONS, reader.confirmation),
        (shape.ITEMS, reader.item),
    ):
        reader.sheet = sheet.name
        for number, cells in book.sheets[sheet.name]:
            if number > 2:
                width = len(sheet.columns)
                handle(number, dict(zip(sheet.columns, _padded(cells, width), strict=True)))
    return reader.result(workbook_id, digest, known.meeting_id, from_csv=False)


def read_csv(text: str, known: WorkbookContext) -> PartnerUpdates:
    """The proposals of one CSV file from another tool, for `known`'s meeting: a `kind` column
    (action, reading, confirmation or item) and the workbook's own column names; the same
    checks as a workbook's, each line flagged by its line number. The file's SHA-256 stands
    for its workbook id, so the same file twice is refused."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _refuse_if_received(known, digest, digest)
    records = _csv_records(text)
    if not records:
        raise WorkbookRefused("This CSV file is empty: it holds no updates.")
    columns = _csv_columns(records[0][1])
    reader = _Reader(known)
    handlers: dict[str, tuple[shape.Sheet, Callable[[int, dict[str, _Cell]], None]]] = {
        "action": (shape.ACTIONS, reader.action),
        "reading": (shape.READINGS, reader.reading),
        "confirmation": (shape.CONFIRMATIONS, reader.confirmation),
        "item": (shape.ITEMS, reader.item),
    }
    kinds = {
        line: " ".join(cells[0].split()).casefold() if cells else "" for line, cells in records[1:]
    }
    for kind, (sheet, _) in handlers.items():
        if kind in kinds.values():
            needed = (
                sheet.editable[:1]
                if sheet is shape.ITEMS
                else sheet.columns[:1] + sheet.editable[:1]
            )
            missing = [c for c in needed if c not in columns]
            if missing:
                raise WorkbookRefused(
                    f"This CSV file has lines of kind '{kind}' but no column "
                    f"{' or '.join(repr(c) for c in missing)}: use the workbook's column names."
                )
    for line, cells in records[1:]:
        if any(cell.strip() for cell in cells[len(columns) :]):
            reader.flag(
                line,
                f"the line has more cells than the {len(columns)} columns its first line names "
                "(a value with the separator in it needs quotes)",
            )
            continue
        values = dict(zip(columns, (_csv_cell(c) for c in cells), strict=False))
        kind = kinds[line]
        if kind not in handlers:
            if any(not v.empty for name, v in values.items() if name != "kind"):
                what = f"{shown(cells[0])} is not a kind" if kind else "the kind is empty"
                reader.flag(line, f"{what}: write action, reading, confirmation or item")
            continue
        sheet, handle = handlers[kind]
        handle(line, {column: values.get(column, _EMPTY) for column in sheet.columns})
    return reader.result(digest, digest, known.meeting_id, from_csv=True)


# --- editing a proposal -----------------------------------------------------------------------


def edit(proposal: Proposal, text: str) -> Proposal:
    """The proposal with its value replaced by what the facilitator typed, read as the file's
    cell would be; a ValidationError naming the proposal's line says why not."""
    try:
        if proposal.kind is ProposalKind.ACTION:
            status_text, _, due_text = text.partition(",")
            status = _read_status(status_text)
            due_text = due_text.strip()
            if due_text.casefold().startswith("due"):
                due_text = due_text[3:].strip()
            new_due = _read_date(due_text) if due_text else None
            return dataclasses.replace(
                proposal, status=status, new_due=new_due, proposed=_action_text(status, new_due)
            )
        if proposal.kind is ProposalKind.READING:
            value = _read_number(text.strip())
            return dataclasses.replace(proposal, value=value, proposed=_plain(value))
        if proposal.kind is ProposalKind.CONFIRMATION:
            verdict = _read_verdict(text)
            if verdict is ReadingVerdict.DISPUTED and not proposal.comment:
                raise ValidationError("verdict", "a dispute needs its reason")
            return dataclasses.replace(proposal, verdict=verdict, proposed=_VERDICT_WORDS[verdict])
        title = _read_title(text)
        return dataclasses.replace(proposal, proposed=title)
    except ValidationError as error:
        raise ValidationError(error.field, f"{proposal.where}: {error.message}") from None


def check_proposal(proposal: Proposal, known: WorkbookContext) -> None:
    """Raise a ValidationError unless the proposal still fits what the database holds (its
    action still open, its KPI still the partner's, its figure still theirs to confirm)."""

    def refuse(message: str) -> ValidationError:
        return ValidationError(proposal.kind.value, f"{proposal.where}: {message}")

    if proposal.kind is ProposalKind.ACTION:
        if proposal.target_id not in known.actions or proposal.status is None:
            raise refuse("the action is no longer one of the partner's open actions")
    elif proposal.kind is ProposalKind.READING:
        kpi = known.kpis.get(proposal.target_id)
        if kpi is None or proposal.value is None or not math.isfinite(proposal.value):
            raise refuse("the figure is not a number of one of the partner's KPIs")
        if proposal.period > known.period:
            raise refuse(f"{proposal.period} is after the period this meeting reviews")
    elif proposal.kind is ProposalKind.CONFIRMATION:
        if proposal.target_id not in known.readings or proposal.verdict is None:
            raise refuse("the figure is no longer the enterprise's for the partner to confirm")
        if proposal.verdict is ReadingVerdict.DISPUTED and not proposal.comment.strip():
            raise refuse("a dispute needs its reason")
    elif not one_line(proposal.proposed):
        raise refuse("an item to raise needs a title")


# --- the workbook's cells ---------------------------------------------------------------------


class _Cell(NamedTuple):
    """A cell as read: its value, or the formula it holds, or an error value (#N/A)."""

    value: Any = None
    formula: str | None = None
    error: bool = False

    @property
    def empty(self) -> bool:
        return (
            self.formula is None
            and not self.error
            and (self.value is None or (isinstance(self.value, str) and not self.value.strip()))
        )


_EMPTY = _Cell()
_Rows = list[tuple[int, tuple[_Cell, ...]]]


class _Book(NamedTuple):
    """The names of a workbook's sheets, and the rows of those this module reads."""

    names: list[str]
    sheets: dict[str, _Rows]


def _padded(cells: Sequence[_Cell], width: int) -> tuple[_Cell, ...]:
    return (*cells[:width], *([_EMPTY] * (width - len(cells))))


def _openpyxl() -> Any:
    # openpyxl ships no type information; loaded when a workbook is read (not at start-up).
    return importlib.import_module("openpyxl")


def _load(data: bytes, *, about_only: bool) -> _Book:
    """Every filled row (with its number) of the About sheet and of each sheet of the format
    that is present, read at once so that a damaged file fails here, in one message."""
    if not data.startswith(_XLSX_MAGIC):
        raise WorkbookRefused(
            "This file is not an Excel workbook (.xlsx): send back the workbook of the pre-read "
            "(or a CSV file of updates, named .csv)."
        )
    wanted = {shape.ABOUT} if about_only else {shape.ABOUT, *(s.name for s in shape.SHEETS)}
    sheets: dict[str, _Rows] = {}
    names: list[str] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns of each Excel extension it does not keep (data validation
            # lists, conditional formats): nothing of what is read here.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
            book = _openpyxl().load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
            try:
                names = list(book.sheetnames)
                for name in names:
                    if name in wanted:
                        sheets[name] = _sheet_rows(book[name], name)
            finally:
                book.close()
    except WorkbookRefused:
        raise
    except Exception:  # any failure of a damaged file's parts is one refusal, in words
        raise WorkbookRefused(
            "This file cannot be read as an Excel workbook (.xlsx): it may be damaged or "
            "saved in another format. Ask for the workbook again."
        ) from None
    return _Book(names, sheets)


def _sheet_rows(sheet: Any, name: str) -> _Rows:
    rows: _Rows = []
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the size a file states may be wrong: read every cell
    for number, row in enumerate(sheet.iter_rows(), start=1):
        cells = tuple(_cell(c) for c in row)
        if all(c.empty for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 2:
            raise WorkbookRefused(
                f"The sheet '{name}' has more than {MAX_ROWS:,} rows: this is not the workbook "
                "sent. Ask for the workbook again."
            )
    # Headings and explanation where the format has them, even when a row was emptied.
    filled = {number for number, _ in rows}
    for number in (2, 1):
        if number not in filled:
            rows.insert(0, (number, ()))
    rows.sort(key=lambda r: r[0])
    return rows


def _cell(cell: Any) -> _Cell:
    kind = getattr(cell, "data_type", None)
    value = cell.value
    if kind == "f":
        return _Cell(formula=str(getattr(value, "text", value)))
    if kind == "e":
        return _Cell(value=value, error=True)
    return _Cell(value=value)


def _about(book: _Book) -> dict[str, str]:
    rows = book.sheets.get(shape.ABOUT)
    if rows is None:
        raise WorkbookRefused(
            f"This workbook is not a partner update workbook: it has no sheet '{shape.ABOUT}'. "
            "Send back the workbook of the pre-read."
        )
    about: dict[str, str] = {}
    for _, cells in rows:
        if len(cells) < 2 or cells[0].formula is not None or cells[1].formula is not None:
            continue
        key = _plain_text(cells[0].value)
        if key in shape.ABOUT_KEYS and key not in about:
            about[key] = _plain_text(cells[1].value)
    return about


def _check_format(about: Mapping[str, str]) -> None:
    found = about.get("format", "")
    if found != shape.FORMAT:
        what = f"of another format ({shown(found)})" if found else "of no known format"
        raise WorkbookRefused(
            f"This workbook is {what}, not a partner update workbook ({shape.FORMAT}) of this "
            "version of the app: nothing was read."
        )


def _check_about(about: Mapping[str, str], known: WorkbookContext) -> str:
    """The workbook id, once the About sheet says the workbook is for this meeting."""
    _check_format(about)
    if about.get("partnership") != known.partnership_id:
        name = about.get("partnership_name", "")
        raise WorkbookRefused(
            f"This workbook is for another partnership{f' ({shown(name)})' if name else ''}: "
            "nothing was read."
        )
    if about.get("meeting") != known.meeting_id:
        number = about.get("meeting_number", "")
        which = f"meeting {number}" if number else "another meeting"
        raise WorkbookRefused(
            f"This workbook is for {which}, not meeting {known.meeting_number}: nothing was read."
        )
    workbook_id = about.get("workbook", "")
    try:
        uuid.UUID(workbook_id)
    except ValueError:
        raise WorkbookRefused(
            "This workbook has no workbook id on its About sheet: it was not made by the "
            "pre-read. Nothing was read."
        ) from None
    return workbook_id


def _refuse_if_received(known: WorkbookContext, workbook_id: str, digest: str) -> None:
    when = known.received.get(workbook_id) or known.received.get(digest)
    if when is not None:
        raise WorkbookRefused(
            f"This file was already received on {when:%Y-%m-%d at %H:%M}: its updates were "
            "taken then, and nothing was read again."
        )


def _check_headings(sheet: shape.Sheet, book: _Book) -> None:
    rows = book.sheets.get(sheet.name)
    if rows is None:
        others = [n for n in book.names if n != shape.ABOUT and n not in book.sheets]
        hint = f" (the workbook has {', '.join(repr(n) for n in others)})" if others else ""
        raise WorkbookRefused(
            f"The sheet '{sheet.name}' is missing{hint}: a sheet was renamed or deleted. "
            "Ask for the workbook as it was sent; nothing was read."
        )
    headings = next((cells for number, cells in rows if number == 2), ())
    found = [_plain_text(c.formula or c.value) for c in headings]
    while found and not found[-1]:
        found.pop()
    for index, expected in enumerate(sheet.columns):
        got = found[index] if index < len(found) else ""
        if " ".join(got.split()).casefold() != expected.casefold():
            column = _column_letter(index)
            what = f"'{got}'" if got else "empty"
            raise WorkbookRefused(
                f"The sheet '{sheet.name}' does not have the columns sent: the heading of "
                f"column {column} is {what} where '{expected}' was sent (a column was moved, "
                "renamed or added). Ask for the workbook as it was sent; nothing was read."
            )
    if len(found) > len(sheet.columns):
        extra = found[len(sheet.columns)]
        raise WorkbookRefused(
            f"The sheet '{sheet.name}' has a column '{extra}' that was not sent (column "
            f"{_column_letter(len(sheet.columns))}). Ask for the workbook as it was sent; "
            "nothing was read."
        )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- a CSV file's cells -----------------------------------------------------------------------


def _csv_records(text: str) -> list[tuple[int, list[str]]]:
    """The file's non-empty records, each with the line it starts on."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: _outside_quotes(first, sep) for sep in (",", ";", "\t")}
    separator = max(counts, key=lambda sep: counts[sep])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise WorkbookRefused(
                f"This CSV file cannot be read at line {start}: {error}."
            ) from None
        if any(cell.strip() for cell in row):
            records.append((start, row))
            if len(records) > MAX_ROWS + 1:
                raise WorkbookRefused(f"This CSV file has more than {MAX_ROWS:,} lines.")
    return records


def _outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


def _csv_columns(header: Sequence[str]) -> list[str]:
    """The header's columns by the workbook's names (case and spaces aside)."""
    names = {"kind": "kind"}
    for sheet in shape.SHEETS:
        names.update({column.casefold(): column for column in sheet.columns})
    columns: list[str] = []
    for index, cell in enumerate(header):
        key = " ".join(cell.split()).casefold()
        if not key and index == len(header) - 1:
            continue
        if key not in names:
            raise WorkbookRefused(
                f"This CSV file's column {shown(cell)} is not one of the workbook's columns: "
                "its first line names the columns (kind, Action id, Status, Comment, ...)."
            )
        if names[key] in columns:
            raise WorkbookRefused(f"This CSV file names the column {shown(cell)} twice.")
        columns.append(names[key])
    if not columns or columns[0] != "kind":
        raise WorkbookRefused(
            "This CSV file does not start with a 'kind' column (action, reading, confirmation "
            "or item), named on its first line."
        )
    return columns


def _csv_cell(text: str) -> _Cell:
    if not text.strip():
        return _EMPTY
    return _Cell(value=text)


# --- reading each line --------------------------------------------------------------------


class _Reader:
    """Works through the lines of one file, gathering proposals and each line's problems."""

    def __init__(self, known: WorkbookContext) -> None:
        self.known = known
        self.sheet = ""
        self.proposals: list[Proposal] = []
        self.problems: list[LineProblem] = []
        self.unchanged = 0
        self.seen: dict[tuple[str, ...], tuple[str, int]] = {}

    def result(
        self, workbook_id: str, digest: str, meeting_id: str, *, from_csv: bool
    ) -> PartnerUpdates:
        # A figure of the partner's typed anew replaces the one they would confirm or dispute.
        typed = {
            (p.target_id, p.period): p for p in self.proposals if p.kind is ProposalKind.READING
        }
        for proposal in list(self.proposals):
            if proposal.kind is not ProposalKind.CONFIRMATION:
                continue
            reading = self.known.readings[proposal.target_id]
            replaced = typed.get((reading.kpi_id, reading.period))
            if replaced is not None:
                self.proposals.remove(proposal)
                self.problems.append(
                    LineProblem(
                        proposal.sheet,
                        proposal.row,
                        f"you also typed a figure for {reading.kpi_name}, {reading.period} on "
                        f"{replaced.where}: that figure replaces the one to confirm or dispute",
                    )
                )
        order = {sheet.name: index for index, sheet in enumerate(shape.SHEETS)}
        problems = sorted(self.problems, key=lambda p: (order.get(p.sheet, 0), p.row))
        return PartnerUpdates(
            workbook_id,
            digest,
            meeting_id,
            from_csv,
            tuple(self.proposals),
            tuple(problems),
            self.unchanged,
        )

    def flag(self, row: int, message: str) -> None:
        self.problems.append(LineProblem(self.sheet, row, message))

    def _once(self, key: tuple[str, ...], row: int, what: str, errors: list[str]) -> None:
        first = self.seen.setdefault(key, (self.sheet, row))
        if first != (self.sheet, row):
            errors.append(f"{what} is already on {_where(*first)}")

    def _propose(self, row: int, errors: list[str], proposal: Callable[[], Proposal]) -> None:
        if errors:
            self.flag(row, "; ".join(errors))
        else:
            self.proposals.append(proposal())

    # --- the four kinds of line ---

    def action(self, row: int, cells: dict[str, _Cell]) -> None:
        status_cell = cells["Status"]
        comment_cell = cells["Comment"]
        due_cell = cells["Proposed new due date"]
        if status_cell.empty and comment_cell.empty and due_cell.empty:
            return
        errors: list[str] = []
        action_id = _get(errors, "Action id", _text, cells["Action id"])
        known = self.known.actions.get(action_id or "")
        if action_id is not None:
            if not action_id:
                errors.append("the action id is empty: this line was not in the workbook sent")
            elif known is None:
                errors.append(
                    f"unknown action id {shown(action_id)}: not one of your open actions in "
                    "this partnership"
                )
            else:
                self._once(("action", action_id), row, "this action", errors)
        status: ReviewStatus | None = None
        if status_cell.empty:
            errors.append(
                "a comment or a new due date needs a status: choose one of "
                f"{', '.join(shape.STATUSES)}"
            )
        else:
            status = _get(errors, "Status", _status_cell, status_cell)
        comment = _get(errors, "Comment", _comment_cell, comment_cell)
        new_due = (
            None if due_cell.empty else _get(errors, "Proposed new due date", _date_cell, due_cell)
        )

        def proposal() -> Proposal:
            assert known is not None and status is not None
            current = known.status.label if known.status is not None else "not reviewed yet"
            return Proposal(
                ProposalKind.ACTION,
                self.sheet,
                row,
                known.id,
                f"{known.title} ({known.owner})",
                f"{current}, due {known.due.isoformat()}",
                _action_text(status, new_due),
                comment or "",
                status=status,
                new_due=new_due,
            )

        self._propose(row, errors, proposal)

    def reading(self, row: int, cells: dict[str, _Cell]) -> None:
        value_cell, comment_cell = cells["Value"], cells["Comment"]
        if value_cell.empty and comment_cell.empty:
            return
        errors: list[str] = []
        kpi_id = _get(errors, "KPI id", _text, cells["KPI id"])
        kpi = self.known.kpis.get(kpi_id or "")
        if kpi_id is not None and kpi is None:
            errors.append(
                f"unknown KPI id {shown(kpi_id)}: not one of your KPIs in this partnership"
                if kpi_id
                else "the KPI id is empty: this line was not in the workbook sent"
            )
        period = _get(errors, "Period", _period_cell, cells["Period"]) or ""
        if period == "":
            period = self.known.period
        elif period > self.known.period:
            errors.append(
                f"{period} is after the period this meeting reviews ({self.known.period})"
            )
        if kpi is not None:
            self._once(("reading", kpi.id, period), row, f"{kpi.name} for {period}", errors)
        current = kpi.readings.get(period) if kpi is not None else None
        value: float | None = None
        if value_cell.empty:
            if current is None:
                errors.append("a comment without a value: type the value too")
            else:
                value = current[0]
        else:
            value = _get(errors, "Value", lambda c: _number_cell(c, kpi), value_cell)
        comment = _get(errors, "Comment", _comment_cell, comment_cell)
        if not errors and current is not None:
            # An empty comment, or the one recorded (sent on one line), keeps the one recorded.
            if not comment or comment == one_line(current[1]):
                comment = current[1]
            if value == current[0] and comment == current[1]:
                self.unchanged += 1
                return

        def proposal() -> Proposal:
            assert kpi is not None and value is not None
            unit = f" ({kpi.unit})" if kpi.unit.strip() else ""
            return Proposal(
                ProposalKind.READING,
                self.sheet,
                row,
                kpi.id,
                f"{kpi.name}{unit}, {period}",
                _plain(current[0]) if current is not None else NO_FIGURE,
                _plain(value),
                comment or "",
                period=period,
                value=value,
            )

        self._propose(row, errors, proposal)

    def confirmation(self, row: int, cells: dict[str, _Cell]) -> None:
        verdict_cell, reason_cell = cells["Verdict"], cells["Reason"]
        if verdict_cell.empty and reason_cell.empty:
            return
        errors: list[str] = []
        reading_id = _get(errors, "Reading id", _text, cells["Reading id"])
        reading = self.known.readings.get(reading_id or "")
        if reading_id is not None and reading is None:
            errors.append(
                f"unknown reading id {shown(reading_id)}: not one of the enterprise's figures "
                "for you to confirm in this meeting"
                if reading_id
                else "the reading id is empty: this line was not in the workbook sent"
            )
        if reading is not None:
            self._once(("confirmation", reading.id), row, "this figure", errors)
        verdict: ReadingVerdict | None = None
        if verdict_cell.empty:
            errors.append("a reason without a verdict: choose confirm or dispute")
        else:
            verdict = _get(errors, "Verdict", _verdict_cell, verdict_cell)
        reason = _get(errors, "Reason", _comment_cell, reason_cell)
        if verdict is ReadingVerdict.DISPUTED and reason == "":
            errors.append("a dispute needs its reason: say what you do not accept")
        if (
            not errors
            and reading is not None
            and verdict is ReadingVerdict.CONFIRMED
            and reading.confirmation is ReadingConfirmation.CONFIRMED
        ):
            self.unchanged += 1
            return

        def proposal() -> Proposal:
            assert reading is not None and verdict is not None
            unit = f" {reading.unit}" if reading.unit.strip() else ""
            return Proposal(
                ProposalKind.CONFIRMATION,
                self.sheet,
                row,
                reading.id,
                f"{reading.kpi_name}, {reading.period}: {_plain(reading.value)}{unit}",
                _CONFIRMATION_WORDS[reading.confirmation],
                _VERDICT_WORDS[verdict],
                reason or "",
                period=reading.period,
                verdict=verdict,
            )

        self._propose(row, errors, proposal)

    def item(self, row: int, cells: dict[str, _Cell]) -> None:
        title_cell, details_cell = cells["Title"], cells["Details"]
        if title_cell.empty and details_cell.empty:
            return
        errors: list[str] = []
        title = None
        if title_cell.empty:
            errors.append("details without a title: give the item a title")
        else:
            title = _get(errors, "Title", lambda c: _read_title(_text(c)), title_cell)
        details = _get(errors, "Details", _details_cell, details_cell)

        def proposal() -> Proposal:
            assert title is not None
            return Proposal(
                ProposalKind.ITEM,
                self.sheet,
                row,
                "",
                "a new item of the meeting's agenda",
                "not on the agenda",
                title,
                details or "",
            )

        self._propose(row, errors, proposal)


def _get(errors: list[str], column: str, read: Callable[[_Cell], T], cell: _Cell) -> T | None:
    """A cell read by `read`, or None after noting why it cannot be (with its column)."""
    try:
        if cell.formula is not None:
            raise ValidationError(
                column, f"{shown(cell.formula)} is a formula, not a value: type the value itself"
            )
        if cell.error:
            raise ValidationError(column, f"{shown(str(cell.value))} is an error, not a value")
        return read(cell)
    except ValidationError as error:
        errors.append(f"{column}: {error.message.rstrip('.')}")
        return None


def _plain_text(value: Any) -> str:
    """A cell's value as text: a whole number without its '.0', a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _plain(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _text(cell: _Cell) -> str:
    return _plain_text(cell.value)


def _plain(value: float) -> str:
    """A number as typed back: no needless '.0', every digit it has."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _status_cell(cell: _Cell) -> ReviewStatus:
    return _read_status(_text(cell))


def _read_status(text: str) -> ReviewStatus:
    key = " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()
    if key not in _STATUSES:
        raise ValidationError(
            "status",
            f"{shown(text)} is not a status: choose one of {', '.join(shape.STATUSES)}",
        )
    return _STATUSES[key]


def _verdict_cell(cell: _Cell) -> ReadingVerdict:
    return _read_verdict(_text(cell))


def _read_verdict(text: str) -> ReadingVerdict:
    key = " ".join(text.split()).casefold()
    if key not in _VERDICTS:
        raise ValidationError(
            "verdict", f"{shown(text)} is not a verdict: choose {' or '.join(shape.VERDICTS)}"
        )
    return _VERDICTS[key]


def _comment_cell(cell: _Cell) -> str:
    return clean_comment(_text(cell))


def _details_cell(cell: _Cell) -> str:
    details = many_lines(_text(cell)).strip()
    if len(details) > MAX_DETAILS:
        raise ValidationError("details", f"details are at most {MAX_DETAILS:,} characters")
    return details


def _read_title(text: str) -> str:
    title = one_line(text)
    if not title:
        raise ValidationError("title", "an item to raise needs a title")
    if len(title) > MAX_TITLE:
        raise ValidationError("title", f"a title is at most {MAX_TITLE} characters")
    return title


def _number_cell(cell: _Cell, kpi: KnownKpi | None) -> float:
    value = cell.value
    if isinstance(value, bool):
        raise ValidationError("value", f"{_plain_text(value)} is not a number")
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ValidationError("value", "the value is not a finite number")
        return number
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise ValidationError("value", f"{shown(_plain_text(value))} is a date, not a number")
    return _read_number(str(value), kpi)


def _read_number(text: str, kpi: KnownKpi | None = None) -> float:
    """A number typed as text: 99.5 or 99,5, 1 234, 12% (for a KPI in %)."""
    cell = text.strip()
    number = read_number(cell) if cell else None
    if cell.startswith("="):
        raise ValidationError("value", f"{shown(cell)} is a formula, not a value")
    if number is None:
        raise ValidationError("value", f"{shown(cell)} is not a number: type e.g. 99.5 or 99,5")
    if number.ambiguous_mark is not None:
        raise ValidationError(
            "value",
            f"{shown(cell)} is ambiguous: it could be {_plain(number.grouped)} or "
            f"{_plain(number.value)}; write it without a thousands separator",
        )
    if not math.isfinite(number.value):
        raise ValidationError("value", f"{shown(cell)} is too large a number")
    if number.percent and kpi is not None and kpi.unit.strip() != "%":
        unit = f"in {kpi.unit.strip()}" if kpi.unit.strip() else "without a unit"
        raise ValidationError(
            "value", f"{shown(cell)} is a percentage, but the KPI is measured {unit}"
        )
    return number.value


def _date_cell(cell: _Cell) -> dt.date:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int | float):
        raise ValidationError("date", f"{_plain_text(value)} is a number, not a date: {_DATE_HINT}")
    return _read_date(_plain_text(value))


def _read_date(text: str) -> dt.date:
    """A date typed as text: ISO 2026-12-15, or day first 15/12/2026 or 15.12.2026; anything
    else (a year in two digits, a month first, words) is refused rather than guessed."""
    cell = text.strip()
    if match := _ISO_DATE.fullmatch(cell):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.fullmatch(cell):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise ValidationError("date", f"{shown(cell)} is not a date: {_DATE_HINT}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            "date", f"{shown(cell)} is not a date (day first, then month): {_DATE_HINT}"
        ) from None


def _period_cell(cell: _Cell) -> str:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, dt.date):
        return period_of(value)
    return read_period(_plain_text(value))


def _action_text(status: ReviewStatus, new_due: dt.date | None) -> str:
    return status.label if new_due is None else f"{status.label}, due {new_due.isoformat()}"
