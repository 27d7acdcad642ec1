"""Search everything from the window (Ctrl+K): type, see the hits grouped with the words in
bold, Enter opens the meeting at the item or the action's history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from core.search import HitKind
from tests.ui.drive import open_window
from ui.action_history import ActionHistoryDialog
from ui.search import SearchDialog


def test_typing_shows_hits_grouped_and_enter_opens_the_meeting_at_the_item(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    assert window.session is not None
    assert window.search_action.shortcuts()[0].toString() == "Ctrl+K"
    dialog = SearchDialog(window.session, window)
    qtbot.addWidget(dialog)
    opened = []
    dialog.open_hit.connect(opened.append)
    dialog.order.setCurrentIndex(1)  # newest first
    qtbot.keyClicks(dialog.line, '"change freeze"')
    qtbot.waitUntil(lambda: bool(dialog.hits()), timeout=2000)
    hits = dialog.hits()
    assert hits[0].kind is HitKind.DECISION
    first = dialog.results.topLevelItem(0)
    assert first is not None and first.text(0).startswith("<b>Decisions</b>")
    child = first.child(0)
    assert child is not None and "<b>change</b> <b>freeze</b>" in child.text(0)
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)
    assert opened == [hits[0]]

    window.open_hit(hits[0])
    page = window.meeting_page
    assert page is not None and page.meeting is not None
    assert page.meeting.id == hits[0].meeting_id
    assert page.current_item is not None and page.current_item.id == hits[0].item_id


def test_an_action_hit_opens_its_history_and_a_query_of_syntax_finds_nothing(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    assert window.session is not None
    dialog = SearchDialog(window.session, window)
    qtbot.addWidget(dialog)
    for typed in ('NEAR(" *', "runbook"):
        dialog.line.setText(typed)
        dialog.run()
    action = next(h for h in dialog.hits() if h.kind is HitKind.ACTION)
    window.open_hit(action)
    history = window.findChildren(ActionHistoryDialog)
    assert history and history[-1].isVisible()
    dialog.line.setText('"(" NEAR AND')
    dialog.run()
    assert dialog.hits() == [] and dialog.summary.text() == "Nothing matches."
