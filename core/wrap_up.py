"""What a meeting leaves unreviewed when it ends: said before it ends, so the room can go back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from core.initiatives import InitiativeStatus
from core.model import Kpi, Reading, ReadingConfirmation
from core.register import ActionRow


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def left_unreviewed(
    actions: Sequence[ActionRow],
    initiatives: Sequence[InitiativeStatus],
    kpis: Iterable[Kpi],
    readings: Mapping[str, Sequence[Reading]],
) -> list[str]:
    """One line for each kind of thing the meeting has not looked at: open actions with no
    review here, initiatives with no progress recorded here, the latest KPI figures still
    awaiting the other side's confirmation. Empty when everything was seen."""
    lines = []
    missed = [row for row in actions if not row.reviewed_here]
    if missed:
        lines.append(
            f"{len(missed)} of {_count(len(actions), 'open action', 'open actions')} not reviewed"
        )
    quiet = [status for status in initiatives if status.here is None]
    if quiet:
        total = _count(len(initiatives), "initiative", "initiatives")
        lines.append(f"{len(quiet)} of {total} with no progress recorded")
    awaiting = [
        kpi.name
        for kpi in kpis
        if readings.get(kpi.id)
        and readings[kpi.id][-1].confirmation is ReadingConfirmation.TO_BE_CONFIRMED
    ]
    if awaiting:
        figures = _count(len(awaiting), "KPI figure", "KPI figures")
        lines.append(f"{figures} awaiting confirmation ({', '.join(sorted(awaiting))})")
    return lines
