"""Issue 18's figure: a one-word search across everything, against the bare FTS5 queries.

The app's path is `storage.search.search` for the query as a user types it (parsed by
`core.search.parse_query`): eight index queries, each joined back to its meeting, action or KPI
and its partnership, and turned into hits. The floor runs the same eight FTS5 MATCH queries with
bare sqlite3, ranked and limited alike, and keeps the rowids: the ratio is what the app adds to
finding the rows. The table's app median is the absolute time (the goal: under 50 ms on ×250).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Result, compare, timed

WORDS = ("runbook", "freeze", "secur*")


def run(path: Path, pairs: int, warmup: int = 1, detail: str = "") -> list[Result]:
    from core.search import parse_query
    from storage.database import configure, open_read_only
    from storage.migrations import SEARCHED
    from storage.search import LIMIT_PER_KIND, search

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
                    for index, _ in SEARCHED.values():
                        bare.execute(
                            f"SELECT rowid FROM {index} WHERE {index} MATCH ? "
                            f"ORDER BY bm25({index}) LIMIT ?",
                            [query.fts, LIMIT_PER_KIND],
                        ).fetchall()

                return timed(bare_queries)

            found = len(search(db, query))
            results.append(
                compare(
                    f"search: {word}",
                    app,
                    floor,
                    goal=2.0,
                    pairs=pairs,
                    warmup=warmup,
                    detail=f"{detail}, {found} hits" if detail else f"{found} hits",
                )
            )
    finally:
        bare.close()
        db.close()
    return results


def _at(ctx: Context, path: Path, scale: int) -> list[Result]:
    return run(path, max(ctx.pairs, 15), ctx.warmup, f"demo ×{scale}")


BENCHMARKS = (
    Benchmark("search", at_scale=_at, main_scale=lambda ctx: ctx.register_scale, data="action"),
)
