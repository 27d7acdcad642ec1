"""The base every section of the minutes builds on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    Table,
    TableStyle,
)

from core.minutes import (
    Minutes,
)
from core.pdf.flowables import _Heading
from core.pdf.result import SignatureBox
from core.pdf.text import _has_long_text, _para
from core.pdf.theme import (
    _ACCENT,
    _BOLD,
    _FONT,
    _FRAME_HEIGHT,
    _HAIRLINE,
    _HEAD_BG,
    _INK,
    _WIDTH,
    _styles,
)

# --- the story --------------------------------------------------------------------------


@dataclass
class StoryBase:
    """What every section of the minutes is built from: the minutes, the styles, and the
    building blocks (paragraphs, headings, tables)."""

    minutes: Minutes
    content_hash: str
    boxes: dict[str, SignatureBox]
    split_rows: bool = False
    styles: dict[str, Any] = field(default_factory=_styles)
    _section: int = 0

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
