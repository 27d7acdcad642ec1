"""RAG of KPI readings: thresholds, the target in force, and which thresholds are acceptable."""

from __future__ import annotations

import pytest

from core.errors import ValidationError
from core.model import Direction, KpiTarget, Rag
from core.rag import check_thresholds, rag_for, rag_of_reading, target_in_force

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def target(effective_from: str, amber: float, red: float, aim: float | None = None) -> KpiTarget:
    return KpiTarget(
        id=f"t-{effective_from}",
        kpi_id="kpi",
        effective_from=effective_from,
        target=amber if aim is None else aim,
        amber=amber,
        red=red,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, Rag.GREEN),
        (99.81, Rag.GREEN),
        (99.8, Rag.GREEN),  # exactly amber: still green
        (99.79, Rag.AMBER),
        (99.51, Rag.AMBER),
        (99.5, Rag.AMBER),  # exactly red: still amber
        (99.49, Rag.RED),
        (0.0, Rag.RED),
    ],
)
def test_rag_higher_is_better(value: float, expected: Rag) -> None:
    """Availability-like KPI: a value at a threshold stays in the better band."""
    assert rag_for(value, HIGHER, amber=99.8, red=99.5) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, Rag.GREEN),
        (5.99, Rag.GREEN),
        (6.0, Rag.GREEN),  # exactly amber: still green
        (6.01, Rag.AMBER),
        (7.99, Rag.AMBER),
        (8.0, Rag.AMBER),  # exactly red: still amber
        (8.01, Rag.RED),
        (100.0, Rag.RED),
    ],
)
def test_rag_lower_is_better(value: float, expected: Rag) -> None:
    """Response-time-like KPI: the bands mirror, a value at a threshold stays in the better band."""
    assert rag_for(value, LOWER, amber=6.0, red=8.0) is expected


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
        (99.6, "2025-12", Rag.GREEN),  # old thresholds: amber 99.5
        (99.6, "2026-01", Rag.AMBER),  # new thresholds: amber 99.8
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
    ("direction", "aim", "amber", "red"),
    [
        (HIGHER, 99.9, 99.8, 99.5),
        (HIGHER, 99.8, 99.8, 99.5),  # target equal to amber
        (LOWER, 4.0, 6.0, 8.0),
        (LOWER, 6.0, 6.0, 8.0),  # target equal to amber
    ],
)
def test_check_thresholds_accepts_consistent(
    direction: Direction, aim: float, amber: float, red: float
) -> None:
    """Thresholds ordered target >= amber > red (in the KPI's direction) are accepted."""
    check_thresholds(direction, aim, amber, red)


@pytest.mark.parametrize(
    ("direction", "aim", "amber", "red", "field"),
    [
        (HIGHER, 99.9, 99.8, 99.8, "red"),  # red equal to amber
        (HIGHER, 99.9, 99.5, 99.8, "red"),  # red better than amber
        (HIGHER, 99.7, 99.8, 99.5, "target"),  # target worse than amber
        (LOWER, 4.0, 6.0, 6.0, "red"),
        (LOWER, 4.0, 8.0, 6.0, "red"),
        (LOWER, 7.0, 6.0, 8.0, "target"),
    ],
)
def test_check_thresholds_refuses_contradictions(
    direction: Direction, aim: float, amber: float, red: float, field: str
) -> None:
    """Contradictory thresholds are refused, naming the field to correct."""
    with pytest.raises(ValidationError) as caught:
        check_thresholds(direction, aim, amber, red)
    assert caught.value.field == field
    assert str(caught.value).strip()
