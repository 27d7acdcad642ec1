"""Sending the pre-read from the app: the session's operation, and Meeting ▸ Send the pre-read…"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from core.errors import ReviewError
from core.model import MeetingStatus
from ui.main_window import MainWindow
from ui.session import Session


def _draft_id(session: Session) -> str:
    (draft,) = [m for m in session.meetings() if m.status is MeetingStatus.DRAFT]
    return draft.id


def test_send_preread_writes_the_four_files(demo_session: Session, tmp_path: Path) -> None:
    """The PDF, the invitation, the workbook and the e-mail draft, named after the meeting;
    sending again replaces them, and the invitation's sequence grows."""
    folder = tmp_path / "out"
    folder.mkdir()
    paths = demo_session.send_preread(_draft_id(demo_session), folder)
    assert [p.suffix for p in paths] == [".pdf", ".ics", ".xlsx", ".eml"]
    assert sorted(folder.iterdir()) == sorted(paths)
    assert all("meeting-025" in p.name for p in paths)
    assert paths[0].read_bytes().startswith(b"%PDF")
    assert b"SEQUENCE:0" in paths[1].read_bytes()
    again = demo_session.send_preread(_draft_id(demo_session), folder)
    assert again == paths and b"SEQUENCE:1" in paths[1].read_bytes()


def test_a_meeting_already_held_has_no_pre_read(demo_session: Session, tmp_path: Path) -> None:
    """Refused in words for a signed meeting; nothing written."""
    folder = tmp_path / "out"
    folder.mkdir()
    signed = next(m for m in demo_session.meetings() if m.status is MeetingStatus.SIGNED)
    with pytest.raises(ReviewError, match=f"Meeting {signed.number} is signed"):
        demo_session.send_preread(signed.id, folder)
    assert list(folder.iterdir()) == []


def test_the_menu_sends_the_next_meeting_s_pre_read_into_the_chosen_folder(
    qtbot: QtBot,
    settings: QSettings,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off without a partnership; on the home page it is for the prepared meeting: the
    facilitator picks a folder, the four files go there and the folder is opened."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    window.show_welcome()
    assert not window.preread_action.isEnabled()
    assert window.open_database(demo_path)
    assert window.preread_action.isEnabled()
    assert window.preread_meeting() is not None and window.preread_meeting().number == 25

    folder = tmp_path / "pre-read"
    folder.mkdir()
    opened: list[QUrl] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(folder))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.preread_action.trigger()
    assert sorted(p.suffix for p in folder.iterdir()) == [".eml", ".ics", ".pdf", ".xlsx"]
    assert [url.toLocalFile() for url in opened] == [str(folder)]
