"""Issue 18's figure: a one-word search across everything, against the bare FTS5 queries.

The app's path is `storage.search.search` for the query as a user types it (parsed by
`core.search.parse_query`): eight index queries, each joined back to its meeting, action or KPI
and its partnership, and turned into hits. The floor runs the very same eight statements with
bare sqlite3 and keeps the raw tuples: the ratio is what the app adds on top (as the register's
benchmark). The table's app median is the absolute time (the goal: under 50 ms on ×250); the
detail says how long the bare FTS5 MATCH queries alone take, without joining back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Result, compare, timed

WORDS = ("runbook", "freeze", "secur*")


def run(path: Path, pairs: int, warmup: int = 1, detail: str = "") -> list[Result]:
    from core.search import HitKind, parse_query
    from storage.database import configure, open_read_only
    from storage.migrations import SEARCHED
    from storage.search import LIMIT_PER_KIND, kind_query, search

    db = open_read_only(path)
    bare = sqlite3.connect(str(path))
    configure(bare)
    results = []
    try:
        for word in WORDS:
            query = parse_query(word)

            def app(query=query) -> float:  # type: ignore[no-untyped-def]
                return timed(lambda: search(db, query))

            def floor(query=query) -> float:  # type: ignore[no-untyped-def]
                def bare_queries() -> None:
                    for kind in HitKind:
                        bare.execute(*kind_query(kind, query, None)).fetchall()

                return timed(bare_queries)

            def match_alone(query=query) -> None:  # type: ignore[no-untyped-def]
                for index, _ in SEARCHED.values():
                    bare.execute(
                        f"SELECT rowid FROM {index} WHERE {index} MATCH ? "
                        f"ORDER BY bm25({index}) LIMIT ?",
                        [query.fts, LIMIT_PER_KIND],
                    ).fetchall()

            alone = sorted(timed(match_alone) for _ in range(9))[4]
            found = len(search(db, query))
            detail_here = f"{found} hits; MATCH alone {alone * 1000:.1f} ms"
            results.append(
                compare(
                    f"search: {word}",
                    app,
                    floor,
                    goal=2.0,
                    pairs=pairs,
                    warmup=warmup,
                    detail=f"{detail}, {detail_here}" if detail else detail_here,
                )
            )
    finally:
        bare.close()
        db.close()
    return results


def _at(ctx: Context, path: Path, scale: int) -> list[Result]:
    pairs = ctx.pairs if ctx.quick else max(ctx.pairs, 15)  # short runs: more pairs
    return run(path, pairs, ctx.warmup, f"demo ×{scale}")


BENCHMARKS = (
    Benchmark("search", at_scale=_at, main_scale=lambda ctx: ctx.register_scale, data="action"),
)
