""" "Saved" means saved, whatever else touches the file: the combinations a user makes.

A real app window (tests/reliability/combination_run.py) works through every operation that
opens another connection to its file: import readings, the tamper check, the backups dialog,
a restore, the minutes' export and signing, a second window. Notes are typed and saved
between them. After each operation, every command of the README runs against the same file
from another process. Throughout, the window must never hold a journal that was deleted
under it, Python must never open the file or its journal itself (only SQLite may), and after
a SIGKILL at the end the file passes its checks and holds every note the window said it saved.
RELIABILITY_SOAK=1 runs the operations in random orders, several rounds.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import ROOT, SOAK, main_py, record_figures

RUNNER = Path(__file__).with_name("combination_run.py")
OPERATIONS = ["import", "tamper-check", "backups", "export", "second-window", "restore", "sign"]
SOAK_ROUNDS = 6
STEP_TIMEOUT_S = 120


def _journal_deleted_under(pid: int, db: Path) -> list[str]:
    """The window's open descriptors of the file and its journal that were unlinked."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            found.append(target)
    return found


Command = tuple[list[str | Path], int]


def _commands(db: Path, out: Path) -> tuple[list[Command], list[Command]]:
    """Every README command on the window's file, with the exit status it must give: those
    that open it to write (they would checkpoint and delete a journal whose locks the window
    lost), and those that only read it or refuse."""
    csv = out / "cli-readings.csv"
    csv.write_text("P1 incidents,2026-10,1\n", encoding="utf-8")
    writers: list[Command] = [
        (["import-kpis", "--db", db, csv, "--as", "partner"], 0),
        (["--db", db, "--quit-when-ready"], 0),  # a second app: opens read-only, quits
        # a new certificate each time (_fresh_certificate), registered for the partner
        (["certificate", "add", "--db", db, "--person", "Stefan Lindqvist", out / "new.pem"], 0),
        # the latest minutes are signed: refused in words, after opening the file to write
        (["send-for-signature", "--db", db, "--meeting", "latest", "--out", out / "s.pdf"], 2),
        # the file's own signed minutes (exported before the window opened): verified, then
        # found there already, after opening the file to write
        (["import-minutes", "--db", db, out / "signed-before.pdf"], 0),
    ]
    others: list[Command] = [
        (["export-minutes", "--db", db, "--meeting", "latest", "--out", out / "m.pdf"], 0),
        (["verify", out / "m.pdf", "--db", db], 0),
        (["receive-signed", "--db", db, out / "m.pdf"], 2),  # signed by both already
        (["backup", "--db", db, "--out", out / "copy.db"], 0),
        (["restore", "--db", db, "--from", out / "copy.db"], 2),  # open in the app: refused
        (["demo", "--db", db], 2),  # refuses an existing file, touching nothing
        (["certificate", "list", "--db", db], 0),
        (["search", "--db", db, "freeze"], 0),
    ]
    return writers, others


def _run(db: Path, tmp_path: Path, operations: list[str], seed: int) -> tuple[int, int]:
    """One window through `operations`; returns (commands run, notes acknowledged)."""
    out = tmp_path / "cli-out"
    out.mkdir(exist_ok=True)
    log = tmp_path / f"window-{seed}.log"
    writers, others = _commands(db, out)
    exported = main_py(
        "export-minutes", "--db", db, "--meeting", "latest", "--out", out / "signed-before.pdf"
    )
    assert exported.returncode == 0, exported.stderr
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with (tmp_path / f"window-{seed}.err").open("w") as err:
        window = subprocess.Popen(
            [
                sys.executable,
                str(RUNNER),
                str(db),
                str(tmp_path / "settings.ini"),
                str(log),
                ",".join(operations),
                str(seed),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert window.stdin is not None and window.stdout is not None
    ran = 0
    try:
        for i, operation in enumerate(operations):
            line = _read_line(window)
            assert line == f"done {operation}", _failure(tmp_path, seed, line)
            assert _journal_deleted_under(window.pid, db) == [], operation
            # After each operation, the commands that write, and one of the others in turn.
            _fresh_certificate(out / "new.pem", seed * 100 + i)
            for args, status in [*writers, others[i % len(others)]]:
                result = main_py(*args, timeout=120)
                assert result.returncode == status, (args, result.stderr)
                assert "Traceback" not in result.stderr, result.stderr
                assert _journal_deleted_under(window.pid, db) == [], (operation, args)
                ran += 1
            window.stdin.write("next\n")
            window.stdin.flush()
        line = _read_line(window)
        assert line == "finished", _failure(tmp_path, seed, line)
        assert _journal_deleted_under(window.pid, db) == []
    finally:
        window.send_signal(signal.SIGKILL)
        window.wait()
        window.stdin.close()
        window.stdout.close()
    return ran, _check(db, log)


def _fresh_certificate(path: Path, serial: int) -> None:
    """A certificate never registered before, in the partner signatory's name."""
    import datetime as dt

    from cryptography.hazmat.primitives import serialization

    from tests.certificates import issue, new_key, subject

    now = dt.datetime.now(dt.UTC)
    certificate = issue(
        subject("Stefan Lindqvist", side="partner"),
        new_key(),
        start=now,
        days=30,
        slack=dt.timedelta(hours=1),
        serial=1000 + serial,
    )
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _read_line(window: subprocess.Popen[str], timeout: float = STEP_TIMEOUT_S) -> str:
    """The window's next line, or "" if it said nothing in time (a dialog left open, a hang)."""
    assert window.stdout is not None
    ready, _, _ = select.select([window.stdout], [], [], timeout)
    return window.stdout.readline().strip() if ready else ""


def _failure(tmp_path: Path, seed: int, line: str) -> str:
    err = (tmp_path / f"window-{seed}.err").read_text(encoding="utf-8", errors="replace")
    return f"the window said {line!r}; its stderr:\n{err[-3000:]}"


def _check(db: Path, log: Path) -> int:
    """The file is whole and holds, for every item, the last notes the window said saved."""
    expected: dict[str, str] = {}
    acks = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        assert entry["op"] not in ("error", "raw-open"), entry
        if entry["op"] in ("ack", "baseline"):
            expected[entry["key"]] = entry["value"]
            acks += entry["op"] == "ack"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = dict(conn.execute("SELECT 'notes:' || id, notes FROM meeting_item").fetchall())
    finally:
        conn.close()
    for key, value in expected.items():
        assert stored[key].strip() == value.strip(), key
    return acks


def test_every_operation_and_command_around_a_typing_window_loses_nothing(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each operation once, each README command after them in turn, notes typed throughout,
    then a SIGKILL: nothing acknowledged is lost and no journal was ever deleted."""
    rounds = SOAK_ROUNDS if SOAK else 1
    rng = random.Random(20261206)
    commands = notes = 0
    for round_number in range(rounds):
        operations = list(OPERATIONS)
        if round_number:  # the soak form: other orders, sign-off anywhere
            rng.shuffle(operations)
        folder = tmp_path / f"round-{round_number}"
        folder.mkdir()
        db = folder / "demo.db"
        db.write_bytes(demo_path.read_bytes())
        ran, acked = _run(db, folder, operations, seed=round_number)
        commands += ran
        notes += acked
    record_figures(
        capsys,
        f"combinations: {rounds} window(s) through {len(OPERATIONS)} operations each, "
        f"{commands} README commands on the same file in between, {notes} saved notes all "
        "found after SIGKILL, no journal ever deleted under the window",
    )
