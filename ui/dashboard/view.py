"""The KPI dashboard of a meeting's period: the tiles worst first, filters, and a KPI's
drill-down where the other side confirms or disputes a reading."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QHideEvent,
    QResizeEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.changes import Change
from core.dashboard import KpiTile, first_period_shown, kpi_note_lines, summary, tiles
from core.figures import figure_with_unit
from core.kpis import can_confirm, disputed_readings, latest_dispute, reviewing_side
from core.model import (
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
from core.periods import first_day
from ui import palette
from ui.dashboard.dispute import DisputeDialog
from ui.dashboard.drill_down import KpiDrillDown, confirmation_text
from ui.dashboard.texts import (
    CONFIRMATION_TEXT,
    RAG_COLOURS,
    RAG_SHAPES,
    change_text,
    rag_pill,
)
from ui.dashboard.tile import TILE_GAP, TILE_WIDTH, KpiTileFrame, TileFonts
from ui.session import Session
from ui.theme import installed
from ui.undo import push_operation


class DashboardView(QWidget):
    """The dashboard agenda item: every KPI of the meeting's period, worst first; a KPI's
    drill-down, where the other side confirms or disputes a reading (undoable)."""

    kpi_opened = Signal(str)
    reading_reviewed = Signal()
    note_requested = Signal(str)

    def __init__(self, session: Session, undo_stack: QUndoStack | None = None) -> None:
        super().__init__()
        self.session = session
        self._undo = undo_stack if undo_stack is not None else QUndoStack(self)
        self.meeting_id: str | None = None
        self.period: str | None = None
        self.editable = False
        self.all_tiles: list[KpiTile] = []
        self.tile_frames: list[KpiTileFrame] = []
        self.disputed: list[Reading] = []
        self._kpis: dict[str, Kpi] = {}
        self._targets: dict[str, list[KpiTarget]] = {}
        # The tiles' readings (their 12 months and older disputes), and the open KPI's history.
        self._readings: dict[str, list[Reading]] = {}
        self._kpi_readings: list[Reading] = []
        self._dispute_reasons: dict[str, str] = {}
        self._notes = ""
        self._columns = 1
        self._tile_width = TILE_WIDTH
        self._released = False
        theme = installed()
        if theme is not None:  # tiles paint words laid out in the scheme's colours: made anew
            theme.changed.connect(self._on_scheme_changed)

        # The agenda item's heading above says "dashboard": this one says which month.
        self.title = QLabel("KPIs")
        self.title.setObjectName("sectionTitle")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("dashboardSummary")
        self.summary_label.setWordWrap(True)
        self.disputes_label = QLabel()
        self.disputes_label.setObjectName("disputesSummary")
        self.disputes_label.setWordWrap(True)
        self.category_filter = QComboBox()
        # Choices by index: Python objects as item data can crash PySide6 at exit.
        self._categories: list[KpiCategory | None] = [None, *KpiCategory]
        self.category_filter.addItems(
            ["All categories"] + [c.value.capitalize() for c in KpiCategory]
        )
        self.side_filter = QComboBox()
        self._sides: list[Side | None] = [None, *Side]
        self.side_filter.addItems(["Both sides"] + [f"Owned by {s.label}" for s in Side])
        self.category_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.side_filter.currentIndexChanged.connect(self._on_filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.title)
        filters.addStretch(1)
        filters.addWidget(QLabel("Category"))
        filters.addWidget(self.category_filter)
        filters.addWidget(QLabel("Owner"))
        filters.addWidget(self.side_filter)

        self.grid_host = QWidget()
        self.grid_host.setObjectName("tileGrid")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(TILE_GAP)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.tile_scroll = QScrollArea()
        self.tile_scroll.setWidgetResizable(True)
        self.tile_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tile_scroll.setWidget(self.grid_host)
        self.empty_label = QLabel("No KPI matches these filters.")
        self.empty_label.setObjectName("subtitle")
        self.empty_label.hide()

        board = QWidget()
        board_layout = QVBoxLayout(board)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addLayout(filters)
        board_layout.addWidget(self.summary_label)
        board_layout.addWidget(self.disputes_label)
        board_layout.addWidget(self.empty_label)
        board_layout.addWidget(self.tile_scroll, 1)
        self.drill_down = KpiDrillDown()
        self.drill_down.closed.connect(self._on_drill_down_closed)
        self.drill_down.confirm_requested.connect(self.confirm_reading)
        self.drill_down.dispute_requested.connect(self.dispute_reading)
        self.drill_down.note_requested.connect(self._on_drill_down_note_requested)
        self.drill_down.reading_chosen.connect(self._refresh_reading)
        self.stack = QStackedWidget()
        self.stack.addWidget(board)
        self.stack.addWidget(self.drill_down)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.stack)
        session.changed.connect(self._on_session_changed)

    # --- verbs --------------------------------------------------------------------------

    def show_meeting(self, meeting_id: str) -> None:
        """The tiles of the meeting's period."""
        meeting = self.session.meeting(meeting_id)
        self.meeting_id = meeting_id
        self.period = meeting.period
        self.editable = meeting.status is not MeetingStatus.SIGNED
        if self.stack.currentWidget() is self.drill_down:
            self.stack.setCurrentIndex(0)
        self._load()

    def open_kpi(self, kpi_id: str) -> None:
        """Show one KPI's drill-down and say so."""
        if self.period is None or kpi_id not in self._kpis:
            return
        changed = kpi_id != self.drill_down.kpi_id
        # The tiles read only their 12 months: the drill-down reads its KPI's whole history.
        self._kpi_readings = self.session.kpi_readings(kpi_id)
        self.drill_down.show_kpi(
            self._kpis[kpi_id], self._targets.get(kpi_id, []), self._kpi_readings, self.period
        )
        if changed:
            self.drill_down.show_message("")
        self._refresh_review_panel(keep=None if changed else self.drill_down.chosen_reading_id())
        self.stack.setCurrentWidget(self.drill_down)
        if changed:
            self.drill_down.back.setFocus()
        self.kpi_opened.emit(kpi_id)

    def shown_tiles(self) -> list[KpiTile]:
        return [frame.tile for frame in self.tile_frames]

    def set_notes(self, markdown: str) -> None:
        """The dashboard item's notes as typed: the drill-down shows the lines on its KPI."""
        self._notes = markdown
        kpi = self._kpis.get(self.drill_down.kpi_id or "")
        if kpi is not None:
            self.drill_down.show_notes(kpi_note_lines(markdown, kpi.name))

    def chosen_reading(self) -> Reading | None:
        """The reading chosen in the open drill-down, if any."""
        if self.stack.currentWidget() is not self.drill_down:
            return None
        return self._chosen()

    def _chosen(self) -> Reading | None:
        reading_id = self.drill_down.chosen_reading_id()
        return next((r for r in self._kpi_readings if r.id == reading_id), None)

    def confirm_reading(self) -> None:
        """The other side accepts the chosen reading (undoable)."""
        self._review(ReadingVerdict.CONFIRMED, "")

    def dispute_reading(self, reason: str | None = None) -> None:
        """The other side does not accept the chosen reading and says why (asked when not given)."""
        reading = self.chosen_reading()
        if reading is None:
            return
        if reason is not None:
            self._review(ReadingVerdict.DISPUTED, reason)
            return
        kpi = self._kpis[reading.kpi_id]
        what = f"{kpi.name}, {reading.period}: {figure_with_unit(reading.value, kpi.unit)}"
        dialog = DisputeDialog(
            self,
            what,
            reviewing_side(kpi, reading),
            lambda text: self._review(ReadingVerdict.DISPUTED, text),
        )
        dialog.exec()

    def _review(self, verdict: ReadingVerdict, comment: str) -> str | None:
        """Record a review of the chosen reading; the refusal's words, or None."""
        reading = self.chosen_reading()
        if reading is None or self.meeting_id is None:
            return None
        kpi, meeting_id = self._kpis[reading.kpi_id], self.meeting_id
        word = "Confirm" if verdict is ReadingVerdict.CONFIRMED else "Dispute"
        refused = push_operation(
            self._undo,
            f"{word} {kpi.name} for {reading.period}",
            lambda: self.session.review_reading(meeting_id, kpi, reading, verdict, comment),
        )
        if refused:
            self.drill_down.show_message(refused)
            return refused
        self.drill_down.show_message("")
        self.reading_reviewed.emit()
        return None

    # --- building -----------------------------------------------------------------------

    def _load(self) -> None:
        pid = self.session.partnership_id
        if pid is None or self.period is None:
            kpis: list[Kpi] = []
            self._targets, self._readings = {}, {}
        else:
            kpis, self._targets, self._readings = self.session.dashboard_window(
                first_period_shown(self.period), self.period
            )
        self._kpis = {k.id: k for k in kpis}
        self.all_tiles = tiles(kpis, self._targets, self._readings, self.period or "")
        self.disputed = disputed_readings(self._readings, self.period or "")
        self._dispute_reasons = {}
        for reading in self.disputed:
            dispute = latest_dispute(self.session.reading_reviews(reading.id))
            if dispute is not None:
                self._dispute_reasons[reading.id] = (
                    f"Disputed by {dispute.side.label}: {dispute.comment}"
                )
        self._rebuild()

    def _on_scheme_changed(self, _scheme: object) -> None:
        if self.tile_frames and not self._released:
            self._rebuild()

    def _rebuild(self) -> None:
        self._release_tiles()
        self._released = False
        category = self._categories[self.category_filter.currentIndex()]
        side = self._sides[self.side_filter.currentIndex()]
        shown = [
            t
            for t in self.all_tiles
            if (category is None or t.kpi.category is category)
            and (side is None or t.kpi.owner_side is side)
        ]
        reasons = {
            r.kpi_id: self._dispute_reasons.get(r.id, "")
            for r in self.disputed
            if r.period == self.period
        }
        fonts = TileFonts.of(self)
        self._columns, self._tile_width = self._columns_for_width()
        for tile in shown:
            frame = KpiTileFrame(
                tile, reasons.get(tile.kpi.id, ""), fonts, self.grid_host, self._tile_width
            )
            frame.opened.connect(self.open_kpi)
            frame.moved.connect(self._on_tile_moved)
            self.tile_frames.append(frame)
        self._place_tiles()
        self.empty_label.setVisible(not shown)
        self.summary_label.setText(self._summary_text(shown))
        self.disputes_label.setText(self._disputes_text())
        self.disputes_label.setVisible(bool(self.disputed))
        if self.period:
            self.title.setText(f"KPIs for {first_day(self.period):%B %Y}")

    def _summary_text(self, shown: list[KpiTile], plain: bool = False) -> str:
        """Counts per RAG, what turned red, what waits for confirmation; `plain` leaves the
        colours out (the projector's dark theme)."""
        counts = summary(shown)
        colours = {Rag.RED: RAG_COLOURS[Rag.RED], Rag.AMBER: palette.RAG_AMBER_DARK}
        colours[Rag.GREEN] = RAG_COLOURS[Rag.GREEN]
        parts = [
            f"<b style='color:{colours[rag]}'>{RAG_SHAPES[rag]} {counts[rag.value]} {rag.value}</b>"
            if not plain
            else f"<b>{RAG_SHAPES[rag]} {counts[rag.value]} {rag.value}</b>"
            for rag in (Rag.RED, Rag.AMBER, Rag.GREEN)
        ]
        if counts["no_reading"]:
            parts.append(f"{counts['no_reading']} without a reading")
        turned = counts["turned_red"]
        assert isinstance(turned, list)
        parts.append("turned red: " + (", ".join(turned) if turned else "none"))
        to_confirm = sum(1 for t in shown if t.confirmation is ReadingConfirmation.TO_BE_CONFIRMED)
        if to_confirm:
            tint = "" if plain else f" style='color:{palette.WARNING}'"
            parts.append(f"<span{tint}>? {to_confirm} to confirm</span>")
        text = " · ".join(parts)
        if len(shown) != len(self.all_tiles):
            count = f"{len(shown)} of {len(self.all_tiles)} KPIs"
            text += f"  <span style='color:{palette.DETAIL}'>({count})"
            text += "</span>"
        return text

    def _disputes_text(self) -> str:
        """Every open dispute, of this period or earlier: they stay in view until confirmed."""
        count = len(self.disputed)
        if not count:
            return ""
        names = ", ".join(
            f"{self._kpis[r.kpi_id].name} ({r.period})"
            for r in self.disputed
            if r.kpi_id in self._kpis
        )
        noun = "reading" if count == 1 else "readings"
        return f"⚑ {count} disputed {noun}: {html.escape(names)}"

    def _refresh_review_panel(self, keep: str | None = None) -> None:
        kpi = self._kpis.get(self.drill_down.kpi_id or "")
        if kpi is None or self.period is None:
            return
        readings = [r for r in self._kpi_readings if r.period <= self.period]
        waiting = [
            r
            for r in readings
            if r.period == self.period or r.confirmation is not ReadingConfirmation.CONFIRMED
        ]
        waiting.sort(key=lambda r: r.period, reverse=True)
        entries = [
            (r.id, f"{r.period} · {figure_with_unit(r.value, kpi.unit)} · {_state_word(r)}")
            for r in waiting
        ]
        self.drill_down.show_readings(entries, keep)
        self.drill_down.show_notes(kpi_note_lines(self._notes, kpi.name))
        self._refresh_reading()

    def _refresh_reading(self) -> None:
        reading = self._chosen()
        if reading is None:
            self.drill_down.show_reading(
                f"No reading for {self.period}.", None, confirm=False, dispute=False
            )
            return
        kpi = self._kpis[reading.kpi_id]
        side = reviewing_side(kpi, reading)
        parts = [
            f"<span style='font-size:15pt; font-weight:700'>"
            f"{html.escape(figure_with_unit(reading.value, kpi.unit))}</span>"
            f" &nbsp;for {reading.period}",
            f"<b>{html.escape(confirmation_text(reading, kpi))}</b>",
        ]
        if reading.comment:
            parts.append(f"Comment: <i>{html.escape(reading.comment)}</i>")
        names = {m.id: m for m in self.session.meetings()}
        for review in self.session.reading_reviews(reading.id):
            meeting = names.get(review.meeting_id)
            where = f"meeting {meeting.number}" if meeting else "a meeting"
            verb = "confirmed" if review.verdict is ReadingVerdict.CONFIRMED else "disputed"
            line = f"{review.side.label} {verb} in {where}, {review.reviewed_at:%d %b %H:%M}"
            if review.comment:
                line += f": “{html.escape(review.comment)}”"
            colour = RAG_COLOURS[Rag.RED] if verb == "disputed" else RAG_COLOURS[Rag.GREEN]
            parts.append(f"<span style='color:{colour}'>{line}</span>")
        live = self.editable and reading.period <= (self.period or "")
        self.drill_down.show_reading(
            "<br>".join(parts),
            side,
            confirm=live and can_confirm(reading),
            dispute=live and reading.confirmation is not ReadingConfirmation.DISPUTED,
        )

    def _columns_for_width(self) -> tuple[int, int]:
        """As many columns of tiles as fit, and the width each tile gets so that together they
        fill the row: the view's width less its margins, the grid's and room for the scroll
        bar (kept whether it shows or not, so that the tiles do not change width with it)."""
        # The scroll area is not laid out before the first show; the view's own width is.
        outer, inner = self._layout.contentsMargins(), self.grid.contentsMargins()
        scroll_bar = self.tile_scroll.verticalScrollBar().sizeHint().width()
        width = (
            self.width() - outer.left() - outer.right() - inner.left() - inner.right() - scroll_bar
        )
        columns = max(1, (width + TILE_GAP) // (TILE_WIDTH + TILE_GAP))
        return columns, max(TILE_WIDTH, (width - TILE_GAP * (columns - 1)) // columns)

    def _place_tiles(self) -> None:
        self._columns, self._tile_width = self._columns_for_width()
        for frame in self.tile_frames:
            frame.set_width(self._tile_width)
        for start in range(0, len(self.tile_frames), self._columns):
            row = self.tile_frames[start : start + self._columns]
            rows = row[0].natural
            for frame in row[1:]:
                rows = rows.union(frame.natural)
            for frame in row:
                frame.fit(rows)
        for index, frame in enumerate(self.tile_frames):
            self.grid.addWidget(frame, index // self._columns, index % self._columns)

    def _release_tiles(self) -> None:
        for frame in self.tile_frames:
            self.grid.removeWidget(frame)
            frame.hide()  # not painted again while it waits to be deleted
            frame.deleteLater()
        self.tile_frames = []

    def release(self) -> None:
        """Let go of the tiles and the drill-down's chart (PITFALLS.md): at the session's end."""
        self._release_tiles()
        self.drill_down.release()
        self._released = True

    # --- the room's view ----------------------------------------------------------------

    def projector_html(self) -> str:
        """The tiles in large print, worst first, or the open KPI with its readings to review."""
        if self.stack.currentWidget() is self.drill_down and self.drill_down.kpi_id:
            return self._drill_down_html()
        rows = []
        for tile in self.shown_tiles():
            value = "—" if tile.value is None else figure_with_unit(tile.value, tile.kpi.unit)
            state = ""
            if tile.confirmation in CONFIRMATION_TEXT:
                word = CONFIRMATION_TEXT[tile.confirmation]
                state = f"<br><i style='font-size:75%'>{word}</i>"
            change = "" if tile.change is None else change_text(tile).split(" since")[0]
            if tile.improved is not None:
                change += " better" if tile.improved else " worse"
            rows.append(
                f"<tr><td width='44%'>{html.escape(tile.kpi.name)}{state}</td>"
                f"<td width='18%' align=right><b>{html.escape(value)}</b></td>"
                f"<td width='18%'>{rag_pill(tile.rag)}</td>"
                f"<td width='20%'>{html.escape(change)}</td></tr>"
            )
        disputes = self._disputes_text()
        return (
            f"<p>{self._summary_text(self.shown_tiles(), plain=True)}</p>"
            + (f"<p><b>{disputes}</b></p>" if disputes else "")
            + '<table width="100%" cellspacing="0" cellpadding="6">'
            "<tr><th align=left>KPI</th><th align=right>Value</th><th align=left>RAG</th>"
            "<th align=left>Since last month</th></tr>" + "".join(rows) + "</table>"
        )

    def _drill_down_html(self) -> str:
        kpi = self._kpis[self.drill_down.kpi_id or ""]
        rows = []
        for period, value, rag in reversed(self.drill_down.points[-6:]):
            rows.append(
                f"<tr><td>{period}</td><td align=right><b>"
                f"{html.escape(figure_with_unit(value, kpi.unit))}</b></td>"
                f"<td>{rag_pill(rag)}</td></tr>"
            )
        reading = self._chosen()
        state = ""
        if reading is not None:
            state = f"<p><b>{reading.period}: {html.escape(confirmation_text(reading, kpi))}</b>"
            dispute = self._dispute_reasons.get(reading.id)
            if reading.confirmation is ReadingConfirmation.DISPUTED and dispute:
                state += f"<br>{html.escape(dispute)}"
            state += "</p>"
        return (
            f"<p>{html.escape(self.drill_down.detail.text().split('. The shaded')[0])}</p>"
            + state
            + '<table width="70%" cellspacing="0" cellpadding="6">'
            "<tr><th align=left>Period</th><th align=right>Value</th><th align=left>RAG</th></tr>"
            + "".join(rows)
            + "</table>"
        )

    # --- events -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._released and self.meeting_id is not None:
            self._rebuild()
            if self.stack.currentWidget() is self.drill_down and self.drill_down.kpi_id:
                self.open_kpi(self.drill_down.kpi_id)

    def hideEvent(self, event: QHideEvent) -> None:
        # Tiles are rebuilt when shown again; the drill-down keeps its one chart.
        self._release_tiles()
        self._released = True
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.tile_frames and self._columns_for_width() != (self._columns, self._tile_width):
            for frame in self.tile_frames:
                self.grid.removeWidget(frame)
            self._place_tiles()

    def _on_tile_moved(self, dx: int, dy: int) -> None:
        sender = self.sender()
        if not isinstance(sender, KpiTileFrame) or sender not in self.tile_frames:
            return
        index = self.tile_frames.index(sender) + dx + dy * self._columns
        if 0 <= index < len(self.tile_frames):
            self.tile_frames[index].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_filter_changed(self, _index: int) -> None:
        if self.meeting_id is not None:
            self._rebuild()

    def _on_drill_down_closed(self) -> None:
        kpi_id = self.drill_down.kpi_id
        self.stack.setCurrentIndex(0)
        for frame in self.tile_frames:
            if frame.tile.kpi.id == kpi_id:
                frame.setFocus(Qt.FocusReason.OtherFocusReason)
        self.kpi_opened.emit("")

    def _on_drill_down_note_requested(self) -> None:
        kpi = self._kpis.get(self.drill_down.kpi_id or "")
        if kpi is not None:
            self.note_requested.emit(kpi.name)

    def _on_session_changed(self, what: Change) -> None:
        if not what & (Change.READINGS | Change.KPIS) or self.meeting_id is None:
            return
        self._load()
        if self.stack.currentWidget() is self.drill_down and self.drill_down.kpi_id:
            self.open_kpi(self.drill_down.kpi_id)


def _state_word(reading: Reading) -> str:
    if reading.confirmation is ReadingConfirmation.DISPUTED:
        return "⚑ disputed"
    if reading.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
        return "? to confirm"
    return "✔ confirmed"
