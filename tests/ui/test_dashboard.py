"""The KPI dashboard view: worst first, RAG in words, filters, keyboard drill-down."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.changes import Change
from core.dashboard import summary, tile, tiles
from core.figures import figure_with_unit
from core.kpis import ReadingEntry
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    MeetingStatus,
    Rag,
    Reading,
    ReadingConfirmation,
    ReadingVerdict,
    Side,
)
from core.periods import add_months, first_day
from storage import repository
from storage.dashboard import dashboard_data
from ui import palette
from ui.dashboard import (
    RAG_COLOURS,
    TILE_COLOURS,
    DashboardView,
    DisputeDialog,
    KpiTileFrame,
    change_text,
    rag_text,
    target_text,
)
from ui.dashboard.tile import TILE_WIDTH
from ui.main_window import MainWindow
from ui.session import Session

ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, None: 3}


def painted(frame: KpiTileFrame) -> list[str]:
    """The words a tile paints."""
    return [text for text, _ in frame.painted_texts()]


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
        rag = rag_text(frame.tile.rag)
        assert frame.texts.rag == rag
        assert rag.split()[-1] in {"RED", "AMBER", "GREEN", "READING"}
        assert rag in painted(frame)
        assert frame.accessibleName() == f"{frame.tile.kpi.name}: {rag}"


def test_each_tile_paints_its_words_inside_itself_and_says_them(view: DashboardView) -> None:
    """Name, RAG, value, target, change, owner and badge, each painted once inside the tile,
    none over another; a screen reader hears the same words."""
    for frame in view.tile_frames:
        shown, kpi = frame.tile, frame.tile.kpi
        words = [
            kpi.name,
            rag_text(shown.rag),
            "—" if shown.value is None else figure_with_unit(shown.value, kpi.unit),
            target_text(shown.target, kpi),
            change_text(shown),
            f"{kpi.owner_side.label} · {kpi.category.value}",
        ]
        # the target as its bands: "green ≥ 99.9% · amber ≥ 99.5% · red < 99.5%"
        assert shown.target is None or words[3].replace("\u00a0", " ").startswith(
            ("green ≥ ", "green ≤ ")
        ), words[3]
        if shown.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
            words.append("? to confirm")
        elif shown.confirmation is ReadingConfirmation.DISPUTED:
            words.append("⚑ disputed")
        assert painted(frame) == words
        rects = [rect for _, rect in frame.painted_texts()]
        inside = QRectF(frame.rect())
        assert all(inside.contains(rect) for rect in rects), kpi.name
        for index, rect in enumerate(rects):
            assert not any(rect.intersects(other) for other in rects[index + 1 :]), kpi.name
        assert frame.accessibleName() == f"{kpi.name}: {rag_text(shown.rag)}"
        assert frame.accessibleDescription() == ". ".join(words[2:])


def _pixel(image: QImage, x: float, y: float) -> str:
    return QColor(image.pixel(int(x), int(y))).name()


def test_a_tile_shows_its_rag_in_colour_and_its_focus(qtbot: QtBot, view: DashboardView) -> None:
    """The band and the sparkline's last point in the RAG's colour; the focused tile in the
    focus colour, border and background, the others not."""
    frame = view.tile_frames[0]
    colour = RAG_COLOURS[frame.tile.rag] if frame.tile.rag else palette.FAINT
    image = frame.grab().toImage()
    assert _pixel(image, frame.width() / 2, 17) == colour  # the band
    last = frame.sparkline_points()[-1]
    assert _pixel(image, last.x(), last.y()) == colour
    assert _pixel(image, 1, frame.height() / 2) == TILE_COLOURS["border"]
    assert _pixel(image, 6, frame.height() / 2) == TILE_COLOURS["background"]
    frame.setFocus()
    qtbot.waitUntil(frame.hasFocus)
    image = frame.grab().toImage()
    assert _pixel(image, 1, frame.height() / 2) == TILE_COLOURS["focus_border"]
    assert _pixel(image, 6, frame.height() / 2) == TILE_COLOURS["focus_background"]
    other = view.tile_frames[1].grab().toImage()
    assert _pixel(other, 1, view.tile_frames[1].height() / 2) == TILE_COLOURS["border"]


def test_tiles_of_one_row_line_up(view: DashboardView) -> None:
    """Tiles side by side have the same height, and their values and sparklines the same
    height on the screen, whether their names take one line or two."""
    rows: dict[int, list[KpiTileFrame]] = {}
    for frame in view.tile_frames:
        row, _, _, _ = view.grid.getItemPosition(view.grid.indexOf(frame))
        rows.setdefault(row, []).append(frame)
    assert 1 < len(rows) < len(view.tile_frames)
    # Some row holds a name of one line beside a name of two.
    assert any(len({f.painted_texts()[0][1].height() for f in row}) > 1 for row in rows.values())
    for row in rows.values():
        assert len({frame.y() for frame in row}) == 1
        assert len({frame.height() for frame in row}) == 1
        assert len({frame.painted_texts()[2][1].top() for frame in row}) == 1
        assert len({frame.sparkline_rect().top() for frame in row}) == 1


def test_a_long_name_and_a_long_figure_stay_inside_their_tile(qtbot: QtBot) -> None:
    """A name too long for three lines is cut at a word (whole in the tooltip and accessible
    name); a figure too wide is printed smaller, never cut."""
    name = (
        "Share of customer-facing incidents resolved within the contractual window across"
        " every region, product line and support tier"
    )
    kpi = Kpi(
        "k", "p", name, "tickets", Direction.LOWER_IS_BETTER, Side.PARTNER, KpiCategory.SERVICE
    )
    periods = [add_months("2026-11", -m) for m in range(12, -1, -1)]
    readings = [
        Reading(f"r{i}", "k", period, 123_456_789.25 + i, "", Side.PARTNER)
        for i, period in enumerate(periods)
    ]
    made = tile(kpi, [KpiTarget("t", "k", "2025-01", 10, 15)], readings, "2026-11")
    frame = KpiTileFrame(made)
    qtbot.addWidget(frame)
    texts = painted(frame)
    assert texts[0] != name and texts[0].endswith("…") and name.startswith(texts[0][:-1])
    assert texts[2] == figure_with_unit(made.value or 0, "tickets") == "123,456,801.25 tickets"
    assert frame.toolTip().startswith(name)
    assert frame.accessibleName().startswith(name)
    inside = QRectF(frame.rect())
    for text, rect in frame.painted_texts():
        assert inside.contains(rect), text
    assert frame.painted_texts()[2][1].width() <= frame.width() - 30


def test_summary_line_matches_the_core_summary(view: DashboardView, demo_session: Session) -> None:
    assert demo_session.partnership_id is not None
    kpis, targets, readings = dashboard_data(demo_session._db, demo_session.partnership_id)
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


def test_an_old_dispute_stays_in_view_and_its_kpi_lists_it(
    view: DashboardView, demo_session: Session
) -> None:
    """The dashboard reads only its 12 months, yet a reading disputed two years before stays
    in the disputes line, and its KPI's drill-down (which reads the KPI's whole history) lists
    it for confirmation with the 24 months of its chart."""
    frame = view.tile_frames[0]
    kpi_id = frame.tile.kpi.id
    old = next(
        r
        for r in repository.readings(demo_session._db, kpi_id)
        if r.period == add_months(view.period or "", -24)
    )
    disputed = dataclasses.replace(old, confirmation=ReadingConfirmation.DISPUTED)
    repository.save_reading(demo_session._db, disputed, by="test")
    demo_session.changed.emit(Change.READINGS)
    assert f"{frame.tile.kpi.name} ({old.period})" in view.disputes_label.text()
    view.open_kpi(kpi_id)
    entries = [
        view.drill_down.readings.item(row).text() for row in range(view.drill_down.readings.count())
    ]
    assert any(entry.startswith(f"{old.period} ·") and "disputed" in entry for entry in entries)
    assert len(view.drill_down.points) == 24


def test_hiding_releases_the_tiles_and_showing_rebuilds(view: DashboardView) -> None:
    """Hidden, the dashboard lets its tiles go; shown again, it builds them anew."""
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
    # the month of the meeting's period, in words
    assert f"{first_day(page.meeting.period):%B %Y}" in page.dashboard_view.title.text()
    window.close()


# --- confirming and disputing readings in the meeting -----------------------------------------


def _answer_dispute(qtbot: QtBot, first: str, then: str, seen: list[str]) -> None:
    """When the dispute dialog opens: try `first` (noting the refusal), then `then`."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DisputeDialog)
        dialog.reason.setPlainText(first)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        seen.append(dialog.message.text() if dialog.isVisible() else "")
        dialog.reason.clear()
        qtbot.keyClicks(dialog.reason, then)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def _frame(view: DashboardView, name: str) -> KpiTileFrame:
    return next(f for f in view.tile_frames if f.tile.kpi.name == name)


def test_red_kpi_confirmed_another_disputed_with_a_note_and_found_after_reopening(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The enterprise's P1 figure (red) is confirmed by the partner; the partner's figure for
    an enterprise KPI is disputed with its reason (an empty reason is refused); a note is
    taken on the red KPI; undo and redo work; after reopening the file, all of it is there."""
    from core.model import AgendaItemKind
    from tests.ui.drive import live_meeting_at

    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DASHBOARD)
    page = window.meeting_page
    assert page is not None and page.meeting is not None and window.session is not None
    session, view, meeting = window.session, page.dashboard_view, page.meeting
    kpis = {k.name: k for k in session.kpis()}
    # The enterprise reports six P1 incidents for the partner's KPI: red, to be confirmed.
    session.enter_readings(
        [ReadingEntry(kpis["P1 incidents"].id, meeting.period, 6, "Six from the storage bug")],
        Side.ENTERPRISE,
    )
    first = _frame(view, "P1 incidents")
    assert first.tile.rag is Rag.RED
    # red tiles lead the dashboard
    assert first in view.tile_frames[: sum(f.tile.rag is Rag.RED for f in view.tile_frames)]
    assert first.texts.confirmation == "? to confirm"
    assert "? to confirm" in painted(first)
    assert "? to confirm" in first.accessibleDescription()
    assert "Six from the storage bug" in first.toolTip()

    qtbot.keyClick(first, Qt.Key.Key_Return)  # the keyboard drill-down
    assert view.drill_down.kpi_id == kpis["P1 incidents"].id
    assert "to be confirmed by Partner" in view.drill_down.reading_detail.text()
    assert window.confirm_action.isEnabled() and window.dispute_action.isEnabled()
    qtbot.mouseClick(view.drill_down.confirm_button, Qt.MouseButton.LeftButton)
    assert "Partner confirmed in meeting 25" in view.drill_down.reading_detail.text()
    assert not view.drill_down.confirm_button.isEnabled()
    qtbot.mouseClick(view.drill_down.note_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.notes, "RCA due from Brightline by 10 December")
    assert view.drill_down.notes.text() == (
        "• P1 incidents: RCA due from Brightline by 10 December"
    )

    qtbot.keyClick(view.drill_down, Qt.Key.Key_Escape)
    invoices = _frame(view, "Invoices paid within terms")
    with qtbot.waitSignal(view.kpi_opened):
        qtbot.mouseClick(invoices, Qt.MouseButton.LeftButton)
    refusals: list[str] = []
    _answer_dispute(qtbot, "   ", "Excludes the 14 held invoices", refusals)
    qtbot.mouseClick(view.drill_down.dispute_button, Qt.MouseButton.LeftButton)
    assert refusals and "needs its reason" in refusals[0]
    detail = view.drill_down.reading_detail.text()
    assert "disputed by Enterprise" in detail and "Excludes the 14 held invoices" in detail
    assert "1 disputed reading: Invoices paid within terms" in view.disputes_label.text()
    qtbot.keyClick(view.drill_down, Qt.Key.Key_Escape)
    disputed = _frame(view, "Invoices paid within terms")
    assert disputed.texts.confirmation == "⚑ disputed"
    assert "⚑ disputed" in painted(disputed)
    assert "⚑ disputed" in disputed.accessibleDescription()
    assert "Disputed by Enterprise: Excludes the 14 held invoices" in disputed.toolTip()

    window.undo_stack.undo()  # the dispute goes, the reading waits again
    assert not view.disputes_label.isVisible()
    assert _frame(view, "Invoices paid within terms").tile.confirmation is (
        ReadingConfirmation.TO_BE_CONFIRMED
    )
    window.undo_stack.redo()
    assert "1 disputed reading" in view.disputes_label.text()
    page.notes.flush()
    window.close()

    again = MainWindow(settings, interactive=False)
    qtbot.addWidget(again)
    assert again.open_database(demo_path)
    assert again.session is not None
    from storage import repository

    by_reading = {
        r.reading_id: r
        for r in repository.reading_reviews_in_meeting(again.session._db, meeting.id)
    }
    _, _, readings = again.session.dashboard_data()
    p1 = next(r for r in readings[kpis["P1 incidents"].id] if r.period == meeting.period)
    inv = next(
        r for r in readings[kpis["Invoices paid within terms"].id] if r.period == meeting.period
    )
    assert p1.confirmation is ReadingConfirmation.CONFIRMED
    assert (by_reading[p1.id].side, by_reading[p1.id].verdict) == (
        Side.PARTNER,
        ReadingVerdict.CONFIRMED,
    )
    assert inv.confirmation is ReadingConfirmation.DISPUTED
    assert by_reading[inv.id].comment == "Excludes the 14 held invoices"
    again.open_meeting(meeting.id)
    reopened = again.meeting_page
    assert reopened is not None
    reopened.go_to(
        next(
            i
            for i, it in enumerate(reopened.rail_model.items())
            if it.kind is AgendaItemKind.DASHBOARD
        )
    )
    assert "RCA due from Brightline by 10 December" in reopened.notes.toPlainText()
    assert "1 disputed reading" in reopened.dashboard_view.disputes_label.text()
    reopened.dashboard_view.open_kpi(kpis["Invoices paid within terms"].id)
    assert (
        "Excludes the 14 held invoices" in reopened.dashboard_view.drill_down.reading_detail.text()
    )
    again.close()


def test_a_signed_meeting_shows_its_readings_but_takes_no_review(
    qtbot: QtBot, demo_session: Session
) -> None:
    """In a signed meeting the drill-down can be read; confirm and dispute are not offered."""
    view = DashboardView(demo_session)
    qtbot.addWidget(view)
    signed = [m for m in demo_session.meetings() if m.status is MeetingStatus.SIGNED][-1]
    view.show_meeting(signed.id)
    view.show()
    view.open_kpi(view.tile_frames[0].tile.kpi.id)
    assert not view.drill_down.confirm_button.isEnabled()
    assert not view.drill_down.dispute_button.isEnabled()
    view.close()


def test_the_drill_down_keeps_one_chart_however_often_it_is_shown(
    qtbot: QtBot, view: DashboardView
) -> None:
    """One pyqtgraph chart for the view's life: each made and destroyed leaks (PITFALLS.md)."""
    view.open_kpi(view.tile_frames[0].tile.kpi.id)
    chart = view.drill_down.plot
    before = sum(isinstance(w, pg.PlotWidget) for w in QApplication.allWidgets())
    for frame_index in range(1, 7):
        view.hide()
        view.show()
        view.open_kpi(view.tile_frames[frame_index].tile.kpi.id)
    assert view.drill_down.plot is chart
    assert sum(isinstance(w, pg.PlotWidget) for w in QApplication.allWidgets()) == before


def test_projector_html_names_every_kpi_with_its_rag_in_words(view: DashboardView) -> None:
    """The room reads each KPI, its value and its RAG as a word, not a colour alone."""
    html = view.projector_html()
    for frame in view.tile_frames:
        assert frame.tile.kpi.name.replace("&", "&amp;").replace(">", "&gt;") in html
        assert rag_text(frame.tile.rag) in html


def test_the_dashboard_and_the_minutes_print_each_figure_alike(
    qtbot: QtBot, demo_session: Session
) -> None:
    """For the demo's newest signed meeting, every value a tile paints appears, as the same
    text, in that meeting's signed PDF (read back with pypdf): one formatter for both."""
    import io

    from pypdf import PdfReader

    signed = [m for m in demo_session.meetings() if m.status is MeetingStatus.SIGNED][-1]
    view = DashboardView(demo_session)
    qtbot.addWidget(view)
    view.show_meeting(signed.id)
    pdf = demo_session.minutes_pdf(signed.id)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    values = [frame.texts.value for frame in view.tile_frames if frame.tile.value is not None]
    units = {frame.tile.kpi.unit for frame in view.tile_frames}
    assert len(values) >= 10 and {"%", "count"} <= units
    missing = [value for value in values if value not in text]
    assert missing == []
    view.close()


def test_tiles_fill_the_width_as_many_to_a_row_as_fit(qtbot: QtBot, view: DashboardView) -> None:
    """As many tiles to a row as fit at their narrowest, sharing the row's width equally, so no
    column's worth of the width is left empty; narrower, fewer to a row; their words inside."""
    gap = view.grid.spacing()
    seen = set()
    for width in (1600, 1900, 1100, 760):
        view.resize(width, 1000)
        qtbot.waitUntil(lambda w=width: view.width() == max(w, view.minimumSizeHint().width()))  # type: ignore[misc]
        margins = view.grid.contentsMargins()
        room = view.tile_scroll.viewport().width() - margins.left() - margins.right()
        first = [
            f for f in view.tile_frames if view.grid.getItemPosition(view.grid.indexOf(f))[0] == 0
        ]
        columns = len(first)
        seen.add(columns)
        assert columns == max(1, (room + gap) // (TILE_WIDTH + gap)) or columns == max(
            1,
            (room - view.tile_scroll.verticalScrollBar().sizeHint().width() + gap)
            // (TILE_WIDTH + gap),
        )
        assert len({f.width() for f in view.tile_frames}) == 1
        assert first[0].width() >= TILE_WIDTH
        used = sum(f.width() for f in first) + gap * (columns - 1)
        assert used <= room
        assert room - used <= view.tile_scroll.verticalScrollBar().sizeHint().width() + columns
        for frame in first:
            inside = QRectF(frame.rect())
            assert all(inside.contains(rect) for _, rect in frame.painted_texts())
    assert len(seen) >= 3
