"""The minutes' look: fonts (DejaVu Sans, embedded), colours, the page and the paragraph styles."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
CREATOR = "Review Facilitator"
SIDES = ("enterprise", "partner")

# --- type, colour and page --------------------------------------------------------------

_FONT = "DejaVuSans"
_BOLD = "DejaVuSans-Bold"
_ITALIC = "DejaVuSans-Oblique"
_BOLD_ITALIC = "DejaVuSans-BoldOblique"

_INK = colors.HexColor("#1c2330")
_MUTED = colors.HexColor("#5d6676")
_FAINT = colors.HexColor("#8a93a2")
_ACCENT = colors.HexColor("#1f3a5f")
_RULE = colors.HexColor("#cfd6df")
_HAIRLINE = colors.HexColor("#e2e7ed")
_HEAD_BG = colors.HexColor("#e9eef4")
_GROUP_BG = colors.HexColor("#f3f5f8")
_CLOSED_BG = colors.HexColor("#f6f7f8")
_OVERRUN = colors.HexColor("#a84300")
_WHITE = colors.white

# Red, amber and green told apart by deuteranopes too (ColorBrewer's diverging extremes and
# an orange), and never by colour alone: each has its own shape and its word.
_RAG_COLOUR = {
    "red": colors.HexColor("#b2182b"),
    "amber": colors.HexColor("#e08214"),
    "green": colors.HexColor("#1b7837"),
}
_RAG_SHAPE = {"red": "■", "amber": "▲", "green": "●"}

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_LEFT = _RIGHT = 20 * mm
_TOP = 24 * mm
_BOTTOM = 21 * mm
_WIDTH = _PAGE_WIDTH - _LEFT - _RIGHT
_FRAME_HEIGHT = _PAGE_HEIGHT - _TOP - _BOTTOM
_HEADER_Y = _PAGE_HEIGHT - 13 * mm
_FOOTER_Y = 11 * mm

_STATUS = {
    "done": ("✓ Done", "green"),
    "on_track": ("On track", None),
    "at_risk": ("At risk", "amber"),
    "late": ("Late", "red"),
    "dropped": ("✕ Dropped", None),
    "noted": ("Comment only", None),
}
_CONFIRMATION = {
    "confirmed": "Confirmed",
    "to_be_confirmed": "To be confirmed",
    "disputed": "Disputed",
}
_RACI_ORDER = ("responsible", "accountable", "consulted", "informed")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- fonts and styles -------------------------------------------------------------------


@functools.cache
def _register_fonts() -> None:
    """DejaVu Sans in four faces, once per process, as a family so <b> and <i> work."""
    for name, file in (
        (_FONT, "DejaVuSans.ttf"),
        (_BOLD, "DejaVuSans-Bold.ttf"),
        (_ITALIC, "DejaVuSans-Oblique.ttf"),
        (_BOLD_ITALIC, "DejaVuSans-BoldOblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        _FONT, normal=_FONT, bold=_BOLD, italic=_ITALIC, boldItalic=_BOLD_ITALIC
    )


def _style(name: str, size: float, leading: float, **kwargs: Any) -> Any:
    kwargs.setdefault("fontName", _FONT)
    kwargs.setdefault("textColor", _INK)
    return ParagraphStyle(name, fontSize=size, leading=leading, **kwargs)


@functools.cache
def _styles() -> dict[str, Any]:
    """The type scale: 9.5 pt body, 8.5 pt tables, 13.5 pt section headings."""
    _register_fonts()
    body = _style("body", 9.5, 13.5, spaceAfter=4)
    cell = _style("cell", 8.5, 11)
    return {
        "kicker": _style("kicker", 8, 10, fontName=_BOLD, textColor=_ACCENT, spaceAfter=4),
        "title": _style("title", 19, 23.5, fontName=_BOLD, spaceAfter=4),
        "subtitle": _style("subtitle", 12.5, 16, textColor=_ACCENT, spaceAfter=2),
        "revision": _style("revision", 9, 12, textColor=_MUTED, spaceAfter=10),
        "h1": _style(
            "h1",
            13.5,
            17,
            fontName=_BOLD,
            textColor=_ACCENT,
            spaceBefore=16,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "h2": _style(
            "h2", 10.5, 13.5, fontName=_BOLD, spaceBefore=10, spaceAfter=2, keepWithNext=1
        ),
        "h2_meta": _style("h2_meta", 8, 10.5, textColor=_MUTED, spaceAfter=4, keepWithNext=1),
        "body": body,
        "intro": _style("intro", 8.5, 12, textColor=_MUTED, spaceAfter=6, keepWithNext=1),
        "note": _style("note", 8.5, 12, textColor=_MUTED, spaceBefore=4),
        "empty": _style("empty", 9.5, 13.5, fontName=_ITALIC, textColor=_MUTED, spaceAfter=4),
        "md_h1": _style("md_h1", 10, 13.5, fontName=_BOLD, spaceBefore=6, spaceAfter=2),
        "md_h2": _style("md_h2", 9.5, 13, fontName=_BOLD, spaceBefore=4, spaceAfter=1),
        "md_h3": _style("md_h3", 9.5, 13, fontName=_BOLD_ITALIC, spaceBefore=4, spaceAfter=1),
        "cell": cell,
        "cell_bold": _style("cell_bold", 8.5, 11, fontName=_BOLD),
        "cell_right": _style("cell_right", 8.5, 11, alignment=TA_RIGHT),
        "cell_centre": _style("cell_centre", 8.5, 11, alignment=TA_CENTER),
        "cell_muted": _style("cell_muted", 8.5, 11, textColor=_MUTED),
        "cell_small": _style("cell_small", 7.5, 9.5, textColor=_MUTED),
        "head": _style("head", 7.5, 9.5, fontName=_BOLD, textColor=_ACCENT),
        "head_right": _style(
            "head_right", 7.5, 9.5, fontName=_BOLD, textColor=_ACCENT, alignment=TA_RIGHT
        ),
        "head_centre": _style(
            "head_centre", 7.5, 9.5, fontName=_BOLD, textColor=_ACCENT, alignment=TA_CENTER
        ),
        "group": _style("group", 8, 10.5, fontName=_BOLD, textColor=_ACCENT),
        "label": _style("label", 8, 11, textColor=_MUTED),
        "fact": _style("fact", 9, 12),
        "figure": _style("figure", 15, 18, fontName=_BOLD, textColor=_ACCENT),
        "figure_label": _style("figure_label", 7.5, 9.5, textColor=_MUTED),
        "hash": _style("hash", 9.5, 13, fontName=_BOLD, textColor=_INK),
        "chart_title": _style("chart_title", 8.5, 11, fontName=_BOLD),
        "chart_caption": _style("chart_caption", 7.5, 9.5, textColor=_MUTED),
    }
