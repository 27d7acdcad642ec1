"""Each benchmark runs end to end at a tiny scale (the figures themselves live in make bench).

`python -m benchmarks --quick` measures one pair, without warm-up, on the smallest data: it
checks that every registered benchmark and the growth table still run, not how fast.
"""

from __future__ import annotations

import json
import math

import pytest

import benchmarks.__main__ as cli
from benchmarks import suite
from benchmarks.__main__ import main
from benchmarks.harness import Benchmark, Context, Result, table


def _sane(result: dict[str, object]) -> None:
    for key in ("app_median", "floor_median", "ratio", "goal"):
        value = result[key]
        assert isinstance(value, float | int) and value > 0 and math.isfinite(value), result
    assert result["met"] == (float(result["ratio"]) <= float(result["goal"]))  # type: ignore[arg-type]


def test_every_benchmark_and_the_growth_table_run(capsys: pytest.CaptureFixture[str]) -> None:
    """One quick run: each registered benchmark gives sane figures, then the growth table."""
    code = main(["--quick", "--growth", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["failures"] == []
    assert code == 0  # a quick run judges no goal
    assert {"platform", "cpu_count", "python"} <= set(report["machine"])
    results = report["results"]
    names = {r["name"] for r in results}
    # Every benchmark gave at least one figure, and each module of the suite is registered.
    assert len(results) >= len(suite.benchmarks())
    assert {"cold start to facilitator window", "peak memory (RSS) at start"} <= names
    for result in results:
        _sane(result)
        assert result["pairs"] == 1
    growth = report["growth"]
    touching = [b for b in suite.benchmarks() if b.at_scale is not None]
    assert len(growth) >= len(touching)
    for row in growth:
        assert row["scales"] == [1, 2]
        assert all(m > 0 for m in row["app_medians"])
        assert row["data_counts"][1] > row["data_counts"][0]
        assert len(row["steps"]) == 1


def test_the_text_report_has_the_machine_and_the_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--quick", "--only", "kpi-import"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Machine: ")
    assert "| import a CSV of KPI readings (2,000 lines, 20 KPIs) |" in out


def test_fewer_than_five_pairs_are_refused_outside_quick_runs() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--pairs", "3"])
    assert exit_.value.code == 2


def test_benchmark_names_are_unique_and_the_table_formats_units() -> None:
    names = [b.name for b in suite.benchmarks()]
    assert len(names) == len(set(names))
    text = table(
        [
            Result("a", 0.002, 0.001, 2.0, 2.0),
            Result("b", 120.0, 90.0, 1.33, 1.5, "MiB"),
            Result("c", 1.5, 1.1, 1.3021, 1.3),
        ]
    )
    assert "| a | 2.00 ms | 1.00 ms | 2.000× | ≤ 2.0× | yes |" in text
    assert "| b | 120.0 MiB | 90.0 MiB | 1.33× | ≤ 1.5× | yes |" in text
    assert "| c | 1.50 s | 1.10 s | 1.302× | ≤ 1.3× | NO |" in text


def test_a_failing_benchmark_is_reported_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(ctx: Context) -> list[Result]:
        raise RuntimeError("no demo today")

    def fine(ctx: Context) -> list[Result]:
        return [Result("fine", 0.001, 0.001, 1.0, 2.0)]

    monkeypatch.setattr(
        cli, "benchmarks", lambda: [Benchmark("broken", broken), Benchmark("fine", fine)]
    )
    assert main(["--quick"]) == 1
    out = capsys.readouterr().out
    assert "| fine | 1.00 ms | 1.00 ms | 1.00× | ≤ 2.0× | yes |" in out
    assert "FAILED: broken: RuntimeError: no demo today" in out
