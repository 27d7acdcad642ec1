"""RAG status of a KPI reading: derived from the value, the direction and the thresholds in force.

Each threshold is the last value still in the better band. For a KPI where higher is better
(availability, say: target 99.9, amber 99.8, red 99.5): a value at or above the amber threshold
is green, a value below it but at or above the red threshold is amber, a value below the red
threshold is red. Lower-is-better KPIs mirror this. The target is what the sides aim for; it
may not be worse than the amber threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.errors import ValidationError
from core.model import Direction, KpiTarget, Rag


def is_better_or_equal(a: float, b: float, direction: Direction) -> bool:
    """True when `a` is at least as good as `b` for a KPI of this direction."""
    return a >= b if direction is Direction.HIGHER_IS_BETTER else a <= b


def rag_for(value: float, direction: Direction, amber: float, red: float) -> Rag:
    """The RAG of one value against its two thresholds."""
    if is_better_or_equal(value, amber, direction):
        return Rag.GREEN
    if is_better_or_equal(value, red, direction):
        return Rag.AMBER
    return Rag.RED


def target_in_force(targets: Iterable[KpiTarget], period: str) -> KpiTarget | None:
    """The target whose effective period is the latest at or before `period`, if any."""
    best: KpiTarget | None = None
    for target in targets:
        if target.effective_from <= period and (
            best is None or target.effective_from > best.effective_from
        ):
            best = target
    return best


def rag_of_reading(
    value: float, period: str, direction: Direction, targets: Iterable[KpiTarget]
) -> Rag | None:
    """The RAG of a reading judged by the target in force for its period (None if none was)."""
    target = target_in_force(targets, period)
    if target is None:
        return None
    return rag_for(value, direction, target.amber, target.red)


def check_thresholds(direction: Direction, target: float, amber: float, red: float) -> None:
    """Refuse thresholds that contradict the direction: red better than amber, amber than target."""
    for name, value in (("target", target), ("amber", amber), ("red", red)):
        if not math.isfinite(value):
            raise ValidationError(name, f"The {name} must be a number.")
    if red == amber or is_better_or_equal(red, amber, direction):
        worse = "lower" if direction is Direction.HIGHER_IS_BETTER else "higher"
        raise ValidationError(
            "red",
            f"The red threshold ({red:g}) must be {worse} than the amber threshold ({amber:g}) "
            "for a KPI where "
            f"{'higher' if direction is Direction.HIGHER_IS_BETTER else 'lower'} is better.",
        )
    if not is_better_or_equal(target, amber, direction):
        raise ValidationError(
            "target",
            f"The target ({target:g}) must be at least as good as the amber threshold ({amber:g}).",
        )
