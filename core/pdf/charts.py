"""KPI charts drawn with reportlab's vector graphics: the readings coloured by RAG, the target."""

from __future__ import annotations

import math
import re
from typing import Any

from reportlab.graphics.shapes import (  # type: ignore[import-untyped]
    Circle,
    Drawing,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]

from core.minutes import (
    KpiEntry,
)
from core.pdf.text import _clean
from core.pdf.theme import (
    _ACCENT,
    _BOLD,
    _FAINT,
    _FONT,
    _HAIRLINE,
    _ITALIC,
    _MONTHS,
    _MUTED,
    _RAG_COLOUR,
    _WHITE,
)

# --- charts -----------------------------------------------------------------------------


def _ticks(low: float, high: float, count: int = 4) -> tuple[list[float], int]:
    """Round tick values covering low..high, and how many decimals they need."""
    if high - low < 1e-9:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw * 0.999)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    steps = round((end - start) / step)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if step * 10**decimals % 1:
        decimals += 1
    return [start + i * step for i in range(steps + 1)], decimals


def kpi_chart(entry: KpiEntry, width: float, height: float) -> Any:
    """The KPI's history as a line, its target stepping as it changed, periods along the foot."""
    drawing = Drawing(width, height)
    # reportlab's graphics state starts in Helvetica, which no reader is sure to have
    drawing.initialFontName = _FONT
    history = [(p, v) for p, v in entry.history if math.isfinite(v)]
    if not history:
        drawing.add(
            String(width / 2, height / 2, "No readings to chart", fontName=_ITALIC,
                   fontSize=8, fillColor=_MUTED, textAnchor="middle")
        )  # fmt: skip
        return drawing
    targets = dict(entry.targets)
    target_values = [targets.get(p) for p, _ in history]
    values = [v for _, v in history] + [t for t in target_values if t is not None]
    ticks, decimals = _ticks(min(values), max(values))
    step = ticks[1] - ticks[0]
    if min(values) - ticks[0] < 0.04 * (ticks[-1] - ticks[0]) and not (
        ticks[0] == 0 and min(values) >= 0
    ):
        ticks.insert(0, ticks[0] - step)  # keep the lowest point off the axis
    low, high = ticks[0], ticks[-1]
    left, right, bottom, top = 34.0, 6.0, 24.0, 14.0
    plot_w, plot_h = width - left - right, height - bottom - top
    slot = plot_w / len(history)

    def x_at(index: float) -> float:
        return left + slot * (index + 0.5)

    def y_at(value: float) -> float:
        return bottom + (value - low) / (high - low) * plot_h

    for tick in ticks:
        y = y_at(tick)
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=_HAIRLINE, strokeWidth=0.5))
        drawing.add(
            String(left - 4, y - 2.5, f"{tick:,.{decimals}f}".replace("-", "−"),
                   fontName=_FONT, fontSize=6.5, fillColor=_MUTED, textAnchor="end")
        )  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=_FAINT, strokeWidth=0.6))
    if entry.unit:
        drawing.add(
            String(left - 4, height - 5, _clean(entry.unit)[:16], fontName=_FONT,
                   fontSize=6.5, fillColor=_MUTED, textAnchor="start")
        )  # fmt: skip

    every = max(1, math.ceil(len(history) / 12))
    for index, (period, _) in enumerate(history):
        match = re.fullmatch(r"(\d{4})-(\d{2})", period)
        x = x_at(index)
        if index % every == 0 or index == len(history) - 1:
            label = (
                _MONTHS[int(match.group(2)) - 1]
                if match and 1 <= int(match.group(2)) <= 12
                else period
            )
            drawing.add(
                String(x, bottom - 9, label[:8], fontName=_FONT, fontSize=6, fillColor=_MUTED,
                       textAnchor="middle")
            )  # fmt: skip
        if match and (index == 0 or match.group(2) == "01"):
            drawing.add(
                String(x, bottom - 18, match.group(1), fontName=_BOLD, fontSize=6,
                       fillColor=_MUTED, textAnchor="middle")
            )  # fmt: skip

    # The target in force, period by period: horizontal across each period's slot, stepping
    # where it changed, broken where no target was in force.
    run: list[float] = []
    previous: float | None = None
    for index, target in enumerate(target_values):
        if target is None:
            if run:
                drawing.add(_target_line(run))
            run, previous = [], None
            continue
        x0, x1 = left + slot * index, left + slot * (index + 1)
        if not run or target != previous:  # start, or step to the new target
            run += [x0, y_at(target)]
        run += [x1, y_at(target)]
        previous = target
    if run:
        drawing.add(_target_line(run))

    points: list[float] = []
    for index, (_, value) in enumerate(history):
        points += [x_at(index), y_at(value)]
    drawing.add(PolyLine(points, strokeColor=_ACCENT, strokeWidth=1.4, strokeLineJoin=1))
    for index, (_, value) in enumerate(history[:-1]):
        drawing.add(
            Circle(x_at(index), y_at(value), 1.6, fillColor=_WHITE, strokeColor=_ACCENT,
                   strokeWidth=0.9)
        )  # fmt: skip
    drawing.add(_rag_marker(entry.rag, x_at(len(history) - 1), y_at(history[-1][1])))
    return drawing


def _target_line(points: list[float]) -> Any:
    return PolyLine(
        points, strokeColor=colors.HexColor("#3d4552"), strokeWidth=0.9, strokeDashArray=[3, 2]
    )


def _rag_marker(rag: str | None, x: float, y: float) -> Any:
    """The latest reading's point, in its RAG colour and shape."""
    colour = _RAG_COLOUR.get(rag or "", _ACCENT)
    if rag == "red":
        return Rect(x - 3.2, y - 3.2, 6.4, 6.4, fillColor=colour, strokeColor=_WHITE,
                    strokeWidth=0.6)  # fmt: skip
    if rag == "amber":
        return Polygon([x - 3.8, y - 3.0, x + 3.8, y - 3.0, x, y + 3.8], fillColor=colour,
                       strokeColor=_WHITE, strokeWidth=0.6)  # fmt: skip
    return Circle(x, y, 3.2, fillColor=colour, strokeColor=_WHITE, strokeWidth=0.6)
