"""ui/main_window.py: the menus and their shortcuts, what they allow on each page, recent files."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_the_register_leads_back_home_and_an_ended_meeting_to_its_minutes(
    qtbot: QtBot, settings: QSettings, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register's Meetings button goes back to the overview; a signed meeting shows a
    Minutes button that opens its minutes, and offers no new decision it could not save."""
    from core.model import MeetingStatus
    from ui.minutes import MinutesDialog

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    window.show()
    window.show_register()
    assert window.pages.currentWidget() is window.register
    window.register.back_button.click()
    assert window.pages.currentWidget() is window.home
    assert window.session is not None
    signed = next(m for m in window.session.meetings() if m.status is MeetingStatus.SIGNED)
    window.open_meeting(signed.id)
    page = window.meeting_page
    assert page is not None and page.minutes_button.isVisible()
    assert not window.decision_action.isEnabled()
    assert not page.decision_button.isEnabled()  # the button says no, as the menu does
    opened: list[str] = []
    monkeypatch.setattr(MinutesDialog, "exec", lambda dialog: opened.append(dialog.meeting_id))
    page.minutes_button.click()
    assert opened == [signed.id]
