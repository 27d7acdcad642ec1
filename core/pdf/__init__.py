"""The minutes of a meeting as a formal, signable PDF: the record both partners hold each other
to. One module each: the look (theme), text and phrases (text), the notes' Markdown
(markdown), page furniture and flowables (flowables), charts (charts), the sections
(story and sections_*), and the document itself (render)."""

from __future__ import annotations

from core.pdf.charts import kpi_chart
from core.pdf.markdown import markdown_flowables
from core.pdf.render import render_minutes
from core.pdf.result import RenderedMinutes, SignatureBox

__all__ = ["RenderedMinutes", "SignatureBox", "kpi_chart", "markdown_flowables", "render_minutes"]
