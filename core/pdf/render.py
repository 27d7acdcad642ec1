"""`render_minutes` typesets a `Minutes` (core/minutes.py) with reportlab: a title block,
every section in the minutes' order, charts drawn as vector graphics, a running header and a
footer carrying "Page X of Y" and the content hash, bookmarks per section, and a sign-off block
whose two signature boxes are returned with their page coordinates for the signing code."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Frame,
    PageTemplate,
)
from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped]

from core.minutes import (
    Minutes,
)
from core.pdf.flowables import _Furniture, _KeepStart, _MinutesCanvas
from core.pdf.result import RenderedMinutes, SignatureBox
from core.pdf.sections_actions import ActionSections
from core.pdf.sections_closing import ClosingSections
from core.pdf.sections_dashboard import DashboardSections
from core.pdf.sections_meeting import MeetingSections
from core.pdf.text import _clean
from core.pdf.theme import (
    _BOTTOM,
    _FRAME_HEIGHT,
    _LEFT,
    _RIGHT,
    _TOP,
    _WIDTH,
    CREATOR,
    SIDES,
    _register_fonts,
)


class Story(MeetingSections, ActionSections, DashboardSections, ClosingSections):
    """Builds the flowables of the minutes, section by section, in the minutes' order."""

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


# --- the result -------------------------------------------------------------------------


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
    furniture = _Furniture(
        left=_clean(header.partnership),
        right=f"Meeting {header.number} — {header.date}",
        content_hash=content_hash,
    )

    buffer = io.BytesIO()
    story = Story(minutes, content_hash, boxes, split_rows=split_rows).flowables()
    canvases = build_document(
        buffer,
        story,
        furniture,
        created,
        template="minutes",
        title=f"Minutes of meeting {header.number}: {_clean(header.title)}",
        author=_clean(header.partnership),
        subject=f"Minutes of meeting {header.number}",
        keywords=[f"content-sha256:{content_hash}"],
        invariant=1 if invariant else 0,
    )
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


def build_document(
    buffer: io.BytesIO,
    story: list[Any],
    furniture: _Furniture,
    created: dt.datetime | None,
    *,
    template: str,
    **metadata: Any,
) -> list[_MinutesCanvas]:
    """Lay `story` out on A4 pages with the minutes' margins and page furniture, every font
    embedded, into `buffer`; the canvases used (the last one knows the page count)."""
    canvases: list[_MinutesCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> _MinutesCanvas:
        # reportlab's default first font is Helvetica, which no reader is sure to have
        kwargs["initialFontName"] = "DejaVuSans"
        # PDF 2.0 from the start: signing with an elliptic-curve key declares it (ISO 32002),
        # and a file should not say 1.4 in its header and 2.0 in its catalogue
        kwargs["pdfVersion"] = (2, 0)
        canvas = _MinutesCanvas(*args, furniture=furniture, **kwargs)
        if created is not None:
            canvas.setDateFormatter(_pdf_date(created))
        canvas.showOutline()
        canvases.append(canvas)
        return canvas

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_LEFT,
        rightMargin=_RIGHT,
        topMargin=_TOP,
        bottomMargin=_BOTTOM,
        creator=CREATOR,
        pageCompression=1,
        displayDocTitle=1,
        lang="en",
        keepTogetherClass=_KeepStart,
        **metadata,
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
    doc.addPageTemplates([PageTemplate(id=template, frames=[frame])])
    doc.build(story, canvasmaker=make_canvas)
    return canvases
