"""Promise 5: bad input gets a clear error and changes nothing.

Property tests (hypothesis) over every text a user or a file gives the app, run end to end
on a copy of the demo: CSV files of readings imported through storage, the quick-add line
committed through the session, due dates and periods, people's names and notes in any script
(right-to-left, combining marks, emoji, 10,000 characters) stored and read back and rendered
into the minutes PDF, KPI values typed in the readings grid. Each input is either accepted or
refused with one of the project's own errors (a ReviewError) that says where (the field, or
the line of the file); a refused input writes nothing. The number of inputs tried by each
test is recorded (RELIABILITY_FIGURES); RELIABILITY_SOAK=1 tries ten times as many.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from core import quickadd
from core.cells import read_period
from core.errors import ReviewError, ValidationError
from core.ids import new_id
from core.kpis import ReadingEntry, read_value
from core.model import Decision, MeetingStatus, Person, Side
from core.pdf import render_minutes
from core.periods import parse_period
from core.readings_csv import ReadingsImportError
from core.text import many_lines, one_line
from storage import repository
from storage.database import open_database
from storage.kpis import import_readings
from storage.sign_off import current_minutes
from tests.reliability.conftest import SOAK, record_figures
from ui.session import Session

SCALE = 10 if SOAK else 1
THIS_MONTH = "2026-11"
TODAY = dt.date(2026, 11, 23)

# Texts from every corner of Unicode, and the ones that break naive code.
RTL = ["مراجعة الشراكة", "שותפות", "اجتماع ‏الشهر", "‮txet desrever‬"]
COMBINING = ["Zoë", "Zoe\u0308", "A\u030a\u0301ngström", "n\u0303\u0303\u0303", "é" * 40]
EMOJI = ["👩🏽‍💻", "🏳️‍🌈", "🇩🇪🇫🇷", "✔️", "🚀 go-live"]
AWKWARD = [
    "",
    " ",
    "\t\n",
    "\u00a0",
    "\u200b",
    "'; DROP TABLE action; --",
    "%s %d {0}",
    "<b>",
    "&amp;",
]
SAMPLES = RTL + COMBINING + EMOJI + AWKWARD
UNICODE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
TEXT = st.one_of(
    UNICODE, st.sampled_from(SAMPLES), st.lists(st.sampled_from(SAMPLES)).map(" ".join)
)


def located(error: ReviewError) -> bool:
    """The error says where: a field, the lines of a file, or the file itself."""
    if isinstance(error, ValidationError):
        return bool(error.field)
    if isinstance(error, ReadingsImportError):
        return all(p.line >= 1 for p in error.problems) and bool(error.message)
    return bool(error.message)


def digest(db: Database) -> str:
    """Everything a rejected input could have touched, summed up."""
    parts = []
    for table in ("reading", "action", "action_raci", "person", "meeting_item", "audit_log"):
        parts.append(str(db.execute(f"SELECT count(*), max(rowid) FROM {table}").fetchone()))
    parts += [str(r) for r in db.execute("SELECT id, value, comment, confirmation FROM reading")]
    parts += [str(r) for r in db.execute("SELECT id, name FROM person")]
    parts += [str(r) for r in db.execute("SELECT id, notes FROM meeting_item")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.fixture
def db(demo_path: Path) -> Iterator[Database]:
    database = open_database(demo_path, automatic_backups=False)
    yield database
    database.close()


@pytest.fixture
def session(db: Database, demo_path: Path) -> Session:
    return Session(db, demo_path, repository.partnerships(db)[0].id)


def run(
    capsys: pytest.CaptureFixture[str],
    label: str,
    examples: int,
    check: Callable[..., None],
    **strategies: st.SearchStrategy[Any],
) -> None:
    """Run `check` over `examples` generated inputs and record how many were tried and refused."""
    tried: Counter[str] = Counter()

    @settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(**strategies)
    def property_(**values: Any) -> None:
        tried["inputs"] += 1
        try:
            check(**values)
        except _Refused:
            tried["refused"] += 1

    property_()
    record_figures(
        capsys,
        f"bad input: {label}: {tried['inputs']} inputs tried, {tried['refused']} refused in words",
    )


class _Refused(Exception):
    """Raised by a check once it has verified a refusal (located, nothing written)."""


def refused_cleanly(db: Database, before: str, error: ReviewError) -> None:
    assert located(error), repr(error)
    assert digest(db) == before, f"a refused input wrote something: {error.message}"
    raise _Refused


# --- CSV files of readings ----------------------------------------------------------------


def _csv_files(kpi_names: list[str]) -> st.SearchStrategy[bytes]:
    """Files as spreadsheets write them (separator, header, BOM, encoding, quoting): some with
    only good lines, some with wrong ones among them, and some just bytes."""
    good_name = st.sampled_from(kpi_names)
    good_period = st.dates(dt.date(2020, 1, 1), TODAY).map(lambda d: f"{d:%Y-%m}")
    good_value = st.floats(0, 1e4).map(lambda v: f"{v:.2f}")
    comment = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
    good = st.tuples(good_name, good_period, good_value, comment)
    name = st.one_of(
        good_name.map(lambda n: f"  {n.upper()} "),
        st.sampled_from([n[:-1] for n in kpi_names]),
        TEXT,
    )
    period = st.one_of(
        st.sampled_from(["Mar 2026", "03/2026", "2026/03", "2026-02-30", "2026-11", "2027-01"]),
        st.integers(0, 13).map(lambda m: f"2026-{m:02d}"),
        TEXT,
    )
    value = st.one_of(
        st.floats(0, 1e4).map(lambda v: f"{v:.2f}".replace(".", ",")),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["99.5", "99,5", "1 234", "1,234.5", "12%", "-0", "1e999", "", "n/a"]),
        TEXT,
    )
    junk = st.tuples(
        st.one_of(good_name, name),
        st.one_of(good_period, period),
        st.one_of(good_value, value),
        st.one_of(comment, TEXT),
    )

    def file(
        rows: list[tuple[str, str, str, str]],
        separator: str,
        header: bool,
        bom: bool,
        encoding: str,
        quote: bool,
    ) -> bytes:
        def cell(text: str) -> str:
            if quote or any(c in text for c in (separator, '"', "\n", "\r")):
                return '"' + text.replace('"', '""') + '"'
            return text

        lines = [separator.join(["kpi", "period", "value", "comment"])] if header else []
        lines += [separator.join(cell(c) for c in r) for r in rows]
        text = ("\ufeff" if bom and encoding != "utf-16" else "") + "\r\n".join(lines)
        return text.encode(encoding, errors="replace")

    def files(rows: st.SearchStrategy[list[tuple[str, str, str, str]]]) -> st.SearchStrategy[bytes]:
        return st.builds(
            file,
            rows,
            st.sampled_from([",", ";"]),
            st.booleans(),
            st.booleans(),
            st.sampled_from(["utf-8", "utf-16", "cp1252"]),
            st.booleans(),
        )

    good_rows = st.lists(good, min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1]))
    mixed_rows = st.lists(st.one_of(good, junk), min_size=1, max_size=12)
    return st.one_of(files(good_rows), files(mixed_rows), st.binary(max_size=400))


def test_any_csv_file_is_imported_whole_or_not_at_all(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """A file of readings is imported whole, or refused naming its wrong lines, writing nothing."""
    names = [k.name for k in session.kpis()]
    pid = session.partnership_id
    assert pid is not None

    def check(data: bytes, side: Side) -> None:
        before = digest(db)
        readings = db.execute("SELECT count(*) FROM reading").fetchone()[0]
        try:
            result = import_readings(db, pid, data, side, THIS_MONTH)
        except ReviewError as error:
            if isinstance(error, ReadingsImportError):
                lines = len(data.splitlines()) + 1
                assert all(1 <= p.line <= lines for p in error.problems), error.problems
            refused_cleanly(db, before, error)
        after = db.execute("SELECT count(*) FROM reading").fetchone()[0]
        assert after == readings + result.written - result.replaced

    run(capsys, "CSV imports", 150, check, data=_csv_files(names), side=st.sampled_from(Side))


# --- the quick-add line -------------------------------------------------------------------


def test_the_quick_add_line_commits_or_refuses_in_words(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """Any line is understood without an error; committing what was understood either records
    the action, its title as cleaned, or is refused at a field, writing nothing."""
    people = session.people()
    draft = session.next_meeting()
    assert draft is not None and draft.status is MeetingStatus.DRAFT
    owners = [f"@{p.name}" for p in people] + [f"@{p.name.split()[0][:3]}" for p in people]
    dues = ["fri", "+2w", "next month", "end of quarter", "2026-12-15", "by 2027-02-30", "+99999w"]
    title = st.one_of(TEXT, st.sampled_from(["Share the DR test results", "Send the RCA"]))
    clean = st.tuples(
        st.sampled_from(["Share the DR test results", "Send the RCA", "Zoë: حدّث الخطة 🚀"]),
        st.sampled_from(owners),
        st.sampled_from(dues[:5]),
    ).map(" ".join)
    line = st.one_of(
        clean,
        st.tuples(title, st.sampled_from(owners), st.sampled_from(dues)).map(" ".join),
        st.lists(st.one_of(TEXT, st.sampled_from(owners), st.sampled_from(dues)), max_size=6).map(
            " ".join
        ),
    )

    def check(text: str, today: dt.date, past_confirmed: bool) -> None:
        understood = quickadd.understand(text, people, today)
        before = digest(db)
        action_id = new_id()
        try:
            session.add_commitment(
                draft.id,
                understood.title,
                understood.owner,
                understood.due,
                past_confirmed=past_confirmed,
                action_id=action_id,
            )
        except ReviewError as error:
            assert not isinstance(error, ValidationError) or error.field in (
                "title",
                "owner",
                "due",
            ), error.field
            refused_cleanly(db, before, error)
        stored = repository.action(db, action_id)
        assert stored.title == one_line(understood.title)

    run(
        capsys,
        "quick-add lines",
        200,
        check,
        text=line,
        today=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
        past_confirmed=st.booleans(),
    )


# --- dates and periods --------------------------------------------------------------------


def test_any_date_or_period_text_is_read_or_refused_at_its_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A due phrase, a period in a file or a period typed: a value, or a ValidationError
    naming the field; never anything else, on any day (the first and last ones included)."""
    phrases = st.one_of(
        TEXT,
        st.sampled_from(["fri", "+2w", "+9999999w", "end of quarter", "next month", "by 31st"]),
        st.dates().map(lambda d: d.isoformat()),
        st.tuples(st.integers(-1, 10000), st.integers(-1, 40)).map(lambda t: f"{t[0]}-{t[1]}"),
    )

    def check(text: str, today: dt.date) -> None:
        refused = 0
        for read, field in (
            (lambda t: quickadd.parse_due(t, today), "due"),
            (read_period, "period"),
            (parse_period, "period"),
        ):
            try:
                value = read(text)
            except ValidationError as error:
                assert error.field == field and error.message
                refused += 1
                continue
            assert isinstance(value, dt.date | str)
        if refused == 3:
            raise _Refused

    run(
        capsys,
        "dates and periods",
        600,
        check,
        text=phrases,
        today=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    )


# --- names and notes in any script --------------------------------------------------------

NOTES = st.one_of(
    TEXT,
    st.lists(TEXT, max_size=30).map("\n".join),
    st.sampled_from(SAMPLES).map(lambda s: (s + " ") * (10_000 // (len(s) + 1) + 1)),
)


def test_names_and_notes_in_any_script_are_kept_exactly(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """A person's name is stored as cleaned (or refused at its field, writing nothing); an
    item's notes, up to 10,000 characters and beyond, read back as saved, less any control
    character but line breaks and tabs."""
    draft = session.next_meeting()
    assert draft is not None
    items = session.items(draft.id)
    pid = session.partnership_id
    assert pid is not None

    def check(name: str, notes: str, side: Side, n: int) -> None:
        item = items[n % len(items)]
        session.save_notes(item.id, notes)
        assert {i.id: i.notes for i in session.items(draft.id)}[item.id] == many_lines(notes)
        before = digest(db)
        try:
            added = repository.add_person(db, Person(new_id(), pid, side, name))
        except ReviewError as error:
            refused_cleanly(db, before, error)
        assert repository.person(db, added.id).name == one_line(name)

    run(
        capsys,
        "names and notes",
        150,
        check,
        name=TEXT,
        notes=NOTES,
        side=st.sampled_from(Side),
        n=st.integers(0, 10**9),
    )


def test_decisions_and_agenda_titles_are_kept_or_refused_at_their_field(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """A decision's text and the standing agenda's titles in any script: stored as cleaned,
    or refused at their field with nothing written."""
    draft = session.next_meeting()
    assert draft is not None
    agenda = session.standing_agenda()

    def check(text: str, n: int) -> None:
        before = digest(db)
        try:
            session.add_decision(Decision(new_id(), draft.id, text))
        except ReviewError as error:
            refused_cleanly(db, before, error)
        assert session.decisions(draft.id)[-1].text == one_line(text)
        changed = list(agenda)
        changed[n % len(changed)] = dataclasses.replace(changed[n % len(changed)], title=text)
        session.save_standing_agenda(changed)
        assert [i.title for i in session.standing_agenda()][n % len(changed)] == one_line(text)

    run(capsys, "decisions and agenda titles", 150, check, text=TEXT, n=st.integers(0, 100))


def test_the_minutes_pdf_renders_any_name_and_notes(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """The minutes of a meeting whose people and notes are in any script (10,000 characters of
    notes included) render into a PDF without an error."""
    draft = session.next_meeting()
    assert draft is not None
    started = session.start_meeting(draft.id)
    closed = session.end_meeting(started.id)
    items = session.items(closed.id)
    present = [p for p in session.people()][:4]
    from core.model import AttendanceStatus

    for person in present:
        session.set_attendance(closed.id, person.id, AttendanceStatus.PRESENT)

    def check(names: list[str], notes: list[str]) -> None:
        for person, name in zip(present, names, strict=False):
            cleaned = " ".join(name.split()) or "x"
            db.execute("UPDATE person SET name = ? WHERE id = ?", [cleaned[:200], person.id])
        for item, text in zip(items, notes, strict=False):
            session.save_notes(item.id, text)
        minutes, content = current_minutes(db, closed.id)
        rendered = render_minutes(minutes, content)
        assert rendered.pdf.startswith(b"%PDF")

    run(
        capsys,
        "minutes PDFs rendered",
        12,
        check,
        names=st.lists(TEXT, min_size=1, max_size=4),
        notes=st.lists(NOTES, min_size=1, max_size=3),
    )


# --- KPI values -----------------------------------------------------------------------------


def test_kpi_values_typed_in_are_written_or_refused_at_their_field(
    capsys: pytest.CaptureFixture[str], session: Session, db: Database
) -> None:
    """Whatever is typed in a cell of the readings grid (value, period, comment) is written
    as a finite number, or refused at its field with nothing written."""
    kpis = session.kpis()
    session.now = lambda: dt.datetime.combine(TODAY, dt.time(10))
    values = st.one_of(
        st.floats(-1e6, 1e6).map(lambda v: f"{v:.2f}"),
        st.floats(-1e6, 1e6).map(lambda v: f"{v:.1f}".replace(".", ",")),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["99.5", "99,5", "1 234", "1.234,5", "12 %", "-", "1e400", "٣٫٥"]),
        TEXT,
    )
    periods = st.one_of(
        st.dates(dt.date(2020, 1, 1), TODAY).map(lambda d: f"{d:%Y-%m}"),
        st.sampled_from(["2026-11", "2026-12", "2025-1", "0000-01", " 2026-03 "]),
        TEXT,
    )

    def check(n: int, cell: str, period: str, comment: str, side: Side) -> None:
        kpi = kpis[n % len(kpis)]
        before = digest(db)
        try:
            value = read_value(cell, kpi)
            count = session.enter_readings([ReadingEntry(kpi.id, period, value, comment)], side)
        except ReviewError as error:
            refused_cleanly(db, before, error)
        assert count in (0, 1)
        stored = [r for r in repository.readings(db, kpi.id) if r.period == parse_period(period)]
        assert len(stored) == 1 and stored[0].value == value

    run(
        capsys,
        "KPI values",
        200,
        check,
        n=st.integers(0, 1000),
        cell=values,
        period=periods,
        comment=st.one_of(st.just(""), TEXT, st.text(min_size=490, max_size=520)),
        side=st.sampled_from(Side),
    )


def test_the_helpers_are_honest() -> None:
    """`located` refuses a ValidationError without a field; `digest` sees a change."""
    assert not located(ValidationError("", "x"))
    assert located(ValidationError("due", "x"))
    assert dataclasses.is_dataclass(ReadingEntry)
