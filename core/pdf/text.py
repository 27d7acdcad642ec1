"""Text for the minutes: user text made safe for reportlab's markup, and the small phrases
(dates, periods, RAG, variances, RACI) every section prints the same way."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
)

from core.figures import figure_with_unit
from core.minutes import (
    AgendaEntry,
    Commitment,
    KpiEntry,
)
from core.model import AgendaItemKind
from core.pdf.theme import (
    _CONFIRMATION,
    _FAINT,
    _MONTH_NAMES,
    _MUTED,
    _OVERRUN,
    _RACI_ORDER,
    _RAG_COLOUR,
    _RAG_SHAPE,
    SIDES,
)

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


def _bands_markup(k: KpiEntry) -> str:
    """The bands of a KPI's target in force, one a line in small type ("green ≥ 99.9%",
    "amber ≥ 99.5%", "red < 99.5%"); a dash without a target."""
    if not k.bands:
        return "—"
    return "<br/>".join(_small(escape(band)) for band in k.bands.split(" · "))


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
