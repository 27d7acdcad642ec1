"""ui/recovery.py: why a file did not open, the backup offered, and the restore dialog's list.
(The same dialogs on damaged and locked files: tests/reliability/test_broken_files.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.errors import ReviewError
from storage import backups
from storage.errors import DamagedDatabaseError, DatabaseLockedError
from ui.recovery import RecoveryDialog, RestoreBackupDialog
from ui.session import opening_problem


def test_what_the_dialog_needs_of_an_error(tmp_path: Path) -> None:
    """A damaged file offers its backup; a locked one offers none; any other refusal is told."""
    backup = tmp_path / "demo-20261120-090000-daily.db"
    damaged = opening_problem(DamagedDatabaseError("x is damaged.", backup=backup, problem="p"))
    assert (damaged.problem, damaged.backup, damaged.restorable) == ("p", backup, True)
    locked = opening_problem(DatabaseLockedError("x is locked."))
    assert (locked.backup, locked.restorable) == (None, False)
    other = opening_problem(ReviewError("Something else."))
    assert (other.problem, other.restorable) == ("Something else.", False)


def test_the_recovery_dialog_names_the_backup_by_its_time(qtbot: QtBot, tmp_path: Path) -> None:
    backup = tmp_path / "demo.db.backups" / "demo-20261120-090000-daily.db"
    error = DamagedDatabaseError("demo.db is damaged.", backup=backup, problem="It is damaged.")
    dialog = RecoveryDialog(tmp_path / "demo.db", error)
    qtbot.addWidget(dialog)
    assert dialog.problem.text() == "It is damaged."
    assert "Friday 20 November 2026, 09:00" in dialog.offer.text()
    assert dialog.restore_button is not None


def test_each_backup_is_listed_with_when_why_and_its_latest_meeting(
    qtbot: QtBot, demo_path: Path
) -> None:
    taken = backups.automatic_backup(demo_path, "meeting-ended", now=dt.datetime(2026, 12, 8, 11))
    assert taken is not None
    dialog = RestoreBackupDialog(demo_path)
    qtbot.addWidget(dialog)
    first = dialog.choices.item(0).text()
    assert first.startswith("Tue 08 Dec 2026, 11:00  ·  when a meeting ended")
    assert "latest meeting: 24," in first
