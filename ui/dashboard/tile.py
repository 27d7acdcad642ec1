"""One KPI tile, painted: name, RAG pill, value, target, change, 12-month sparkline, owner and
confirmation badge, laid out once as static text and drawn with QPainter."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from math import ceil

from PySide6.QtCore import QEvent, QLineF, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QScrollArea,
    QWidget,
)

from core.dashboard import KpiTile
from core.figures import figure_with_unit
from core.model import (
    Rag,
    ReadingConfirmation,
)
from ui import palette
from ui.dashboard.texts import (
    CONFIRMATION_COLOURS,
    CONFIRMATION_TEXT,
    RAG_COLOURS,
    RAG_TEXT_COLOURS,
    change_text,
    rag_text,
    target_text,
)

TILE_WIDTH = 320  # the narrowest a tile is: the grid fits as many as it can, sharing its width
TILE_GAP = 14  # between tiles

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
CONTENT_WIDTH = TILE_WIDTH - 2 * (TILE_BORDER + TILE_PADDING_X)  # at the narrowest
TILE_COLOURS = palette.ByMeaning(
    {
        "border": "RULE",
        "focus_border": "ACCENT",
        "background": "SURFACE",
        "focus_background": "FOCUS_BACKGROUND",
        "name": "INK",
        "detail": "DETAIL",
        "better": "GOOD",
        "worse": "WORSE",
    }
)


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
            target=target_text(tile.target, kpi),
            change=change_text(tile),
            owner=f"{kpi.owner_side.label} · {kpi.category.value}",
            confirmation=confirmation or "",
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


def _sparkline_points(values: list[float], content_width: float) -> list[QPointF]:
    """Where each reading goes in a sparkline's box, oldest on the left, its margins clear."""
    if not values:
        return []
    width = content_width - 2 * SPARKLINE_MARGIN
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
        key = (focused, behind.rgba(), ratio, palette.scheme.value)
        found = _CHROMES.get(key)
        if found is None:
            found = _CHROMES[key] = cls(focused, behind, ratio)
        return found


_CHROMES: dict[tuple[bool, int, float, str], _TileChrome] = {}
_LINE_PENS: dict[str, QPen] = {}


def _line_pen() -> QPen:
    """The sparklines' pen, made once per scheme."""
    found = _LINE_PENS.get(palette.LINE)
    if found is None:
        found = _LINE_PENS[palette.LINE] = QPen(QColor(palette.LINE), 2)
    return found


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
        width: int = TILE_WIDTH,
    ) -> None:
        super().__init__(parent)
        self.tile = tile
        self.texts = TileTexts.of(tile)
        self.setObjectName("kpiTile")
        self._set_opaque()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._fonts = fonts or TileFonts.of(self)
        texts, rag = self.texts, tile.rag
        self._rag_colour = _colour(RAG_COLOURS[rag] if rag else palette.FAINT)
        pill_colour = RAG_TEXT_COLOURS[rag] if rag else palette.WHITE
        self._pill = _Text(texts.rag, self._fonts.pill, pill_colour, shared=True)
        self._badge: _Text | None = None
        self._badge_fill: QColor | None = None
        if tile.confirmation is not None and tile.confirmation in CONFIRMATION_COLOURS:
            tint = CONFIRMATION_COLOURS[tile.confirmation]
            if tile.confirmation is ReadingConfirmation.DISPUTED:
                self._badge = _Text(
                    texts.confirmation, self._fonts.pill, palette.WHITE, shared=True
                )
                self._badge_fill = _colour(tint)
            else:
                self._badge = _Text(texts.confirmation, self._fonts.to_confirm, tint, shared=True)
        self._tips = [text for text in (tile.comment, dispute_reason) if text]
        self.tile_width = 0
        self.content_width = CONTENT_WIDTH
        self.rows: TileRows | None = None
        self.set_width(width)
        self.setAccessibleName(f"{texts.name}: {texts.rag}")
        self.setAccessibleDescription(texts.description())

    def set_width(self, width: int) -> None:
        """Lay the tile's words and sparkline out for `width` pixels (TILE_WIDTH at the least):
        the grid gives its tiles an equal share of its width."""
        width = max(TILE_WIDTH, width)
        if width == self.tile_width:
            return
        self.tile_width = width
        self.content_width = content = width - 2 * (TILE_BORDER + TILE_PADDING_X)
        fonts, texts, tile = self._fonts, self.texts, self.tile
        name_width = content - (ceil(self._pill.size.width()) + 20) - 8
        self._name = _name_text(texts.name, fonts, name_width)
        self._value = _Text(texts.value, fonts.value, TILE_COLOURS["name"])
        size = 22.0
        while self._value.size.width() > content and size > 10:
            size -= 2  # a figure too long for the tile is printed smaller, never cut off
            self._value = _Text(texts.value, fonts.value_at(size), TILE_COLOURS["name"])
        self._target = _Text(texts.target, fonts.detail, TILE_COLOURS["detail"], content)
        if tile.improved is None:
            self._change = _Text(texts.change, fonts.detail, TILE_COLOURS["detail"], content)
        else:
            colour = TILE_COLOURS["better" if tile.improved else "worse"]
            self._change = _Text(texts.change, fonts.change, colour, content)
        badge_width = self._badge.size.width() + 16 if self._badge else 0.0
        owner_width = content - badge_width - (8 if self._badge else 0)
        self._owner = _Text(texts.owner, fonts.detail, TILE_COLOURS["detail"], shared=True)
        if self._owner.size.width() > owner_width:
            owner = fonts.detail_metrics.elidedText(
                texts.owner, Qt.TextElideMode.ElideRight, owner_width
            )
            self._owner = _Text(owner, fonts.detail, TILE_COLOURS["detail"])
        # The sparkline in its own coordinates, worked out once; painted where `fit` puts it.
        points = _sparkline_points([value for _, value in tile.history], content)
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
        self.rows = None
        self.fit(self.natural)
        # the comment and any dispute; the whole name first when the tile had to cut it
        tips = list(self._tips)
        if self._name.text != texts.name:
            tips.insert(0, texts.name)
        self.setToolTip("\n".join(tips))

    # --- layout -------------------------------------------------------------------------

    def fit(self, rows: TileRows) -> None:
        """Lay the tile out with these row heights (its own, or its grid row's tallest)."""
        if rows == self.rows:
            return
        self.rows = rows
        left = TILE_BORDER + TILE_PADDING_X
        right = left + self.content_width
        y = TILE_BORDER + TILE_PADDING_Y
        self._band = QRectF(left, y, self.content_width, BAND_HEIGHT)
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
        self._spark = QRectF(left, y, self.content_width, SPARKLINE_HEIGHT)
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
        self.setFixedSize(self.tile_width, height)

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
