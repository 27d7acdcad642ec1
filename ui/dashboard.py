"""The KPI dashboard of a meeting's period: tiles worst first, and a drill-down per KPI where
the other side confirms or disputes a reading."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from math import ceil

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLineF, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QStaticText,
    QTransform,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGraphicsRectItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.changes import Change
from core.dashboard import KpiTile, first_period_shown, kpi_note_lines, summary, tiles
from core.figures import figure, figure_with_unit
from core.kpis import can_confirm, disputed_readings, latest_dispute, reviewing_side
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
from core.periods import add_months
from core.rag import rag_of_reading, target_in_force
from ui import palette
from ui.field_error import FieldError
from ui.session import Session
from ui.undo import push_operation

# A palette told apart by colour-blind viewers too; the shape and word are always shown as well.
RAG_COLOURS = {Rag.RED: palette.RAG_RED, Rag.AMBER: palette.RAG_AMBER, Rag.GREEN: palette.RAG_GREEN}
RAG_TEXT_COLOURS = {
    Rag.RED: palette.WHITE,
    Rag.AMBER: palette.RAG_AMBER_TEXT,
    Rag.GREEN: palette.WHITE,
}
RAG_SHAPES = {Rag.RED: "■", Rag.AMBER: "▲", Rag.GREEN: "●"}
RAG_SYMBOLS = {Rag.RED: "s", Rag.AMBER: "t1", Rag.GREEN: "o"}
NO_READING_COLOUR = palette.FAINT
LINE_COLOUR = palette.LINE
TILE_WIDTH = 320
MAX_COLUMNS = 4
DRILL_DOWN_MONTHS = 24
CONFIRMATION_TEXT = {
    ReadingConfirmation.TO_BE_CONFIRMED: ("? to confirm", palette.WARNING),
    ReadingConfirmation.DISPUTED: ("⚑ disputed", palette.RAG_RED),
}

# A tile's geometry, in pixels: the border, the padding inside it, the space between its rows.
TILE_BORDER = 3
TILE_PADDING_X = 12
TILE_PADDING_Y = 10
TILE_SPACING = 4
TILE_RADIUS = 8
TILE_CORNER = 10  # each corner of the border (its radius and half its width) fits in this square
BAND_HEIGHT = 8
SPARKLINE_HEIGHT = 48
SPARKLINE_MARGIN = 7.0
NAME_MAX_LINES = 3
CONTENT_WIDTH = TILE_WIDTH - 2 * (TILE_BORDER + TILE_PADDING_X)
TILE_COLOURS = {
    "border": palette.RULE,
    "focus_border": palette.ACCENT,
    "background": palette.WHITE,
    "focus_background": palette.FOCUS_BACKGROUND,
    "name": palette.INK,
    "detail": palette.DETAIL,
    "better": palette.GOOD,
    "worse": palette.WORSE,
}


def rag_text(rag: Rag | None) -> str:
    """The RAG in words with its shape, so it never rests on colour alone."""
    return "— NO READING" if rag is None else f"{RAG_SHAPES[rag]} {rag.label}"


def rag_pill(rag: Rag | None) -> str:
    """The RAG as a coloured label in rich text, legible on a dark or a light background."""
    if rag is None:
        return (
            f"<span style='background:{NO_READING_COLOUR}; color:{palette.WHITE}'>"
            "&nbsp;— none&nbsp;</span>"
        )
    return (
        f"<span style='background:{RAG_COLOURS[rag]}; color:{RAG_TEXT_COLOURS[rag]};"
        f" font-weight:700'>&nbsp;{rag_text(rag)}&nbsp;</span>"
    )


def target_text(target: KpiTarget | None, direction: Direction) -> str:
    if target is None:
        return "No target in force"
    worse = "<" if direction is Direction.HIGHER_IS_BETTER else ">"
    return (
        f"Target {figure(target.target)} · amber {worse} {figure(target.amber)}"
        f" · red {worse} {figure(target.red)}"
    )


def change_text(tile: KpiTile) -> str:
    if tile.change is None:
        return "No reading last month to compare"
    if tile.improved is None:
        return "→ unchanged since last month"
    arrow = "↑" if tile.change > 0 else "↓"
    verdict = "better" if tile.improved else "worse"
    return f"{arrow} {figure(abs(tile.change))} since last month · {verdict}"


def _release(plot: pg.PlotWidget) -> None:
    """A plot still alive at interpreter exit can crash (PITFALLS.md): close and delete it."""
    plot.close()
    plot.deleteLater()


@dataclass(frozen=True)
class TileTexts:
    """The words a tile paints, as the room reads them and a screen reader says them."""

    name: str
    rag: str
    value: str
    target: str
    change: str
    owner: str
    confirmation: str  # "" when the reading waits for no one

    @classmethod
    def of(cls, tile: KpiTile) -> TileTexts:
        kpi = tile.kpi
        confirmation = CONFIRMATION_TEXT.get(tile.confirmation) if tile.confirmation else None
        return cls(
            name=kpi.name,
            rag=rag_text(tile.rag),
            value="—" if tile.value is None else figure_with_unit(tile.value, kpi.unit),
            target=target_text(tile.target, kpi.direction),
            change=change_text(tile),
            owner=f"{kpi.owner_side.label} · {kpi.category.value}",
            confirmation=confirmation[0] if confirmation else "",
        )

    def description(self) -> str:
        """Everything the tile shows below its name and RAG, in reading order."""
        parts = [self.value, self.target, self.change, self.owner, self.confirmation]
        return ". ".join(part for part in parts if part)


def _font(base: QFont, points: float | None, weight: QFont.Weight, italic: bool = False) -> QFont:
    font = QFont(base)
    if points is not None:
        font.setPointSizeF(points)
    font.setWeight(weight)
    font.setItalic(italic)
    return font


class TileFonts:
    """The fonts of the tiles (as the style sheet gave labels before), made once per base font."""

    def __init__(self, base: QFont) -> None:
        normal, semibold, bold = QFont.Weight.Normal, QFont.Weight.DemiBold, QFont.Weight.Bold
        self.name = _font(base, 11.0, semibold)
        self.value = _font(base, 22.0, bold)
        self.detail = _font(base, None, normal)
        self.change = _font(base, None, semibold)
        self.pill = _font(base, None, bold)
        self.to_confirm = _font(base, None, normal, italic=True)
        self.name_metrics = QFontMetricsF(self.name)
        self.detail_metrics = QFontMetricsF(self.detail)
        self._values: dict[float, QFont] = {22.0: self.value}

    def value_at(self, points: float) -> QFont:
        """The value's font at a smaller size, for a figure too long for the tile."""
        font = self._values.get(points)
        if font is None:
            font = self._values[points] = QFont(self.value)
            font.setPointSizeF(points)
        return font

    @classmethod
    def of(cls, widget: QWidget) -> TileFonts:
        """The tile fonts for `widget`'s font, once the application's style sheet set it."""
        widget.ensurePolished()
        base = widget.font()
        key = base.key()
        found = _TILE_FONTS.get(key)
        if found is None:
            found = _TILE_FONTS[key] = cls(base)
        return found


_TILE_FONTS: dict[str, TileFonts] = {}


class _Text:
    """One text of a tile, laid out once (QStaticText) and drawn at `at` on every paint.

    Words of the tiles' fixed vocabulary (the RAG pills, the badges, the owner lines) are laid
    out once for all tiles: `shared`. Names and figures are laid out by each tile."""

    __slots__ = ("at", "colour", "font", "size", "static", "text")

    def __init__(
        self,
        text: str,
        font: QFont,
        colour: str,
        width: float | None = None,
        shared: bool = False,
    ) -> None:
        self.text = text
        self.font = font
        self.colour = _colour(colour)
        key = (text, font.key()) if shared and width is None else None
        found = _VOCABULARY.get(key) if key else None
        if found is None:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            if width is not None:
                static.setTextWidth(width)
            static.prepare(QTransform(), font)
            found = (static, static.size())
            if key:
                _VOCABULARY[key] = found
        self.static, self.size = found
        self.at = QPointF()

    @property
    def rect(self) -> QRectF:
        return QRectF(self.at, self.size)


_VOCABULARY: dict[tuple[str, str], tuple[QStaticText, QSizeF]] = {}
_COLOURS: dict[str, QColor] = {}


def _colour(name: str) -> QColor:
    found = _COLOURS.get(name)
    if found is None:
        found = _COLOURS[name] = QColor(name)
    return found


def _name_text(name: str, fonts: TileFonts, width: float) -> _Text:
    """The KPI's name wrapped in `width`, in at most NAME_MAX_LINES lines: a longer one is cut
    at a word with "…" (the tile's tooltip and accessible name keep it whole)."""
    metrics = fonts.name_metrics
    limit = metrics.lineSpacing() * (NAME_MAX_LINES + 0.5)
    text = _Text(name, fonts.name, TILE_COLOURS["name"], width)
    longest = max(name.split() or [""], key=len)
    if text.size.height() <= limit and metrics.horizontalAdvance(longest) <= width:
        return text
    return _Text(_elided_name(name, metrics, width), fonts.name, TILE_COLOURS["name"], width)


def _elided_name(name: str, metrics: QFontMetricsF, width: float) -> str:
    limit = metrics.lineSpacing() * (NAME_MAX_LINES + 0.5)
    flags = int(Qt.TextFlag.TextWordWrap)

    def fits(text: str) -> bool:
        box = metrics.boundingRect(QRectF(0, 0, width, 10_000), flags, text)
        return box.height() <= limit and box.width() <= width + 0.5

    words = name.split()
    while len(words) > 1:
        words.pop()
        shorter = " ".join(words) + "…"
        if fits(shorter):
            return shorter
    return metrics.elidedText(name, Qt.TextElideMode.ElideRight, width)


@dataclass(frozen=True)
class TileRows:
    """The heights of a tile's rows that vary with its words: tiles of one row of the grid share
    the tallest of each, so that their values, targets and sparklines line up."""

    head: int
    value: int
    target: int
    change: int
    foot: int

    def union(self, other: TileRows) -> TileRows:
        return TileRows(
            max(self.head, other.head),
            max(self.value, other.value),
            max(self.target, other.target),
            max(self.change, other.change),
            max(self.foot, other.foot),
        )


def _sparkline_points(values: list[float]) -> list[QPointF]:
    """Where each reading goes in a sparkline's box, oldest on the left, its margins clear."""
    if not values:
        return []
    width = CONTENT_WIDTH - 2 * SPARKLINE_MARGIN
    height = SPARKLINE_HEIGHT - 2 * SPARKLINE_MARGIN
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / max(1, len(values) - 1)
    return [
        QPointF(
            SPARKLINE_MARGIN + i * step,
            SPARKLINE_MARGIN + (height / 2 if high == low else height * (high - v) / span),
        )
        for i, v in enumerate(values)
    ]


def _marker(at: QPointF, rag: Rag | None) -> QRectF | QPolygonF:
    """The latest reading's mark in a sparkline: a square if red, a triangle if amber, else a
    disc (the rectangle it fills)."""
    x, y = at.x(), at.y()
    if rag is Rag.AMBER:
        corners = [QPointF(x, y - 5.5), QPointF(x - 5.5, y + 4.5), QPointF(x + 5.5, y + 4.5)]
        return QPolygonF(corners)
    return QRectF(x - 4.5, y - 4.5, 9, 9)


class _TileChrome:
    """A tile's rounded border and background, painted as nine pieces: the four corners drawn
    once, antialiased, into small pixmaps, the straight edges and the inside filled as plain
    rectangles. Antialiasing a whole rounded outline costs more than anything else a tile
    paints; rectangles cost next to nothing. The corners are opaque, painted over the colour
    behind the tile, so the tile covers every one of its pixels and Qt need not paint the
    grid beneath it (WA_OpaquePaintEvent). At a fractional scale (150%) a tile's edges fall
    within device pixels: there it is drawn whole, over the grid Qt paints beneath it."""

    def __init__(self, focused: bool, behind: QColor, ratio: float) -> None:
        self.pen = QPen(QColor(TILE_COLOURS["focus_border" if focused else "border"]), TILE_BORDER)
        self.fill = QColor(TILE_COLOURS["focus_background" if focused else "background"])
        self.behind = behind
        # At a fractional scale the corners' pixels would not meet the edges': drawn whole.
        self.whole = ratio != int(ratio)
        self.corners: list[QPixmap] = []
        if self.whole:
            return
        scale = int(ratio)
        size = 2 * TILE_CORNER + 1
        drawn = QPixmap(size * scale, size * scale)
        drawn.setDevicePixelRatio(scale)
        drawn.fill(behind)
        painter = QPainter(drawn)
        self._draw_whole(painter, size, size)
        painter.end()
        far = (size - TILE_CORNER) * scale
        for x, y in ((0, 0), (far, 0), (0, far), (far, far)):
            corner = drawn.copy(QRect(x, y, TILE_CORNER * scale, TILE_CORNER * scale))
            corner.setDevicePixelRatio(scale)
            self.corners.append(corner)

    def _draw_whole(self, painter: QPainter, width: int, height: int) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen)
        painter.setBrush(self.fill)
        half = TILE_BORDER / 2
        rect = QRectF(half, half, width - TILE_BORDER, height - TILE_BORDER)
        painter.drawRoundedRect(rect, TILE_RADIUS, TILE_RADIUS)

    def paint(self, painter: QPainter, width: int, height: int) -> None:
        if self.whole:
            self._draw_whole(painter, width, height)
            return
        edge, border = TILE_CORNER, TILE_BORDER
        colour = self.pen.color()
        painter.fillRect(QRect(border, border, width - 2 * border, height - 2 * border), self.fill)
        painter.fillRect(QRect(edge, 0, width - 2 * edge, border), colour)
        painter.fillRect(QRect(edge, height - border, width - 2 * edge, border), colour)
        painter.fillRect(QRect(0, edge, border, height - 2 * edge), colour)
        painter.fillRect(QRect(width - border, edge, border, height - 2 * edge), colour)
        top_left, top_right, bottom_left, bottom_right = self.corners
        painter.drawPixmap(0, 0, top_left)
        painter.drawPixmap(width - edge, 0, top_right)
        painter.drawPixmap(0, height - edge, bottom_left)
        painter.drawPixmap(width - edge, height - edge, bottom_right)

    @classmethod
    def of(cls, focused: bool, behind: QColor, ratio: float) -> _TileChrome:
        key = (focused, behind.rgba(), ratio)
        found = _CHROMES.get(key)
        if found is None:
            found = _CHROMES[key] = cls(focused, behind, ratio)
        return found


_CHROMES: dict[tuple[bool, int, float], _TileChrome] = {}
_LINE_PEN: list[QPen] = []


def _line_pen() -> QPen:
    """The sparklines' pen, made once."""
    if not _LINE_PEN:
        _LINE_PEN.append(QPen(QColor(LINE_COLOUR), 2))
    return _LINE_PEN[0]


class KpiTileFrame(QWidget):
    """One KPI's tile, painted as one widget: its name, RAG pill (colour, shape and word),
    value, target, change since last month, 12-month sparkline, owner and confirmation badge.
    Focusable: arrow keys move between tiles, Enter or a click opens it.

    One widget rather than a dozen labels with style sheets: sixty tiles open several times
    faster."""

    opened = Signal(str)
    moved = Signal(int, int)

    def __init__(
        self,
        tile: KpiTile,
        dispute_reason: str = "",
        fonts: TileFonts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tile = tile
        self.texts = TileTexts.of(tile)
        self.setObjectName("kpiTile")
        self._set_opaque()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        fonts = fonts or TileFonts.of(self)
        texts, rag = self.texts, tile.rag
        self._rag_colour = _colour(RAG_COLOURS[rag] if rag else NO_READING_COLOUR)
        pill_colour = RAG_TEXT_COLOURS[rag] if rag else palette.WHITE
        self._pill = _Text(texts.rag, fonts.pill, pill_colour, shared=True)
        name_width = CONTENT_WIDTH - (ceil(self._pill.size.width()) + 20) - 8
        self._name = _name_text(texts.name, fonts, name_width)
        self._value = _Text(texts.value, fonts.value, TILE_COLOURS["name"])
        size = 22.0
        while self._value.size.width() > CONTENT_WIDTH and size > 10:
            size -= 2  # a figure too long for the tile is printed smaller, never cut off
            self._value = _Text(texts.value, fonts.value_at(size), TILE_COLOURS["name"])
        self._target = _Text(texts.target, fonts.detail, TILE_COLOURS["detail"], CONTENT_WIDTH)
        if tile.improved is None:
            self._change = _Text(texts.change, fonts.detail, TILE_COLOURS["detail"], CONTENT_WIDTH)
        else:
            colour = TILE_COLOURS["better" if tile.improved else "worse"]
            self._change = _Text(texts.change, fonts.change, colour, CONTENT_WIDTH)
        self._badge: _Text | None = None
        self._badge_fill: QColor | None = None
        waiting = CONFIRMATION_TEXT.get(tile.confirmation) if tile.confirmation else None
        if waiting is not None:
            _, tint = waiting
            if tile.confirmation is ReadingConfirmation.DISPUTED:
                self._badge = _Text(texts.confirmation, fonts.pill, palette.WHITE, shared=True)
                self._badge_fill = _colour(tint)
            else:
                self._badge = _Text(texts.confirmation, fonts.to_confirm, tint, shared=True)
        badge_width = self._badge.size.width() + 16 if self._badge else 0.0
        owner_width = CONTENT_WIDTH - badge_width - (8 if self._badge else 0)
        self._owner = _Text(texts.owner, fonts.detail, TILE_COLOURS["detail"], shared=True)
        if self._owner.size.width() > owner_width:
            owner = fonts.detail_metrics.elidedText(
                texts.owner, Qt.TextElideMode.ElideRight, owner_width
            )
            self._owner = _Text(owner, fonts.detail, TILE_COLOURS["detail"])
        # The sparkline in its own coordinates, worked out once; painted where `fit` puts it.
        points = _sparkline_points([value for _, value in tile.history])
        # Segments rather than one polyline: Qt strokes a 2-pixel polyline's joins at about
        # twice the cost, and the segments' square caps close the joins the same.
        self._segments = [QLineF(a, b) for a, b in pairwise(points)]
        self._last = points[-1] if points else None
        self._marker = _marker(self._last, tile.rag) if self._last else QRectF()
        self._texts = [self._name, self._value, self._target, self._change, self._owner]
        # The name's first line is centred on the pill beside it.
        pill_height = ceil(self._pill.size.height()) + 4
        self._name_drop = max(0, round((pill_height - fonts.name_metrics.height()) / 2))
        self._value_height = ceil(self._value.size.height())
        badge_height = ceil(self._badge.size.height()) + 2 if self._badge else 0
        self.natural = TileRows(
            max(ceil(self._name.size.height()) + self._name_drop, pill_height),
            self._value_height,
            ceil(self._target.size.height()),
            ceil(self._change.size.height()),
            max(ceil(self._owner.size.height()), badge_height),
        )
        self.rows: TileRows | None = None
        self.fit(self.natural)

        tips = [text for text in (tile.comment, dispute_reason) if text]
        if self._name.text != texts.name:
            tips.insert(0, texts.name)
        if tips:
            self.setToolTip("\n".join(tips))
        self.setAccessibleName(f"{texts.name}: {texts.rag}")
        self.setAccessibleDescription(texts.description())

    # --- layout -------------------------------------------------------------------------

    def fit(self, rows: TileRows) -> None:
        """Lay the tile out with these row heights (its own, or its grid row's tallest)."""
        if rows == self.rows:
            return
        self.rows = rows
        left = TILE_BORDER + TILE_PADDING_X
        right = left + CONTENT_WIDTH
        y = TILE_BORDER + TILE_PADDING_Y
        self._band = QRectF(left, y, CONTENT_WIDTH, BAND_HEIGHT)
        y += BAND_HEIGHT + TILE_SPACING
        # Whole pixels everywhere, so that text and edges stay crisp.
        pill = self._pill.size
        pill_width = ceil(pill.width()) + 20
        self._pill_rect = QRectF(right - pill_width, y, pill_width, ceil(pill.height()) + 4)
        self._pill.at = QPointF(right - pill_width + 10, y + 2)
        self._name.at = QPointF(left, y + self._name_drop)
        y += rows.head + TILE_SPACING
        # A figure made smaller to fit sits at the foot of the row, by its neighbours' figures.
        self._value.at = QPointF(left, y + rows.value - self._value_height)
        y += rows.value + TILE_SPACING
        self._target.at = QPointF(left, y)
        y += rows.target + TILE_SPACING
        self._change.at = QPointF(left, y)
        y += rows.change + TILE_SPACING
        self._spark = QRectF(left, y, CONTENT_WIDTH, SPARKLINE_HEIGHT)
        y += SPARKLINE_HEIGHT + TILE_SPACING
        foot = rows.foot
        self._badge_rect = QRectF()
        if self._badge is not None:
            size = self._badge.size
            badge_width, badge_height = ceil(size.width()) + 16, ceil(size.height()) + 2
            top = y + (foot - badge_height) // 2
            self._badge_rect = QRectF(right - badge_width, top, badge_width, badge_height)
            self._badge.at = QPointF(right - badge_width + 8, top + 1)
        self._owner.at = QPointF(left, y + (foot - ceil(self._owner.size.height())) // 2)
        height = y + foot + TILE_PADDING_Y + TILE_BORDER
        self.setFixedSize(TILE_WIDTH, height)

    def sparkline_rect(self) -> QRect:
        """Where the sparkline is drawn, in the tile's coordinates."""
        return self._spark.toRect()

    def sparkline_points(self) -> list[QPointF]:
        """Where each of the last 12 readings is drawn, in the tile's coordinates."""
        if self._last is None:
            return []
        corner = self._spark.topLeft()
        points = [segment.p1() for segment in self._segments] + [self._last]
        return [point + corner for point in points]

    def painted_texts(self) -> list[tuple[str, QRectF]]:
        """Every text the tile paints and where, in reading order."""
        shown = [self._name, self._pill, *self._texts[1:]]
        if self._badge is not None:
            shown.append(self._badge)
        return [(text.text, text.rect) for text in shown]

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        behind = self.palette().color(QPalette.ColorRole.Window)
        chrome = _TileChrome.of(self.hasFocus(), behind, self.devicePixelRatioF())
        chrome.paint(painter, self.width(), self.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._rag_colour)
        painter.drawRoundedRect(self._band, 3, 3)
        radius = self._pill_rect.height() / 2
        painter.drawRoundedRect(self._pill_rect, radius, radius)
        if self._badge is not None:
            radius = self._badge_rect.height() / 2
            if self._badge_fill is not None:
                painter.setBrush(self._badge_fill)
                painter.drawRoundedRect(self._badge_rect, radius, radius)
            else:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(self._badge.colour, 1))
                painter.drawRoundedRect(self._badge_rect.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        self._paint_sparkline(painter, _line_pen())
        font = None
        for text in (*self._texts, self._pill, self._badge):
            if text is not None:
                if text.font is not font:
                    font = text.font
                    painter.setFont(font)
                painter.setPen(text.colour)
                painter.drawStaticText(text.at, text.static)
        painter.end()

    def _paint_sparkline(self, painter: QPainter, pen: QPen) -> None:
        """The line of the last 12 readings, the latest point in its RAG's colour and shape."""
        last = self._last
        if last is None:
            return
        corner = self._spark.topLeft()
        painter.translate(corner)
        if self._segments:
            painter.setPen(pen)
            painter.drawLines(self._segments)
        painter.setPen(self._rag_colour)
        painter.setBrush(self._rag_colour)
        marker = self._marker
        if isinstance(marker, QPolygonF):
            painter.drawPolygon(marker)
        elif self.tile.rag is Rag.RED:
            painter.drawRect(marker)
        else:
            painter.drawEllipse(marker)
        painter.translate(-corner)

    def _set_opaque(self) -> None:
        """Opaque (Qt paints nothing beneath it) at a whole device pixel ratio (_TileChrome)."""
        ratio = self.devicePixelRatioF()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, ratio == int(ratio))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._set_opaque()
        super().changeEvent(event)

    # --- keys and clicks ----------------------------------------------------------------

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


class DisputeDialog(QDialog):
    """Why a side does not accept a reading: the reason is required, and goes on the record."""

    def __init__(
        self, parent: QWidget | None, what: str, side: Side, attempt: Callable[[str], str | None]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dispute a reading")
        self.resize(560, 300)
        self._attempt = attempt
        intro = QLabel(
            f"<b>{html.escape(what)}</b><br>The {side.label} side does not accept this figure. "
            "Say why: the reason is read out and goes into the minutes."
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("disputeReason")
        self.reason.setPlaceholderText(
            "e.g. Excludes the two outages of 14 and 15 November; our monitoring shows 99.1%."
        )
        self.reason.setTabChangesFocus(True)
        self.message = FieldError()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record the dispute")
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Reason"))
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def _on_accepted(self) -> None:
        refused = self._attempt(self.reason.toPlainText())
        if refused:
            self.message.setText(refused)
            self.message.show()
            self.reason.setFocus()
            return
        self.accept()


def confirmation_text(reading: Reading, kpi: Kpi) -> str:
    """Where a reading stands, in words: who entered it and who is to confirm it."""
    entered = reading.entered_by or kpi.owner_side
    reviewer = reviewing_side(kpi, reading)
    if reading.confirmation is ReadingConfirmation.DISPUTED:
        return f"⚑ disputed by {reviewer.label}"
    if reading.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
        return f"? entered by {entered.label}, to be confirmed by {reviewer.label}"
    return f"✔ confirmed (entered by {entered.label})"


class KpiDrillDown(QWidget):
    """One KPI over 24 months: readings coloured by RAG, target and thresholds as they changed;
    beside it, the readings waiting for the other side, their reviews, and the notes on it.

    One PlotWidget for the view's whole life, redrawn for each KPI: each PlotWidget made and
    destroyed leaks references in PySide6 6.12 (PITFALLS.md); `release()` lets it go at the end.
    """

    closed = Signal()
    confirm_requested = Signal()
    dispute_requested = Signal()
    note_requested = Signal()
    reading_chosen = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.kpi_id: str | None = None
        self.back = QPushButton("← Back to the dashboard")
        self.back.setToolTip("Back to every KPI's tile (Esc)")
        self.back.clicked.connect(self.closed.emit)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.detail = QLabel()
        self.detail.setObjectName("subtitle")
        self.detail.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        self.plot: pg.PlotWidget | None = None
        self.points: list[tuple[str, float, Rag | None]] = []
        self.legend = QLabel(
            "  ".join(
                f"<span style='color:{RAG_COLOURS[r]}'>{RAG_SHAPES[r]}</span> {r.label.lower()}"
                for r in Rag
            )
            + f"  <span style='color:{palette.ACCENT}'>━ ━</span> target"
            + f"  <span style='color:{RAG_COLOURS[Rag.AMBER]}'>▮</span> amber band"
            + f"  <span style='color:{RAG_COLOURS[Rag.RED]}'>▮</span> red band"
            + "  · hover a point for its comment"
        )
        self.legend.setObjectName("subtitle")
        self.chart_area = QVBoxLayout()
        self.chart_area.setContentsMargins(0, 0, 0, 0)
        self.chart_area.addWidget(self.legend)

        self.panel = QFrame()
        self.panel.setObjectName("readingPanel")
        self.panel.setFixedWidth(400)
        self.panel.setStyleSheet(
            f"QFrame#readingPanel {{ background: {palette.PANEL}; border: 1px solid {palette.RULE};"
            " border-radius: 8px; }"
        )
        readings_title = QLabel("Confirmation by the other side")
        readings_title.setObjectName("sectionTitle")
        self.readings = QListWidget()
        self.readings.setObjectName("reviewReadings")
        self.readings.setMaximumHeight(120)
        self.readings.currentRowChanged.connect(self._on_readings_row_changed)
        self.reading_detail = QLabel()
        self.reading_detail.setObjectName("readingDetail")
        self.reading_detail.setWordWrap(True)
        self.reading_detail.setTextFormat(Qt.TextFormat.RichText)
        self.reading_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("subtitle")
        self.verdict_label.setWordWrap(True)
        self.confirm_button = QPushButton("✔ Confirm")
        self.confirm_button.setObjectName("confirmReading")
        self.confirm_button.clicked.connect(self.confirm_requested.emit)
        self.dispute_button = QPushButton("⚑ Dispute…")
        self.dispute_button.setObjectName("disputeReading")
        self.dispute_button.clicked.connect(self.dispute_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dispute_button)
        self.message = FieldError()
        notes_title = QLabel("Notes on this KPI in this meeting")
        notes_title.setObjectName("sectionTitle")
        self.notes = QLabel()
        self.notes.setObjectName("kpiNotes")
        self.notes.setWordWrap(True)
        self.note_button = QPushButton("Add a note on this KPI")
        self.note_button.setToolTip("A new line in the notes, headed with the KPI's name (N)")
        self.note_button.clicked.connect(self.note_requested.emit)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.setContentsMargins(14, 10, 14, 12)
        panel_layout.addWidget(readings_title)
        panel_layout.addWidget(self.readings)
        panel_layout.addWidget(self.reading_detail)
        panel_layout.addSpacing(4)
        panel_layout.addWidget(self.verdict_label)
        panel_layout.addLayout(buttons)
        panel_layout.addWidget(self.message)
        panel_layout.addSpacing(6)
        panel_layout.addWidget(notes_title)
        panel_layout.addWidget(self.notes)
        panel_layout.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignLeft)
        panel_layout.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(self.chart_area, 1)
        body.addWidget(self.panel)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(head)
        self.layout_.addWidget(self.detail)
        self.layout_.addLayout(body, 1)
        for key, signal in (
            ("C", self.confirm_requested),
            ("D", self.dispute_requested),
            ("N", self.note_requested),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(signal.emit)
        self._reading_ids: list[str] = []

    # --- the chart ----------------------------------------------------------------------

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
        shown = [by_period[p] for p in periods if p in by_period]
        self.points = [
            (r.period, r.value, rag_of_reading(r.value, r.period, kpi.direction, targets))
            for r in shown
        ]
        if self.plot is None:
            self.plot = pg.PlotWidget(background="w")
            self.plot.setObjectName("kpiDrillDown")
            self.plot.setMinimumHeight(320)
            self.chart_area.insertWidget(0, self.plot, 1)
        item = self.plot.getPlotItem()
        item.clear()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=0.2)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(pg.mkPen(palette.AXIS))
            item.getAxis(axis).setTextPen(pg.mkPen(palette.TEXT))
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
            tips = [_point_tip(r, kpi) for r in shown]
            scatter = pg.ScatterPlotItem(
                x=xs,
                y=values,
                data=tips,
                symbol=[RAG_SYMBOLS[r] if r else "o" for _, _, r in self.points],
                size=13,
                brush=[
                    pg.mkBrush(RAG_COLOURS[r] if r else NO_READING_COLOUR)
                    for _, _, r in self.points
                ],
                pen=pg.mkPen("w"),
                hoverable=True,
                hoverSize=17,
                tip=_scatter_tip,
            )
            item.addItem(scatter)

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
            pen=pg.mkPen(palette.ACCENT, width=2, style=Qt.PenStyle.DashLine),
            connect="finite",
        )

    # --- the readings panel ---------------------------------------------------------------

    def show_readings(self, entries: list[tuple[str, str]], keep: str | None = None) -> None:
        """The readings to review as (reading id, text), newest first; `keep` stays chosen."""
        self._reading_ids = [reading_id for reading_id, _ in entries]
        self.readings.blockSignals(True)
        self.readings.clear()
        for _, text in entries:
            self.readings.addItem(text)
        row = self._reading_ids.index(keep) if keep in self._reading_ids else 0
        if self._reading_ids:
            self.readings.setCurrentRow(row)
        self.readings.blockSignals(False)
        self.readings.setVisible(len(entries) > 1)

    def chosen_reading_id(self) -> str | None:
        row = self.readings.currentRow()
        return self._reading_ids[row] if 0 <= row < len(self._reading_ids) else None

    def show_reading(
        self, detail_html: str, side: Side | None, confirm: bool, dispute: bool
    ) -> None:
        """The chosen reading's detail, and which of its reviews may be recorded now."""
        self.reading_detail.setText(detail_html)
        if side is None:
            self.verdict_label.clear()
        else:
            self.verdict_label.setText(
                f"The {side.label} side's verdict: <b>C</b> confirm · <b>D</b> dispute"
            )
        who = side.label if side else "other"
        self.confirm_button.setToolTip(f"The {who} side accepts the figure (C)")
        self.dispute_button.setToolTip(f"The {who} side does not accept it, and says why (D)")
        self.confirm_button.setEnabled(confirm)
        self.dispute_button.setEnabled(dispute)

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def show_notes(self, lines: list[str]) -> None:
        if lines:
            self.notes.setText("<br>".join(f"• {html.escape(line)}" for line in lines))
        else:
            self.notes.setText(
                f"<span style='color:{palette.MUTED}'>No note on this KPI yet.</span>"
            )

    def _on_readings_row_changed(self, _row: int) -> None:
        self.reading_chosen.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
            self.closed.emit()
        else:
            super().keyPressEvent(event)

    def release(self) -> None:
        """Let go of the plot widget at the end (PITFALLS.md); showing a KPI makes a new one."""
        if self.plot is not None:
            self.chart_area.removeWidget(self.plot)
            _release(self.plot)
            self.plot = None


def _point_tip(reading: Reading, kpi: Kpi) -> str:
    text = f"{reading.period}: {figure_with_unit(reading.value, kpi.unit)}"
    if reading.comment:
        text += f"\n{reading.comment}"
    if reading.confirmation is not ReadingConfirmation.CONFIRMED:
        text += f"\n{confirmation_text(reading, kpi)}"
    return text


def _scatter_tip(x: float, y: float, data: object) -> str:
    return str(data)


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
        self._columns = MAX_COLUMNS
        self._released = False

        self.title = QLabel("KPI dashboard")
        self.title.setObjectName("pageTitle")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("dashboardSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(f"font-size: 13pt; color: {palette.INK};")
        self.disputes_label = QLabel()
        self.disputes_label.setObjectName("disputesSummary")
        self.disputes_label.setWordWrap(True)
        self.disputes_label.setStyleSheet(
            f"color: {RAG_COLOURS[Rag.RED]}; font-size: 11.5pt; font-weight: 600;"
        )
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
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
        for tile in shown:
            frame = KpiTileFrame(tile, reasons.get(tile.kpi.id, ""), fonts, self.grid_host)
            frame.opened.connect(self.open_kpi)
            frame.moved.connect(self._on_tile_moved)
            self.tile_frames.append(frame)
        self._place_tiles()
        self.empty_label.setVisible(not shown)
        self.summary_label.setText(self._summary_text(shown))
        self.disputes_label.setText(self._disputes_text())
        self.disputes_label.setVisible(bool(self.disputed))
        if self.period:
            self.title.setText(f"KPI dashboard · {self.period}")

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

    def _columns_for_width(self) -> int:
        # The viewport is not laid out before the first show; the view's own width is.
        width = self.width() - 60
        return max(1, min(MAX_COLUMNS, (width + 14) // (TILE_WIDTH + 14)))

    def _place_tiles(self) -> None:
        self._columns = self._columns_for_width()
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
                word, _ = CONFIRMATION_TEXT[tile.confirmation]
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
