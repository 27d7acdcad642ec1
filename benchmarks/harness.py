"""Run an app path and its floor alternately (A B A B ...) and report the median ratio."""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

# Fewer pairs than this make the median of ratios meaningless (except in --quick smoke runs).
MIN_PAIRS = 5
# A benchmark grows faster than its data when a step of growth exceeds the data's step by more
# than this margin (the figures of a shared machine move by about that much from run to run).
GROWTH_MARGIN = 1.15


@dataclass(frozen=True)
class Result:
    name: str
    app_median: float
    floor_median: float
    ratio: float
    goal: float
    unit: str = "s"
    # What the figure was measured on ("demo ×10", "60 KPIs × 120 months"): it varies between
    # runs at different scales while `name` stays the same.
    detail: str = ""
    app_values: tuple[float, ...] = ()
    floor_values: tuple[float, ...] = ()
    ratios: tuple[float, ...] = ()

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal

    @property
    def title(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "detail": self.detail,
            "unit": self.unit,
            "app_median": self.app_median,
            "floor_median": self.floor_median,
            "ratio": self.ratio,
            "goal": self.goal,
            "met": self.met,
            "pairs": len(self.ratios),
            "app_values": list(self.app_values),
            "floor_values": list(self.floor_values),
            "ratios": list(self.ratios),
        }

    @classmethod
    def from_dict(cls, found: dict[str, Any]) -> Result:
        """The result `as_dict` gave (a child process's, read back from its JSON)."""
        return cls(
            found["name"],
            found["app_median"],
            found["floor_median"],
            found["ratio"],
            found["goal"],
            found["unit"],
            found["detail"],
            tuple(found["app_values"]),
            tuple(found["floor_values"]),
            tuple(found["ratios"]),
        )


@dataclass
class Context:
    """What every benchmark of one run shares: a work folder, the pairs, and demo databases.

    `demo(scale)` builds a demo partnership once per scale with the project's own
    `storage.demo.create_demo`; benchmarks that only read it share the file. `on_demo` measures
    a benchmark on a demo once per scale: the main table and the growth table share figures.
    """

    work: Path
    pairs: int = 7
    quick: bool = False
    cold_start_scale: int = 10
    register_scale: int = 250
    _demos: dict[int, Path] = field(default_factory=dict)
    _measured: dict[tuple[str, int], list[Result]] = field(default_factory=dict)

    @property
    def warmup(self) -> int:
        return 0 if self.quick else 1

    def demo(self, scale: int) -> Path:
        if scale not in self._demos:
            from storage.demo import create_demo

            path = self.work / f"demo-x{scale}.db"
            if not path.exists():
                create_demo(path, scale=scale)
            self._demos[scale] = path
        return self._demos[scale]

    def on_demo(self, benchmark: Benchmark, scale: int) -> list[Result]:
        key = (benchmark.name, scale)
        if key not in self._measured:
            assert benchmark.at_scale is not None
            self._measured[key] = benchmark.at_scale(self, self.demo(scale), scale)
        return self._measured[key]


@dataclass(frozen=True)
class Benchmark:
    """One entry of `make bench`.

    `at_scale(ctx, demo_db, scale)`, if given, measures it on a demo database: for the growth
    table (`--growth`), whose figures are compared with the growth of the rows of table `data`
    they touch, and for the main table on the demo of `main_scale(ctx)`. Otherwise `run(ctx)`
    measures it for the main table (on data of its own)."""

    name: str  # what --only takes
    run: Callable[[Context], list[Result]] | None = None
    at_scale: Callable[[Context, Path, int], list[Result]] | None = None
    main_scale: Callable[[Context], int] | None = None
    data: str = "action"

    def __post_init__(self) -> None:
        if self.run is None and (self.at_scale is None or self.main_scale is None):
            raise ValueError(f"{self.name}: give `run`, or `at_scale` and `main_scale`")

    def measure(self, ctx: Context) -> list[Result]:
        """The figures of the main table."""
        if self.run is not None:
            return self.run(ctx)
        assert self.main_scale is not None
        return ctx.on_demo(self, self.main_scale(ctx))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@dataclass(frozen=True)
class Metric:
    """One figure a paired run measures: its name, goal ratio and unit."""

    name: str
    goal: float
    unit: str = "s"


def compare_many(
    metrics: Sequence[Metric],
    app: Callable[[], Sequence[float]],
    floor: Callable[[], Sequence[float]],
    pairs: int = 7,
    warmup: int = 1,
    detail: str = "",
) -> list[Result]:
    """Like `compare`, for runs that measure several figures at once (time and peak memory of
    one process, say): each callable returns one value per metric, in the metrics' order."""
    for _ in range(warmup):
        app()
        floor()
    app_values: list[Sequence[float]] = []
    floor_values: list[Sequence[float]] = []
    for index in range(pairs):
        # Alternate which goes first, so neither always runs on a warmer machine.
        if index % 2:
            f, a = floor(), app()
        else:
            a, f = app(), floor()
        app_values.append(a)
        floor_values.append(f)
    results = []
    for column, metric in enumerate(metrics):
        apps = tuple(values[column] for values in app_values)
        floors = tuple(values[column] for values in floor_values)
        ratios = tuple(a / f if f > 0 else math.inf for a, f in zip(apps, floors, strict=True))
        results.append(
            Result(
                metric.name,
                statistics.median(apps),
                statistics.median(floors),
                statistics.median(ratios),
                metric.goal,
                metric.unit,
                detail,
                apps,
                floors,
                ratios,
            )
        )
    return results


def compare(
    name: str,
    app: Callable[[], float],
    floor: Callable[[], float],
    goal: float,
    pairs: int = 7,
    warmup: int = 1,
    unit: str = "s",
    detail: str = "",
) -> Result:
    """Each callable returns its own measurement; the ratio judged is the median of pair ratios."""
    (result,) = compare_many(
        [Metric(name, goal, unit)],
        lambda: (app(),),
        lambda: (floor(),),
        pairs=pairs,
        warmup=warmup,
        detail=detail,
    )
    return result


def figure(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:,.2f} ms" if value < 1 else f"{value:,.2f} s"
    return f"{value:,.1f} {unit}"


def table(results: Sequence[Result]) -> str:
    lines = [
        "| benchmark | app (median) | floor (median) | ratio | goal | met |",
        "| --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    for r in results:
        # A ratio that rounds to its goal shows one more decimal, so "NO" is never beside 1.30×.
        ratio = f"{r.ratio:.3f}×" if abs(r.ratio - r.goal) < 0.005 else f"{r.ratio:.2f}×"
        goal = f"{r.goal:.1f}" if round(r.goal, 1) == r.goal else f"{r.goal:.2f}"
        lines.append(
            f"| {r.title} | {figure(r.app_median, r.unit)} | {figure(r.floor_median, r.unit)} "
            f"| {ratio} | ≤ {goal}× | {'yes' if r.met else 'NO'} |"
        )
    return "\n".join(lines)


# --- growth -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthRow:
    """One benchmark's app median at each demo scale, against the growth of the data it reads
    (and of its floor, which tells the app's own cost from that of the work itself)."""

    name: str
    unit: str
    data: str  # the table whose rows measure the data touched, e.g. "action"
    scales: tuple[int, ...]
    medians: tuple[float, ...]
    data_counts: tuple[int, ...]
    ratios: tuple[float, ...] = ()  # the ratio to the floor at each scale
    floor_medians: tuple[float, ...] = ()

    @staticmethod
    def _growth(values: Sequence[float]) -> list[float]:
        return [b / a if a > 0 else math.inf for a, b in itertools.pairwise(values)]

    @property
    def steps(self) -> list[tuple[float, float]]:
        """(app growth, data growth) from each scale to the next."""
        return list(zip(self._growth(self.medians), self._growth(self.data_counts), strict=True))

    @property
    def floor_steps(self) -> list[float]:
        return self._growth(self.floor_medians)

    @property
    def faster_than_data(self) -> list[bool]:
        return [app > max(1.0, data) * GROWTH_MARGIN for app, data in self.steps]

    @property
    def flagged(self) -> bool:
        return any(self.faster_than_data)

    @property
    def floor_too(self) -> bool:
        """Whether, at each flagged step, the floor grew faster than the data as well: then the
        work itself (the SQL, the disk) or the machine grew, rather than the app's own part."""
        return self.flagged and all(
            floor > max(1.0, data) * GROWTH_MARGIN
            for (_, data), floor, faster in zip(
                self.steps, self.floor_steps, self.faster_than_data, strict=True
            )
            if faster
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "data": self.data,
            "scales": list(self.scales),
            "app_medians": list(self.medians),
            "floor_medians": list(self.floor_medians),
            "ratios_to_floor": list(self.ratios),
            "data_counts": list(self.data_counts),
            "steps": [
                {"app_growth": a, "floor_growth": f, "data_growth": d}
                for (a, d), f in zip(self.steps, self.floor_steps, strict=True)
            ],
            "faster_than_data": self.faster_than_data,
            "flagged": self.flagged,
            "floor_too": self.floor_too,
        }


def growth_rows(
    scales: Sequence[int],
    results_by_scale: Sequence[Sequence[Result]],
    data_by_name: dict[str, str],
    counts_by_scale: Sequence[dict[str, int]],
) -> list[GrowthRow]:
    """Gather each benchmark's results across the scales into one row (by benchmark name)."""
    rows = []
    for name in [r.name for r in results_by_scale[0]]:
        found = [r for results in results_by_scale for r in results if r.name == name]
        if len(found) != len(results_by_scale):
            continue  # it failed at some scale: no series to show
        data = data_by_name.get(name, "action")
        rows.append(
            GrowthRow(
                name,
                found[0].unit,
                data,
                tuple(scales),
                tuple(r.app_median for r in found),
                tuple(counts[data] for counts in counts_by_scale),
                tuple(r.ratio for r in found),
                tuple(r.floor_median for r in found),
            )
        )
    return rows


def growth_table(rows: Sequence[GrowthRow]) -> str:
    if not rows:
        return "(no benchmark touches the demo's data)"
    scales = rows[0].scales
    steps = [f"×{a}→×{b}" for a, b in itertools.pairwise(scales)]
    head = (
        ["benchmark", "data (rows)"]
        + [f"app ×{s}" for s in scales]
        + [f"growth {s}: app (floor; data)" for s in steps]
        + [f"ratio to floor ×{scales[-1]}", "faster than data?"]
    )
    lines = [
        "| " + " | ".join(head) + " |",
        "| --- | --- |" + " ---: |" * (len(head) - 3) + " :---: |",
    ]
    for row in rows:
        counts = " → ".join(f"{c:,}" for c in row.data_counts)
        cells = [row.name, f"{row.data}: {counts}"]
        cells += [figure(m, row.unit) for m in row.medians]
        for (app, data), floor, faster in zip(
            row.steps, row.floor_steps, row.faster_than_data, strict=True
        ):
            mark = "**" if faster else ""
            cells.append(f"{mark}{app:.2f}×{mark} ({floor:.2f}×; {data:.2f}×)")
        cells.append(f"{row.ratios[-1]:.2f}×" if row.ratios else "")
        flag = "**YES**, floor too" if row.floor_too else "**YES**"
        cells.append(flag if row.flagged else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the machine --------------------------------------------------------------------------


def machine() -> dict[str, object]:
    """What the figures were measured on: they are only comparable on the same machine."""
    info: dict[str, object] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model() or platform.processor(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
    }
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    for package in ("PySide6", "pyqtgraph", "sqlite-utils"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)

    info["sqlite"] = sqlite3.sqlite_version
    return info


def machine_line(info: dict[str, object]) -> str:
    load = info.get("load_average")
    load_text = f", load {' '.join(str(x) for x in load)}" if isinstance(load, list) else ""
    return (
        f"Machine: {info['platform']}, {info['processor']}, {info['cpu_count']} CPUs{load_text}; "
        f"Python {info['python']}, PySide6 {info.get('PySide6', '?')}, "
        f"pyqtgraph {info.get('pyqtgraph', '?')}, SQLite {info['sqlite']}"
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""
