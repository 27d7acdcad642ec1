"""Driving the real main window in tests, as the facilitator would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from core.model import AgendaItemKind
from ui.main_window import MainWindow


def open_window(qtbot: QtBot, settings: QSettings, path: Path) -> MainWindow:
    """The main window on the file at `path`, shown."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(path)
    window.show()
    return window


def live_meeting_at(
    qtbot: QtBot, settings: QSettings, path: Path, kind: AgendaItemKind
) -> MainWindow:
    """The demo's draft meeting started, on its first agenda item of `kind`."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(path)
    window.show()
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None
    page.start_meeting()
    page.go_to(next(i for i, item in enumerate(page.rail_model.items()) if item.kind is kind))
    return window
