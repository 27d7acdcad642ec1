"""Importing a spreadsheet's CSV of 100,000 KPI readings, against sqlite-utils writing the same
rows, already parsed, into the same table with the same pragmas (WAL, synchronous=FULL).

The app's path is `storage.kpis.import_readings` (what `main.py import-kpis` runs once the
database is open): it reads the file with `core.readings_csv.parse_readings_csv`, checks every line,
and writes the readings and their audit log in one transaction. The floor is `insert_all` of
the parsed rows in one transaction. Each run starts from a fresh copy of the same database.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from sqlite_utils import Database

from benchmarks.harness import Benchmark, Context, Result, compare, timed

NAME = "import a CSV of KPI readings"
GOAL = 1.5
KPIS = 250
MONTHS = 400  # 250 × 400 = 100,000 lines


def build(work: Path, kpis: int, months: int, seed: int = 8) -> tuple[Path, str, bytes, str]:
    """A database with one partnership and `kpis` KPIs, and a CSV with `months` readings of
    each: (database, partnership id, the file's bytes, this month)."""
    from core.ids import new_id
    from core.model import Direction, Kpi, KpiCategory, KpiTarget, Partnership, Party, Side
    from core.periods import add_months, period_of
    from storage import repository
    from storage.database import open_database
    from storage.kpis import add_kpi

    path = work / f"import-{kpis}x{months}.db"
    path.unlink(missing_ok=True)
    this_month = period_of(dt.date.today())
    first = add_months(this_month, -months)
    rng = random.Random(seed)
    db = open_database(path, automatic_backups=False)
    try:
        pid = new_id()
        repository.create_partnership(
            db,
            Partnership(pid, "Halden Mutual – Brightline", dt.datetime(2020, 1, 1, 9, 0)),
            [Party(new_id(), pid, side, side.label) for side in Side],
            [],
        )
        names = []
        for index in range(kpis):
            higher = index % 2 == 0
            kpi = Kpi(
                new_id(),
                pid,
                f"KPI {index + 1:03d} {'availability' if higher else 'backlog'}",
                "%" if higher else "items",
                Direction.HIGHER_IS_BETTER if higher else Direction.LOWER_IS_BETTER,
                Side.PARTNER if index % 3 else Side.ENTERPRISE,
                list(KpiCategory)[index % 4],
            )
            target, red = (99.0, 95.0) if higher else (100.0, 200.0)
            add_kpi(db, kpi, KpiTarget(new_id(), kpi.id, first, target, red), by="bench")
            names.append((kpi.name, target))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    # What a spreadsheet exports: a header, one reading a line, now and then a comment.
    lines = ["KPI,Period,Value,Comment"]
    for name, target in names:
        for month in range(months):
            value = target * (1 + rng.gauss(0, 0.02))
            comment = '"Late data, estimated"' if rng.random() < 0.03 else ""
            lines.append(f"{name},{add_months(first, month)},{value:.2f},{comment}")
    return path, pid, ("\n".join(lines) + "\n").encode(), this_month


def run(work: Path, kpis: int, months: int, pairs: int, warmup: int = 1) -> Result:
    from core.ids import new_id
    from core.model import ReadingConfirmation, Side
    from core.readings_csv import parse_readings_csv
    from storage import repository
    from storage.database import open_database
    from storage.kpis import import_readings

    template, pid, data, this_month = build(work, kpis, months)
    copy = work / "import-run.db"

    def fresh() -> Database:
        for leftover in (
            copy,
            copy.with_name(copy.name + "-wal"),
            copy.with_name(copy.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        shutil.copy(template, copy)
        return open_database(copy, automatic_backups=False)

    # The floor's rows: the file parsed once, by the app's own parser, ready to insert.
    db = fresh()
    kpi_list = repository.kpis(db, pid)
    db.close()
    owners = {k.id: k.owner_side for k in kpi_list}
    plan = parse_readings_csv(data, kpi_list, {}, this_month)
    plan.check()
    columns = ["id", "kpi_id", "period", "value", "comment", "entered_by", "confirmation"]
    rows = [
        [
            new_id(),
            row.kpi_id,
            row.period,
            row.value,
            row.comment,
            Side.PARTNER.value,
            (
                ReadingConfirmation.CONFIRMED
                if owners[row.kpi_id] is Side.PARTNER
                else ReadingConfirmation.TO_BE_CONFIRMED
            ).value,
        ]
        for row in plan.rows
    ]

    def app() -> float:
        db = fresh()
        try:
            return timed(lambda: import_readings(db, pid, data, Side.PARTNER, this_month))
        finally:
            db.close()

    def floor() -> float:
        db = fresh()

        def insert() -> None:
            with db.atomic():
                db["reading"].insert_all([columns, *rows])

        try:
            return timed(insert)
        finally:
            db.close()

    try:
        return compare(
            NAME,
            app,
            floor,
            GOAL,
            pairs=pairs,
            warmup=warmup,
            detail=f"{len(rows):,} lines, {kpis} KPIs",
        )
    finally:
        for leftover in (
            copy,
            copy.with_name(copy.name + "-wal"),
            copy.with_name(copy.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        template.unlink(missing_ok=True)


def _main_table(ctx: Context) -> list[Result]:
    kpis, months = (20, 100) if ctx.quick else (KPIS, MONTHS)
    return [run(ctx.work, kpis, months, ctx.pairs, ctx.warmup)]


BENCHMARKS = (Benchmark("kpi-import", run=_main_table),)
