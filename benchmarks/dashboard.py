"""Opening the KPI dashboard: the app's DashboardView shown with 60 tiles and their sparklines,
against bare pyqtgraph drawing the same 60 sparklines from numpy arrays already in memory.

Both sides run in one child process (`python -m benchmarks.dashboard DB`), alternately. With
PySide6 6.12 on Python 3.11 every call of a Qt method that returns nothing drops a reference to
None (pyqtgraph's items drop references to True as well), and once None's count reaches zero
the process dies ("Fatal Python error: none_dealloc"); Python 3.12 made None immortal, which
hides the bug. Each opening of the dashboard makes thousands of such calls: in a process of its
own, holding spare references, they cannot bring down the process that runs the other
benchmarks or the test suite. The floor's pyqtgraph items are created once; each redraw only
gives them new data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Result

ROOT = Path(__file__).resolve().parent.parent
NAME = "open the KPI dashboard, tiles painted"
GOAL = 1.3
KPIS = 60
MONTHS = 120
DEMO_KPIS = 14  # the demo partnership's own, which the benchmark's database starts from
WIDTH = 1400  # four columns of tiles, as on the room's screen


# --- the database (parent process, no Qt) --------------------------------------------------


def build_database(
    path: Path,
    kpis: int = KPIS,
    months: int = MONTHS,
    seed: int = 8,
    demo: Path | None = None,
) -> Path:
    """The demo partnership grown to `kpis` KPIs with `months` readings each, up to the period
    its next meeting reviews, written with the project's own storage functions: `add_kpi`,
    `add_target` (a third of the KPIs changed target mid-history) and `import_readings`.

    It starts from a copy of `demo` (a demo of scale 1) if given, else from a new demo."""
    from core.ids import new_id
    from core.model import Direction, Kpi, KpiCategory, KpiTarget, MeetingStatus, Side
    from core.periods import add_months, period_of
    from storage import repository
    from storage.backups import backup
    from storage.database import open_database
    from storage.demo import create_demo
    from storage.kpis import add_kpi, add_target, import_readings

    if kpis < DEMO_KPIS:
        raise ValueError(f"the demo alone has {DEMO_KPIS} KPIs")
    if demo is None:
        create_demo(path)
    else:
        backup(demo, path)
    rng = random.Random(seed)
    db = open_database(path, automatic_backups=False)
    try:
        pid = repository.partnerships(db)[0].id
        draft = next(m for m in repository.meetings(db, pid) if m.status is MeetingStatus.DRAFT)
        last = draft.period
        first = add_months(last, -(months - 1))
        existing = repository.kpis(db, pid)
        categories = list(KpiCategory)
        units = ["h", "days", "tickets", "incidents"]
        for index in range(len(existing), kpis):
            higher = index % 2 == 0
            kpi = Kpi(
                new_id(),
                pid,
                f"{categories[index % 4].value.capitalize()} measure {index + 1:03d}",
                "%" if higher else units[index % len(units)],
                Direction.HIGHER_IS_BETTER if higher else Direction.LOWER_IS_BETTER,
                Side.PARTNER if index % 3 else Side.ENTERPRISE,
                categories[index % 4],
            )
            target, red = (100.0, 90.0) if higher else (10.0, 15.0)
            add_kpi(db, kpi, KpiTarget(new_id(), kpi.id, first, target, red), by="bench")
            if index % 3 == 0:
                tighter = (100.0, 93.0) if higher else (9.0, 13.0)
                add_target(
                    db,
                    KpiTarget(new_id(), kpi.id, add_months(first, months // 2), *tighter),
                    by="bench",
                )
        lines = ["KPI,Period,Value,Comment"]
        for kpi in repository.kpis(db, pid):
            (first_target,) = repository.kpi_targets(db, kpi.id)[:1]
            middle = (first_target.target + first_target.red) / 2
            level = middle
            spread = abs(first_target.red - first_target.target) / 3
            for month in range(months):
                level = middle + 0.7 * (level - middle) + rng.gauss(0, spread)
                comment = "Seasonal peak" if rng.random() < 0.05 else ""
                lines.append(f"{kpi.name},{add_months(first, month)},{level:.2f},{comment}")
        import_readings(
            db,
            pid,
            "\n".join(lines).encode(),
            Side.PARTNER,
            max(last, period_of(dt.date.today())),
            by="bench",
        )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


def run(db: Path, pairs: int, warmup: int = 1, detail: str = "") -> Result:
    """Measure in a child process (see the module's docstring); its figures come back as JSON."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = [sys.executable, "-m", "benchmarks.dashboard", str(db), "--pairs", str(pairs)]
    args += ["--warmup", str(warmup), "--detail", detail]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the dashboard benchmark failed ({done.returncode}):\n{done.stderr}")
    return Result.from_dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _main_table(ctx: Context) -> list[Result]:
    kpis, months = (DEMO_KPIS, 24) if ctx.quick else (KPIS, MONTHS)
    path = ctx.work / f"dashboard-{kpis}x{months}.db"
    if not path.exists():
        build_database(path, kpis, months, demo=ctx.demo(1))
    return [run(path, ctx.pairs, ctx.warmup, f"{kpis} KPIs × {months} months")]


def _at(ctx: Context, db: Path, scale: int) -> list[Result]:
    return [run(db, ctx.pairs, ctx.warmup, f"demo ×{scale}")]


BENCHMARKS = (Benchmark("dashboard", run=_main_table, at_scale=_at, data="reading"),)


# --- the child process -----------------------------------------------------------------------


def _child(
    db: Path, pairs: int, warmup: int, detail: str, images: Path | None = None
) -> dict[str, object]:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject, QRectF
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from benchmarks.harness import compare, timed
    from core.dashboard import tiles
    from storage.dashboard import dashboard_data
    from ui import palette
    from ui.app import create_application
    from ui.dashboard import RAG_COLOURS, RAG_SYMBOLS, DashboardView
    from ui.session import Session

    app = create_application()

    def settle() -> None:
        """Run every pending event (deferred deletes, the window's own repaint, which Qt
        schedules a frame later) outside the timed region, so none of it is charged to the
        path timed next."""
        for _ in range(3):
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
            time.sleep(0.02)
        app.processEvents()

    session = Session.open(db)
    meeting = session.next_meeting() or session.meetings()[-1]
    view = DashboardView(session)
    view.resize(WIDTH, 900)
    view.show()
    view.show_meeting(meeting.id)
    settle()
    # Tall enough for every tile to be shown without scrolling: all of them are painted.
    for _ in range(10):
        extra = view.tile_scroll.verticalScrollBar().maximum()
        if not extra:
            break
        view.resize(WIDTH, view.height() + extra)
        settle()
    height = view.height()

    # The floor's input: the same sparklines (the values each tile draws, its RAG, where its
    # sparkline sits in the tile, which paints it), as numpy arrays in memory.
    assert session.partnership_id is not None
    kpis, targets, readings = dashboard_data(session._db, session.partnership_id)
    made = tiles(kpis, targets, readings, meeting.period)
    frames = {frame.tile.kpi.id: frame for frame in view.tile_frames}
    series = []
    for tile in made:
        frame = frames[tile.kpi.id]
        spark = frame.sparkline_rect()
        corner = frame.mapTo(view, spark.topLeft())
        rect = QRectF(corner.x(), corner.y(), spark.width(), spark.height())
        series.append((np.array([v for _, v in tile.history], dtype=float), rect, tile.rag))

    floor_view = pg.GraphicsView(background="w")
    floor_view.resize(WIDTH, height)
    floor_view.enableMouse(False)
    pen = pg.mkPen(palette.LINE, width=2)  # the tile's own pen
    curves = []
    for _ in series:
        curve = pg.PlotCurveItem(pen=pen, antialias=True)
        floor_view.addItem(curve)
        curves.append(curve)
    markers = pg.ScatterPlotItem(size=9, pen=None, antialias=True)
    floor_view.addItem(markers)
    floor_view.show()
    app.processEvents()
    symbols = [RAG_SYMBOLS[rag] if rag else "o" for _, _, rag in series]
    brushes = [pg.mkBrush(QColor(RAG_COLOURS[rag] if rag else palette.FAINT)) for *_, rag in series]
    flip = [False]

    def floor_draw() -> None:
        # Each redraw gets new data (alternately the values and their mirror), as a reopened
        # dashboard would, so nothing painted before can be reused.
        flip[0] = not flip[0]
        last_points = []
        for curve, (values, rect, _) in zip(curves, series, strict=True):
            ys = values[::-1] if flip[0] else values
            margin = 7.0
            low, high = (ys.min(), ys.max()) if len(ys) else (0.0, 0.0)
            span = (high - low) or 1.0
            xs = (
                rect.left()
                + margin
                + np.arange(len(ys)) * ((rect.width() - 2 * margin) / max(1, len(ys) - 1))
            )
            pixels = rect.top() + margin + (rect.height() - 2 * margin) * (high - ys) / span
            curve.setData(xs, pixels)
            if len(ys):
                last_points.append((xs[-1], pixels[-1]))
        markers.setData(pos=last_points, symbol=symbols, brush=brushes)
        app.processEvents()
        floor_view.grab()

    def app_draw() -> None:
        view.show_meeting(meeting.id)
        app.processEvents()
        view.grab()

    def app_path() -> float:
        # The tiles of the previous opening are deleted when the view is left, not when opened.
        settle()
        return timed(app_draw)

    def floor_path() -> float:
        settle()
        return timed(floor_draw)

    result = compare(NAME, app_path, floor_path, GOAL, pairs=pairs, warmup=warmup, detail=detail)

    # Check what was timed: every tile shown, and every tile (which paints its sparkline)
    # painted by one opening.
    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.painted: set[int] = set()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted.add(id(watched))
            return False

    settle()
    view.show_meeting(meeting.id)
    app.processEvents()
    counter = PaintCounter()
    for frame in view.tile_frames:
        frame.installEventFilter(counter)
    app_image = view.grab()
    if not len(view.tile_frames) == len(counter.painted) == len(series):
        raise RuntimeError(
            f"{len(series)} KPIs, {len(view.tile_frames)} tiles shown, "
            f"{len(counter.painted)} tiles painted"
        )
    if images is not None:
        app_image.save(str(images / "dashboard-app.png"))
        floor_draw()
        floor_view.grab().save(str(images / "dashboard-floor.png"))
    view.close()
    floor_view.close()
    floor_view.deleteLater()
    session.close()
    app.processEvents()
    return result.as_dict()


# Spare references, so that the ones dropped by each opening (see the docstring) cannot bring
# the counts of None, True and False to zero however many pairs are run.
_SPARE_REFERENCES = [None] * 2_000_000 + [True, False] * 200_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard")
    parser.add_argument("db", type=Path)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--detail", default="")
    parser.add_argument("--images", type=Path, help="save what each side drew, to look at")
    args = parser.parse_args(argv)
    found = _child(args.db, args.pairs, args.warmup, args.detail, args.images)
    print(json.dumps(found))
    sys.stdout.flush()
    # Leave without tearing down Qt and pyqtgraph (it can crash: PITFALLS.md), like main.py.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
