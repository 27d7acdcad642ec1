"""File ▸ Import signed minutes…: the partner's own copy of the app takes the enterprise's
signed minutes, asking to confirm unknown signers' fingerprints once, and shows the meetings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from core.model import MeetingStatus
from tests.signed_history import SignedHistory, sent_files
from ui.keys import ConfirmSignersDialog
from ui.main_window import MainWindow


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], SignedHistory]:
    """Three months of the enterprise's signed minutes, as the files it sends."""
    return sent_files(tmp_path_factory.mktemp("sent"), 3)


def test_a_new_copy_imports_signed_minutes_from_the_file_menu(
    qtbot: QtBot,
    settings: QSettings,
    tmp_path: Path,
    sent: tuple[list[Path], SignedHistory],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths, history = sent
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(tmp_path / "partner.db")
    window.show()
    assert window.session is not None and window.session.partnership_id is None
    window.session.now = lambda: dt.datetime(2026, 12, 6, 9)
    confirmations: list[list[str]] = []

    def confirm(dialog: ConfirmSignersDialog) -> int:
        confirmations.append([label.text() for label in dialog.findChildren(QLabel)])
        return QDialog.DialogCode.Accepted

    told: list[tuple[str, str]] = []
    monkeypatch.setattr(ConfirmSignersDialog, "exec", confirm)
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: told.append(("information", text))
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: told.append(("warning", text))
    )
    chosen = [paths[:2]]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: (list(map(str, chosen[0])), "")
    )

    window.import_minutes_action.trigger()

    assert len(confirmations) == 1  # asked once: the second file's signers are registered now
    shown = re.sub(r"[^0-9a-f]", "", " ".join(confirmations[0]).lower())
    assert all(key.fingerprint in shown for key in history.keys.values())
    kind, text = told[-1]
    assert kind == "information"
    assert (
        "minutes-01.pdf: Imported meeting 1" in text
        and "minutes-02.pdf: Imported meeting 2" in text
    )
    session = window.session
    assert session.partnership is not None and session.partnership.name == "Northwind – Contoso"
    assert [m.status for m in session.meetings()] == [MeetingStatus.SIGNED] * 2
    assert "Northwind – Contoso" in window.windowTitle()
    assert window.home is not None and window.home.model.rowCount() == 2

    # the same files again and the third: nothing twice, the new one added
    chosen[0] = paths
    window.import_minutes_action.trigger()
    kind, text = told[-1]
    assert kind == "information" and "nothing to import" in text and "Imported meeting 3" in text
    assert window.home.model.rowCount() == 3
    assert {m.id for m in session.meetings()} == {m.id for m in history.meetings}


def test_a_refused_file_is_told_and_the_copy_is_unchanged(
    qtbot: QtBot,
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(tmp_path / "partner.db")
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(ConfirmSignersDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: told.append(("information", text))
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: told.append(("warning", text))
    )
    junk = tmp_path / "notes.pdf"
    junk.write_bytes(b"%PDF-1.7 not really")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(junk)], ""))
    window.import_minutes_action.trigger()
    kind, text = told[-1]
    assert kind == "warning" and text.startswith("notes.pdf: ")
    assert window.session is not None and window.session.partnership_id is None
