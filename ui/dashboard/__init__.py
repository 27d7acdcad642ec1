"""The KPI dashboard of a meeting's period: tiles worst first, and a drill-down per KPI where
the other side confirms or disputes a reading. One module each: the words and colours
(texts), the painted tile (tile), the dispute dialog (dispute), the drill-down (drill_down)
and the view that holds them (view)."""

from __future__ import annotations

from ui.dashboard.dispute import DisputeDialog
from ui.dashboard.drill_down import KpiDrillDown, confirmation_text
from ui.dashboard.texts import (
    CONFIRMATION_COLOURS,
    CONFIRMATION_TEXT,
    RAG_COLOURS,
    RAG_SHAPES,
    RAG_SYMBOLS,
    RAG_TEXT_COLOURS,
    change_text,
    rag_pill,
    rag_text,
    target_text,
)
from ui.dashboard.tile import TILE_COLOURS, KpiTileFrame, TileTexts
from ui.dashboard.view import DashboardView

__all__ = [
    "CONFIRMATION_COLOURS",
    "CONFIRMATION_TEXT",
    "RAG_COLOURS",
    "RAG_SHAPES",
    "RAG_SYMBOLS",
    "RAG_TEXT_COLOURS",
    "TILE_COLOURS",
    "DashboardView",
    "DisputeDialog",
    "KpiDrillDown",
    "KpiTileFrame",
    "TileTexts",
    "change_text",
    "confirmation_text",
    "rag_pill",
    "rag_text",
    "target_text",
]
