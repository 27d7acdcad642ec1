"""Every benchmark `make bench` runs, in order.

Adding one is one line: a module under benchmarks/ that defines `BENCHMARKS` (a tuple of
`harness.Benchmark`), listed in MODULES below. A benchmark measures the app's path and its
floor alternately with `harness.compare` (or `compare_many`, for several figures per run);
kpi_import.py is the shortest example.
"""

from __future__ import annotations

from types import ModuleType

from benchmarks import dashboard, kpi_import, meeting, minutes, register, search
from benchmarks.harness import Benchmark

MODULES: tuple[ModuleType, ...] = (
    meeting,  # cold start to the facilitator window (time, peak memory); keystroke to commit
    register,  # opening the action register and filtering it
    dashboard,  # opening the KPI dashboard: 60 tiles with sparklines
    kpi_import,  # importing a 100,000-line CSV of KPI readings
    minutes,  # exporting the minutes against bare reportlab; signing against bare pyHanko
    search,  # a one-word search across everything against the bare FTS5 queries
)


def benchmarks() -> list[Benchmark]:
    found: list[Benchmark] = [b for module in MODULES for b in module.BENCHMARKS]
    names = [b.name for b in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"two benchmarks share a name: {', '.join(sorted(duplicates))}")
    return found
