"""Each benchmark runs end to end at a tiny scale (the figures themselves live in make bench)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import meeting, register
from benchmarks.harness import Result, table


def _sane(results: list[Result]) -> None:
    for result in results:
        assert result.app_median > 0 and result.floor_median > 0
        assert result.ratio > 0
    assert "| benchmark |" in table(results)


def test_register_benchmark_runs(tmp_path: Path) -> None:
    """The register benchmark opens and filters a small demo against its floor."""
    _sane(register.run(tmp_path, scale=1, pairs=1))


def test_meeting_benchmarks_run(tmp_path: Path) -> None:
    """Cold start and keystroke-to-commit run against their floors."""
    _sane(
        [meeting.cold_start(tmp_path, scale=1, pairs=1), meeting.keystroke_to_commit(tmp_path, 1)]
    )
