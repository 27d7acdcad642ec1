"""`main.py receive-updates`: the partner's workbook (or CSV file) shown as proposals beside
the current values, each flagged line with its row; written only with --accept-all; every
mistake one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core import workbook_format as shape
from core.partner_updates import BY_CSV, BY_WORKBOOK, WorkbookContext
from storage.database import open_database
from storage.partner_updates import AUDIT_FIELD, workbook_context
from tests.cli.test_cli import assert_one_line_error, run
from tests.partner_workbook import add_item, blank, fill

WATCHED = ("action_review", "reading", "reading_review", "meeting_item", "audit_log")


def _rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _stored(path: Path) -> list[list[tuple[Any, ...]]]:
    return [_rows(path, f"SELECT * FROM {table} ORDER BY rowid") for table in WATCHED]


def _known(path: Path) -> WorkbookContext:
    """What the database knows of its next meeting (a draft), as the workbook was sent."""
    db = open_database(path, automatic_backups=False)
    try:
        (meeting_id,) = db.execute(
            "SELECT id FROM meeting WHERE status = 'draft' ORDER BY scheduled_start LIMIT 1"
        ).fetchone()
        return workbook_context(db, meeting_id)
    finally:
        db.close()


def _workbook(demo: Path, tmp_path: Path) -> tuple[Path, WorkbookContext, dict[str, int]]:
    """A filled-in workbook: one action reviewed, one status not in the list, an item."""
    known = _known(demo)
    first, second = list(known.actions)[:2]
    book = blank(known)
    rows = {
        "review": fill(
            book,
            shape.ACTIONS,
            first,
            Status="late",
            Comment="Waiting for parts",
            Proposed_new_due_date="15/01/2027",
        ),
        "wrong": fill(book, shape.ACTIONS, second, Status="finished"),
        "item": add_item(book, "Licence renewal", "Before March"),
    }
    path = tmp_path / "updates.xlsx"
    book.save(path)
    return path, known, rows


def test_without_accept_all_it_shows_the_proposals_and_writes_nothing(
    demo: Path, tmp_path: Path
) -> None:
    """Each proposal beside the current value, each flagged line with its row; exit 0, and
    the database is as it was."""
    path, known, rows = _workbook(demo, tmp_path)
    first = next(iter(known.actions.values()))
    before = _stored(demo)
    result = run("receive-updates", "--db", demo, path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    was = first.status.label if first.status else "not reviewed yet"
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{path}: 2 proposals from the partner for meeting {known.meeting_number} "
        f"({lines[0].rsplit('(', 1)[1]}"
    )
    assert (
        f"  Our actions, row {rows['review']}: Action: {first.title} ({first.owner}): "
        f'{was}, due {first.due.isoformat()} -> late, due 2027-01-15 ("Waiting for parts")'
    ) in lines
    assert (
        f"  Items to raise, row {rows['item']}: Item to raise: a new item of the meeting's "
        'agenda: not on the agenda -> Licence renewal ("Before March")'
    ) in lines
    assert "1 flagged, not proposed:" in lines
    assert (
        f"  Our actions, row {rows['wrong']}: Status: 'finished' is not a status: choose one of "
        "done, on track, at risk, late, dropped"
    ) in lines
    assert lines[-1] == "Nothing was written: run again with --accept-all to record the proposals."
    assert _stored(demo) == before


def test_accept_all_records_them_from_the_partner_once(demo: Path, tmp_path: Path) -> None:
    """--accept-all writes every proposal, each audited as the partner's; the same workbook
    a second time is refused in one line and writes nothing."""
    path, known, _ = _workbook(demo, tmp_path)
    first = next(iter(known.actions))
    result = run("receive-updates", "--db", demo, path, "--accept-all")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Recorded 2 proposals from the partner."
    assert _rows(
        demo,
        "SELECT status, comment, new_due FROM action_review WHERE action_id = ? AND meeting_id = ?",
        first,
        known.meeting_id,
    ) == [("late", "Waiting for parts", "2027-01-15")]
    assert _rows(
        demo,
        "SELECT notes FROM meeting_item WHERE title = 'Licence renewal' AND meeting_id = ?",
        known.meeting_id,
    ) == [("Raised by the partner: Before March",)]
    audited = _rows(
        demo, "SELECT entity, changed_by FROM audit_log WHERE field = ? ORDER BY id", AUDIT_FIELD
    )
    assert audited == [("action", BY_WORKBOOK), ("meeting_item", BY_WORKBOOK)]
    before = _stored(demo)
    again = run("receive-updates", "--db", demo, path, "--accept-all")
    assert_one_line_error(again, "already received on")
    assert again.stdout == ""
    assert _stored(demo) == before


def test_a_csv_file_is_received_too(demo: Path, tmp_path: Path) -> None:
    """A CSV file with a kind column goes to the next meeting, its lines by number."""
    known = _known(demo)
    action = next(iter(known.actions))
    path = tmp_path / "updates.csv"
    path.write_text(
        "kind,Action id,Status,Comment,Title\n"
        f"action,{action},on track,Fine,\n"
        "item,,,,Office move\n"
        "action,unknown,done,,\n",
        encoding="utf-8",
    )
    result = run("receive-updates", "--db", demo, path, "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "  line 4: unknown action id 'unknown': not one of your open actions" in result.stdout
    assert result.stdout.splitlines()[-1] == "Recorded 2 proposals from the partner."
    assert _rows(
        demo, "SELECT DISTINCT changed_by FROM audit_log WHERE field = ?", AUDIT_FIELD
    ) == [(BY_CSV,)]


def _renamed_sheet(demo: Path, tmp_path: Path) -> Path:
    book = blank(_known(demo))
    book[shape.READINGS.name].title = "KPIs"
    path = tmp_path / "renamed.xlsx"
    book.save(path)
    return path


def _not_a_workbook(demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "updates.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_renamed_sheet, ["sheet 'Our KPI figures' is missing"]),
        (_not_a_workbook, ["not an Excel workbook"]),
        (lambda demo, tmp_path: tmp_path / "missing.xlsx", ["does not exist"]),
        (lambda demo, tmp_path: tmp_path, ["is a folder"]),
    ],
    ids=["renamed sheet", "not a workbook", "missing file", "a folder"],
)
def test_a_wrong_file_is_one_line_and_writes_nothing(
    demo: Path, tmp_path: Path, make: Any, words: list[str]
) -> None:
    path = make(demo, tmp_path)
    before = _stored(demo)
    assert_one_line_error(run("receive-updates", "--db", demo, path, "--accept-all"), *words)
    assert _stored(demo) == before


def test_a_missing_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "updates.xlsx"
    path.write_bytes(b"")
    result = run("receive-updates", "--db", tmp_path / "none.db", path)
    assert_one_line_error(result, "does not exist")
