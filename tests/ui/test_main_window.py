"""ui/main_window.py: the menus and their shortcuts, what they allow on each page, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from ui.main_window import MAX_RECENT, MainWindow


def test_no_two_commands_share_a_shortcut(qtbot: QtBot, settings: QSettings) -> None:
    """A shortcut given twice does nothing in Qt ("ambiguous shortcut"): each is unique."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    seen: dict[str, str] = {}
    clashes = []
    for action in window.findChildren(QAction):
        for shortcut in action.shortcuts():
            key = shortcut.toString()
            if key in seen and seen[key] != action.text():
                clashes.append(f"{key}: {seen[key]} / {action.text()}")
            seen[key] = action.text()
    assert len(seen) > 20 and clashes == []


def test_commands_of_a_partnership_wait_for_one(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """On the welcome page the partnership's commands are off; with the demo open they are on,
    and the meeting's commands wait for a meeting."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    window.show_welcome()
    assert not window.minutes_action.isEnabled() and not window.register_action.isEnabled()
    assert window.open_database(demo_path)
    assert window.minutes_action.isEnabled() and window.register_action.isEnabled()
    assert not window.end_action.isEnabled() and not window.decision_action.isEnabled()


def test_recent_files_put_the_last_opened_first(
    qtbot: QtBot, settings: QSettings, demo_path: Path, tmp_path: Path
) -> None:
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    settings.setValue("recent", [str(tmp_path / f"old-{i}.db") for i in range(MAX_RECENT)])
    assert window.open_database(demo_path)
    recent = window.recent_files()
    assert recent[0] == str(demo_path) and len(recent) == MAX_RECENT
    assert settings.value("last_database") == str(demo_path)
