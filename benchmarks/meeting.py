"""Issue 3's figures: cold start to the facilitator window, and keystroke to committed note."""

from __future__ import annotations

import compileall
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Result, compare, timed

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env: dict[str, str]) -> float:
    def go() -> None:
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)

    return timed(go)


def cold_start(work: Path, scale: int, pairs: int) -> Result:
    """`main.py --db demo --quit-when-ready` against a bare PySide6 + pyqtgraph window."""
    from storage.demo import create_demo

    db = work / f"demo-x{scale}.db"
    if not db.exists():
        create_demo(db, scale=scale)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(work / "config"))
    return compare(
        f"cold start to facilitator window (demo ×{scale})",
        lambda: _run(["main.py", "--db", str(db), "--quit-when-ready"], env),
        lambda: _run(["benchmarks/floor_window.py"], env),
        goal=1.3,
        pairs=pairs,
    )


def keystroke_to_commit(work: Path, pairs: int) -> Result:
    """A keystroke in the notes editor to its committed row, against a bare UPDATE + commit."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from storage.database import configure
    from storage.demo import create_demo
    from ui.notes import NotesEditor
    from ui.session import Session

    app = QApplication.instance() or QApplication([])
    db_path = work / "keystroke.db"
    if not db_path.exists():
        create_demo(db_path)
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
        return compare("keystroke to committed note", app_path, floor_path, goal=2.0, pairs=pairs)
    finally:
        bare.close()
        editor.deleteLater()
        session.close()
        app.processEvents()


def run(pairs: int = 7, scale: int = 10) -> list[Result]:
    # Measure the app as installed, with its bytecode cached (pip does the same for packages),
    # even where PYTHONDONTWRITEBYTECODE keeps Python from caching it by itself.
    for package in ("core", "storage", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        return [cold_start(work, scale, pairs), keystroke_to_commit(work, max(pairs, 15))]
