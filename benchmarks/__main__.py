"""`make bench`: every benchmark, one table of ratios against floors measured in the same run.

python -m benchmarks                  the table of ratios
python -m benchmarks --growth         and a second table: the data-touching benchmarks
                                      on demos of scale 1, 4 and 16 (--growth-max 64, or
                                      --growth-max 250: ten years, ~50 s more to build)
python -m benchmarks --only NAME      one benchmark (see --help for the names)
python -m benchmarks --json           everything as JSON, with the machine it ran on
python -m benchmarks --quick          tiny data, 1 pair: checks that it all runs
                                      (make bench-smoke; tests/test_benchmarks_smoke.py)

Exit status 1 when a goal is missed, something grows faster than its data, or a benchmark
fails (the others still run); a --quick run fails only on the last. The benchmarks are listed
in benchmarks/suite.py.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from benchmarks.harness import (
    GROWTH_MARGIN,
    MIN_PAIRS,
    Benchmark,
    Context,
    GrowthRow,
    Result,
    growth_rows,
    growth_table,
    machine,
    machine_line,
    table,
)
from benchmarks.suite import benchmarks

T = TypeVar("T")
GROWTH_SCALES = (1, 4, 16, 64, 250)
QUICK_GROWTH_SCALES = (1, 2)
# The tables whose rows measure the data a benchmark touches, counted in each demo.
DATA_TABLES = ("action", "reading", "meeting")


def build_parser(names: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Ratio benchmarks: the app's path against its floor, alternately, same run.",
    )
    parser.add_argument(
        "--pairs", type=int, help=f"A/B pairs after the warm-up (default 7, at least {MIN_PAIRS})"
    )
    parser.add_argument(
        "--only", action="append", choices=names, metavar="NAME", help=f"one of {', '.join(names)}"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny data, 1 pair, no warm-up: checks that it runs (exit 1 only on a failure)",
    )
    parser.add_argument(
        "--growth", action="store_true", help="add the growth table (demo scales 1, 4, 16)"
    )
    parser.add_argument(
        "--growth-max",
        type=int,
        default=16,
        choices=[4, 16, 64, 250],
        help="the largest demo scale of --growth (default 16; 250 builds ten years of "
        "history, about 50 s more)",
    )
    parser.add_argument("--scale", type=int, default=10, help="demo scale for cold start")
    parser.add_argument(
        "--register-scale", type=int, default=250, help="demo scale for the register"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    registered = benchmarks()
    parser = build_parser([b.name for b in registered])
    args = parser.parse_args(argv)
    if args.pairs is None:
        args.pairs = 1 if args.quick else 7
    if args.pairs < 1 or (args.pairs < MIN_PAIRS and not args.quick):
        parser.error(f"--pairs must be at least {MIN_PAIRS} (or use --quick)")
    chosen = [b for b in registered if not args.only or b.name in args.only]
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        ctx = Context(
            Path(folder),
            pairs=args.pairs,
            quick=args.quick,
            cold_start_scale=1 if args.quick else args.scale,
            register_scale=1 if args.quick else args.register_scale,
        )
        results: list[Result] = []
        failures: list[tuple[str, str]] = []
        for benchmark in chosen:
            results += _step(benchmark.name, lambda b=benchmark: b.measure(ctx), failures) or []
        rows: list[GrowthRow] | None = None
        if args.growth:
            rows = _growth(ctx, chosen, args, failures)
    info = machine()  # after the run: its load average says how busy the machine was
    missed = [r.title for r in results if not r.met]
    faster = [
        row.name + (" (floor too)" if row.floor_too else "") for row in rows or [] if row.flagged
    ]
    failed = bool(failures)
    if args.json:
        print(
            json.dumps(
                {
                    "machine": info,
                    "options": {
                        "pairs": args.pairs,
                        "quick": args.quick,
                        "only": args.only,
                        "growth_scales": list(rows[0].scales) if rows else None,
                    },
                    "results": [r.as_dict() for r in results],
                    "growth": None if rows is None else [row.as_dict() for row in rows],
                    "failures": [{"step": step, "error": error} for step, error in failures],
                    "all_met": not missed and not faster and not failed,
                },
                indent=2,
            )
        )
    else:
        print(machine_line(info))
        print(f"Pairs: {args.pairs} after {ctx.warmup} warm-up; ratio = median of pair ratios.")
        print()
        print(table(results))
        if rows is not None:
            print()
            print("Growth: the app's median at each demo scale, and each step's growth: the app's")
            print("(its floor's; the data's). **Bold**: the app grows faster than the rows it")
            margin = round((GROWTH_MARGIN - 1) * 100)
            print(f"touches (by more than {margin}%, this machine's noise); 'floor too': so does")
            print("its floor, which points at the work itself (SQL, disk) or the machine.")
            print()
            print(growth_table(rows))
        print()
        for step, error in failures:
            print(f"FAILED: {step}: {error}")
        for title in missed:
            print(f"Goal missed: {title}")
        for name in faster:
            print(f"Grows faster than its data: {name}")
        if not (missed or faster or failed):
            print("All goals met.")
        elif args.quick and not failed:
            print("(A --quick run checks that everything runs: its exit status ignores goals.)")
    if args.quick:
        return 1 if failed else 0
    return 1 if missed or faster or failed else 0


def _growth(
    ctx: Context,
    chosen: list[Benchmark],
    args: argparse.Namespace,
    failures: list[tuple[str, str]],
) -> list[GrowthRow]:
    """The data-touching benchmarks on demos of growing scale (a scale whose demo cannot be
    built ends the series; a benchmark that fails at one scale is left out of the table)."""
    scales = (
        QUICK_GROWTH_SCALES
        if args.quick
        else tuple(s for s in GROWTH_SCALES if s <= args.growth_max)
    )
    touching = [b for b in chosen if b.at_scale is not None]
    done: list[int] = []
    results_by_scale: list[list[Result]] = []
    counts_by_scale: list[dict[str, int]] = []
    data_by_name: dict[str, str] = {}
    for scale in scales:
        db = _step(f"demo ×{scale}", lambda s=scale: ctx.demo(s), failures)
        if db is None:
            break
        done.append(scale)
        counts_by_scale.append(_counts(db))
        found: list[Result] = []
        for benchmark in touching:
            these = _step(
                f"{benchmark.name} at ×{scale}",
                lambda b=benchmark, s=scale: ctx.on_demo(b, s),
                failures,
            )
            for result in these or []:
                data_by_name[result.name] = benchmark.data
                found.append(result)
        results_by_scale.append(found)
    if len(done) < 2:
        return []
    return growth_rows(done, results_by_scale, data_by_name, counts_by_scale)


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}
    finally:
        conn.close()


def _step(what: str, fn: Callable[[], T], failures: list[tuple[str, str]]) -> T | None:
    """Run one step, saying on stderr what runs and how long it took (a full run is long).

    A step that fails is reported (its traceback on stderr, one line in `failures`) and the
    run goes on with the others: one broken benchmark does not hide the figures of the rest.
    """
    print(f"… {what}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        done = fn()
    except Exception as error:
        traceback.print_exc()
        failures.append((what, f"{type(error).__name__}: {error}".splitlines()[0]))
        return None
    print(f"  {what}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return done


if __name__ == "__main__":
    sys.exit(main())
