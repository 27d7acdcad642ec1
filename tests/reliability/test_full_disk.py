"""Promise 3: a full disk loses nothing typed.

The disk is made full with SQLite's `max_page_count` on the very connection the app writes
with (the file cannot grow by a page). Writes fail; the UI says so in words; what was typed
stays in the editor, also when the facilitator moves on to the next item; once space returns,
the retry saves all of it, exactly, and nothing was half written meanwhile.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

import ui.notes
from core.model import AgendaItemKind
from storage.database import Database
from tests.ui.drive import live_meeting_at
from ui.main_window import MainWindow

LONG = "The partner walked the room through the outage timeline, minute by minute. " * 80


def _fill_the_disk(db: Database) -> None:
    """From now on the file cannot grow: no free page is left and no new one may be added."""
    db.execute("VACUUM")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def _free_space(db: Database) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def _stored_notes(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(conn.execute("SELECT id, notes FROM meeting_item"))
    finally:
        conn.close()


@pytest.fixture
def window(
    qtbot: QtBot, settings: QSettings, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """The demo's draft started, on its discussion item; notes retried every 200 ms."""
    monkeypatch.setattr(ui.notes, "RETRY_MS", 200)
    return live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DISCUSSION)


def test_typed_notes_survive_a_full_disk_and_moving_on(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    """Typing on a full disk: the save fails in words, the text stays, moving to the next item
    keeps it in memory (and shows it again on coming back); once space returns, both items'
    notes are saved exactly as typed, and nothing was written before."""
    page = window.meeting_page
    assert page is not None and window.session is not None
    first = page.current_item
    assert first is not None
    db = window.session._db
    before = _stored_notes(demo_path)
    _fill_the_disk(db)

    qtbot.keyClicks(page.notes, "Escalation agreed: ")
    page.notes.insertPlainText(LONG)
    with qtbot.waitSignal(page.notes.save_failed, timeout=3000) as failed:
        pass
    assert "full" in failed.args[0]
    assert page.banner.isVisible() and "full" in page.banner.text()
    assert "not saved" in page.saved_indicator.text()
    assert page.notes.unsaved_reason == "disk full"
    first_text = page.notes.markdown()
    assert " ".join(first_text.split()) == " ".join(f"Escalation agreed: {LONG}".split())

    page.next_item()  # the facilitator moves on: the unsaved text must not be lost
    second = page.current_item
    assert second is not None and second.id != first.id
    qtbot.keyClicks(page.notes, "AOB: next review moves to the partner's offices. ")
    page.notes.insertPlainText(LONG)
    with qtbot.waitSignal(page.notes.save_failed, timeout=3000):
        pass
    second_text = page.notes.markdown()
    assert set(page.notes.unsaved_items) == {first.id, second.id}
    assert _stored_notes(demo_path) == before  # nothing half written

    page.previous_item()
    assert page.notes.markdown() == first_text  # shown again from memory, still unsaved
    assert page.notes.has_unsaved

    saved: dict[str, str] = {}
    page.notes.text_saved.connect(lambda item_id, text: saved.__setitem__(item_id, text))
    _free_space(db)
    qtbot.waitUntil(lambda: not page.notes.has_unsaved, timeout=3000)
    assert saved == {first.id: first_text, second.id: second_text}
    assert "saved" in page.saved_indicator.text() and not page.banner.isVisible()
    stored = _stored_notes(demo_path)
    assert stored[first.id] == first_text and stored[second.id] == second_text
    assert {k: v for k, v in stored.items() if k not in (first.id, second.id)} == {
        k: v for k, v in before.items() if k not in (first.id, second.id)
    }


@pytest.fixture
def small_disk(tmp_path: Path, demo_template: Path) -> Iterator[Path]:
    """A real 8 MB file system (tmpfs) holding a copy of the demo; needs the right to mount."""
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        shutil.copy(demo_template, disk / "demo.db")
        yield disk / "demo.db"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system with one file; returns it (delete it to free)."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_on_a_really_full_disk_nothing_typed_or_reviewed_is_lost(
    qtbot: QtBot, settings: QSettings, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real file system with no byte left (even the WAL cannot grow), notes, a review and
    a commitment each fail in words where they were made and write nothing; once space returns
    the notes are saved by the retry, and the review and commitment work when tried again."""
    monkeypatch.setattr(ui.notes, "RETRY_MS", 200)
    window = live_meeting_at(qtbot, settings, small_disk, AgendaItemKind.DISCUSSION)
    page = window.meeting_page
    assert page is not None and page.meeting is not None and window.session is not None
    meeting_id = page.meeting.id
    item = page.current_item
    assert item is not None
    filler = _fill(small_disk.parent)

    qtbot.keyClicks(page.notes, "Typed on a full disk, kept all the same.")
    with qtbot.waitSignal(page.notes.save_failed, timeout=3000) as failed:
        pass
    assert "full" in failed.args[0] and page.notes.unsaved_reason == "disk full"
    typed = page.notes.markdown()

    rows = page.rail_model.items()
    page.go_to(next(i for i, it in enumerate(rows) if it.kind is AgendaItemKind.ACTION_REVIEW))
    view = page.review_view
    view.table.selectRow(0)
    row = view.current_row()
    assert row is not None and row.review_here is None
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    assert "full" in view.notice.text()

    page.go_to(next(i for i, it in enumerate(rows) if it.kind is AgendaItemKind.COMMITMENTS))
    form = page.commitments_view.form
    assert form is not None
    person = window.session.people()[0]
    form.line.setText(f"Send the capacity plan @{person.name} +2w")
    qtbot.keyClick(form.line, Qt.Key.Key_Return)
    assert "full" in form.problems.text() and form.line.text() != ""

    conn = sqlite3.connect(f"file:{small_disk}?mode=ro", uri=True)
    try:
        assert conn.execute(
            "SELECT count(*) FROM action_review WHERE meeting_id = ?", [meeting_id]
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM action WHERE raised_in_id = ?", [meeting_id]
        ).fetchone() == (0,)
        assert (
            conn.execute("SELECT notes FROM meeting_item WHERE id = ?", [item.id]).fetchone()[0]
            != typed
        )
    finally:
        conn.close()

    filler.unlink()  # space returns
    qtbot.waitUntil(lambda: not page.notes.has_unsaved, timeout=3000)
    qtbot.keyClick(form.line, Qt.Key.Key_Return)
    assert form.line.text() == ""
    page.go_to(next(i for i, it in enumerate(rows) if it.kind is AgendaItemKind.ACTION_REVIEW))
    view.table.selectRow(view.model.row_of(row.action.id))
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    window.close()
    stored = _stored_notes(small_disk)
    assert stored[item.id] == typed
    conn = sqlite3.connect(small_disk)
    try:
        assert conn.execute(
            "SELECT status FROM action_review WHERE meeting_id = ? AND action_id = ?",
            [meeting_id, row.action.id],
        ).fetchone() == ("done",)
        assert conn.execute(
            "SELECT count(*) FROM action WHERE raised_in_id = ?", [meeting_id]
        ).fetchone() == (1,)
    finally:
        conn.close()
