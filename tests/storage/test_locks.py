"""The window keeps SQLite's locks on its file whatever else the process or the machine does.

POSIX locks belong to the process: a descriptor of the database, its -wal or its -shm opened
and closed with the operating system's own calls drops every lock this process's connections
hold, and the next program to open the file believes it is alone, checkpoints and deletes the
journal the window is still writing (SQLite's "How To Corrupt An SQLite Database File", 2.2).
Each test holds a connection as the window does, runs one operation in the same process, then
asks another process for SQLite's exclusive lock: it must be refused, and the window's commit
afterwards must reach the file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage import backups
from storage.database import (
    in_use,
    inspect,
    open_database,
    open_for_reading,
    open_read_only,
)
from storage.errors import DatabaseLockedError

ROOT = Path(__file__).resolve().parents[2]

# Another process asks for the exclusive lock SQLite takes when it is the last user of a file.
EXCLUSIVE_PROBE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=0)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
try:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
except sqlite3.OperationalError as error:
    print("refused", error)
else:
    print("TAKEN")
"""

_watched: set[str] = set()
_raw_opens: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Record every open by Python of a watched path (audit hooks cannot be removed: a set
    that is empty outside these tests keeps this one idle)."""
    if _watched and event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
        name = os.fsdecode(args[0])
        if os.path.abspath(name) in _watched:
            _raw_opens.append(name)


sys.addaudithook(_audit)


@pytest.fixture
def window(demo_db_path: Path) -> Iterator[Database]:
    """The file open as the app's window opens it, with a read done and a write in its WAL;
    Python's own opens of the file and its journal are recorded while it is open."""
    db = open_database(demo_db_path, automatic_backups=False)
    db.execute("UPDATE partnership SET name = name")
    db.conn.commit()
    db.execute("SELECT count(*) FROM meeting").fetchone()
    _watched.update(str(demo_db_path) + suffix for suffix in ("", "-wal", "-shm", "-journal"))
    _raw_opens.clear()
    try:
        yield db
    finally:
        _watched.clear()
        db.close()


def _another_process_takes_the_file(path: Path) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", EXCLUSIVE_PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return probe.stdout.startswith("TAKEN")


def _second_window(path: Path) -> None:
    open_database(path, automatic_backups=False).close()


def _second_window_with_daily_backup(path: Path) -> None:
    open_database(path).close()


def _read_only(path: Path) -> None:
    db = open_read_only(path)
    db.execute("SELECT count(*) FROM action").fetchone()
    db.close()


def _background_reader(path: Path) -> None:
    db = open_for_reading(path)
    db.execute("SELECT count(*) FROM reading").fetchone()
    db.close()


def _backup(path: Path) -> None:
    backups.backup(path, path.with_name("copy.db"))


def _automatic_backup(path: Path) -> None:
    backups.automatic_backup(path, "meeting-ended")
    assert backups.good_backups(path) and backups.newest_good_backup(path)


def _restore_refused(path: Path) -> None:
    copy = path.with_name("copy.db")
    backups.backup(path, copy)
    assert in_use(path)
    with pytest.raises(DatabaseLockedError):
        backups.restore(path, copy)


OPERATIONS: dict[str, Callable[[Path], None]] = {
    "inspect": inspect,
    "second window": _second_window,
    "second window, daily backup": _second_window_with_daily_backup,
    "read-only command": _read_only,
    "background reader": _background_reader,
    "backup": _backup,
    "automatic backup": _automatic_backup,
    "restore refused while open": _restore_refused,
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_an_operation_in_the_window_process_keeps_its_locks(
    window: Database, demo_db_path: Path, operation: Callable[[Path], None]
) -> None:
    """After the operation another process still cannot take the file, Python never opened
    the file or its journal, and the window's WAL is still the one it writes."""
    wal = demo_db_path.with_name(demo_db_path.name + "-wal")
    inode = wal.stat().st_ino
    operation(demo_db_path)
    assert _raw_opens == []
    assert not _another_process_takes_the_file(demo_db_path)
    assert wal.exists() and wal.stat().st_ino == inode


@pytest.mark.parametrize(
    "command",
    [
        ["export-minutes", "--meeting", "latest", "--out", "{tmp}/m.pdf"],
        ["backup", "--out", "{tmp}/b.db"],
    ],
    ids=["export-minutes", "backup"],
)
def test_a_command_after_a_second_open_leaves_the_window_its_journal(
    demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory, command: list[str]
) -> None:
    """The issue's case: the window opens the file a second time in its own process (an
    import), a command runs on the file; then the window commits and is killed. The commit is
    in the file, and the journal it wrote was never deleted under it."""
    out = tmp_path_factory.mktemp("out")
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(demo_db_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert window.stdin is not None and window.stdout is not None
    try:
        assert window.stdout.readline().strip() == "ready"
        args = [a.replace("{tmp}", str(out)) for a in command]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        result = subprocess.run(
            [sys.executable, "main.py", args[0], "--db", str(demo_db_path), *args[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        window.stdin.write("commit\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "committed"
        fds = window.stdout.readline().strip()
        assert "(deleted)" not in fds, fds
    finally:
        window.send_signal(signal.SIGKILL)
        window.wait()
        window.stdin.close()
        window.stdout.close()
    conn = sqlite3.connect(demo_db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        name = conn.execute("SELECT name FROM partnership").fetchone()[0]
    finally:
        conn.close()
    assert name.endswith(" (renamed after the command)")


# The window: opens the file, opens it again in its own process as an import does, waits for
# the command, commits, reports its open files, and waits to be killed.
WINDOW = """
import os, sys
from pathlib import Path
sys.path.insert(0, os.getcwd())
from storage.database import open_database
path = Path(sys.argv[1])
db = open_database(path, automatic_backups=False)
db.execute("SELECT count(*) FROM meeting").fetchone()
open_database(path, automatic_backups=False).close()
print("ready", flush=True)
sys.stdin.readline()
with db.conn:
    db.execute("UPDATE partnership SET name = name || ' (renamed after the command)'")
print("committed", flush=True)
fds = []
for fd in os.listdir("/proc/self/fd"):
    try:
        fds.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the listing's own descriptor, closed by now
        pass
print(" | ".join(f for f in fds if path.name in f), flush=True)
sys.stdin.readline()
"""
