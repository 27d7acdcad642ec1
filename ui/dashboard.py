"""The KPI dashboard of a meeting's period: tiles worst first, and a drill-down per KPI."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGraphicsRectItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.dashboard import KpiTile, summary, tiles
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Rag,
    Reading,
    ReadingConfirmation,
    Side,
)
from core.periods import add_months
from core.rag import rag_of_reading, target_in_force
from storage.dashboard import dashboard_data
from ui.session import Session

# A palette told apart by colour-blind viewers too; the shape and word are always shown as well.
RAG_COLOURS = {Rag.RED: "#b2182b", Rag.AMBER: "#e08214", Rag.GREEN: "#1b7837"}
RAG_TEXT_COLOURS = {Rag.RED: "#ffffff", Rag.AMBER: "#1a1a1a", Rag.GREEN: "#ffffff"}
RAG_SHAPES = {Rag.RED: "■", Rag.AMBER: "▲", Rag.GREEN: "●"}
RAG_SYMBOLS = {Rag.RED: "s", Rag.AMBER: "t1", Rag.GREEN: "o"}
NO_READING_COLOUR = "#8a94a3"
LINE_COLOUR = "#2b3a55"
TILE_WIDTH = 320
MAX_COLUMNS = 4
DRILL_DOWN_MONTHS = 24
CONFIRMATION_TEXT = {
    ReadingConfirmation.TO_BE_CONFIRMED: ("to confirm", "#8a5a00"),
    ReadingConfirmation.DISPUTED: ("disputed", "#b2182b"),
}

TILE_STYLE = """
QFrame#kpiTile { background: #ffffff; border: 3px solid #dde3ea; border-radius: 8px; }
QFrame#kpiTile:focus { border: 3px solid #1f5fa8; background: #f4f8fd; }
QLabel#kpiName { font-size: 11pt; font-weight: 600; color: #14213d; }
QLabel#kpiValue { font-size: 22pt; font-weight: 700; color: #14213d; }
QLabel#kpiDetail { color: #4a5563; }
"""


def number_text(value: float) -> str:
    """A reading as the room reads it: at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(value: float, unit: str) -> str:
    if unit in ("%", "/5"):
        return f"{number_text(value)}{'' if unit == '/5' else ' '}{unit}"
    return f"{number_text(value)} {unit}"


def rag_text(rag: Rag | None) -> str:
    """The RAG in words with its shape, so it never rests on colour alone."""
    return "— NO READING" if rag is None else f"{RAG_SHAPES[rag]} {rag.label}"


def target_text(target: KpiTarget | None, direction: Direction) -> str:
    if target is None:
        return "No target in force"
    worse = "<" if direction is Direction.HIGHER_IS_BETTER else ">"
    return (
        f"Target {number_text(target.target)} · amber {worse} {number_text(target.amber)}"
        f" · red {worse} {number_text(target.red)}"
    )


def change_text(tile: KpiTile) -> str:
    if tile.change is None:
        return "No reading last month to compare"
    if tile.improved is None:
        return "→ unchanged since last month"
    arrow = "↑" if tile.change > 0 else "↓"
    verdict = "better" if tile.improved else "worse"
    return f"{arrow} {number_text(abs(tile.change))} since last month · {verdict}"


def _release(plot: pg.PlotWidget) -> None:
    """A plot still alive at interpreter exit can crash (PITFALLS.md): close and delete it."""
    plot.close()
    plot.deleteLater()


class Sparkline(QWidget):
    """The last 12 readings as a small line, the latest point in its RAG colour and shape.

    Painted directly rather than with a pyqtgraph PlotWidget: with PySide6 6.12 and pyqtgraph
    0.14 every PlotWidget created, shown or deleted drops references to None and True (about
    500 a widget), and fourteen per redraw exhausts them within minutes: a crash.
    """

    def __init__(self, tile: KpiTile) -> None:
        super().__init__()
        self.setObjectName("sparkline")
        self.values = [value for _, value in tile.history]
        self.rag = tile.rag
        self.setFixedHeight(48)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def points(self) -> list[QPointF]:
        """Where each reading is drawn, oldest on the left, the widget's margins kept clear."""
        if not self.values:
            return []
        margin = 7.0
        width, height = self.width() - 2 * margin, self.height() - 2 * margin
        low, high = min(self.values), max(self.values)
        span = (high - low) or 1.0
        step = width / max(1, len(self.values) - 1)
        return [
            QPointF(
                margin + i * step,
                margin + (height / 2 if high == low else height * (high - v) / span),
            )
            for i, v in enumerate(self.values)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        points = self.points()
        if points:
            painter.setPen(QPen(QColor(LINE_COLOUR), 2))
            painter.drawPolyline(points)
            last = points[-1]
            colour = QColor(RAG_COLOURS[self.rag] if self.rag else NO_READING_COLOUR)
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            if self.rag is Rag.RED:
                painter.drawRect(QRectF(last.x() - 4.5, last.y() - 4.5, 9, 9))
            elif self.rag is Rag.AMBER:
                painter.drawPolygon(
                    [
                        QPointF(last.x(), last.y() - 5.5),
                        QPointF(last.x() - 5.5, last.y() + 4.5),
                        QPointF(last.x() + 5.5, last.y() + 4.5),
                    ]
                )
            else:
                painter.drawEllipse(last, 4.5, 4.5)
        painter.end()


class KpiTileFrame(QFrame):
    """One KPI's tile: focusable, arrow keys move between tiles, Enter or a click opens it."""

    opened = Signal(str)
    moved = Signal(int, int)

    def __init__(self, tile: KpiTile) -> None:
        super().__init__()
        self.tile = tile
        self.setObjectName("kpiTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(TILE_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        kpi = tile.kpi
        colour = RAG_COLOURS[tile.rag] if tile.rag else NO_READING_COLOUR
        self.band = QFrame()
        self.band.setObjectName("ragBand")
        self.band.setFixedHeight(8)
        self.band.setStyleSheet(f"background: {colour}; border: none; border-radius: 3px;")
        name = QLabel(kpi.name)
        name.setObjectName("kpiName")
        name.setWordWrap(True)
        self.rag_label = QLabel(rag_text(tile.rag))
        self.rag_label.setObjectName("ragLabel")
        text_colour = RAG_TEXT_COLOURS[tile.rag] if tile.rag else "#ffffff"
        self.rag_label.setStyleSheet(
            f"background: {colour}; color: {text_colour}; border-radius: 9px;"
            " padding: 2px 10px; font-weight: 700;"
        )
        self.rag_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        head = QHBoxLayout()
        head.addWidget(name, 1)
        head.addWidget(self.rag_label, 0, Qt.AlignmentFlag.AlignTop)
        value = QLabel("—" if tile.value is None else value_text(tile.value, kpi.unit))
        value.setObjectName("kpiValue")
        target = QLabel(target_text(tile.target, kpi.direction))
        target.setObjectName("kpiDetail")
        target.setWordWrap(True)
        self.change_label = QLabel(change_text(tile))
        self.change_label.setObjectName("kpiDetail")
        if tile.improved is not None:
            self.change_label.setStyleSheet(
                f"color: {'#1b5e20' if tile.improved else '#9c1c2b'}; font-weight: 600;"
            )
        self.sparkline = Sparkline(tile)
        owner = QLabel(f"{kpi.owner_side.label} · {kpi.category.value}")
        owner.setObjectName("kpiDetail")
        foot = QHBoxLayout()
        foot.addWidget(owner, 1)
        self.confirmation_label: QLabel | None = None
        if tile.confirmation in CONFIRMATION_TEXT:
            text, tint = CONFIRMATION_TEXT[tile.confirmation]
            self.confirmation_label = QLabel(text)
            self.confirmation_label.setObjectName("confirmation")
            self.confirmation_label.setStyleSheet(
                f"color: {tint}; border: 1px solid {tint}; border-radius: 8px; padding: 1px 8px;"
                " font-style: italic;"
            )
            foot.addWidget(self.confirmation_label)
        if tile.comment:
            self.setToolTip(tile.comment)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addWidget(self.band)
        layout.addLayout(head)
        layout.addWidget(value)
        layout.addWidget(target)
        layout.addWidget(self.change_label)
        layout.addWidget(self.sparkline)
        layout.addLayout(foot)
        self.setAccessibleName(f"{kpi.name}: {rag_text(tile.rag)}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in steps:
            self.moved.emit(*steps[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.opened.emit(self.tile.kpi.id)
        else:
            super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.opened.emit(self.tile.kpi.id)
        super().mouseReleaseEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.ensure_visible()

    def ensure_visible(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(self, 8, 8)


class KpiDrillDown(QWidget):
    """One KPI over 24 months: readings coloured by RAG, target and thresholds as they changed.

    One PlotWidget, made on first use and redrawn for each KPI (each PlotWidget made costs
    references, see Sparkline); released when the dashboard is hidden.
    """

    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.kpi_id: str | None = None
        self.back = QPushButton("← Back to the dashboard")
        self.back.clicked.connect(self.closed.emit)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.detail = QLabel()
        self.detail.setObjectName("subtitle")
        self.detail.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(head)
        self.layout_.addWidget(self.detail)
        self.plot: pg.PlotWidget | None = None
        self.points: list[tuple[str, float, Rag | None]] = []
        self.legend = QLabel(
            "  ".join(
                f"<span style='color:{RAG_COLOURS[r]}'>{RAG_SHAPES[r]}</span> {r.label.lower()}"
                for r in Rag
            )
            + "  <span style='color:#1f5fa8'>━ ━</span> target"
            + f"  <span style='color:{RAG_COLOURS[Rag.AMBER]}'>▮</span> amber band"
            + f"  <span style='color:{RAG_COLOURS[Rag.RED]}'>▮</span> red band"
        )
        self.legend.setObjectName("subtitle")
        self.layout_.addWidget(self.legend)

    def show_kpi(
        self, kpi: Kpi, targets: list[KpiTarget], readings: list[Reading], period: str
    ) -> None:
        self.kpi_id = kpi.id
        periods = [add_months(period, m) for m in range(-(DRILL_DOWN_MONTHS - 1), 1)]
        by_period = {r.period: r for r in readings}
        self.title.setText(f"{kpi.name} · last {DRILL_DOWN_MONTHS} months to {period}")
        direction = "higher" if kpi.direction is Direction.HIGHER_IS_BETTER else "lower"
        self.detail.setText(
            f"Unit {kpi.unit} · {direction} is better · owned by {kpi.owner_side.label} · "
            f"{target_text(target_in_force(targets, period), kpi.direction)}. "
            "The shaded bands are amber and red as the thresholds stood each month."
        )
        self.points = [
            (p, by_period[p].value, rag_of_reading(by_period[p].value, p, kpi.direction, targets))
            for p in periods
            if p in by_period
        ]
        if self.plot is None:
            self.plot = pg.PlotWidget(background="w")
            self.plot.setObjectName("kpiDrillDown")
            self.plot.setMinimumHeight(360)
            self.layout_.insertWidget(self.layout_.count() - 1, self.plot, 1)
        item = self.plot.getPlotItem()
        item.clear()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=0.2)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(pg.mkPen("#555555"))
            item.getAxis(axis).setTextPen(pg.mkPen("#333333"))
        item.setLabel("left", kpi.name if len(kpi.name) < 30 else "value", units=None)
        item.getAxis("bottom").setTicks(
            [[(i, p) for i, p in enumerate(periods) if i % 3 == (len(periods) - 1) % 3]]
        )
        values = [v for _, v, _ in self.points]
        in_force = [target_in_force(targets, p) for p in periods]
        levels = values + [x for t in in_force if t for x in (t.target, t.amber, t.red)]
        if levels:
            low, high = min(levels), max(levels)
            margin = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
            low, high = low - margin, high + margin
            worst = low if kpi.direction is Direction.HIGHER_IS_BETTER else high
            self._draw_thresholds(item, periods, in_force, worst)
            item.setYRange(low, high, padding=0)
        item.setXRange(-0.5, len(periods) - 0.5, padding=0.01)
        index = {p: i for i, p in enumerate(periods)}
        xs = [index[p] for p, _, _ in self.points]
        if self.points:
            item.plot(xs, values, pen=pg.mkPen(LINE_COLOUR, width=2))
            item.plot(
                xs,
                values,
                pen=None,
                symbol=[RAG_SYMBOLS[r] if r else "o" for _, _, r in self.points],
                symbolSize=12,
                symbolBrush=[
                    pg.mkBrush(RAG_COLOURS[r] if r else NO_READING_COLOUR)
                    for _, _, r in self.points
                ],
                symbolPen=pg.mkPen("w"),
            )

    def _draw_thresholds(
        self,
        item: pg.PlotItem,
        periods: list[str],
        in_force: list[KpiTarget | None],
        worst: float,
    ) -> None:
        """Amber and red bands and the target line, month by month, as steps."""
        for i, target in enumerate(in_force):
            if target is None:
                continue
            for edge, far, colour in (
                (target.amber, target.red, RAG_COLOURS[Rag.AMBER]),
                (target.red, worst, RAG_COLOURS[Rag.RED]),
            ):
                band = QGraphicsRectItem(i - 0.5, min(edge, far), 1.0, abs(far - edge))
                band.setPen(pg.mkPen(None))
                band.setBrush(
                    pg.mkBrush(
                        QColor(colour).red(), QColor(colour).green(), QColor(colour).blue(), 48
                    )
                )
                band.setZValue(-10)
                item.addItem(band)
        edges = [i - 0.5 for i in range(len(periods) + 1)]
        line = [t.target if t else float("nan") for t in in_force]
        item.plot(
            edges,
            line,
            stepMode="center",
            pen=pg.mkPen("#1f5fa8", width=2, style=Qt.PenStyle.DashLine),
            connect="finite",
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
            self.closed.emit()
        else:
            super().keyPressEvent(event)

    def release(self) -> None:
        """Let go of the plot widget (PITFALLS.md); the next KPI shown makes a new one."""
        if self.plot is not None:
            self.layout_.removeWidget(self.plot)
            _release(self.plot)
            self.plot = None


class DashboardView(QWidget):
    """The dashboard agenda item: every KPI of the meeting's period, worst first."""

    kpi_opened = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.meeting_id: str | None = None
        self.period: str | None = None
        self.all_tiles: list[KpiTile] = []
        self.tile_frames: list[KpiTileFrame] = []
        self._kpis: dict[str, Kpi] = {}
        self._targets: dict[str, list[KpiTarget]] = {}
        self._readings: dict[str, list[Reading]] = {}
        self._columns = MAX_COLUMNS
        self._released = False
        self.setStyleSheet(TILE_STYLE)

        self.title = QLabel("KPI dashboard")
        self.title.setObjectName("pageTitle")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("dashboardSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 13pt; color: #14213d;")
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
        self.grid.setSpacing(14)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.grid_host)
        self.empty_label = QLabel("No KPI matches these filters.")
        self.empty_label.setObjectName("subtitle")
        self.empty_label.hide()

        board = QWidget()
        board_layout = QVBoxLayout(board)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addLayout(filters)
        board_layout.addWidget(self.summary_label)
        board_layout.addWidget(self.empty_label)
        board_layout.addWidget(self.scroll, 1)
        self.drill_down = KpiDrillDown()
        self.drill_down.closed.connect(self._on_drill_down_closed)
        self.stack = QStackedWidget()
        self.stack.addWidget(board)
        self.stack.addWidget(self.drill_down)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        session.changed.connect(self._on_session_changed)

    # --- verbs --------------------------------------------------------------------------

    def show_meeting(self, meeting_id: str) -> None:
        """The tiles of the meeting's period."""
        self.meeting_id = meeting_id
        self.period = self.session.meeting(meeting_id).period
        self._load()

    def open_kpi(self, kpi_id: str) -> None:
        """Show one KPI's drill-down and say so."""
        if self.period is None or kpi_id not in self._kpis:
            return
        self.drill_down.show_kpi(
            self._kpis[kpi_id],
            self._targets.get(kpi_id, []),
            self._readings.get(kpi_id, []),
            self.period,
        )
        self.stack.setCurrentWidget(self.drill_down)
        self.drill_down.back.setFocus()
        self.kpi_opened.emit(kpi_id)

    def shown_tiles(self) -> list[KpiTile]:
        return [frame.tile for frame in self.tile_frames]

    # --- building -----------------------------------------------------------------------

    def _load(self) -> None:
        pid = self.session.partnership_id
        if pid is None or self.period is None:
            kpis: list[Kpi] = []
            self._targets, self._readings = {}, {}
        else:
            kpis, self._targets, self._readings = dashboard_data(self.session.db, pid)
        self._kpis = {k.id: k for k in kpis}
        self.all_tiles = tiles(kpis, self._targets, self._readings, self.period or "")
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
        for tile in shown:
            frame = KpiTileFrame(tile)
            frame.opened.connect(self.open_kpi)
            frame.moved.connect(self._on_tile_moved)
            self.tile_frames.append(frame)
        self._place_tiles()
        self.empty_label.setVisible(not shown)
        self.summary_label.setText(self._summary_text(shown))
        if self.period:
            self.title.setText(f"KPI dashboard · {self.period}")

    def _summary_text(self, shown: list[KpiTile]) -> str:
        counts = summary(shown)
        parts = [
            f"<b style='color:{RAG_COLOURS[Rag.RED]}'>"
            f"{RAG_SHAPES[Rag.RED]} {counts['red']} red</b>",
            f"<b style='color:#a35400'>{RAG_SHAPES[Rag.AMBER]} {counts['amber']} amber</b>",
            f"<b style='color:{RAG_COLOURS[Rag.GREEN]}'>"
            f"{RAG_SHAPES[Rag.GREEN]} {counts['green']} green</b>",
        ]
        if counts["no_reading"]:
            parts.append(f"{counts['no_reading']} without a reading")
        turned = counts["turned_red"]
        assert isinstance(turned, list)
        parts.append("turned red: " + (", ".join(turned) if turned else "none"))
        text = " · ".join(parts)
        if len(shown) != len(self.all_tiles):
            text += f"  <span style='color:#4a5563'>({len(shown)} of {len(self.all_tiles)} KPIs)"
            text += "</span>"
        return text

    def _columns_for_width(self) -> int:
        # The viewport is not laid out before the first show; the view's own width is.
        width = self.width() - 60
        return max(1, min(MAX_COLUMNS, (width + 14) // (TILE_WIDTH + 14)))

    def _place_tiles(self) -> None:
        self._columns = self._columns_for_width()
        for index, frame in enumerate(self.tile_frames):
            self.grid.addWidget(frame, index // self._columns, index % self._columns)

    def _release_tiles(self) -> None:
        for frame in self.tile_frames:
            self.grid.removeWidget(frame)
            frame.deleteLater()
        self.tile_frames = []

    def release(self) -> None:
        """Let go of every plot widget (PITFALLS.md); showing the view again rebuilds them."""
        self._release_tiles()
        self.drill_down.release()
        self._released = True

    # --- events -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._released and self.meeting_id is not None:
            self._rebuild()
            if self.stack.currentWidget() is self.drill_down and self.drill_down.kpi_id:
                self.open_kpi(self.drill_down.kpi_id)

    def hideEvent(self, event: QHideEvent) -> None:
        self.release()
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.tile_frames and self._columns_for_width() != self._columns:
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

    def _on_session_changed(self, what: str) -> None:
        if what in ("readings", "kpis") and self.meeting_id is not None and self.isVisible():
            self._load()
