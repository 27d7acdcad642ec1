"""The standing agenda dialog: add, reorder, remove, refuse bad timeboxes, save in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from core.agenda import DEFAULT_STANDING_AGENDA
from core.model import Side
from ui.agenda_editor import (
    TIMEBOX,
    TITLE,
    StandingAgendaDialog,
    StandingAgendaModel,
    format_minutes,
)
from ui.session import Session

DEFAULT_TITLES = [title for title, _kind, _minutes in DEFAULT_STANDING_AGENDA]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    session = Session.open(tmp_path / "p.db")
    session.create_partnership(
        {Side.ENTERPRISE: "Northwind Retail", Side.PARTNER: "Contoso Cloud"},
        [
            (Side.ENTERPRISE, "Ada Lovelace", "CIO", "ada@northwind.example"),
            (Side.PARTNER, "Grace Hopper", "Account lead", "grace@contoso.example"),
        ],
        [(title, kind.value, minutes) for title, kind, minutes in DEFAULT_STANDING_AGENDA],
    )
    yield session
    session.close()


@pytest.fixture
def dialog(qtbot: QtBot, session: Session) -> StandingAgendaDialog:
    dialog = StandingAgendaDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _titles(model: StandingAgendaModel) -> list[str]:
    return [item.title for item in model.items()]


def _select(dialog: StandingAgendaDialog, row: int, column: int = TITLE) -> None:
    view = dialog.editor.view
    view.setCurrentIndex(dialog.model.index(row, column))
    view.setFocus()


def test_dialog_shows_the_standing_agenda_and_its_planned_total(
    dialog: StandingAgendaDialog,
) -> None:
    """The dialog lists the saved items in order with their planned total."""
    assert _titles(dialog.model) == DEFAULT_TITLES
    assert dialog.editor.total.text() == "Planned total: 1 h 35 min"


def test_add_reorder_remove_and_save_by_keyboard(
    qtbot: QtBot, dialog: StandingAgendaDialog, session: Session
) -> None:
    """Ctrl+N adds, Ctrl+Up moves, Delete removes, Save stores the new order in the database."""
    view = dialog.editor.view
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == len(DEFAULT_TITLES) - 1

    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(_focused(), "Risk register")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _titles(dialog.model)[-1] == "Risk register")
    assert dialog.editor.total.text() == "Planned total: 1 h 45 min"

    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert _titles(dialog.model)[6] == "Risk register"
    assert view.currentIndex().row() == 6

    _select(dialog, DEFAULT_TITLES.index("Topics for discussion"))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    expected = [
        "Welcome and apologies",
        "Actions from last meeting",
        "Operational dashboard",
        "Strategic initiatives",
        "New commitments",
        "Risk register",
        "Any other business",
        "Close and read-out",
    ]
    assert _titles(dialog.model) == expected
    assert dialog.editor.total.text() == "Planned total: 1 h 30 min"

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = session.standing_agenda()
    assert [item.title for item in saved] == expected
    assert [item.position for item in saved] == list(range(len(expected)))


def test_buttons_move_the_selected_item_down_and_up(
    qtbot: QtBot, dialog: StandingAgendaDialog
) -> None:
    """Move down and Move up shift the selected item by one and keep it selected."""
    _select(dialog, 0)
    qtbot.mouseClick(dialog.editor.buttons["Move down"], Qt.MouseButton.LeftButton)
    assert _titles(dialog.model)[:2] == ["Actions from last meeting", "Welcome and apologies"]
    assert dialog.editor.view.currentIndex().row() == 1
    qtbot.mouseClick(dialog.editor.buttons["Move up"], Qt.MouseButton.LeftButton)
    assert _titles(dialog.model) == DEFAULT_TITLES
    assert not dialog.editor.buttons["Move up"].isEnabled()


def test_timebox_of_zero_is_refused_with_a_message(
    qtbot: QtBot, dialog: StandingAgendaDialog, session: Session
) -> None:
    """Typing 0 minutes shows the rule's message and keeps the item's timebox."""
    _select(dialog, 1, TIMEBOX)
    view = dialog.editor.view
    qtbot.keyClick(view, Qt.Key.Key_F2)
    spin = _focused()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "0")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.editor.message.isVisible())
    assert dialog.editor.message.text() == "A timebox must be at least one minute."
    assert dialog.model.item_at(1).timebox_minutes == 20

    qtbot.keyClick(view, Qt.Key.Key_F2)
    spin = _focused()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "25")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.item_at(1).timebox_minutes == 25)
    assert not dialog.editor.message.isVisible()
    assert dialog.editor.total.text() == "Planned total: 1 h 40 min"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert session.standing_agenda()[1].timebox_minutes == 25


def test_empty_title_is_refused_with_a_message(qtbot: QtBot, dialog: StandingAgendaDialog) -> None:
    """Clearing an item's title shows why and keeps the title."""
    _select(dialog, 2)
    qtbot.keyClick(dialog.editor.view, Qt.Key.Key_F2)
    editor = _focused()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.editor.message.isVisible())
    assert dialog.editor.message.text() == "An agenda item needs a title."
    assert dialog.model.item_at(2).title == "Operational dashboard"


def test_cancel_discards_the_changes(
    qtbot: QtBot, dialog: StandingAgendaDialog, session: Session
) -> None:
    """Cancel closes the dialog and the database keeps the agenda it had."""
    _select(dialog, 0)
    qtbot.keyClick(dialog.editor.view, Qt.Key.Key_Delete)
    assert len(dialog.model.items()) == len(DEFAULT_TITLES) - 1
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert [item.title for item in session.standing_agenda()] == DEFAULT_TITLES


def test_kind_is_chosen_from_the_kind_labels(dialog: StandingAgendaDialog) -> None:
    """The kind column shows labels and accepts only known kinds."""
    model = dialog.model
    index = model.index(4, 1)
    assert model.data(index) == "Discussion"
    assert model.setData(index, "aob")
    assert model.data(index) == "Any other business"
    assert not model.setData(index, "party")
    assert dialog.editor.message.text() == "'party' is not a kind of agenda item."


def test_model_moves_rows_like_a_drop_between_items(session: Session) -> None:
    """moveRows puts a row before the given destination row, as a drop does."""
    model = StandingAgendaModel(session.standing_agenda(), session.partnership_id or "")
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert _titles(model)[:3] == [DEFAULT_TITLES[1], DEFAULT_TITLES[2], DEFAULT_TITLES[0]]
    assert not model.moveRows(QModelIndex(), 2, 1, QModelIndex(), 3)
    assert model.moveRows(QModelIndex(), 7, 1, QModelIndex(), 0)
    assert _titles(model)[0] == DEFAULT_TITLES[7]


def test_model_passes_the_qt_model_tester(qtmodeltester: ModelTester, session: Session) -> None:
    """The standing agenda model keeps Qt's item model contract, full and empty."""
    model = StandingAgendaModel(session.standing_agenda(), session.partnership_id or "")
    qtmodeltester.check(model)
    model.insertRows(2, 2)
    model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 4)
    model.removeRows(1, 3)
    qtmodeltester.check(model)
    qtmodeltester.check(StandingAgendaModel())


@pytest.mark.parametrize(
    ("minutes", "text"), [(95, "1 h 35 min"), (120, "2 h"), (45, "45 min"), (0, "0 min")]
)
def test_planned_total_reads_in_hours_and_minutes(minutes: int, text: str) -> None:
    """The planned total is written as hours and minutes."""
    assert format_minutes(minutes) == text
