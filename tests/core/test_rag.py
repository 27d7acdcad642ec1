"""RAG of KPI readings: the target and red threshold, the target in force, which thresholds are
acceptable, and the bands printed beside a figure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.model import Direction, KpiTarget, Rag
from core.rag import (
    bands,
    check_thresholds,
    is_better_or_equal,
    rag_for,
    rag_of_reading,
    target_in_force,
)

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def target(effective_from: str, aim: float, red: float) -> KpiTarget:
    return KpiTarget(
        id=f"t-{effective_from}",
        kpi_id="kpi",
        effective_from=effective_from,
        target=aim,
        red=red,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, Rag.GREEN),
        (99.81, Rag.GREEN),
        (99.8, Rag.GREEN),  # exactly the target: met, green
        (99.79, Rag.AMBER),  # the target missed, however narrowly: amber
        (99.51, Rag.AMBER),
        (99.5, Rag.AMBER),  # exactly red: still amber
        (99.49, Rag.RED),
        (0.0, Rag.RED),
    ],
)
def test_rag_higher_is_better(value: float, expected: Rag) -> None:
    """Availability-like KPI: green from the target up, amber down to the red threshold."""
    assert rag_for(value, HIGHER, target=99.8, red=99.5) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, Rag.GREEN),
        (5.99, Rag.GREEN),
        (6.0, Rag.GREEN),  # exactly the target: met, green
        (6.01, Rag.AMBER),  # the target missed, however narrowly: amber
        (7.99, Rag.AMBER),
        (8.0, Rag.AMBER),  # exactly red: still amber
        (8.01, Rag.RED),
        (100.0, Rag.RED),
    ],
)
def test_rag_lower_is_better(value: float, expected: Rag) -> None:
    """Response-time-like KPI: the bands mirror, green up to the target, amber to red."""
    assert rag_for(value, LOWER, target=6.0, red=8.0) is expected


_FIGURES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    direction=st.sampled_from([HIGHER, LOWER]),
    aim=_FIGURES,
    gap=st.floats(min_value=0.01, max_value=1e3),
    value=_FIGURES,
)
def test_a_value_that_misses_its_target_is_never_green(
    direction: Direction, aim: float, gap: float, value: float
) -> None:
    """Green exactly when the target is met; red exactly when the value is worse than red."""
    red = aim - gap if direction is HIGHER else aim + gap
    rag = rag_for(value, direction, target=aim, red=red)
    assert (rag is Rag.GREEN) == is_better_or_equal(value, aim, direction)
    assert (rag is Rag.RED) == (not is_better_or_equal(value, red, direction))


TARGETS = [
    target("2026-01", 99.8, 99.5),
    target("2025-01", 99.0, 98.0),
    target("2025-07", 99.5, 99.0),
]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2024-12", None),
        ("2025-01", "2025-01"),
        ("2025-06", "2025-01"),
        ("2025-07", "2025-07"),
        ("2025-12", "2025-07"),
        ("2026-01", "2026-01"),
        ("2027-05", "2026-01"),
    ],
)
def test_target_in_force(period: str, expected: str | None) -> None:
    """The target in force is the latest effective at or before the period; none before any."""
    found = target_in_force(TARGETS, period)
    assert (found.effective_from if found else None) == expected


def test_no_target_in_force_without_targets() -> None:
    """A KPI with no targets has none in force."""
    assert target_in_force([], "2026-03") is None


@pytest.mark.parametrize(
    ("value", "period", "expected"),
    [
        (99.6, "2025-12", Rag.GREEN),  # old target 99.5: met
        (99.6, "2026-01", Rag.AMBER),  # new target 99.8: missed
        (99.4, "2025-12", Rag.AMBER),  # old: red 99.0
        (99.4, "2026-02", Rag.RED),  # new: red 99.5
        (99.9, "2024-12", None),  # before any target
    ],
)
def test_rag_of_reading_uses_thresholds_of_its_period(
    value: float, period: str, expected: Rag | None
) -> None:
    """A reading is judged by the thresholds in force for its period, not the latest ones."""
    targets = [target("2025-07", 99.5, 99.0), target("2026-01", 99.8, 99.5)]
    assert rag_of_reading(value, period, HIGHER, targets) == expected


@pytest.mark.parametrize(
    ("direction", "aim", "red"),
    [
        (HIGHER, 99.9, 99.5),
        (HIGHER, 99.9, 99.89),  # a narrow amber band
        (LOWER, 4.0, 8.0),
        (LOWER, 6.0, 6.01),
    ],
)
def test_check_thresholds_accepts_consistent(direction: Direction, aim: float, red: float) -> None:
    """A red threshold worse than the target (in the KPI's direction) is accepted."""
    check_thresholds(direction, aim, red)


@pytest.mark.parametrize(
    ("direction", "aim", "red", "field"),
    [
        (HIGHER, 99.9, 99.9, "red"),  # red equal to the target: no amber band
        (HIGHER, 99.5, 99.8, "red"),  # red better than the target
        (LOWER, 6.0, 6.0, "red"),
        (LOWER, 8.0, 6.0, "red"),
        (HIGHER, float("nan"), 99.5, "target"),
        (LOWER, 4.0, float("inf"), "red"),
    ],
)
def test_check_thresholds_refuses_contradictions(
    direction: Direction, aim: float, red: float, field: str
) -> None:
    """A red threshold equal to or better than the target is refused, naming the field."""
    with pytest.raises(ValidationError) as caught:
        check_thresholds(direction, aim, red)
    assert caught.value.field == field
    assert str(caught.value).strip()


def test_a_red_threshold_better_than_the_target_is_refused_in_words() -> None:
    """The message says which way the red threshold must lie, with both numbers."""
    with pytest.raises(ValidationError) as caught:
        check_thresholds(HIGHER, 90, 95)
    assert "must be lower than the target (90)" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        check_thresholds(LOWER, 2, 1)
    assert "must be higher than the target (2)" in str(caught.value)


@pytest.mark.parametrize(
    ("direction", "aim", "red", "unit", "expected"),
    [
        (HIGHER, 90, 85, "%", "green ≥ 90% · amber ≥ 85% · red < 85%"),
        (LOWER, 2, 4, "count", "green ≤ 2 · amber ≤ 4 · red > 4"),
        (LOWER, 4.5, 8, "h", "green ≤ 4.5 h · amber ≤ 8 h · red > 8 h"),
        (HIGHER, 99.9, 99.5, "", "green ≥ 99.9 · amber ≥ 99.5 · red < 99.5"),
    ],
)
def test_bands_say_the_rule_in_one_line(
    direction: Direction, aim: float, red: float, unit: str, expected: str
) -> None:
    """The bands printed beside a figure: green from the target, amber to red, red beyond."""
    assert bands(direction, aim, red, unit) == expected
