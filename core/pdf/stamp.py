"""The appearance of a signature in its box: who signed, for which side, when, and with which
certificate, drawn as a small PDF page in the minutes' own embedded font.

A signature's appearance is added by whoever signs, long after the minutes were rendered: it
is made here as a page of its own, which the signer places into the signature field.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from core.pdf.theme import _BOLD, _FONT, _INK, _MUTED, _register_fonts

_PADDING = 8.0


def signature_stamp(width: float, height: float, heading: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF the size of a signature box: the heading in bold, then the lines, each
    shrunk to fit the box's width rather than cut."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(width, height), initialFontName=_FONT, pageCompression=1, invariant=1
    )
    room = width - 2 * _PADDING
    rows = [(heading, _BOLD, 10.0, _INK), *((line, _FONT, 8.0, _MUTED) for line in lines)]
    leading = [size * 1.35 for _, _, size, _ in rows]
    y = height / 2 + sum(leading) / 2
    for (text, font, size, colour), step in zip(rows, leading, strict=True):
        fitted = min(size, size * room / max(canvas.stringWidth(text, font, size), 1e-6))
        y -= step
        canvas.setFont(font, fitted)
        canvas.setFillColor(colour)
        canvas.drawString(_PADDING, y + (step - size) / 2, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
