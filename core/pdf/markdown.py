"""The notes' Markdown (headings, bullets, numbered lists, bold, italics, code) as flowables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
)

from core.pdf.text import _clean, _esc
from core.pdf.theme import _FONT, _styles

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
