"""A one-page PDF standing in for the minutes, for the tests of signing that need no more."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas


def minutes_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Minutes of the monthly partnership review, meeting 12")
    page.showPage()
    page.save()
    return buffer.getvalue()
