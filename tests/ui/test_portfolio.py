"""A governance office's portfolio: every partnership of the file side by side (File ▸ All
partnerships), the switcher from anywhere (Ctrl+P), and the projector never left showing
one partnership's data once another is opened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from tests.ui.drive import open_window
from ui.portfolio import PartnershipSwitcher


def test_the_portfolio_lists_every_partnership_and_enter_opens_one(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    session = window.session
    assert session is not None
    first = session.partnership_id
    assert window.portfolio_action.shortcut().toString() == "Ctrl+Shift+P"
    window.portfolio_action.trigger()
    page = window.portfolio
    assert page is not None and window.pages.currentWidget() is page
    names = page.names()
    assert len(names) == 3 and any("Kestrel" in n for n in names)
    # what needs attention most comes first
    counts = [len(r.needs_attention) for r in page.model.rows]
    top = page.model.rows[page.proxy.mapToSource(page.proxy.index(0, 0)).row()]
    assert len(top.needs_attention) == max(counts)
    qtbot.keyClicks(page.filter, "kestrel")
    assert page.names() == ["Halden Mutual Insurance – Kestrel Analytics"]
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)
    assert session.partnership_id != first
    assert session.partnership is not None and "Kestrel" in session.partnership.name
    assert window.pages.currentWidget() is window.home
    assert "Kestrel" in window.windowTitle()
    assert {m.partnership_id for m in session.meetings()} == {session.partnership_id}


def test_the_switcher_narrows_as_you_type_and_the_projector_closes_on_a_switch(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    session = window.session
    assert session is not None
    names = [(p.id, p.name) for p in session.partnerships()]
    switcher = PartnershipSwitcher(names, session.partnership_id, window)
    qtbot.addWidget(switcher)
    qtbot.keyClicks(switcher.line, "north")
    qtbot.keyClick(switcher.line, Qt.Key.Key_Return)
    northgate = next(pid for pid, name in names if "Northgate" in name)
    assert switcher.chosen == northgate

    window.open_meeting(session.meetings()[-1].id)
    window.toggle_projector()
    assert window.projector is not None
    window.open_partnership(northgate)
    assert window.projector is None
    assert session.partnership_id == northgate
    assert {m.partnership_id for m in session.meetings()} == {northgate}


def test_the_window_reopens_the_file_on_the_partnership_open_last(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    assert window.session is not None and window.home is not None
    assert window.home.portfolio_button.text() == "All partnerships (3)…"
    kestrel = next(p.id for p in window.session.partnerships() if "Kestrel" in p.name)
    window.open_partnership(kestrel)
    window.close()
    again = open_window(qtbot, settings, demo_path)
    assert again.session is not None and again.session.partnership_id == kestrel


def test_ctrl_f_finds_in_the_list_on_screen(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    window = open_window(qtbot, settings, demo_path)
    window.show_portfolio()
    assert window.portfolio is not None
    window.pages.setFocus()
    window.find_action.trigger()
    assert window.portfolio.filter.hasFocus() or window.focusWidget() is window.portfolio.filter
    window.show_register()
    register = window.register
    assert register is not None
    window.find_action.trigger()
    assert window.focusWidget() is register.search
