"""Run an app path and its floor alternately (A B A B ...) and report the median ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    app_median: float
    floor_median: float
    ratio: float
    goal: float
    unit: str = "s"

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(
    name: str,
    app: Callable[[], float],
    floor: Callable[[], float],
    goal: float,
    pairs: int = 7,
    warmup: int = 1,
    unit: str = "s",
) -> Result:
    """Each callable returns its own measurement; the ratio judged is the median of pair ratios."""
    for _ in range(warmup):
        app()
        floor()
    app_values, floor_values, ratios = [], [], []
    for index in range(pairs):
        # Alternate which goes first, so neither always runs on a warmer machine.
        if index % 2:
            f, a = floor(), app()
        else:
            a, f = app(), floor()
        app_values.append(a)
        floor_values.append(f)
        ratios.append(a / f if f > 0 else float("inf"))
    return Result(
        name,
        statistics.median(app_values),
        statistics.median(floor_values),
        statistics.median(ratios),
        goal,
        unit,
    )


def table(results: list[Result]) -> str:
    lines = [
        "| benchmark | app (median) | floor (median) | ratio | goal | met |",
        "| --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    for r in results:

        def fmt(value: float, unit: str = r.unit) -> str:
            return f"{value * 1000:.2f} ms" if unit == "s" else f"{value:.1f} {unit}"

        lines.append(
            f"| {r.name} | {fmt(r.app_median)} | {fmt(r.floor_median)} | {r.ratio:.2f}× | "
            f"≤ {r.goal:.1f}× | {'yes' if r.met else 'NO'} |"
        )
    return "\n".join(lines)
