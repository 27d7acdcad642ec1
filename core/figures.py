"""Every figure as people write it, the same on the screen and in the minutes PDF.

A KPI's value, target or change prints once, here: thousands separated, at most two decimals
and no trailing zeros, a true minus sign; its unit after it (`12 h`), joined to it when it is a
percentage or a scale (`87%`, `4/5`), before it when it is a currency (`€12,400`), and left
out when it only says the value is a count (`3`, not `3 count`).
"""

from __future__ import annotations

import math

MINUS = "−"  # U+2212: a hyphen is not a minus, and breaks a line in a table cell
NO_FIGURE = "—"
BARE_UNITS = frozenset({"", "count", "number", "#"})
CURRENCIES = frozenset({"£", "$", "€"})


def figure(value: float) -> str:
    """A number: thousands separated, at most two decimals, no needless zeros, a true minus."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", MINUS)


def figure_with_unit(value: float | None, unit: str) -> str:
    """A value with its unit, as a reader expects it; a dash when there is no value."""
    if value is None:
        return NO_FIGURE
    number = figure(value)
    unit = " ".join(unit.split())
    if unit.casefold() in BARE_UNITS:
        return number
    if unit == "%" or unit.startswith("/"):
        return f"{number}{unit}"
    if unit in CURRENCIES:
        return f"{number[0]}{unit}{number[1:]}" if number.startswith(MINUS) else unit + number
    return f"{number} {unit}"
