"""The app's one icon set: Phosphor (MIT licence), the icon font qtawesome ships.

The glyphs are drawn here from qtawesome's copy of the font, in the active scheme's colours
at paint time, so an icon follows a change from light to dark without being made again. The
font is read without importing qtawesome: its import brings in qtpy and loads every font it
ships (about 140 ms and 6 MB at start-up), for the thirty glyphs the app uses.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap

from ui import palette

# The name the screens use, and the glyph it is drawn with.
GLYPHS = {
    "back": "arrow-left",
    "open": "folder-open",
    "new": "file-plus",
    "start": "play",
    "pause": "pause",
    "stop": "stop-circle",
    "attendance": "users",
    "prepare": "calendar-plus",
    "agenda": "list-numbers",
    "register": "list-bullets",
    "accountability": "chart-bar",
    "portfolio": "squares-four",
    "search": "magnifying-glass",
    "minutes": "file-text",
    "export": "file-arrow-down",
    "send": "paper-plane-tilt",
    "sign": "pen-nib",
    "key": "key",
    "certificate": "shield-check",
    "projector": "presentation",
    "add": "plus",
    "decision": "check-circle",
    "import": "upload-simple",
    "undo": "arrow-u-up-left",
    "kpi": "chart-line-up",
    "warning": "warning",
    "home": "house",
    "calendar": "calendar-blank",
    "timer": "timer",
    "record": "check",
}


class _GlyphEngine(QIconEngine):
    """Paints one glyph in a palette colour read when painting; faint when disabled."""

    def __init__(self, char: str, colour: str) -> None:
        super().__init__()
        self.char = char
        self.colour = colour  # a palette name: "TEXT", "WHITE", "ACCENT"…

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        name = "FAINT" if mode is QIcon.Mode.Disabled else self.colour
        font = QFont(_family())
        font.setPixelSize(max(1, round(min(rect.width(), rect.height()) * 0.92)))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(getattr(palette, name))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self.char, self.colour)


def icon(name: str, colour: str = "DETAIL") -> QIcon:
    """The icon for `name` (a key of GLYPHS), drawn in the palette colour `colour`."""
    if colour not in palette.COLOUR_NAMES:
        raise ValueError(f"no colour called {colour!r}")
    return QIcon(_GlyphEngine(_charmap()[name], colour))


def _fonts_folder() -> Path:
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("qtawesome is not installed: run make run, which installs it")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


@cache
def _font_files() -> tuple[Path, Path]:
    folder = _fonts_folder()
    fonts = sorted(folder.glob("phosphor-[0-9]*.ttf"))
    charmaps = sorted(folder.glob("phosphor-charmap-[0-9]*.json"))
    if not fonts or not charmaps:
        raise RuntimeError(f"qtawesome's Phosphor font is missing from {folder}")
    return fonts[-1], charmaps[-1]


@cache
def _charmap() -> dict[str, str]:
    """Our names to their glyphs' characters (a glyph the font lacks fails here, by name)."""
    codes = json.loads(_font_files()[1].read_text(encoding="utf-8"))
    missing = sorted(glyph for glyph in GLYPHS.values() if glyph not in codes)
    if missing:
        raise RuntimeError(f"the Phosphor font has no glyph called {missing}")
    return {name: chr(int(codes[glyph], 16)) for name, glyph in GLYPHS.items()}


@cache
def _family() -> str:
    font_id = QFontDatabase.addApplicationFont(str(_font_files()[0]))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise RuntimeError(f"{_font_files()[0]} could not be loaded as a font")
    return families[0]
