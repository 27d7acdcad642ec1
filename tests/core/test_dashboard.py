"""The KPI dashboard: tiles worst first, change judged by direction, turned red by targets then."""

from __future__ import annotations

import pytest

from core.dashboard import first_period_shown, kpi_note_lines, summary, tiles
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Rag,
    Reading,
    ReadingConfirmation,
    Side,
)

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER


def kpi(name: str, direction: Direction = UP) -> Kpi:
    return Kpi(name, "p", name, "%", direction, Side.PARTNER, KpiCategory.SERVICE)


def target(kpi_id: str, start: str, aim: float, red: float) -> KpiTarget:
    return KpiTarget(f"{kpi_id}-{start}", kpi_id, start, aim, red)


def readings(kpi_id: str, values: dict[str, float]) -> list[Reading]:
    return [Reading(f"{kpi_id}-{p}", kpi_id, p, v) for p, v in sorted(values.items())]


def test_tiles_are_red_then_amber_then_green_then_no_reading() -> None:
    """Worst first, so the room discusses what needs it; missing readings come last."""
    values = {"g": 99.0, "r": 80.0, "a": 92.0, "none": None}
    kpis = [kpi(name) for name in values]
    targets = {k.id: [target(k.id, "2026-01", aim=95, red=90)] for k in kpis}
    found = {k.id: readings(k.id, {"2026-03": v}) for k in kpis if (v := values[k.id]) is not None}
    made = tiles(kpis, targets, found, "2026-03")
    assert [(t.kpi.name, t.rag) for t in made] == [
        ("r", Rag.RED),
        ("a", Rag.AMBER),
        ("g", Rag.GREEN),
        ("none", None),
    ]


@pytest.mark.parametrize(
    ("direction", "previous", "now", "change", "improved"),
    [
        (UP, 90.0, 95.0, 5.0, True),
        (UP, 95.0, 90.0, -5.0, False),
        (DOWN, 5.0, 3.0, -2.0, True),
        (DOWN, 3.0, 5.0, 2.0, False),
        (UP, 90.0, 90.0, 0.0, None),
        (UP, None, 90.0, None, None),
        (DOWN, 3.0, None, None, None),
    ],
)
def test_change_and_improved_follow_the_direction(
    direction: Direction,
    previous: float | None,
    now: float | None,
    change: float | None,
    improved: bool | None,
) -> None:
    """Up is better only for higher-is-better KPIs; a missing reading on either side gives None."""
    k = kpi("k", direction)
    values = {p: v for p, v in (("2026-02", previous), ("2026-03", now)) if v is not None}
    aim = (
        target("k", "2026-01", aim=95, red=90)
        if direction is UP
        else target("k", "2026-01", aim=4, red=6)
    )
    [made] = tiles([k], {"k": [aim]}, {"k": readings("k", values)}, "2026-03")
    assert made.change == change
    assert made.improved is improved
    assert made.previous_value == previous
    assert made.value == now


def test_missing_reading_has_no_rag_but_keeps_target_and_history() -> None:
    k = kpi("k")
    [made] = tiles(
        [k],
        {"k": [target("k", "2026-01", 95, 90)]},
        {"k": readings("k", {"2026-01": 97})},
        "2026-03",
    )
    assert made.rag is None
    assert made.value is None
    assert made.confirmation is None
    assert made.target is not None and made.target.target == 95
    assert made.history == (("2026-01", 97.0),)


def test_no_target_in_force_means_no_rag() -> None:
    k = kpi("k")
    [made] = tiles(
        [k],
        {"k": [target("k", "2026-05", 95, 90)]},
        {"k": readings("k", {"2026-03": 80})},
        "2026-03",
    )
    assert made.rag is None
    assert made.target is None


def test_history_is_the_last_twelve_periods_oldest_first() -> None:
    k = kpi("k")
    values = {f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}": float(m) for m in range(1, 25)}
    [made] = tiles(
        [k], {"k": [target("k", "2025-01", 5, 1)]}, {"k": readings("k", values)}, "2026-06"
    )
    assert [p for p, _ in made.history] == [
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert made.history[-1] == ("2026-06", 18.0)


def test_the_months_shown_start_with_the_sparkline_and_suffice_for_the_tile() -> None:
    """A tile needs no reading before its sparkline's first month: from those alone it is the
    same tile (value, change against last month, RAG, turned red, history) as from all."""
    assert first_period_shown("2026-06") == "2025-07"
    assert first_period_shown("2026-01") == "2025-02"
    k = kpi("k")
    values = {f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}": 80.0 + m % 17 for m in range(1, 37)}
    targets = {"k": [target("k", "2024-01", 95, 90), target("k", "2025-09", 97, 93)]}
    every = readings("k", values)
    for period in ("2025-03", "2025-09", "2026-06", "2026-12"):
        shown = [r for r in every if first_period_shown(period) <= r.period <= period]
        assert tiles([k], targets, {"k": shown}, period) == tiles(
            [k], targets, {"k": every}, period
        )


def test_confirmation_and_comment_come_from_the_reading() -> None:
    k = kpi("k")
    reading = Reading(
        "x", "k", "2026-03", 97, "late data", Side.ENTERPRISE, ReadingConfirmation.DISPUTED
    )
    [made] = tiles([k], {"k": [target("k", "2026-01", 95, 90)]}, {"k": [reading]}, "2026-03")
    assert made.confirmation is ReadingConfirmation.DISPUTED
    assert made.comment == "late data"


@pytest.mark.parametrize(
    ("case", "targets", "values", "turned_red"),
    [
        ("was amber, now red", [("2026-01", 95, 90)], {"2026-02": 92, "2026-03": 85}, True),
        ("red both months", [("2026-01", 95, 90)], {"2026-02": 85, "2026-03": 85}, False),
        ("no reading last month", [("2026-01", 95, 90)], {"2026-03": 85}, True),
        # The same value, red only because the target and red threshold tightened this month.
        (
            "target tightened",
            [("2026-01", 85, 80), ("2026-03", 95, 90)],
            {"2026-02": 85, "2026-03": 85},
            True,
        ),
        # Red last month by the target then, though it would be green by today's.
        (
            "red by the old target",
            [("2026-01", 95, 90), ("2026-03", 80, 70)],
            {"2026-02": 85, "2026-03": 60},
            False,
        ),
        ("now amber", [("2026-01", 95, 90)], {"2026-02": 85, "2026-03": 92}, False),
    ],
)
def test_turned_red_judges_last_month_by_the_targets_in_force_then(
    case: str,
    targets: list[tuple[str, float, float]],
    values: dict[str, float],
    turned_red: bool,
) -> None:
    k = kpi("k")
    made = tiles(
        [k],
        {"k": [target("k", start, aim, red) for start, aim, red in targets]},
        {"k": readings("k", values)},
        "2026-03",
    )
    assert summary(made)["turned_red"] == (["k"] if turned_red else []), case


def test_summary_counts_each_rag_and_missing_readings() -> None:
    values = {"r1": 80.0, "r2": 85.0, "a": 92.0, "g": 99.0, "none": None}
    kpis = [kpi(name) for name in values]
    targets = {k.id: [target(k.id, "2026-01", 95, 90)] for k in kpis}
    found = {k.id: readings(k.id, {"2026-03": v}) for k in kpis if (v := values[k.id]) is not None}
    assert summary(tiles(kpis, targets, found, "2026-03")) == {
        "red": 2,
        "amber": 1,
        "green": 1,
        "no_reading": 1,
        "turned_red": ["r1", "r2"],
    }


def test_the_notes_on_a_kpi_are_its_bullets_and_paragraphs_that_name_it() -> None:
    """Bullets of any marker and wrapped paragraphs, matched without case or bold marks."""
    notes = (
        "- **P1 incidents:** two this month,\n  both closed within the SLA\n"
        "- Invoices paid on time\n"
        "\n"
        "The room agreed p1 INCIDENTS need an RCA.\n"
        "1. Something else entirely\n"
    )
    assert kpi_note_lines(notes, "P1 incidents") == [
        "P1 incidents: two this month, both closed within the SLA",
        "The room agreed p1 INCIDENTS need an RCA.",
    ]
    assert kpi_note_lines(notes, "Availability") == []
