"""core/figures.py: one way to print a figure, for the screen and the PDF alike."""

from __future__ import annotations

import pytest

from core.figures import figure, figure_with_unit

TABLE = [
    (3.0, "count", "3"),
    (3.0, "", "3"),
    (12.0, "#", "12"),
    (87.0, "%", "87%"),
    (99.82, "%", "99.82%"),
    (4.25, "/5", "4.25/5"),
    (7.0, "/10", "7/10"),
    (12400.0, "€", "€12,400"),
    (-12400.5, "€", "−€12,400.5"),
    (1234567.891, "h", "1,234,567.89 h"),
    (-0.001, "ms", "0 ms"),
    (-2.5, "days", "−2.5 days"),
    (0.1 + 0.2, "%", "0.3%"),
    (None, "%", "—"),
]


@pytest.mark.parametrize(("value", "unit", "text"), TABLE)
def test_a_value_prints_with_its_unit_as_a_reader_expects(
    value: float | None, unit: str, text: str
) -> None:
    assert figure_with_unit(value, unit) == text


def test_a_figure_has_no_needless_decimals_and_a_true_minus() -> None:
    assert [figure(v) for v in (0.0, -0.0, 2.0, 2.50, -1500.0, 1e15)] == [
        "0",
        "0",
        "2",
        "2.5",
        "−1,500",
        "1,000,000,000,000,000",
    ]
    assert figure(float("inf")) == "inf"
