"""RAG status of a KPI reading: derived from the value, the direction and the target in force.

The rule a scorecard reader expects, and the one the minutes print beside every figure:
green means the target is met; amber means it is missed, but the value is no worse than the
red threshold; red means the value is worse than the red threshold. For a KPI where higher is
better (availability, say: target 99.9, red 99.5): 99.9 and above is green, from 99.5 up to
99.9 amber, below 99.5 red; `bands` says so in one line ("green ≥ 99.9 · amber ≥ 99.5 ·
red < 99.5"). Lower-is-better KPIs mirror this. A reading that misses its target is never
green.

(Until migration 0005 a third threshold, "amber", decided green: a value could miss its
target and still be green. The migration retired it and listed every reading whose colour
changed in the audit log.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.errors import ValidationError
from core.figures import figure_with_unit
from core.model import Direction, KpiTarget, Rag


def is_better_or_equal(a: float, b: float, direction: Direction) -> bool:
    """True when `a` is at least as good as `b` for a KPI of this direction."""
    return a >= b if direction is Direction.HIGHER_IS_BETTER else a <= b


def rag_for(value: float, direction: Direction, target: float, red: float) -> Rag:
    """The RAG of one value against its target and red threshold."""
    if is_better_or_equal(value, target, direction):
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
    return rag_for(value, direction, target.target, target.red)


def bands(direction: Direction, target: float, red: float, unit: str = "") -> str:
    """The three bands in one line, as printed beside a figure: "green ≥ 90% · amber ≥ 85% ·
    red < 85%" (higher is better), "green ≤ 2 · amber ≤ 4 · red > 4" (lower is better)."""
    at_least, beyond = ("≥", "<") if direction is Direction.HIGHER_IS_BETTER else ("≤", ">")
    aim, limit = figure_with_unit(target, unit), figure_with_unit(red, unit)
    return f"green {at_least} {aim} · amber {at_least} {limit} · red {beyond} {limit}"


def check_thresholds(direction: Direction, target: float, red: float) -> None:
    """Refuse a target and red threshold that contradict the direction: the red threshold
    must be worse than the target (lower for a KPI where higher is better)."""
    for name, value in (("target", target), ("red", red)):
        if not math.isfinite(value):
            raise ValidationError(name, f"The {name} must be a number.")
    if red == target or is_better_or_equal(red, target, direction):
        worse = "lower" if direction is Direction.HIGHER_IS_BETTER else "higher"
        better = "higher" if direction is Direction.HIGHER_IS_BETTER else "lower"
        raise ValidationError(
            "red",
            f"The red threshold ({red:g}) must be {worse} than the target ({target:g}) for a "
            f"KPI where {better} is better.",
        )
