"""Issue 4's figure: opening the action register and filtering it, against the bare SQL."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Result, compare, timed

PAGE = 200
GOAL = 1.3


def run(path: Path, pairs: int, warmup: int = 1, detail: str = "") -> list[Result]:
    """Open the register (open actions) and filter it (partner's, text), as the model does.

    The floor runs the very same SQL (count, then the first page with the columns the table
    shows) with bare sqlite3 and keeps the raw tuples: the ratio is what the app adds on top.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from core.model import ActionState, Side
    from core.register import ActionFilter
    from storage import register as storage_register
    from storage.database import configure
    from ui.register import RegisterModel
    from ui.session import Session

    QApplication.instance() or QApplication([])
    session = Session.open(path)
    pid = session.partnership_id
    bare = sqlite3.connect(str(path))
    configure(bare)
    model = RegisterModel(session, session.meetings()[-1].date)
    total = session.count_actions(ActionFilter())
    cases = {
        "open actions": ActionFilter(state=ActionState.OPEN),
        "partner's, text 'runbook'": ActionFilter(side=Side.PARTNER, text="runbook"),
    }
    results = []
    try:
        for name, spec in cases.items():
            where, params = storage_register._where(pid, spec)
            count_sql = (
                f"SELECT count(*) FROM action a JOIN person p ON p.id = a.owner_id WHERE {where}"
            )
            rows_sql = (
                f"{storage_register._SELECT} WHERE {where} "
                "ORDER BY coalesce(a.current_due, a.original_due), a.rowid LIMIT ? OFFSET 0"
            )

            def app(spec: ActionFilter = spec) -> float:
                return timed(lambda: model.set_filter(spec))

            def floor(
                count_sql: str = count_sql, rows_sql: str = rows_sql, params: list = params
            ) -> float:
                def query() -> None:
                    bare.execute(count_sql, params).fetchone()
                    bare.execute(rows_sql, [None, None, *params, PAGE]).fetchall()

                return timed(query)

            results.append(
                compare(
                    f"register: {name}",
                    app,
                    floor,
                    goal=GOAL,
                    pairs=pairs,
                    warmup=warmup,
                    detail=f"{detail}, {total:,} actions" if detail else f"{total:,} actions",
                )
            )
    finally:
        bare.close()
        session.close()
    return results


def _at(ctx: Context, path: Path, scale: int) -> list[Result]:
    return run(path, ctx.pairs, ctx.warmup, f"demo ×{scale}")


BENCHMARKS = (Benchmark("register", at_scale=_at, main_scale=lambda ctx: ctx.register_scale),)
