"""Issue 3's figures: cold start to the facilitator window (time and peak memory), and
keystroke to committed note."""

from __future__ import annotations

import compileall
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Metric, Result, compare, compare_many, timed

ROOT = Path(__file__).resolve().parent.parent
COLD_START = "cold start to facilitator window"
PEAK_MEMORY = "peak memory (RSS) at start"
KEYSTROKE = "keystroke to committed note"


def _launch(args: list[str], env: dict[str, str], work: Path) -> tuple[float, float]:
    """Run `python ARGS` to its end: the wall time, and the peak resident memory in MiB.

    The script runs under peak_memory.py, which writes its VmHWM as it leaves (see there why
    the rusage of the child will not do); the app and the floor pay the same small wrapper.
    """
    report = work / "peak-kib"
    report.unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "benchmarks" / "peak_memory.py"), str(report), *args]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(report.read_text(encoding="ascii")) / 1024


def compile_app() -> None:
    """Measure the app as installed, with its bytecode cached (pip does the same for packages),
    even where PYTHONDONTWRITEBYTECODE keeps Python from caching it by itself."""
    for package in ("core", "storage", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)


COLD_START_GOAL = 1.15
PEAK_MEMORY_GOAL = 1.1
HISTORY_GOAL = 1.3


def cold_start(work: Path, db: Path, pairs: int, warmup: int = 1, detail: str = "") -> list[Result]:
    """`main.py --db DB --quit-when-ready` against a bare PySide6 window (floor_window.py; the
    app defers the charts' library, so the floor does not load it): the time to the window
    shown and idle, and the peak memory on the way."""
    compile_app()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(work / "config"))
    return compare_many(
        [Metric(COLD_START, COLD_START_GOAL), Metric(PEAK_MEMORY, PEAK_MEMORY_GOAL, "MiB")],
        lambda: _launch([str(ROOT / "main.py"), "--db", str(db), "--quit-when-ready"], env, work),
        lambda: _launch([str(ROOT / "benchmarks" / "floor_window.py")], env, work),
        pairs=pairs,
        warmup=warmup,
        detail=detail,
    )


def keystroke_to_commit(db_path: Path, pairs: int, warmup: int = 1, detail: str = "") -> Result:
    """A keystroke in the notes editor to its committed row, against a bare UPDATE + commit."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from storage.database import configure
    from ui.notes import NotesEditor
    from ui.session import Session

    app = QApplication.instance() or QApplication([])
    session = Session.open(db_path)
    draft = session.next_meeting()
    assert draft is not None
    item = session.items(draft.id)[0]
    editor = NotesEditor(session.save_notes)
    editor.load(item.id, "- first point")
    bare = sqlite3.connect(str(db_path), isolation_level=None)
    configure(bare)
    counter = iter(range(10**9))

    def app_path() -> float:
        editor.insertPlainText("x")  # what a keystroke does, then the debounced save
        return timed(editor.flush)

    def floor_path() -> float:
        def write() -> None:
            bare.execute("BEGIN")
            bare.execute(
                "UPDATE meeting_item SET notes = ? WHERE id = ?",
                [f"- note {next(counter)}", item.id],
            )
            bare.execute("COMMIT")

        return timed(write)

    try:
        return compare(
            KEYSTROKE, app_path, floor_path, goal=2.0, pairs=pairs, warmup=warmup, detail=detail
        )
    finally:
        bare.close()
        editor.deleteLater()
        session.close()
        app.processEvents()


def _cold_start_at(ctx: Context, db: Path, scale: int) -> list[Result]:
    return cold_start(ctx.work, db, ctx.pairs, ctx.warmup, f"demo ×{scale}")


def _keystroke_at(ctx: Context, db: Path, scale: int) -> list[Result]:
    # A keystroke takes a millisecond or two: more pairs cost little and steady the median.
    pairs = ctx.pairs if ctx.quick else max(ctx.pairs, 15)
    return [keystroke_to_commit(db, pairs, ctx.warmup, f"demo ×{scale}")]


def _cold_start_with_history(ctx: Context, db: Path, scale: int) -> list[Result]:
    """Issue 18's figure: the window ready on a long history (the register's demo, ×250 by
    default: 6,001 meetings) against the same on the plain demo, in one run."""
    compile_app()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(ctx.work / "config"))
    plain = ctx.demo(1)

    def ready(path: Path) -> float:
        return _launch(
            [str(ROOT / "main.py"), "--db", str(path), "--quit-when-ready"], env, ctx.work
        )[0]

    return [
        compare(
            "cold start with history",
            lambda: ready(db),
            lambda: ready(plain),
            goal=HISTORY_GOAL,
            pairs=ctx.pairs,
            warmup=ctx.warmup,
            detail=f"demo ×{scale} against ×1",
        )
    ]


BENCHMARKS = (
    Benchmark("cold-start", at_scale=_cold_start_at, main_scale=lambda ctx: ctx.cold_start_scale),
    Benchmark(
        "cold-start-history",
        at_scale=_cold_start_with_history,
        main_scale=lambda ctx: ctx.register_scale,
    ),
    Benchmark("keystroke", at_scale=_keystroke_at, main_scale=lambda ctx: 1),
)
