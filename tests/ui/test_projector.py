"""The projector view on a second screen, following the facilitator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from core.ids import new_id
from core.model import AgendaItemKind, Decision
from tests.ui.drive import live_meeting_at
from ui.projector import FOCUS_MARK, ProjectorWindow, page_markup, split_units

SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1440, "height": 900, "logicalDpi": 96},
        {"name": "room", "x": 1440, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96},
    ]
}


def test_projector_opens_full_screen_on_the_other_screen_and_follows(
    demo_path: Path, tmp_path: Path
) -> None:
    """With two screens, the projector fills the one that is not the facilitator's and
    shows the current item and its notes as they are typed."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("projector_run.py")),
            str(demo_path),
            str(tmp_path / "settings.ini"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screens"] == ["laptop", "room"]
    assert seen["projector_screen"] == "room"
    assert seen["full_screen"]
    assert seen["projector_geometry"] == [1440, 0, 1920, 1080]
    assert seen["first_title"] == seen["first_item"]
    assert seen["second_title"] == seen["second_item"] != seen["first_title"]
    assert "Shown to the room as it is typed" in seen["content"]
    assert not seen["has_editing_controls"]


def test_projector_remembers_the_chosen_screen(qtbot: QtBot, settings: QSettings) -> None:
    """A screen picked once is the projector's screen next time."""
    from ui.main_window import MainWindow

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    window.choose_projector_screen("room-that-is-not-here")
    assert window.projector_screen_name() != "room-that-is-not-here"  # unknown screens fall back
    name = window.projector_screen_name()
    window.choose_projector_screen(name)
    assert settings.value("projector/screen") == name
    again = MainWindow(settings, interactive=False)
    qtbot.addWidget(again)
    assert again.projector_screen_name() == name


def test_projector_font_scale_and_theme(qtbot: QtBot) -> None:
    """Ctrl+Plus and Ctrl+Minus change the projector's type size within bounds; themes switch."""
    projector = ProjectorWindow("Halden – Brightline", "dark", 1.0)
    qtbot.addWidget(projector)
    projector.zoom_in()
    assert projector.scale > 1.0
    for _ in range(30):
        projector.zoom_out()
    assert projector.scale == 0.6
    projector.set_theme("light")
    assert "#ffffff" in projector.styleSheet()


def test_ctrl_plus_minus_and_zero_size_the_projector_text_from_either_window(
    qtbot: QtBot, settings: QSettings, demo_path: Path, qtlog: Any
) -> None:
    """Real key presses in the projector window and in the main window: Ctrl+Plus (and
    Ctrl+=) larger, Ctrl+Minus smaller, Ctrl+0 back to the usual size, and Qt never reports an
    ambiguous shortcut (which would make it drop the key)."""
    from ui.main_window import MainWindow

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    window.show()
    qtbot.waitExposed(window)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    projector = window.open_projector()
    assert projector is not None
    qtbot.waitExposed(projector)
    for target in (projector, window):
        target.activateWindow()
        qtbot.waitUntil(target.isActiveWindow)
        start = projector.scale
        qtbot.keySequence(target, QKeySequence("Ctrl++"))
        assert projector.scale > start
        bigger = projector.scale
        qtbot.keySequence(target, QKeySequence("Ctrl+="))
        assert projector.scale > bigger
        qtbot.keySequence(target, QKeySequence("Ctrl+-"))
        assert projector.scale < projector.scale * 1.15 and projector.scale > start
        qtbot.keySequence(target, QKeySequence("Ctrl+0"))
        assert projector.scale == 1.0
    messages = [record.message for record in qtlog.records]
    assert not [m for m in messages if "Ambiguous shortcut" in m], messages
    projector.close()


def _long_table(rows: int) -> str:
    body = "".join(
        f"<tr><td>row-{n:02d} an action long enough to wrap onto a second line when the"
        f" room's screen is small</td><td align=right>{n}%</td><td>comment {n:02d}</td></tr>"
        for n in range(rows)
    )
    return (
        "<p>Reviewed 0 of 40</p>"
        '<table width="100%" cellspacing="0" cellpadding="6">'
        "<tr><th align=left>Action</th><th align=right>Done</th><th align=left>Comment</th></tr>"
        f"{body}</table>"
    )


def _shown_projector(qtbot: QtBot, width: int, height: int) -> ProjectorWindow:
    projector = ProjectorWindow("Halden – Brightline", "dark", 1.0)
    qtbot.addWidget(projector)
    projector.resize(width, height)
    projector.show()
    qtbot.waitExposed(projector)
    return projector


def test_a_long_table_is_cut_into_pages_between_rows(qtbot: QtBot) -> None:
    """A table longer than the screen is laid out on pages: each page fits the screen (no
    half row, no scroll bar), every row is on exactly one page, and the header on each."""
    projector = _shown_projector(qtbot, 1280, 720)
    projector.show_html(_long_table(40))
    assert projector.page_count() > 1
    seen: dict[str, int] = {}
    for page in range(projector.page_count()):
        projector.go_to_page(page)
        view = projector.page_view
        assert view.document().size().height() <= view.viewport().height()
        assert not view.verticalScrollBar().isVisible()
        assert view.verticalScrollBar().maximum() == 0
        text = view.toPlainText()
        assert "Action" in text and "Comment" in text  # the header again
        for n in range(40):
            if f"row-{n:02d}" in text:
                seen[f"row-{n:02d}"] = seen.get(f"row-{n:02d}", 0) + 1
    assert seen == {f"row-{n:02d}": 1 for n in range(40)}


def test_pages_are_laid_out_again_for_another_size_and_scale(qtbot: QtBot) -> None:
    """A larger screen needs no more pages than a smaller one at the same scale; larger
    type needs more; every page still fits."""
    projector = _shown_projector(qtbot, 1280, 720)
    projector.show_html(_long_table(40))
    small = projector.page_count()
    projector.set_scale(2.0)
    assert projector.page_count() > small
    view = projector.page_view
    for page in range(projector.page_count()):
        projector.go_to_page(page)
        assert view.document().size().height() <= view.viewport().height()


def test_page_down_and_up_move_the_room_and_the_mark_says_where(qtbot: QtBot) -> None:
    """Page Down and Page Up in the projector window turn the pages; "page 2 of N" shows."""
    projector = _shown_projector(qtbot, 1280, 720)
    projector.activateWindow()
    qtbot.waitUntil(projector.isActiveWindow)
    projector.show_html(_long_table(40))
    count = projector.page_count()
    assert projector.page_mark.text().startswith(f"page 1 of {count}")
    qtbot.keyClick(projector, Qt.Key.Key_PageDown)
    assert projector.page_index() == 1
    assert projector.page_mark.text().startswith(f"page 2 of {count}")
    qtbot.keyClick(projector, Qt.Key.Key_PageUp)
    qtbot.keyClick(projector, Qt.Key.Key_PageUp)  # no page before the first
    assert projector.page_index() == 0
    projector.show_html(_long_table(3))
    assert projector.page_count() == 1
    assert projector.page_mark.text() == ""


def test_the_room_follows_the_row_under_review_to_its_page(qtbot: QtBot) -> None:
    """When the highlighted row moves onto a later page, that page is shown."""
    projector = _shown_projector(qtbot, 1280, 720)
    highlighted = _long_table(40).replace(
        "<tr><td>row-35", f'<tr style="{FOCUS_MARK};color:#ffffff;"><td>row-35'
    )
    projector.show_html(highlighted)
    assert projector.page_index() > 0
    assert "row-35" in projector.page_view.toPlainText()


def test_split_units_keeps_rows_lists_and_paragraphs_whole() -> None:
    """Rich text is cut at rows, list items and top-level paragraphs; a page repeats a
    table's opening and header and numbers an ordered list on."""
    source = (
        "<p>Lead</p><table><tr><th>H</th></tr><tr><td>a</td></tr><tr><td>b</td></tr></table>"
        "<ol><li>one</li><li>two</li></ol>"
    )
    units = split_units(source)
    assert [u.markup for u in units] == [
        "<p>Lead</p>",
        "<tr><td>a</td></tr>",
        "<tr><td>b</td></tr>",
        "<li>one</li>",
        "<li>two</li>",
    ]
    assert units[0].keep_with_next
    assert page_markup(units[2:3]) == "<table><tr><th>H</th></tr><tr><td>b</td></tr></table>"
    assert page_markup(units[4:]) == "<ol start=2><li>two</li></ol>"
    assert page_markup(units) == source.replace("<ol>", "<ol start=1>")


def test_the_decisions_on_the_current_item_are_shown_and_alt_page_keys_turn_pages(
    qtbot: QtBot, settings: QSettings, demo_path: Path, qtlog: Any
) -> None:
    """A decision recorded on the item shows on the projector at once; from the main window
    Alt+Page Down and Alt+Page Up turn the room's pages, with no ambiguous shortcut."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.ACTION_REVIEW)
    page = window.meeting_page
    assert page is not None and page.meeting is not None and page.current_item is not None
    assert window.session is not None
    projector = window.open_projector()
    assert projector is not None
    qtbot.waitExposed(projector)
    assert not projector.decisions.isVisible()
    text = "Escalate the DR test to the board"
    decision = Decision(new_id(), page.meeting.id, text, page.current_item.id)
    window.session.add_decision(decision)
    qtbot.waitUntil(projector.decisions.isVisible)
    assert text in projector.decisions.text()
    projector.set_scale(2.5)  # the review table on several pages of the small test screen
    assert projector.page_count() > 1
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence("Alt+PgDown"))
    assert projector.page_index() == 1
    qtbot.keySequence(window, QKeySequence("Alt+PgUp"))
    assert projector.page_index() == 0
    projector.activateWindow()
    qtbot.waitUntil(projector.isActiveWindow)
    qtbot.keySequence(projector, QKeySequence("PgDown"))
    assert projector.page_index() == 1
    qtbot.keySequence(projector, QKeySequence("Alt+PgUp"))
    assert projector.page_index() == 0
    messages = [record.message for record in qtlog.records]
    assert not [m for m in messages if "Ambiguous shortcut" in m], messages
    projector.close()
    window.close()


def test_a_cell_with_its_own_style_keeps_the_row_rule_and_padding(qtbot: QtBot) -> None:
    """The initiatives' Comment cells carry a style of their own: their rule and padding are
    given back, so rules run the table's full width."""
    projector = _shown_projector(qtbot, 1280, 720)
    projector.show_html(
        "<table width='100%'><tr><th>Name</th><th>Comment</th></tr>"
        "<tr><td>Cloud</td><td style='font-size:80%'>slipped a month</td></tr></table>"
    )
    document = projector.page_view.document()
    table = next(f for f in document.rootFrame().childFrames())
    comment = table.cellAt(1, 1).format().toTableCellFormat()  # type: ignore[attr-defined]
    name = table.cellAt(1, 0).format().toTableCellFormat()  # type: ignore[attr-defined]
    assert comment.bottomBorder() == name.bottomBorder() > 0
    assert comment.leftPadding() == name.leftPadding() > 0
