"""The dashboard's words and colours for a KPI: its RAG in words and as a pill, its target and
its change since last month, said the same way on tiles, the drill-down and the projector."""

from __future__ import annotations

from core.dashboard import KpiTile
from core.figures import figure
from core.model import (
    Kpi,
    KpiTarget,
    Rag,
    ReadingConfirmation,
)
from core.rag import bands
from ui import palette

# A palette told apart by colour-blind viewers too; the shape and word are always shown as well.
RAG_COLOURS = palette.ByMeaning(
    {Rag.RED: "RAG_RED", Rag.AMBER: "RAG_AMBER", Rag.GREEN: "RAG_GREEN"}
)
RAG_TEXT_COLOURS = palette.ByMeaning(
    {Rag.RED: "WHITE", Rag.AMBER: "RAG_AMBER_TEXT", Rag.GREEN: "WHITE"}
)
RAG_SHAPES = {Rag.RED: "■", Rag.AMBER: "▲", Rag.GREEN: "●"}
RAG_SYMBOLS = {Rag.RED: "s", Rag.AMBER: "t1", Rag.GREEN: "o"}


CONFIRMATION_TEXT = {
    ReadingConfirmation.TO_BE_CONFIRMED: "? to confirm",
    ReadingConfirmation.DISPUTED: "⚑ disputed",
}
CONFIRMATION_COLOURS = palette.ByMeaning(
    {ReadingConfirmation.TO_BE_CONFIRMED: "WARNING", ReadingConfirmation.DISPUTED: "RAG_RED"}
)


def rag_text(rag: Rag | None) -> str:
    """The RAG in words with its shape, so it never rests on colour alone."""
    return "— NO READING" if rag is None else f"{RAG_SHAPES[rag]} {rag.label}"


def rag_pill(rag: Rag | None) -> str:
    """The RAG as a coloured label in rich text, legible on a dark or a light background."""
    if rag is None:
        return (
            f"<span style='background:{palette.FAINT}; color:{palette.WHITE}'>"
            "&nbsp;— none&nbsp;</span>"
        )
    return (
        f"<span style='background:{RAG_COLOURS[rag]}; color:{RAG_TEXT_COLOURS[rag]};"
        f" font-weight:700'>&nbsp;{rag_text(rag)}&nbsp;</span>"
    )


def target_text(target: KpiTarget | None, kpi: Kpi) -> str:
    """The bands of the target in force, as the minutes print them: "green ≥ 99.9% · amber
    ≥ 99.5% · red < 99.5%" (core.rag.bands)."""
    if target is None:
        return "No target in force"
    text = bands(kpi.direction, target.target, target.red, kpi.unit)
    # a line breaks between bands, never inside one ("red <" above "88%")
    return " · ".join(band.replace(" ", "\u00a0") for band in text.split(" · "))


def change_text(tile: KpiTile) -> str:
    if tile.change is None:
        return "No reading last month to compare"
    if tile.improved is None:
        return "→ unchanged since last month"
    arrow = "↑" if tile.change > 0 else "↓"
    verdict = "better" if tile.improved else "worse"
    return f"{arrow} {figure(abs(tile.change))} since last month · {verdict}"
