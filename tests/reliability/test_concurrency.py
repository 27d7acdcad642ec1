"""Promise 6: concurrent use is safe.

Two windows of the app on one file (the facilitator's, and a second opened by mistake): the
second opens it read-only, says why when asked to write, and the first loses nothing: two
copies of the same notes can never overwrite each other. Programs that share the file on
purpose (two sessions, the command line's import while the app runs) all write: WAL and the
busy timeout let each wait its turn, and no write is lost. Never a corrupted file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar
from pytestqt.qtbot import QtBot

from tests.reliability.conftest import ROOT, main_py
from tests.reliability.test_kill import DRIVER, Figures, check_after_kill, read_log, snapshot
from ui.recovery import READ_ONLY_BAR, show_open_state
from ui.session import Session

WRITER = Path(__file__).with_name("writer_run.py")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    env.pop("PYTHONPATH", None)
    return env


def _window(db: Path, folder: Path, name: str, seed: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = folder / f"{name}.log"
    with (folder / f"{name}.err").open("wb") as err:  # the child keeps its own descriptor
        child = subprocess.Popen(
            [
                sys.executable,
                str(DRIVER),
                str(db),
                str(folder / f"{name}.ini"),
                str(log),
                str(seed),
            ],
            cwd=ROOT,
            env=_env(RELIABILITY_ONE_WRITER="1"),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return child, log


def _wait_for(log: Path, op: str, child: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for event in read_log(log):
            if event["op"] == op:
                return event
        assert child.poll() is None, log.with_suffix(".err").read_text(errors="replace")
        time.sleep(0.02)
    raise AssertionError(f"no {op} in {log} after 30 s")


def test_a_second_window_reads_only_and_the_first_loses_nothing(
    demo_path: Path, tmp_path: Path
) -> None:
    """Two real app windows type, review and commit in the same meeting at once: the second
    was opened read-only (it says why), none of its writes lands, and every write the first
    acknowledged is in the file exactly, which stays whole."""
    conn = sqlite3.connect(demo_path)
    (meeting_id,) = conn.execute("SELECT id FROM meeting WHERE status = 'draft'").fetchone()
    conn.close()
    before = snapshot(demo_path, meeting_id)
    first, first_log = _window(demo_path, tmp_path, "first", 1)
    second = None
    try:
        assert _wait_for(first_log, "opened", first)["read_only"] is None
        _wait_for(first_log, "meeting", first)
        second, second_log = _window(demo_path, tmp_path, "second", 2)
        opened = _wait_for(second_log, "opened", second)
        assert "another window" in (opened["read_only"] or "")
        _wait_for(second_log, "meeting", second)
        time.sleep(4)  # both at work
    finally:
        for child in (first, second):
            if child is not None:
                child.send_signal(signal.SIGKILL)
                child.wait()
    first_events, second_events = read_log(first_log), read_log(second_log)
    assert not [e for e in second_events if e["op"] == "ack"]
    assert [e for e in second_events if e["op"] in ("try", "refused")]
    figures = Figures()
    check_after_kill(before, first_events, snapshot(demo_path, meeting_id), figures)
    assert figures.acknowledged > 5


def test_sessions_and_an_import_write_at_once_and_lose_nothing(
    demo_path: Path, tmp_path: Path
) -> None:
    """Three processes writing through the app's session at full speed, and an import of
    readings from the command line meanwhile: each waits its turn, every acknowledged write
    is in the file, and the file is whole."""
    csv = tmp_path / "readings.csv"
    conn = sqlite3.connect(demo_path)
    names = [n for (n,) in conn.execute("SELECT name FROM kpi WHERE unit != '%' LIMIT 3")]
    conn.close()
    csv.write_text("".join(f"{n},2026-11,{i + 1}.5\n" for i, n in enumerate(names)))
    shares = (("first", "0,3,6"), ("second", "1,4,7"), ("third", "2,5"))
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(demo_path), name, str(i), "3", items, "300"],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, (name, items) in enumerate(shares)
    ]
    imported = main_py("import-kpis", "--db", demo_path, csv)
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0]
    assert imported.returncode == 0, imported.stderr

    acked: dict[str, Any] = {}
    refused = []
    for output in outputs:
        for line in output.splitlines():
            event = json.loads(line)
            if "refused" in event:
                refused.append(event["refused"])
            else:
                acked[event["key"]] = event["value"]
    assert not [r for r in refused if "in use" in r or "locked" in r], refused
    conn = sqlite3.connect(demo_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (meeting_id,) = conn.execute(
            "SELECT id FROM meeting WHERE status IN ('draft', 'live')"
        ).fetchone()
        for key, value in acked.items():
            kind, ident = key.split(":", 1)
            if kind == "notes":
                found = conn.execute("SELECT notes FROM meeting_item WHERE id = ?", [ident])
            elif kind == "review":
                found = conn.execute(
                    "SELECT status FROM action_review WHERE action_id = ? AND meeting_id = ?",
                    [ident, meeting_id],
                )
            else:
                found = conn.execute(
                    "SELECT count(*) FROM action WHERE title = ? AND raised_in_id = ?",
                    [ident, meeting_id],
                )
            assert found.fetchone() == (value,), key
        for i, name in enumerate(names):
            assert conn.execute(
                "SELECT r.value FROM reading r JOIN kpi k ON k.id = r.kpi_id "
                "WHERE k.name = ? AND r.period = '2026-11'",
                [name],
            ).fetchone() == (i + 1.5,)
    finally:
        conn.close()
    assert len(acked) > 50


def test_the_read_only_bar_says_why(qtbot: QtBot, demo_path: Path) -> None:
    """The second window shows a bar saying it only reads the file, and why; a window on a
    file it writes shows none."""
    first = Session.open(demo_path)
    second = Session.open(demo_path)
    try:
        window = QMainWindow()
        qtbot.addWidget(window)
        show_open_state(window, second)
        (bar,) = window.findChildren(QToolBar, READ_ONLY_BAR)
        (label,) = bar.findChildren(QLabel)
        assert "Read only" in label.text() and "another window" in label.text()
        show_open_state(window, first)
        qtbot.waitUntil(lambda: not window.findChildren(QToolBar, READ_ONLY_BAR))
    finally:
        second.close()
        first.close()
