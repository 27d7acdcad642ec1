"""The minutes of a meeting as a formal, signable PDF: the record both partners hold each other to.

`render_minutes` typesets a `Minutes` (core/minutes.py) with reportlab: a title block, every
section in the minutes' order, charts drawn as vector graphics, a running header and a footer
carrying "Page X of Y" and the content hash, bookmarks per section, and a sign-off block whose
two signature boxes are returned with their page coordinates for the signing code.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import (  # type: ignore[import-untyped]
    Circle,
    Drawing,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped]

from core.figures import figure, figure_with_unit
from core.minutes import (
    AccountabilityEntry,
    AgendaEntry,
    Commitment,
    KpiEntry,
    Minutes,
    ReviewedAction,
    SideAttendance,
)
from core.model import AgendaItemKind

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
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


# --- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureBox:
    """Where a signature field goes, for the signing code (pyhanko's SigFieldSpec)."""

    field_name: str  # "enterprise" or "partner"
    page: int  # 0-based page index
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom-left


@dataclass(frozen=True)
class RenderedMinutes:
    """The PDF of the minutes, where its signatures go, and how many pages it has."""

    pdf: bytes
    signature_boxes: tuple[SignatureBox, ...]
    pages: int


def render_minutes(
    minutes: Minutes,
    content_hash: str,
    *,
    created: dt.datetime | None = None,
    invariant: bool = False,
) -> RenderedMinutes:
    """Typeset the minutes as an A4 PDF; `invariant` makes it byte-identical (golden tests only)."""
    _register_fonts()
    if created is None and not invariant:
        created = dt.datetime.now().astimezone()
    try:
        return _render(minutes, content_hash, created, invariant, split_rows=False)
    except LayoutError:
        # Only a single table row taller than a page gets here (a pasted essay in a comment):
        # let such rows split rather than refuse to print the minutes.
        return _render(minutes, content_hash, created, invariant, split_rows=True)


def _render(
    minutes: Minutes,
    content_hash: str,
    created: dt.datetime | None,
    invariant: bool,
    *,
    split_rows: bool,
) -> RenderedMinutes:
    header = minutes.header
    boxes: dict[str, SignatureBox] = {}
    canvases: list[_MinutesCanvas] = []
    furniture = _Furniture(
        left=_clean(header.partnership),
        right=f"Meeting {header.number} — {header.date}",
        content_hash=content_hash,
    )

    def make_canvas(*args: Any, **kwargs: Any) -> _MinutesCanvas:
        canvas = _MinutesCanvas(*args, furniture=furniture, **kwargs)
        if created is not None:
            canvas.setDateFormatter(_pdf_date(created))
        canvas.showOutline()
        canvases.append(canvas)
        return canvas

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_LEFT,
        rightMargin=_RIGHT,
        topMargin=_TOP,
        bottomMargin=_BOTTOM,
        title=f"Minutes of meeting {header.number}: {_clean(header.title)}",
        author=_clean(header.partnership),
        subject=f"Minutes of meeting {header.number}",
        creator=CREATOR,
        keywords=[f"content-sha256:{content_hash}"],
        invariant=1 if invariant else 0,
        pageCompression=1,
        displayDocTitle=1,
        lang="en",
        keepTogetherClass=_KeepStart,
    )
    frame = Frame(
        _LEFT,
        _BOTTOM,
        _WIDTH,
        _FRAME_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="minutes", frames=[frame])])
    story = _Story(minutes, content_hash, boxes, split_rows=split_rows).flowables()
    doc.build(story, canvasmaker=make_canvas)
    return RenderedMinutes(
        pdf=buffer.getvalue(),
        signature_boxes=tuple(boxes[name] for name in SIDES if name in boxes),
        pages=canvases[-1].page_count,
    )


def _pdf_date(moment: dt.datetime) -> Callable[..., str]:
    """A reportlab date formatter that stamps `moment` (a naive time is taken as local)."""
    aware = moment if moment.tzinfo is not None else moment.astimezone()
    offset = aware.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    text = f"D:{aware:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"
    return lambda *_: text


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


# --- text -------------------------------------------------------------------------------

_DROPPED_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}


def _clean(text: str) -> str:
    """User text without control characters, surrogates or unassigned code points."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    ).replace("\t", "    ")


def _esc(text: str) -> str:
    """User text made safe for reportlab's Paragraph markup; line breaks kept."""
    return escape(_clean(text)).replace("\n", "<br/>")


def _para(markup: str, style: Any, *, plain: str | None = None) -> Any:
    """A Paragraph, or the escaped `plain` text if the markup does not parse."""
    try:
        return Paragraph(markup, style)
    except ValueError:
        return Paragraph(_esc(plain if plain is not None else markup), style)


def _hex(colour: Any) -> str:
    return "#" + colour.hexval()[2:]


def _coloured(text: str, colour: Any) -> str:
    return f'<font color="{_hex(colour)}">{text}</font>'


def _small(text: str) -> str:
    return f'<font size="7.5" color="{_hex(_MUTED)}">{text}</font>'


def _side_label(side: str) -> str:
    return side.capitalize()


def _fixed(value: float | None, suffix: str = "") -> str:
    """A figure with one decimal, so that a column of them aligns."""
    return "—" if value is None else f"{value:,.1f}{suffix}".replace("-", "−")


def _period_name(period: str) -> str:
    """'2026-10' as 'October 2026'; anything else as written."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return period
    return f"{_MONTH_NAMES[int(match.group(2)) - 1]} {match.group(1)}"


def _long_date(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%A} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _clock(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return iso


def _span_minutes(start: str | None, end: str | None) -> int | None:
    try:
        if start and end:
            seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).seconds
            return round(seconds / 60)
    except ValueError:
        pass
    return None


def _rag_markup(rag: str | None, *, word: bool = True) -> str:
    """RAG as shape, colour and word, so that it reads without colour vision too."""
    if rag not in _RAG_COLOUR:
        return _coloured("○", _FAINT) + (" Not rated" if word else "")
    shape = _coloured(_RAG_SHAPE[rag], _RAG_COLOUR[rag])
    return f"{shape} {rag.capitalize()}" if word else shape


# --- Markdown notes ---------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^(\s*)([-*+•])\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,9})[.)]\s+(.*)$")
_CODE = re.compile(r"`([^`\n]+)`")
_INLINE = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<b>\1</b>"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"<b>\1</b>"),
    (re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"), r"<i>\1</i>"),
    (re.compile(r"(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])"), r"<i>\1</i>"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"<strike>\1</strike>"),
)
_BULLETS = ("•", "◦", "▪")


def _inline(text: str, *, italics: bool = True) -> str:
    """Markdown emphasis as Paragraph markup; everything the user typed is escaped first."""
    patterns = _INLINE if italics else _INLINE[:2] + _INLINE[4:]
    parts = []
    for index, piece in enumerate(_CODE.split(_clean(text))):
        escaped = escape(piece)
        if index % 2:
            parts.append(f'<font backColor="#eef1f5">{escaped}</font>')
            continue
        for pattern, replacement in patterns:
            escaped = pattern.sub(replacement, escaped)
        parts.append(escaped)
    return "".join(parts)


def _note_paragraph(text: str, style: Any, bullet: str | None = None) -> Any:
    """A line of a note with its emphasis; if the emphasis overlaps (`**a *b** c*`), with its
    bold only; failing that, as typed."""
    for markup in (_inline(text), _inline(text, italics=False), _esc(text)):
        try:
            return Paragraph(markup, style, bulletText=bullet)
        except ValueError:
            continue
    raise AssertionError("escaped text always parses")  # pragma: no cover


@dataclass
class _Block:
    kind: str  # "p", "h1".."h3", "item"
    text: str
    depth: int = 0
    marker: str = ""


def _markdown_blocks(text: str) -> list[_Block]:
    """Paragraphs, headings and (nested) list items of a Markdown note."""
    blocks: list[_Block] = []
    paragraph: list[str] = []
    indents: list[int] = []  # indentation of each open list level
    counters: list[int] = []
    in_list = False
    blank_before = False

    def close_paragraph() -> None:
        if paragraph:
            blocks.append(_Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in _clean(text).splitlines():
        line = raw.rstrip()
        if not line.strip():
            close_paragraph()
            blank_before = True
            continue
        heading = _HEADING.match(line)
        item = _BULLET.match(line) or _NUMBERED.match(line)
        if heading:
            close_paragraph()
            in_list = False
            level = min(len(heading.group(1)), 3)
            blocks.append(_Block(f"h{level}", heading.group(2)))
        elif item:
            close_paragraph()
            indent = len(item.group(1).expandtabs(4))
            if not in_list:
                indents, counters = [indent], [0]
            while len(indents) > 1 and indent < indents[-1]:
                indents.pop()
                counters.pop()
            if indent > indents[-1] + 1:
                indents.append(indent)
                counters.append(0)
            in_list = True
            depth = len(indents) - 1
            if item.re is _NUMBERED:
                number = int(item.group(2))
                counters[-1] = counters[-1] + 1 if counters[-1] else number
                marker = f"{counters[-1]}."
            else:
                counters[-1] = 0
                marker = _BULLETS[depth % len(_BULLETS)]
            blocks.append(_Block("item", item.group(3), depth, marker))
        elif in_list and (raw[:1].isspace() or not blank_before) and blocks:
            blocks[-1].text += " " + line.strip()  # an item's continuation line
        else:
            in_list = False
            paragraph.append(line.strip())
        blank_before = False
    close_paragraph()
    return blocks


def markdown_flowables(text: str) -> list[Any]:
    """A Markdown note as Paragraphs (headings, lists, bold, italics); never a parse error."""
    styles = _styles()
    flowables = []
    for block in _markdown_blocks(text):
        if block.kind == "item":
            indent = 14 + 14 * block.depth
            style = ParagraphStyle(
                f"md_item_{block.depth}",
                parent=styles["body"],
                leftIndent=indent,
                bulletIndent=indent - 11,
                bulletFontName=_FONT,
                spaceAfter=2,
            )
            flowables.append(_note_paragraph(block.text, style, escape(block.marker)))
        else:
            style = styles["body"] if block.kind == "p" else styles[f"md_{block.kind}"]
            flowables.append(_note_paragraph(block.text, style))
    return flowables


# --- page furniture ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Furniture:
    left: str
    right: str
    content_hash: str


class _MinutesCanvas(Canvas):
    """Holds each page back until the end, so each can say "Page X of Y".

    Bookmarks are held back with their page: reportlab binds a bookmark to the page it is
    writing, and that page is only written in save().
    """

    def __init__(self, *args: Any, furniture: _Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held_pages: list[dict[str, Any]] = []
        self._held_bookmarks: list[tuple[str, dict[str, Any]]] = []
        self.page_count = 0

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # reportlab's names
        self._held_bookmarks.append((key, kwargs))

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._held_bookmarks = []
        self._startPage()

    def save(self) -> None:
        pages = self._held_pages
        for number, state in enumerate(pages, start=1):
            self.__dict__.update(state)
            for key, kwargs in self._held_bookmarks:
                Canvas.bookmarkPage(self, key, **kwargs)
            self._draw_furniture(number, len(pages))
            Canvas.showPage(self)
        self._held_pages = []
        self.page_count = len(pages)
        Canvas.save(self)

    def _draw_furniture(self, number: int, total: int) -> None:
        furniture = self._furniture
        right_edge = _PAGE_WIDTH - _RIGHT
        self.saveState()
        self.setFont(_FONT, 7.5)
        self.setFillColor(_MUTED)
        right_width = self.stringWidth(furniture.right, _FONT, 7.5)
        left = _fit(furniture.left, _WIDTH - right_width - 24, _FONT, 7.5)
        self.drawString(_LEFT, _HEADER_Y, left)
        self.drawRightString(right_edge, _HEADER_Y, furniture.right)
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.line(_LEFT, _HEADER_Y - 4, right_edge, _HEADER_Y - 4)
        self.line(_LEFT, _FOOTER_Y + 10, right_edge, _FOOTER_Y + 10)
        digest = furniture.content_hash
        if number < total and len(digest) > 20:
            digest = f"{digest[:8]}…{digest[-8:]}"
        self.setFont(_FONT, 7)
        self.drawString(_LEFT, _FOOTER_Y, f"Content SHA-256: {digest}")
        self.setFont(_FONT, 7.5)
        self.drawRightString(right_edge, _FOOTER_Y, f"Page {number} of {total}")
        self.restoreState()


def _fit(text: str, width: float, font: str, size: float) -> str:
    """`text` shortened with an ellipsis to fit `width`."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- flowables of our own ---------------------------------------------------------------


class _Heading(Paragraph):
    """A heading that bookmarks itself in the PDF's outline, with a rule under a section's."""

    def __init__(
        self, markup: str, style: Any, *, outline: str, key: str, level: int, rule: bool
    ) -> None:
        super().__init__(markup, style)
        self._outline = outline
        self._key = key
        self._level = level
        self._rule = rule

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        canvas.bookmarkHorizontal(self._key, 0, self.height + self.style.fontSize * 0.6)
        canvas.addOutlineEntry(self._outline, self._key, self._level, closed=self._level > 0)
        if self._rule:
            canvas.saveState()
            canvas.setStrokeColor(_ACCENT)
            canvas.setLineWidth(0.8)
            canvas.line(0, -3.5, self.width, -3.5)
            canvas.restoreState()


class _KeepStart(KeepTogether):
    """Keeps a heading with the start of what follows it (not all of it), so none is orphaned.

    reportlab groups flowables marked keepWithNext in its keep-together class; the stock one
    moves a long table whole to the next page, leaving a gap. This one moves the group only
    when the heading and the first rows of what follows cannot share this page.
    """

    def split(self, available_width: float, available_height: float) -> list[Any]:
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        content = list(self._content)
        frame = getattr(self, "_frame", None)
        if available_height >= self._H or getattr(frame, "_atTop", False):
            return content
        *lead, last = content
        rest = available_height
        for flowable in lead:
            _, height = flowable.wrapOn(self.canv, available_width, rest)
            rest -= height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        rest -= last.getSpaceBefore()
        if rest > 0:
            _, height = last.wrapOn(self.canv, available_width, rest)
            if height <= rest or last.splitOn(self.canv, available_width, rest):
                return content
        return [self.FrameBreak(), *content]


class _SignatureField(Flowable):
    """An empty box reserved for a digital signature; records where on which page it was drawn."""

    def __init__(
        self, field_name: str, width: float, height: float, record: dict[str, SignatureBox]
    ) -> None:
        super().__init__()
        self.field_name = field_name
        self.width = width
        self.height = height
        self._record = record

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        x1, y1 = canvas.absolutePosition(x, y)
        x2, y2 = canvas.absolutePosition(x + self.width, y + self.height)
        self._record[self.field_name] = SignatureBox(
            field_name=self.field_name,
            page=canvas.getPageNumber() - 1,
            box=(round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)),
        )
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#fbfcfd"))
        canvas.setStrokeColor(_FAINT)
        canvas.setLineWidth(0.6)
        canvas.setDash(2, 2)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        canvas.restoreState()


def _progress_bar(percent: int | None) -> Any:
    """A small horizontal bar with its percentage, for an initiative's progress."""
    drawing = Drawing(68, 10)
    drawing.add(Rect(0, 1.5, 40, 6, fillColor=_HAIRLINE, strokeColor=None))
    if percent is not None:
        share = max(0, min(100, percent)) / 100
        drawing.add(Rect(0, 1.5, 40 * share, 6, fillColor=_ACCENT, strokeColor=None))
    label = "—" if percent is None else f"{percent}%"
    drawing.add(
        String(66, 1.6, label, fontName=_FONT, fontSize=8, fillColor=_INK, textAnchor="end")
    )
    return drawing


# --- charts -----------------------------------------------------------------------------


def _ticks(low: float, high: float, count: int = 4) -> tuple[list[float], int]:
    """Round tick values covering low..high, and how many decimals they need."""
    if high - low < 1e-9:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw * 0.999)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    steps = round((end - start) / step)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if step * 10**decimals % 1:
        decimals += 1
    return [start + i * step for i in range(steps + 1)], decimals


def kpi_chart(entry: KpiEntry, width: float, height: float) -> Any:
    """The KPI's history as a line, its target stepping as it changed, periods along the foot."""
    drawing = Drawing(width, height)
    history = [(p, v) for p, v in entry.history if math.isfinite(v)]
    if not history:
        drawing.add(
            String(width / 2, height / 2, "No readings to chart", fontName=_ITALIC,
                   fontSize=8, fillColor=_MUTED, textAnchor="middle")
        )  # fmt: skip
        return drawing
    targets = dict(entry.targets)
    target_values = [targets.get(p) for p, _ in history]
    values = [v for _, v in history] + [t for t in target_values if t is not None]
    ticks, decimals = _ticks(min(values), max(values))
    step = ticks[1] - ticks[0]
    if min(values) - ticks[0] < 0.04 * (ticks[-1] - ticks[0]) and not (
        ticks[0] == 0 and min(values) >= 0
    ):
        ticks.insert(0, ticks[0] - step)  # keep the lowest point off the axis
    low, high = ticks[0], ticks[-1]
    left, right, bottom, top = 34.0, 6.0, 24.0, 14.0
    plot_w, plot_h = width - left - right, height - bottom - top
    slot = plot_w / len(history)

    def x_at(index: float) -> float:
        return left + slot * (index + 0.5)

    def y_at(value: float) -> float:
        return bottom + (value - low) / (high - low) * plot_h

    for tick in ticks:
        y = y_at(tick)
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=_HAIRLINE, strokeWidth=0.5))
        drawing.add(
            String(left - 4, y - 2.5, f"{tick:,.{decimals}f}".replace("-", "−"),
                   fontName=_FONT, fontSize=6.5, fillColor=_MUTED, textAnchor="end")
        )  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=_FAINT, strokeWidth=0.6))
    if entry.unit:
        drawing.add(
            String(left - 4, height - 5, _clean(entry.unit)[:16], fontName=_FONT,
                   fontSize=6.5, fillColor=_MUTED, textAnchor="start")
        )  # fmt: skip

    every = max(1, math.ceil(len(history) / 12))
    for index, (period, _) in enumerate(history):
        match = re.fullmatch(r"(\d{4})-(\d{2})", period)
        x = x_at(index)
        if index % every == 0 or index == len(history) - 1:
            label = (
                _MONTHS[int(match.group(2)) - 1]
                if match and 1 <= int(match.group(2)) <= 12
                else period
            )
            drawing.add(
                String(x, bottom - 9, label[:8], fontName=_FONT, fontSize=6, fillColor=_MUTED,
                       textAnchor="middle")
            )  # fmt: skip
        if match and (index == 0 or match.group(2) == "01"):
            drawing.add(
                String(x, bottom - 18, match.group(1), fontName=_BOLD, fontSize=6,
                       fillColor=_MUTED, textAnchor="middle")
            )  # fmt: skip

    # The target in force, period by period: horizontal across each period's slot, stepping
    # where it changed, broken where no target was in force.
    run: list[float] = []
    previous: float | None = None
    for index, target in enumerate(target_values):
        if target is None:
            if run:
                drawing.add(_target_line(run))
            run, previous = [], None
            continue
        x0, x1 = left + slot * index, left + slot * (index + 1)
        if not run or target != previous:  # start, or step to the new target
            run += [x0, y_at(target)]
        run += [x1, y_at(target)]
        previous = target
    if run:
        drawing.add(_target_line(run))

    points: list[float] = []
    for index, (_, value) in enumerate(history):
        points += [x_at(index), y_at(value)]
    drawing.add(PolyLine(points, strokeColor=_ACCENT, strokeWidth=1.4, strokeLineJoin=1))
    for index, (_, value) in enumerate(history[:-1]):
        drawing.add(
            Circle(x_at(index), y_at(value), 1.6, fillColor=_WHITE, strokeColor=_ACCENT,
                   strokeWidth=0.9)
        )  # fmt: skip
    drawing.add(_rag_marker(entry.rag, x_at(len(history) - 1), y_at(history[-1][1])))
    return drawing


def _target_line(points: list[float]) -> Any:
    return PolyLine(
        points, strokeColor=colors.HexColor("#3d4552"), strokeWidth=0.9, strokeDashArray=[3, 2]
    )


def _rag_marker(rag: str | None, x: float, y: float) -> Any:
    """The latest reading's point, in its RAG colour and shape."""
    colour = _RAG_COLOUR.get(rag or "", _ACCENT)
    if rag == "red":
        return Rect(x - 3.2, y - 3.2, 6.4, 6.4, fillColor=colour, strokeColor=_WHITE,
                    strokeWidth=0.6)  # fmt: skip
    if rag == "amber":
        return Polygon([x - 3.8, y - 3.0, x + 3.8, y - 3.0, x, y + 3.8], fillColor=colour,
                       strokeColor=_WHITE, strokeWidth=0.6)  # fmt: skip
    return Circle(x, y, 3.2, fillColor=colour, strokeColor=_WHITE, strokeWidth=0.6)


# --- the story --------------------------------------------------------------------------


@dataclass
class _Story:
    """Builds the flowables of the minutes, section by section, in the minutes' order."""

    minutes: Minutes
    content_hash: str
    boxes: dict[str, SignatureBox]
    split_rows: bool = False
    styles: dict[str, Any] = field(default_factory=_styles)
    _section: int = 0

    def flowables(self) -> list[Any]:
        story: list[Any] = []
        story += self._title_block()
        for title, build in (
            ("Attendance", self._attendance),
            ("Agenda", self._agenda),
            ("Notes", self._notes),
            ("Action review", self._action_review),
            ("New commitments", self._commitments),
            ("Decisions", self._decisions),
            ("Dashboard", self._dashboard),
            ("KPI disputes", self._disputes),
            ("Initiatives", self._initiatives),
            ("Accountability record", self._accountability),
        ):
            story += [self._heading(title), *build()]
        story.append(self._sign_off())
        return story

    # -- building blocks --

    def _p(self, markup: str, style: str = "cell") -> Any:
        return _para(markup, self.styles[style])

    def _heading(self, title: str) -> Any:
        self._section += 1
        return _Heading(
            f"{self._section}&nbsp;&nbsp;&nbsp;{escape(title)}",
            self.styles["h1"],
            outline=f"{self._section}. {title}",
            key=f"section-{self._section}",
            level=0,
            rule=True,
        )

    def _empty(self, sentence: str) -> list[Any]:
        return [self._p(escape(sentence), "empty")]

    def _intro(self, sentence: str) -> Any:
        return self._p(sentence, "intro")

    def _table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        *,
        header_rows: int = 1,
        extra: Iterable[tuple[Any, ...]] = (),
        rules: bool = True,
    ) -> Any:
        """A table in the house style: tinted header repeated on each page, thin rules.

        Rows are never split across pages, unless one is taller than a page on its own.
        """
        scale = _WIDTH / sum(widths)
        last_header = header_rows - 1
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), _FONT),
            ("FONTNAME", (0, 0), (-1, last_header), _BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), _INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, last_header), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
            ("BACKGROUND", (0, 0), (-1, last_header), _HEAD_BG),
            ("LINEBELOW", (0, last_header), (-1, last_header), 0.8, _ACCENT),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, _ACCENT),
        ]
        if rules and len(rows) > header_rows + 1:
            commands.append(("LINEBELOW", (0, header_rows), (-1, -2), 0.4, _HAIRLINE))
        # No header alone at a page's foot, no last row alone at the top of the next.
        commands.append(("NOSPLIT", (0, 0), (-1, min(header_rows + 1, len(rows) - 1))))
        if len(rows) - 2 > header_rows:
            commands.append(("NOSPLIT", (0, len(rows) - 2), (-1, len(rows) - 1)))
        commands += list(extra)

        def make(split: bool) -> Any:
            table = Table(
                rows,
                colWidths=[w * scale for w in widths],
                # reportlab repeats a header badly around a row split inside a row
                repeatRows=0 if split else header_rows,
                hAlign="LEFT",
                splitInRow=1 if split else 0,
            )
            table.setStyle(TableStyle([c for c in commands if not split or c[0] != "NOSPLIT"]))
            return table

        table = make(self.split_rows)
        if not self.split_rows and _has_long_text(rows):
            table.wrap(_WIDTH, _FRAME_HEIGHT)
            heights = table._rowHeights
            if sum(heights[:header_rows]) + max(heights[header_rows:], default=0) > _FRAME_HEIGHT:
                table = make(True)  # a pasted essay in one cell: let its row split
        return table

    def _head(self, *labels: str) -> list[Any]:
        """Header cells; a label starting with '>' is right-aligned, '^' centred."""
        cells = []
        for label in labels:
            if label.startswith(">"):
                cells.append(self._p(escape(label[1:]), "head_right"))
            elif label.startswith("^"):
                cells.append(self._p(escape(label[1:]), "head_centre"))
            else:
                cells.append(self._p(escape(label), "head"))
        return cells

    def _party(self, side: str) -> str:
        header = self.minutes.header
        return header.enterprise if side == "enterprise" else header.partner

    # -- title block --

    def _title_block(self) -> list[Any]:
        h = self.minutes.header
        if h.amends_revision is not None:
            revision = f"Revision {h.revision}, amending revision {h.amends_revision}"
        else:
            revision = f"Revision {h.revision}"
        planned = f"{_clock(h.planned_start) or '—'} – {_clock(h.planned_end) or '—'}"
        planned_minutes = _span_minutes(h.planned_start, h.planned_end)
        if planned_minutes is not None:
            planned += f" ({planned_minutes} min)"
        if h.actual_start or h.actual_end:
            actual = f"{_clock(h.actual_start) or '—'} – {_clock(h.actual_end) or '—'}"
            actual_minutes = _span_minutes(h.actual_start, h.actual_end)
            if actual_minutes is not None:
                actual += f" ({actual_minutes} min)"
        else:
            actual = "Not recorded"
        period = _period_name(h.period)
        if period != h.period:
            period += f" ({h.period})"
        facts = [
            ("Enterprise", _esc(h.enterprise), "Partner", _esc(h.partner)),
            ("Date", escape(_long_date(h.date)), "Period reviewed", escape(period)),
            ("Planned", escape(planned), "Actual", escape(actual)),
            ("Location", _esc(h.location) or "—", "Facilitator", _esc(h.facilitator) or "—"),
        ]
        rows = [
            [
                self._p(a, "label"),
                self._p(b, "fact"),
                self._p(c, "label"),
                self._p(d, "fact"),
            ]
            for a, b, c, d in facts
        ]
        table = Table(rows, colWidths=[64, _WIDTH / 2 - 64, 82, _WIDTH / 2 - 82], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.8, _ACCENT),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.8, _ACCENT),
                    ("TOPPADDING", (0, 0), (-1, 0), 7),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ]
            )
        )
        return [
            self._p("MINUTES OF THE PARTNERSHIP REVIEW", "kicker"),
            self._p(_esc(h.partnership), "title"),
            self._p(f"Meeting {h.number} — {_esc(h.title)}", "subtitle"),
            self._p(escape(revision), "revision"),
            table,
            Spacer(1, 10),
            self._at_a_glance(),
        ]

    def _at_a_glance(self) -> Any:
        m = self.minutes
        open_actions = sum(not a.closed for a in m.action_review)
        rags = [k.rag for k in m.dashboard]
        kpis = " · ".join(
            f"{rags.count(rag)} {rag}" for rag in ("red", "amber", "green") if rag in rags
        )
        planned = sum(a.planned_minutes for a in m.agenda)
        actual = sum(a.actual_minutes for a in m.agenda)
        figures = [
            (
                str(len(m.action_review)),
                f"{_plural(len(m.action_review), 'action')} reviewed<br/>{open_actions} open · "
                f"{len(m.action_review) - open_actions} closed",
            ),
            (str(len(m.commitments)), f"new {_plural(len(m.commitments), 'commitment')}"),
            (str(len(m.decisions)), _plural(len(m.decisions), "decision")),
            (
                str(len(m.dashboard)),
                f"{_plural(len(m.dashboard), 'KPI')}<br/>{kpis or 'none rated'}",
            ),
            (f"{actual}", f"minutes of agenda<br/>against {planned} planned"),
        ]
        row = [
            [self._p(escape(big), "figure"), self._p(small, "figure_label")]
            for big, small in figures
        ]
        table = Table([row], colWidths=[_WIDTH / len(figures)] * len(figures), hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), _GROUP_BG),
                    ("LINEAFTER", (0, 0), (-2, -1), 2.5, _WHITE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return table

    # -- attendance --

    def _attendance(self) -> list[Any]:
        by_side = {a.side: a for a in self.minutes.attendance}
        if not by_side:
            return self._empty("No attendance was recorded.")
        sides = [by_side.get(side) for side in SIDES]
        rows: list[list[Any]] = [
            [
                self._p(
                    f"{_side_label(side)}<br/>"
                    f'<font name="{_FONT}" size="9" color="{_hex(_INK)}">'
                    f"{_esc(group.party if group else self._party(side))}</font>",
                    "head",
                )
                for side, group in zip(SIDES, sides, strict=True)
            ]
        ]
        extra: list[tuple[Any, ...]] = []

        def people(group: SideAttendance | None, kind: str) -> list[Any]:
            if group is None:
                return []
            if kind == "guests":
                return [self._p(_esc(g)) for g in group.guests]
            return [
                self._p(f"{_esc(a.name)}" + (f"<br/>{_small(_esc(a.role))}" if a.role else ""))
                for a in getattr(group, kind)
            ]

        for kind, label in (
            ("present", "Present"),
            ("apologies", "Apologies"),
            ("absent", "Absent"),
            ("guests", "Guests"),
        ):
            columns = [people(group, kind) for group in sides]
            row_index = len(rows)
            rows.append([self._p(f"{label} ({len(c)})", "group") for c in columns])
            extra += [
                ("NOSPLIT", (0, row_index), (-1, row_index + 1)),
                ("TOPPADDING", (0, row_index), (-1, row_index), 7),
                ("LINEBELOW", (0, row_index), (-1, row_index), 0.4, _RULE),
            ]
            if not any(columns):
                rows.append([self._p("None", "cell_muted")] * 2)
                continue
            for left, right in zip_longest(*columns):
                rows.append(
                    [
                        left if left is not None else "",
                        right if right is not None else "",
                    ]
                )
            for index, column in enumerate(columns):
                if not column:
                    rows[row_index + 1][index] = self._p("None", "cell_muted")
        extra += [
            ("LINEAFTER", (0, 0), (0, -1), 0.4, _RULE),
            ("LEFTPADDING", (1, 0), (1, -1), 10),
            ("TOPPADDING", (0, 1), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5),
        ]
        return [self._table(rows, [1, 1], extra=extra, rules=False)]

    # -- agenda and notes --

    def _agenda(self) -> list[Any]:
        agenda = self.minutes.agenda
        if not agenda:
            return self._empty("No agenda was recorded.")
        rows: list[list[Any]] = [
            self._head(">#", "Item", "Type", ">Planned min", ">Actual min", ">Over / under")
        ]
        for entry in agenda:
            rows.append(
                [
                    self._p(str(entry.position), "cell_right"),
                    self._p(_esc(entry.title)),
                    self._p(escape(_kind(entry)), "cell_muted"),
                    self._p(str(entry.planned_minutes), "cell_right"),
                    self._p(str(entry.actual_minutes), "cell_right"),
                    self._p(_variance(entry.actual_minutes - entry.planned_minutes), "cell_right"),
                ]
            )
        planned = sum(e.planned_minutes for e in agenda)
        actual = sum(e.actual_minutes for e in agenda)
        rows.append(
            [
                "",
                self._p("<b>Total</b>"),
                "",
                self._p(f"<b>{planned}</b>", "cell_right"),
                self._p(f"<b>{actual}</b>", "cell_right"),
                self._p(_variance(actual - planned, bold=True), "cell_right"),
            ]
        )
        over = sum(e.actual_minutes > e.planned_minutes for e in agenda)
        note = (
            f"{over} {_plural(over, 'item')} ran over time; over-runs are marked "
            + _coloured("+", _OVERRUN)
            + "."
            if over
            else "Every item kept to its time."
        )
        table = self._table(
            rows,
            [20, 220, 100, 50, 50, 56],
            extra=[("LINEABOVE", (0, -1), (-1, -1), 0.6, _RULE)],
        )
        return [table, self._p(note, "note")]

    def _notes(self) -> list[Any]:
        agenda = self.minutes.agenda
        if not agenda:
            return self._empty("No notes were recorded.")
        flowables: list[Any] = []
        for entry in agenda:
            flowables.append(
                _Heading(
                    f"{entry.position}.&nbsp;&nbsp;{_esc(entry.title)}",
                    self.styles["h2"],
                    outline=f"{entry.position}. {_clean(entry.title)}",
                    key=f"notes-{entry.position}",
                    level=1,
                    rule=False,
                )
            )
            flowables.append(
                self._p(
                    f"{escape(_kind(entry))} · planned {entry.planned_minutes} min, "
                    f"took {entry.actual_minutes} min",
                    "h2_meta",
                )
            )
            notes = markdown_flowables(entry.notes) if entry.notes.strip() else []
            flowables += notes or self._empty("No notes were recorded for this item.")
        return flowables

    # -- actions --

    def _action_review(self) -> list[Any]:
        reviewed = self.minutes.action_review
        if not reviewed:
            return self._empty("No actions were reviewed.")
        rows: list[list[Any]] = [self._head("Action", "Owner", "Due", "Status", "New due")]
        extra: list[tuple[Any, ...]] = []
        for side in _sides_in(a.side for a in reviewed):
            group = [a for a in reviewed if a.side == side]
            closed = sum(a.closed for a in group)
            extra += self._group_row(
                rows,
                f"{_side_label(side)} · {_esc(self._party(side))}",
                f"{len(group) - closed} open · {closed} closed",
                5,
            )
            for action in group:
                if action.closed:
                    extra.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _CLOSED_BG))
                rows.append(self._action_row(action))
        return [
            self._intro(
                "Every action reviewed in this meeting, by side: open actions first, then those "
                "closed. A struck-out date is the original due date of an action that slipped."
            ),
            self._table(rows, [192, 90, 76, 58, 66], extra=extra),
        ]

    def _group_row(
        self, rows: list[list[Any]], title: str, note: str, columns: int
    ) -> list[tuple[Any, ...]]:
        index = len(rows)
        rows.append(
            [self._p(f"{title}&nbsp;&nbsp;{_small(escape(note))}", "group")] + [""] * (columns - 1)
        )
        return [
            ("SPAN", (0, index), (-1, index)),
            ("NOSPLIT", (0, index), (-1, index + 1)),
            ("BACKGROUND", (0, index), (-1, index), _GROUP_BG),
            ("TOPPADDING", (0, index), (-1, index), 4),
        ]

    def _action_row(self, action: ReviewedAction) -> list[Any]:
        text = "cell_muted" if action.closed else "cell"
        title = _esc(action.title)
        details = [f"Raised in {_esc(action.raised)}" if action.raised else ""]
        lines = [title, _small(" · ".join(d for d in details if d))]
        if action.comment.strip():
            lines.append(f'<font size="8"><i>{_esc(action.comment)}</i></font>')
        due = escape(action.due)
        if action.original_due and action.original_due != action.due:
            due += f"<br/>{_small('<strike>' + escape(action.original_due) + '</strike>')}"
        if action.slips:
            due += "<br/>" + _coloured(f"slipped {action.slips}×", _OVERRUN)
        label, rag = _STATUS.get(
            action.status, (action.status.replace("_", " ").capitalize(), None)
        )
        status = escape(label)
        if rag is not None:
            status = _coloured(
                f"<b>{status}</b>" if not action.closed else status, _RAG_COLOUR[rag]
            )
        if action.closed:
            status += "<br/>" + _small("closed")
        return [
            self._p("<br/>".join(lines), text),
            self._p(_esc(action.owner) or "—", text),
            self._p(due, text),
            self._p(status, text),
            self._p(escape(action.new_due) if action.new_due else "—", text),
        ]

    def _commitments(self) -> list[Any]:
        commitments = self.minutes.commitments
        if not commitments:
            return self._empty("No new commitments were made.")
        rows: list[list[Any]] = [self._head("Commitment", "Owner", "Due", "RACI")]
        extra: list[tuple[Any, ...]] = []
        for side in _sides_in(c.side for c in commitments):
            group = [c for c in commitments if c.side == side]
            extra += self._group_row(
                rows,
                f"{_side_label(side)} · {_esc(self._party(side))}",
                f"{len(group)} new",
                4,
            )
            rows += [
                [
                    self._p(_esc(c.title)),
                    self._p(_esc(c.owner) or "—"),
                    self._p(escape(c.due)),
                    self._p(_raci(c)),
                ]
                for c in group
            ]
        return [
            self._intro(
                "Actions raised in this meeting. RACI: <b>R</b>esponsible, <b>A</b>ccountable, "
                "<b>C</b>onsulted, <b>I</b>nformed."
            ),
            self._table(rows, [200, 100, 62, 130], extra=extra),
        ]

    def _decisions(self) -> list[Any]:
        decisions = self.minutes.decisions
        if not decisions:
            return self._empty("No decisions were recorded.")
        rows: list[list[Any]] = [self._head(">#", "Decision", "Agenda item", "Agreed by")]
        for number, d in enumerate(decisions, start=1):
            rows.append(
                [
                    self._p(str(number), "cell_right"),
                    self._p(_esc(d.text)),
                    self._p(_esc(d.item) or "—", "cell_muted"),
                    self._p(", ".join(_esc(n) for n in d.agreed_by) or "—"),
                ]
            )
        return [self._table(rows, [20, 232, 120, 120])]

    # -- dashboard --

    def _dashboard(self) -> list[Any]:
        kpis = self.minutes.dashboard
        period = _period_name(self.minutes.header.period)
        if not kpis:
            return self._empty("No KPIs were reported for this period.")
        rows: list[list[Any]] = [self._head("KPI", ">Target", ">Value", "Trend", "RAG", "Reading")]
        for k in kpis:
            detail = (
                f"{escape(k.category.capitalize())} · {escape(_side_label(k.owner_side))}-owned"
            )
            name = f"{_esc(k.name)}<br/>{_small(detail)}"
            if k.comment.strip():
                name += f'<br/><font size="8"><i>{_esc(k.comment)}</i></font>'
            rows.append(
                [
                    self._p(name),
                    self._p(escape(_target_text(k)), "cell_right"),
                    self._p(f"<b>{escape(figure_with_unit(k.value, k.unit))}</b>", "cell_right"),
                    self._p(_trend_markup(k)),
                    self._p(_rag_markup(k.rag)),
                    self._p(_confirmation_markup(k.confirmation)),
                ]
            )
        flowables: list[Any] = [
            self._intro(
                f"Every KPI for {escape(period)}. RAG is shown by shape and word as well as "
                f"colour: {_rag_markup('red')}, {_rag_markup('amber')}, {_rag_markup('green')}. "
                "Trend compares with the previous reading."
            ),
            self._table(rows, [160, 62, 62, 68, 64, 66]),
        ]
        return flowables + self._charts()

    def _charts(self) -> list[Any]:
        charted = [k for k in self.minutes.dashboard if k.rag == "red"]
        charted += [k for k in self.minutes.dashboard if k.rag == "amber"]
        heading = _Heading(
            "Red and amber KPIs over time",
            self.styles["h2"],
            outline="Red and amber KPIs over time",
            key="charts",
            level=1,
            rule=False,
        )
        if not charted:
            return [heading, *self._empty("No KPI is red or amber this period.")]
        gap = 14.0
        width = (_WIDTH - gap) / 2
        cells = [self._chart_cell(k, width) for k in charted]
        grid = [
            [cells[i], cells[i + 1] if i + 1 < len(cells) else ""] for i in range(0, len(cells), 2)
        ]
        table = Table(grid, colWidths=[width + gap / 2] * 2, hAlign="LEFT", splitInRow=0)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap / 2),
                    ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        return [
            heading,
            self._intro(
                "Solid line: the reading each period. Dashed line: the target in force, "
                "stepping where it changed. The latest reading carries its RAG shape."
            ),
            table,
        ]

    def _chart_cell(self, k: KpiEntry, width: float) -> list[Any]:
        title = f"{_rag_markup(k.rag, word=False)} {_esc(k.name)}"
        caption = (
            f"{escape(figure_with_unit(k.value, k.unit))} against a target of "
            f"{escape(_target_text(k))} · {escape((k.rag or 'not rated').capitalize())}"
        )
        return [
            self._p(title, "chart_title"),
            self._p(caption, "chart_caption"),
            Spacer(1, 3),
            kpi_chart(k, width, 128),
        ]

    def _disputes(self) -> list[Any]:
        disputes = self.minutes.disputes
        if not disputes:
            return self._empty("No KPI reading was disputed or reviewed.")
        rows: list[list[Any]] = [
            self._head("KPI", "Period", ">Value", "Reviewed by", "Verdict", "Comment", "Outcome")
        ]
        for d in disputes:
            verdict = escape(d.verdict.replace("_", " ").capitalize())
            if d.verdict == "disputed":
                verdict = f"<b>{verdict}</b>"
            when = _small(escape(d.at.replace("T", " ")) if d.at else "")
            if d.resolved:
                outcome = _coloured("✓", _RAG_COLOUR["green"]) + " Resolved: confirmed"
            else:
                outcome = "<b>Open</b>"
            if not d.in_this_meeting:
                outcome += "<br/>" + _small("raised in an earlier meeting")
            rows.append(
                [
                    self._p(_esc(d.kpi)),
                    self._p(escape(d.period)),
                    self._p(escape(figure(d.value)), "cell_right"),
                    self._p(escape(_side_label(d.side))),
                    self._p(f"{verdict}<br/>{when}"),
                    self._p(_esc(d.comment) or "—"),
                    self._p(outcome),
                ]
            )
        return [self._table(rows, [104, 52, 46, 62, 70, 100, 82])]

    # -- initiatives and accountability --

    def _initiatives(self) -> list[Any]:
        initiatives = self.minutes.initiatives
        if not initiatives:
            return self._empty("No initiatives were reported.")
        rows: list[list[Any]] = [
            self._head("Initiative", "Target date", "Progress", "RAG", "Comment")
        ]
        for i in initiatives:
            lines = [
                f"<b>{_esc(i.name)}</b>",
                _small(
                    f"{escape(_side_label(i.owner_side))}-owned · sponsor {_esc(i.sponsor) or '—'}"
                    f" · started {escape(i.start)}"
                ),
            ]
            if i.milestones_due:
                lines.append(_small("Milestones before the next meeting:"))
                for milestone in i.milestones_due:
                    state = (
                        f"done {escape(milestone.done_on)}"
                        if milestone.done_on
                        else f"due {escape(milestone.due)}"
                    )
                    if milestone.done_on:
                        state = f"due {escape(milestone.due)}, {state}"
                    lines.append(f'<font size="8">◇ {_esc(milestone.title)} — {state}</font>')
            rows.append(
                [
                    self._p("<br/>".join(lines)),
                    self._p(escape(i.target_date)),
                    _progress_bar(i.percent_complete),
                    self._p(_rag_markup(i.rag)),
                    self._p(_esc(i.comment) or "—"),
                ]
            )
        return [self._table(rows, [190, 64, 80, 64, 108])]

    def _accountability(self) -> list[Any]:
        entries = self.minutes.accountability
        if not entries:
            return self._empty("No accountability record is available yet.")
        windows = sorted({e.window_meetings for e in entries})
        by_key: dict[tuple[str, int], AccountabilityEntry] = {
            (e.side, e.window_meetings): e for e in entries
        }
        parties = {e.side: e.party for e in entries}
        top: list[Any] = [self._p("Measure", "head")]
        second: list[Any] = [""]
        for side in SIDES:
            top.append(
                self._p(
                    f"{_side_label(side)} · {_esc(parties.get(side, self._party(side)))}",
                    "head_centre",
                )
            )
            top += [""] * (len(windows) - 1)
            second += self._head(*(f">Last {w}" for w in windows))
        measures: list[tuple[str, Callable[[AccountabilityEntry], str]]] = [
            ("Actions due", lambda e: str(e.due)),
            ("Done by the original date", lambda e: str(e.done_on_time)),
            ("Say / do", lambda e: _fixed(e.say_do_pct, "%")),
            ("On time", lambda e: _fixed(e.on_time_pct, "%")),
            ("Open and overdue", lambda e: str(e.open_overdue)),
            ("Mean slip (days)", lambda e: _fixed(e.mean_slip_days)),
            ("Dropped", lambda e: str(e.dropped)),
        ]
        rows: list[list[Any]] = [top, second]
        for label, value in measures:
            row: list[Any] = [self._p(escape(label))]
            for side in SIDES:
                for window in windows:
                    entry = by_key.get((side, window))
                    row.append(self._p(escape(value(entry)) if entry else "—", "cell_right"))
            rows.append(row)
        n = len(windows)
        extra: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (0, 1)),
            ("SPAN", (1, 0), (n, 0)),
            ("SPAN", (n + 1, 0), (2 * n, 0)),
            ("LINEBELOW", (1, 0), (n, 0), 0.4, _RULE),
            ("LINEBELOW", (n + 1, 0), (2 * n, 0), 0.4, _RULE),
            ("LINEBEFORE", (n + 1, 0), (n + 1, -1), 0.6, _RULE),
            ("LINEBEFORE", (1, 0), (1, -1), 0.6, _RULE),
        ]
        return [
            self._intro(
                f"Both sides measured alike over the last {', '.join(map(str, windows[:-1]))}"
                f"{' and ' if n > 1 else ''}{windows[-1]} meetings up to this one. "
                "<b>Say / do</b>: of the actions originally due in the window, the share done "
                "by that original date. <b>On time</b>: of the actions done in the window, the "
                "share done by the due date then in force. <b>Mean slip</b>: days from the "
                "original to the current due date, over the actions due."
            ),
            self._table(rows, [124] + [360 / (2 * n)] * (2 * n), header_rows=2, extra=extra),
        ]

    # -- sign-off --

    def _sign_off(self) -> Any:
        signed = {s.side: s for s in self.minutes.sign_offs}
        column = (_WIDTH - 16) / 2
        cells = []
        for side in SIDES:
            party = self._party(side)
            parts: list[Any] = [
                self._p(
                    f"{_side_label(side).upper()}<br/>"
                    f'<font name="{_BOLD}" size="10" color="{_hex(_INK)}">{_esc(party)}</font>',
                    "head",
                ),
                Spacer(1, 5),
                self._p(f"Digital signature of the {side}", "cell_small"),
                Spacer(1, 2),
                _SignatureField(side, column, 74, self.boxes),
                Spacer(1, 4),
            ]
            s = signed.get(side)
            if s is not None:
                line = (
                    f"Signed by <b>{_esc(s.name)}</b>"
                    + (f", {_esc(s.role)}" if s.role else "")
                    + f" at {escape(s.signed_at.replace('T', ' '))}"
                )
                if s.content_hash != self.content_hash:
                    # Shortened, so that the page carries one full hash only: this one's.
                    other = s.content_hash
                    short = f"{other[:8]}…{other[-8:]}" if len(other) > 20 else other
                    line += f"<br/><b>Approved another content hash:</b> {escape(short)}"
                parts.append(self._p(line, "cell"))
            else:
                parts.append(
                    self._p(
                        "The signatory's name, the time of signing and the certificate are "
                        "recorded in the signature itself.",
                        "cell_small",
                    )
                )
            cells.append(parts)
        table = Table([cells], colWidths=[column + 8, column + 8], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 8),
                    ("LEFTPADDING", (1, 0), (1, -1), 8),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        hash_box = Table(
            [
                [self._p("Content SHA-256", "label")],
                [self._p(escape(self.content_hash), "hash")],
            ],
            colWidths=[_WIDTH],
            hAlign="LEFT",
        )
        hash_box.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("BACKGROUND", (0, 0), (-1, -1), _GROUP_BG),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, 0), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ]
            )
        )
        return KeepTogether(
            [
                self._heading("Sign-off"),
                self._p(
                    "Each side approves these minutes by signing this PDF digitally in the box "
                    "reserved for it below. The minutes' JSON is attached to this PDF "
                    "(minutes.json), and its SHA-256 is the content hash printed here: the value "
                    "each signature approves.",
                    "body",
                ),
                Spacer(1, 4),
                hash_box,
                Spacer(1, 14),
                table,
            ]
        )


# --- small formatting helpers -----------------------------------------------------------


def _has_long_text(rows: list[list[Any]]) -> bool:
    """Whether a cell holds enough text that its row might not fit on a page."""
    return any(
        isinstance(cell, Paragraph) and len(cell.getPlainText()) > 1200
        for row in rows
        for cell in row
    )


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _kind(entry: AgendaEntry) -> str:
    try:
        return AgendaItemKind(entry.kind).label
    except ValueError:
        return entry.kind.replace("_", " ").capitalize()


def _variance(minutes: int, *, bold: bool = False) -> str:
    if minutes > 0:
        text = _coloured(f"<b>+{minutes}</b>", _OVERRUN)
    elif minutes < 0:
        text = _coloured(f"−{-minutes}", _MUTED)
    else:
        text = _coloured("0", _MUTED)
    return f"<b>{text}</b>" if bold and minutes <= 0 else text


def _sides_in(sides: Iterable[str]) -> list[str]:
    present = list(dict.fromkeys(sides))
    return [s for s in SIDES if s in present] + [s for s in present if s not in SIDES]


def _raci(commitment: Commitment) -> str:
    by_role: dict[str, list[str]] = {}
    for entry in commitment.raci:
        by_role.setdefault(entry.role, []).append(_esc(entry.name))
    lines = [
        f"<b>{role[:1].upper()}</b>&nbsp;&nbsp;{', '.join(by_role[role])}"
        for role in [*_RACI_ORDER, *(r for r in by_role if r not in _RACI_ORDER)]
        if role in by_role
    ]
    return "<br/>".join(lines) or "—"


def _target_text(k: KpiEntry) -> str:
    if k.target is None:
        return "—"
    sign = {"higher": "≥ ", "lower": "≤ "}.get(k.direction, "")
    return sign + figure_with_unit(k.target, k.unit)


def _trend_markup(k: KpiEntry) -> str:
    arrow = {"up": "↑", "down": "↓", "flat": "→"}.get(k.trend)
    if arrow is None:
        return _small("no previous reading")
    if k.improved is True:
        text = _coloured(f"{arrow} better", _RAG_COLOUR["green"])
    elif k.improved is False:
        text = _coloured(f"{arrow} worse", _RAG_COLOUR["red"])
    else:
        text = f"{arrow} unchanged"
    if k.previous_value is not None:
        text += "<br/>" + _small(f"was {escape(figure_with_unit(k.previous_value, k.unit))}")
    return text


def _confirmation_markup(confirmation: str | None) -> str:
    if confirmation is None:
        return _small("no reading")
    label = escape(_CONFIRMATION.get(confirmation, confirmation.replace("_", " ").capitalize()))
    if confirmation == "confirmed":
        return _coloured(label, _MUTED)
    if confirmation == "disputed":
        return _coloured(f"<b>{label}</b>", _RAG_COLOUR["red"])
    return f"<i>{label}</i>"
