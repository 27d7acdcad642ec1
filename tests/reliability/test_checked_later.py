"""Promises 1 and 2 when a file's pages are checked while the window is built (issue 18).

`PRAGMA quick_check` reads the whole file; the app window opens a file that needs no
writing at opening (no migration, the day's backup taken) without waiting for it, and runs it
in a thread. What the app says is saved is saved: a write waits for the check and lands once it
passes. A damaged file is refused and left as it is: a write is refused in the check's words,
the window closes the file and says why, and no byte of it changes.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from core.model import Meeting
from storage import checks, repository
from storage.database import open_database, settle_structure_check, structure_check
from storage.errors import DamagedDatabaseError, StorageError
from storage.repository import writes
from tests.reliability.test_broken_files import _corrupt_page, _state
from ui.main_window import MainWindow
from ui.session import Session


@pytest.fixture
def opened_today(demo_path: Path) -> Path:
    """The demo, opened once by the app: the day's backup is taken, so the next opening
    writes nothing and checks the file's pages in a thread."""
    open_database(demo_path).close()
    return demo_path


@pytest.fixture
def held_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The check of the pages holds until the test lets it go (then finds them sound)."""
    release = threading.Event()
    real = checks.structure_problem

    def held(conn: sqlite3.Connection, path: Path) -> StorageError | None:
        release.wait()
        return real(conn, path)

    monkeypatch.setattr(checks, "structure_problem", held)
    yield release
    release.set()


def _damage_unread_page(path: Path) -> None:
    """Overwrite a page of the audit log, which opening and the home page never read: only
    the check of every page finds it."""
    conn = sqlite3.connect(path)
    try:
        pages = [
            page
            for (page,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
    finally:
        conn.close()
    _corrupt_page(path, pages[len(pages) // 2], random.Random(18))


def _rename_first_meeting(db: object, title: str) -> None:
    meeting: Meeting = repository.meetings_unsigned(db, repository.partnerships(db)[0].id)[0]  # type: ignore[arg-type]
    with writes(db):  # type: ignore[arg-type]
        db.execute("UPDATE meeting SET title = ? WHERE id = ?", [title, meeting.id])  # type: ignore[attr-defined]


def test_a_file_needing_writes_at_opening_is_checked_before_it_opens(demo_path: Path) -> None:
    """No day's backup yet: the backup comes first, so the check runs before anything."""
    db = open_database(demo_path, check_later=True)
    try:
        assert structure_check(db) is None
    finally:
        db.close()


def test_a_write_waits_for_the_check_and_lands_once_it_passes(
    opened_today: Path, held_check: threading.Event
) -> None:
    db = open_database(opened_today, check_later=True)
    try:
        check = structure_check(db)
        assert check is not None and not check.done
        # Reading does not wait for it.
        assert repository.partnerships(db)
        assert not check.done
        threading.Timer(0.05, held_check.set).start()
        _rename_first_meeting(db, "Written once the file was checked")
        assert check.done and structure_check(db) is None
        assert settle_structure_check(db) is None
    finally:
        db.close()
    conn = sqlite3.connect(opened_today)
    try:
        titles = {row[0] for row in conn.execute("SELECT title FROM meeting")}
    finally:
        conn.close()
    assert "Written once the file was checked" in titles


def test_a_damaged_file_opens_for_reading_but_no_write_lands(opened_today: Path) -> None:
    """Damage only the check finds: the file opens, the check refuses it in words (offering
    the backup), every write is refused in those words, and no byte changes."""
    _damage_unread_page(opened_today)
    before = _state(opened_today)
    db = open_database(opened_today, check_later=True)
    try:
        check = structure_check(db)
        assert check is not None
        problem = check.wait()
        assert isinstance(problem, DamagedDatabaseError)
        assert str(opened_today) in problem.message and "damaged" in problem.message
        assert problem.backup is not None and str(problem.backup) in problem.message
        with pytest.raises(StorageError) as caught:
            _rename_first_meeting(db, "Never written")
        assert "damaged" in caught.value.message
        assert settle_structure_check(db) is problem
    finally:
        db.close()
    assert _state(opened_today) == before


def test_a_write_while_the_check_runs_on_a_damaged_file_is_refused(
    opened_today: Path, held_check: threading.Event
) -> None:
    _damage_unread_page(opened_today)
    before = _state(opened_today)
    db = open_database(opened_today, check_later=True)
    try:
        threading.Timer(0.05, held_check.set).start()
        with pytest.raises(StorageError) as caught:
            _rename_first_meeting(db, "Never written")
        assert "damaged" in caught.value.message
    finally:
        db.close()
    assert _state(opened_today) == before


def test_closing_stops_the_check_and_leaves_no_connection(
    opened_today: Path, held_check: threading.Event
) -> None:
    db = open_database(opened_today, check_later=True)
    check = structure_check(db)
    assert check is not None
    held_check.set()
    db.close()
    assert check.done and not checks.in_use(opened_today)


def test_the_window_closes_a_file_that_fails_its_check_and_says_why(
    qtbot: QtBot, opened_today: Path, settings: QSettings, held_check: threading.Event
) -> None:
    """The window shows the file, then, once the check fails, closes it and says why in one
    message (as a file refused at opening); nothing is written to it."""
    _damage_unread_page(opened_today)
    before = _state(opened_today)
    # What the window keeps beside the file: its settings, and its claim to write the file.
    kept = {"settings.ini", f"{opened_today.name}.lock"}
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    told: list[str] = []
    window.step_taken.connect(told.append)
    assert window.open_database(opened_today)
    session = window.session
    assert session is not None and session.checking  # the window is up, the check still runs
    with qtbot.waitSignal(session.check_failed, timeout=30_000):
        held_check.set()
    assert window.session is None
    refusals = [step for step in told if step.startswith("refused: ")]
    assert len(refusals) == 1 and "damaged" in refusals[0] and str(opened_today) in refusals[0]
    assert "damaged" in window.statusBar().currentMessage()
    assert {k: v for k, v in _state(opened_today).items() if k not in kept} == before


def test_a_session_on_a_sound_file_says_it_was_checked(
    qtbot: QtBot, opened_today: Path, held_check: threading.Event
) -> None:
    session = Session.open(opened_today)
    try:
        assert session.checking
        with qtbot.waitSignal(session.checked, timeout=30_000):
            held_check.set()
        assert not session.checking
        session.wait_until_checked()  # told once only
    finally:
        session.close()
