"""Promise 4: signed records cannot change silently.

Raw SQL against a signed meeting's rows is refused by triggers in the database itself: that
is proved, table by table, in tests/storage/test_signed_triggers.py. Here the file is edited
below SQLite, where no trigger runs: bytes of a signed meeting's notes, decisions, reviews or
stored PDF are changed in place, the database stays valid (`quick_check` passes), and yet
`storage.integrity.tampered_meetings` names exactly that meeting, the home screen marks it
TAMPERED, and `main.py verify PDF --db FILE` fails saying so. (A single byte changed anywhere
in a signed PDF file makes `verify` fail: tests/storage/test_sign_off.py and
tests/core/test_signatures.py flip every byte position.)
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from storage.database import open_database
from storage.integrity import PDF_CHANGED, ROWS_CHANGED, tampered_meetings
from tests.reliability.conftest import SOAK, main_py, record_figures
from ui.home import HomePage
from ui.models import TAMPERED_LABEL
from ui.session import Session

TEXTS_PER_MEETING = 40 if SOAK else 5
FLIPS_PER_TEXT = 10 if SOAK else 2


def _signed(path: Path) -> list[tuple[str, int]]:
    """The main partnership's signed meetings (the portfolio's other partnerships reuse the
    demo's catalogue of phrases, so their texts are not found once in the file)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, number FROM meeting WHERE status = 'signed' AND partnership_id = "
            "(SELECT id FROM partnership ORDER BY created_at, name LIMIT 1) "
            "ORDER BY scheduled_start"
        ).fetchall()
    finally:
        conn.close()


def _texts(path: Path, meeting_id: str) -> list[str]:
    """The texts a signed meeting's record holds: notes, decisions, review comments."""
    conn = sqlite3.connect(path)
    try:
        return [
            text
            for (text,) in conn.execute(
                "SELECT notes FROM meeting_item WHERE meeting_id = ?1 "
                "UNION ALL SELECT text FROM decision WHERE meeting_id = ?1 "
                "UNION ALL SELECT comment FROM action_review WHERE meeting_id = ?1",
                [meeting_id],
            )
            if text
        ]
    finally:
        conn.close()


def _tampered(path: Path) -> list[str]:
    """The ids of tampered meetings, read on a fresh connection (no cache of the old bytes)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return [t.meeting_id for t in tampered_meetings(Database(conn))]
    finally:
        conn.close()


def _flip_letter(data: bytearray, start: int, length: int, rng: random.Random) -> int:
    """Change one ASCII letter in data[start:start+length] into another; returns where."""
    letters = [i for i in range(start, start + length) if chr(data[i]).isalpha() and data[i] < 128]
    position = rng.choice(letters)
    old = chr(data[position])
    new = rng.choice([c for c in "etaoinshrdlu" if c != old.lower()])
    data[position] = ord(new.upper() if old.isupper() else new)
    return position


def test_a_fresh_demo_has_no_tampered_meeting(demo_path: Path) -> None:
    """Every signed meeting of the demo matches its hashes: those signed by the demo's history
    (hash computed in core/demo.py) and those signed through the sign-off (with a PDF)."""
    db = open_database(demo_path, automatic_backups=False)
    try:
        signed = db.execute(
            "SELECT count(*), count(minutes_pdf), count(record_hash) FROM meeting "
            "WHERE status = 'signed'"
        ).fetchone()
        assert signed[0] == signed[2] > signed[1] > 0  # both kinds are there, all hashed
        assert tampered_meetings(db) == []
    finally:
        db.close()


def test_bytes_changed_below_sqlite_are_caught_meeting_by_meeting(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A letter changed in the file inside any signed meeting's notes, decisions or review
    comments keeps the file valid, and names that meeting, and only it, as tampered."""
    rng = random.Random(20261123)
    original = bytearray(demo_path.read_bytes())
    flips = 0
    for meeting_id, number in _signed(demo_path):
        unique = [t for t in _texts(demo_path, meeting_id) if original.count(t.encode()) == 1]
        assert unique, f"meeting {number} has no text found once in the file"
        for text in rng.sample(unique, min(TEXTS_PER_MEETING, len(unique))):
            for _ in range(FLIPS_PER_TEXT):
                data = bytearray(original)
                start = data.find(text.encode())
                position = _flip_letter(data, start, len(text.encode()), rng)
                demo_path.write_bytes(data)
                assert _tampered(demo_path) == [meeting_id], (number, position, text[:40])
                flips += 1
    demo_path.write_bytes(original)
    assert _tampered(demo_path) == []
    record_figures(
        capsys, f"tamper: {flips} letters changed below SQLite in signed meetings, each caught"
    )


@pytest.fixture
def exported(demo_path: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """The latest signed meeting's PDF exported, with the demo it came from and its id."""
    pdf = tmp_path / "minutes.pdf"
    result = main_py("export-minutes", "--db", demo_path, "--meeting", "latest", "--out", pdf)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(demo_path)
    try:
        (meeting_id,) = conn.execute(
            "SELECT id FROM meeting WHERE status = 'signed' AND minutes_pdf IS NOT NULL "
            "ORDER BY scheduled_start DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    assert main_py("verify", pdf, "--db", demo_path).returncode == 0
    return demo_path, pdf, meeting_id


def _edit_notes_in_file(path: Path, meeting_id: str) -> None:
    data = bytearray(path.read_bytes())
    text = next(t for t in _texts(path, meeting_id) if data.count(t.encode()) == 1)
    start = data.find(text.encode())
    _flip_letter(data, start, len(text.encode()), random.Random(3))
    path.write_bytes(data)


def test_verify_says_when_the_pdfs_meeting_is_tampered(exported: tuple[Path, Path, str]) -> None:
    """The exported signed PDF is intact, but its meeting's rows were edited in the file:
    `verify --db` fails and says the meeting is tampered."""
    db_path, pdf, meeting_id = exported
    _edit_notes_in_file(db_path, meeting_id)
    result = main_py("verify", pdf, "--db", db_path)
    assert result.returncode == 1
    assert "TAMPERED" in result.stderr and ROWS_CHANGED in result.stderr
    assert "Traceback" not in result.stderr


def test_a_changed_stored_pdf_is_caught(exported: tuple[Path, Path, str]) -> None:
    """A byte changed inside the signed PDF kept in the database: the meeting is tampered, and
    `verify --db` of the genuine PDF says the database no longer holds it."""
    db_path, pdf, meeting_id = exported
    signed = pdf.read_bytes()
    data = bytearray(db_path.read_bytes())
    # 48 bytes of this PDF found nowhere else in the file (the minutes of other meetings share
    # their fonts' bytes, for one)
    chunks = (signed[at : at + 48] for at in range(len(signed) // 2, len(signed) - 48, 97))
    middle = next(chunk for chunk in chunks if data.count(chunk) == 1)
    start = data.find(middle)
    assert start >= 0, "the stored PDF is not found as it is in the file"
    data[start + 10] ^= 0x20
    db_path.write_bytes(data)
    db = open_database(db_path, automatic_backups=False)
    try:
        (found,) = tampered_meetings(db)
    finally:
        db.close()
    assert found.meeting_id == meeting_id and PDF_CHANGED in found.reasons
    result = main_py("verify", pdf, "--db", db_path)
    assert result.returncode == 1 and "TAMPERED" in result.stderr


@pytest.fixture
def home(qtbot: QtBot, exported: tuple[Path, Path, str]) -> Iterator[tuple[HomePage, str]]:
    db_path, _, meeting_id = exported
    _edit_notes_in_file(db_path, meeting_id)
    session = Session.open(db_path)
    page = HomePage(session)
    qtbot.addWidget(page)
    yield page, meeting_id
    session.close()


def test_the_home_screen_marks_a_tampered_meeting(qtbot: QtBot, home: tuple[HomePage, str]) -> None:
    """On opening, the meetings table marks the tampered meeting in words (not colour alone),
    with why as its tip, and a banner names it."""
    from PySide6.QtCore import Qt

    page, meeting_id = home
    with qtbot.waitSignal(page.integrity_checked, timeout=5000) as checked:
        page.refresh()
    assert [t.meeting_id for t in checked.args[0]] == [meeting_id]
    row = page.model.row_of(meeting_id)
    status = page.model.index(row, 4)
    assert page.model.data(status) == TAMPERED_LABEL
    assert ROWS_CHANGED in page.model.data(status, Qt.ItemDataRole.ToolTipRole)
    assert page.tamper_banner.isVisibleTo(page) and "TAMPERED" in page.tamper_banner.text()
    others = [r for r in range(page.model.rowCount()) if r != row]
    assert all(page.model.data(page.model.index(r, 4)) != TAMPERED_LABEL for r in others)
