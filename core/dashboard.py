"""The KPI dashboard of a period: one tile per KPI, worst first, and what turned red."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.model import Direction, Kpi, KpiTarget, Rag, Reading, ReadingConfirmation
from core.periods import add_months
from core.rag import rag_of_reading, target_in_force

HISTORY_MONTHS = 12

# Tiles are shown worst first; a KPI with no reading for the period comes last.
_ORDER: dict[Rag | None, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, None: 3}


@dataclass(frozen=True)
class KpiTile:
    """What the room sees of one KPI for one period; the RAG is derived, never typed."""

    kpi: Kpi
    period: str
    value: float | None
    target: KpiTarget | None
    rag: Rag | None
    previous_value: float | None
    change: float | None
    improved: bool | None
    history: tuple[tuple[str, float], ...]
    confirmation: ReadingConfirmation | None
    comment: str
    # The previous period's RAG, judged by the targets in force then (None: no reading).
    previous_rag: Rag | None = None


def first_period_shown(period: str) -> str:
    """The oldest period the tiles of `period` show: the first month of the sparkline (the
    previous month, which the change is measured against, falls within it)."""
    return add_months(period, -(HISTORY_MONTHS - 1))


def history_of(
    readings: Iterable[Reading], period: str, months: int = HISTORY_MONTHS
) -> tuple[tuple[str, float], ...]:
    """The readings of the `months` periods up to and including `period`, oldest first."""
    start = add_months(period, -(months - 1))
    return tuple(
        (r.period, r.value)
        for r in sorted(readings, key=lambda r: r.period)
        if start <= r.period <= period
    )


def _improved(change: float | None, direction: Direction) -> bool | None:
    if change is None or change == 0:
        return None
    return change > 0 if direction is Direction.HIGHER_IS_BETTER else change < 0


def tile(
    kpi: Kpi, targets: Sequence[KpiTarget], readings: Sequence[Reading], period: str
) -> KpiTile:
    """The tile of one KPI for `period`, judged by the target in force then."""
    by_period = {r.period: r for r in readings}
    reading = by_period.get(period)
    previous = by_period.get(add_months(period, -1))
    value = reading.value if reading else None
    previous_value = previous.value if previous else None
    change = None if value is None or previous_value is None else value - previous_value
    rag = None if reading is None else rag_of_reading(reading.value, period, kpi.direction, targets)
    return KpiTile(
        kpi=kpi,
        period=period,
        value=value,
        target=target_in_force(targets, period),
        rag=rag,
        previous_value=previous_value,
        change=change,
        improved=_improved(change, kpi.direction),
        history=history_of(readings, period),
        confirmation=reading.confirmation if reading else None,
        comment=reading.comment if reading else "",
        previous_rag=(
            None
            if previous is None
            else rag_of_reading(previous.value, previous.period, kpi.direction, targets)
        ),
    )


def tiles(
    kpis: Iterable[Kpi],
    targets_by_kpi: Mapping[str, Sequence[KpiTarget]],
    readings_by_kpi: Mapping[str, Sequence[Reading]],
    period: str,
) -> list[KpiTile]:
    """One tile per KPI for `period`: red first, then amber, green, and no reading last."""
    made = [
        tile(k, targets_by_kpi.get(k.id, ()), readings_by_kpi.get(k.id, ()), period) for k in kpis
    ]
    return sorted(made, key=lambda t: (_ORDER[t.rag], t.kpi.name.casefold()))


def summary(tiles: Iterable[KpiTile]) -> dict[str, object]:
    """Counts per RAG (and of KPIs with no reading) and the names of KPIs that turned red.

    A KPI turned red when it is red now and was not red last period (no reading then counts as
    not red), each period judged by the targets in force in it.
    """
    counts = {Rag.RED: 0, Rag.AMBER: 0, Rag.GREEN: 0}
    missing = 0
    turned_red: list[str] = []
    for t in tiles:
        if t.rag is None:
            missing += 1
            continue
        counts[t.rag] += 1
        if t.rag is Rag.RED and t.previous_rag is not Rag.RED:
            turned_red.append(t.kpi.name)
    return {
        "red": counts[Rag.RED],
        "amber": counts[Rag.AMBER],
        "green": counts[Rag.GREEN],
        "no_reading": missing,
        "turned_red": turned_red,
    }


def kpi_note_lines(markdown: str, kpi_name: str) -> list[str]:
    """The notes' bullets and paragraphs (Markdown wraps long ones) that name one KPI, bold
    marks removed: what the dashboard item's notes say of it."""
    entries: list[str] = []
    current: list[str] = []
    for line in markdown.splitlines():
        text = line.strip()
        starts = text[:2] in ("- ", "* ", "+ ") or (text[:1].isdigit() and ". " in text[:5])
        if not text or starts:
            if current:
                entries.append(" ".join(current))
            current = []
        if text:
            current.append(text.lstrip("-*+").strip() if starts else text)
    if current:
        entries.append(" ".join(current))
    key = kpi_name.casefold()
    return [e.replace("**", "") for e in entries if key in e.replace("**", "").casefold()]
