"""`make bench`: every benchmark, one table of ratios against floors measured in the same run."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks import meeting, register
from benchmarks.harness import table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--pairs", type=int, default=7, help="A/B pairs after warm-up (≥ 5)")
    parser.add_argument("--scale", type=int, default=10, help="demo scale for cold start")
    parser.add_argument("--register-scale", type=int, default=250, help="demo scale (register)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    pairs = max(args.pairs, 1)
    results = meeting.run(pairs=pairs, scale=args.scale)
    with tempfile.TemporaryDirectory() as folder:
        results += register.run(Path(folder), args.register_scale, pairs)
    if args.json:
        print(json.dumps([asdict(r) | {"met": r.met} for r in results], indent=2))
    else:
        print(f"Machine: {platform.platform()}, Python {platform.python_version()}")
        print(table(results))
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
