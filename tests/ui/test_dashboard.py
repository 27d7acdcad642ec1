"""The KPI dashboard view: worst first, RAG in words, filters, keyboard drill-down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from core.dashboard import summary, tiles
from core.model import KpiCategory, MeetingStatus, Rag
from storage.dashboard import dashboard_data
from ui.dashboard import DashboardView, rag_text
from ui.session import Session

ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, None: 3}


@pytest.fixture
def view(qtbot: QtBot, demo_session: Session) -> Iterator[DashboardView]:
    widget = DashboardView(demo_session)
    qtbot.addWidget(widget)
    widget.resize(1600, 1000)
    draft = next(m for m in demo_session.meetings() if m.status is MeetingStatus.DRAFT)
    widget.show_meeting(draft.id)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


def test_draft_meeting_shows_every_kpi_worst_first_with_rag_in_words(view: DashboardView) -> None:
    frames = view.tile_frames
    assert len(frames) == 14
    rags = [frame.tile.rag for frame in frames]
    assert [ORDER[r] for r in rags] == sorted(ORDER[r] for r in rags)
    for frame in frames:
        assert frame.rag_label.text() == rag_text(frame.tile.rag)
        assert frame.rag_label.text().split()[-1] in {"RED", "AMBER", "GREEN", "READING"}


def test_summary_line_matches_the_core_summary(view: DashboardView, demo_session: Session) -> None:
    assert demo_session.partnership_id is not None
    kpis, targets, readings = dashboard_data(demo_session.db, demo_session.partnership_id)
    expected = summary(tiles(kpis, targets, readings, view.period or ""))
    text = view.summary_label.text()
    for rag in ("red", "amber", "green"):
        assert f"{expected[rag]} {rag}" in text
    turned = expected["turned_red"]
    assert isinstance(turned, list)
    assert "turned red: " + (", ".join(turned) if turned else "none") in text


def test_filtering_by_category_reduces_the_tiles(view: DashboardView) -> None:
    index = view.category_filter.findText(KpiCategory.SERVICE.value.capitalize())
    view.category_filter.setCurrentIndex(index)
    shown = view.tile_frames
    assert 0 < len(shown) < 14
    assert all(frame.tile.kpi.category is KpiCategory.SERVICE for frame in shown)
    assert "of 14 KPIs" in view.summary_label.text()


def test_arrow_keys_move_between_tiles_and_enter_opens_the_drill_down(
    qtbot: QtBot, view: DashboardView
) -> None:
    first = view.tile_frames[0]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Right)
    second = view.tile_frames[1]
    assert second.hasFocus()
    with qtbot.waitSignal(view.kpi_opened) as opened:
        qtbot.keyClick(second, Qt.Key.Key_Return)
    assert opened.args == [second.tile.kpi.id]
    assert view.stack.currentWidget() is view.drill_down
    assert view.drill_down.kpi_id == second.tile.kpi.id
    assert view.drill_down.plot is not None
    assert len(view.drill_down.points) >= 20


def test_a_click_opens_a_tile_and_escape_returns(qtbot: QtBot, view: DashboardView) -> None:
    frame = view.tile_frames[2]
    with qtbot.waitSignal(view.kpi_opened):
        qtbot.mouseClick(frame, Qt.MouseButton.LeftButton)
    qtbot.keyClick(view.drill_down, Qt.Key.Key_Escape)
    assert view.stack.currentIndex() == 0
    assert view.tile_frames[2].hasFocus()


def test_hiding_releases_every_plot_and_showing_rebuilds(view: DashboardView) -> None:
    view.hide()
    assert view.tile_frames == []
    view.show()
    assert len(view.tile_frames) == 14


def test_the_dashboard_item_of_a_meeting_shows_the_tiles(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Moving to the agenda's dashboard item fills the main area with the meeting's tiles."""
    from core.model import AgendaItemKind
    from tests.ui.drive import live_meeting_at

    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DASHBOARD)
    page = window.meeting_page
    assert page is not None and page.meeting is not None
    assert page.kind_views.currentWidget() is page.dashboard_view
    assert len(page.dashboard_view.shown_tiles()) == 14
    assert page.meeting.period in page.dashboard_view.title.text()
    window.close()
