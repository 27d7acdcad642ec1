"""The page furniture (running header, footer with Page X of Y and the content hash) and the
flowables of our own: section headings that bookmark, blocks kept together, signature fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import (  # type: ignore[import-untyped]
    Drawing,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    KeepTogether,
    Paragraph,
)

from core.pdf.result import SignatureBox
from core.pdf.theme import (
    _ACCENT,
    _FAINT,
    _FONT,
    _FOOTER_Y,
    _HAIRLINE,
    _HEADER_Y,
    _INK,
    _LEFT,
    _MUTED,
    _PAGE_WIDTH,
    _RIGHT,
    _RULE,
    _WIDTH,
)

# --- page furniture ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Furniture:
    left: str
    right: str
    content_hash: str
    footer: str = ""  # said at every page's foot instead of the content hash (the pre-read)


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
        # the whole hash on every page: any page shows what the sign-offs approved
        self.setFont(_FONT, 7)
        self.drawString(
            _LEFT, _FOOTER_Y, furniture.footer or f"Content SHA-256: {furniture.content_hash}"
        )
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
    drawing.initialFontName = _FONT  # not reportlab's Helvetica, which readers may lack
    drawing.add(Rect(0, 1.5, 40, 6, fillColor=_HAIRLINE, strokeColor=None))
    if percent is not None:
        share = max(0, min(100, percent)) / 100
        drawing.add(Rect(0, 1.5, 40 * share, 6, fillColor=_ACCENT, strokeColor=None))
    label = "—" if percent is None else f"{percent}%"
    drawing.add(
        String(66, 1.6, label, fontName=_FONT, fontSize=8, fillColor=_INK, textAnchor="end")
    )
    return drawing
