"""Promise 2: a broken file never breaks the user's data.

A truncated file, an emptied one, random bytes, a corrupted page, a file of a newer version,
a file in a read-only folder, a file locked by another program: each is refused with one
clear message (a StorageError in storage, one line from the command line, a dialog in the
app), the newest good automatic backup is offered when a backup is the remedy, and the file
is left byte for byte as it was, with no file added beside it. Restoring (`main.py restore`,
or the app's dialog) checks the backup first, keeps the replaced file aside, and is all or
nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storage import backups
from storage.database import open_database
from storage.errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    NewerVersionError,
    NotADatabaseError,
    ReadOnlyError,
    StorageError,
)
from storage.migrations import MIGRATION_SET
from tests.reliability.conftest import ROOT, SOAK, main_py, record_figures
from ui.recovery import RecoveryDialog, RestoreBackupDialog

PAGE_SAMPLE = 400 if SOAK else 40


def _state(path: Path) -> dict[str, bytes]:
    """What the folder holds: every file (backups included) by name, with its bytes.

    SQLite's -shm file is left out (an index of the WAL kept in shared memory, not content),
    and an empty -wal counts as none: a reader may leave both beside a file it only read.
    """
    found = {}
    for file in sorted(path.parent.rglob("*")):
        if not file.is_file() or file.name.endswith("-shm"):
            continue
        data = file.read_bytes()
        if file.name.endswith("-wal") and not data:
            continue
        found[str(file.relative_to(path.parent))] = data
    return found


# The demo's meetings: its main partnership's 24 and draft, and the portfolio's other two.
DEMO_MEETINGS = 25 + 14 + 8


def _meetings(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM meeting").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def backed_up(demo_path: Path) -> tuple[Path, Path]:
    """The demo, opened once by the app (so it has the day's automatic backup), then closed."""
    open_database(demo_path).close()
    (backup,) = backups.automatic_backups(demo_path)
    return demo_path, backup


# --- the ways a file breaks -----------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 1234])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(path.stat().st_size))


def _btree_pages(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            page
            for (page,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE pagetype IN ('internal', 'leaf') ORDER BY pageno"
            )
        ]
    finally:
        conn.close()


def _corrupt_page(path: Path, page: int, rng: random.Random) -> int:
    """Overwrite one whole page with random bytes; returns how many bytes changed."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        old = file.read(size)
        new = rng.randbytes(size)
        file.seek((page - 1) * size)
        file.write(new)
    return sum(a != b for a, b in zip(old, new, strict=True))


def _one_page(path: Path) -> None:
    pages = _btree_pages(path)
    _corrupt_page(path, pages[len(pages) // 2], random.Random(11))


def _newer_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [MIGRATION_SET, "9999_from_the_future", "2030-01-01 00:00:00+00:00"],
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


BREAKAGES: dict[str, tuple[Callable[[Path], None], tuple[type[StorageError], ...], str]] = {
    "truncated": (_truncate, (DamagedDatabaseError, NotADatabaseError), "damaged"),
    "emptied": (_empty, (DamagedDatabaseError,), "empty"),
    "random bytes": (_random_bytes, (NotADatabaseError,), "not a database"),
    "one page corrupted": (_one_page, (DamagedDatabaseError, NotADatabaseError), "damaged"),
    "newer version": (_newer_version, (NewerVersionError,), "newer version"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_file_is_refused_untouched_and_its_backup_offered(
    backed_up: tuple[Path, Path], breakage: str
) -> None:
    """Storage refuses in words, names the newest good backup, and changes no byte."""
    path, backup = backed_up
    damage, expected, words = BREAKAGES[breakage]
    damage(path)
    before = _state(path)
    with pytest.raises(expected) as caught:
        open_database(path)
    assert str(path) in caught.value.message and words in caught.value.message.lower()
    assert caught.value.backup == backup
    assert str(backup) in caught.value.message
    assert _state(path) == before


@pytest.mark.parametrize("breakage", ["truncated", "random bytes", "newer version"])
def test_the_command_line_says_it_in_one_line_and_restore_puts_the_backup_back(
    backed_up: tuple[Path, Path], breakage: str, tmp_path: Path
) -> None:
    """A command on a broken file prints one line naming the backup; `main.py restore` puts
    it back and keeps the broken file aside, byte for byte."""
    path, backup = backed_up
    BREAKAGES[breakage][0](path)
    broken = path.read_bytes()
    before = _state(path)
    result = main_py("export-minutes", "--db", path, "--meeting", "latest", "--out", "m.pdf")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert str(path) in line and str(backup) in line and "main.py restore" in line
    assert _state(path) == before

    result = main_py("restore", "--db", path, "--from", backup)
    assert result.returncode == 0, result.stderr
    (aside,) = path.parent.glob(f"{path.name}.replaced-????????-??????")
    assert str(aside) in result.stdout
    assert aside.read_bytes() == broken
    assert _meetings(path) == DEMO_MEETINGS
    open_database(path, automatic_backups=False).close()


def test_a_file_cut_short_to_nothing_is_not_silently_made_new(
    backed_up: tuple[Path, Path],
) -> None:
    """An empty or vanished file that has good backups was cut short by a crash: refused, not
    silently replaced by a new empty database (whose daily backups would push the good ones
    out)."""
    path, backup = backed_up
    path.unlink()
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(path)
    assert "does not exist any more" in caught.value.message
    assert caught.value.backup == backup
    assert not path.exists()


def test_every_sampled_page_corrupted_is_refused_untouched(
    demo_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whichever b-tree page is overwritten with random bytes, the file is refused, untouched."""
    pages = _btree_pages(demo_template)
    rng = random.Random(20261123)
    sample = sorted(rng.sample(pages, min(PAGE_SAMPLE, len(pages))))
    flipped = 0
    for page in sample:
        path = tmp_path / f"page-{page}.db"
        shutil.copy(demo_template, path)
        flipped += _corrupt_page(path, page, rng)
        before = path.read_bytes()
        with pytest.raises((DamagedDatabaseError, NotADatabaseError)):
            open_database(path)
        assert _state(path) == {path.name: before}, f"page {page}"
        for file in tmp_path.iterdir():
            file.unlink()
    record_figures(
        capsys,
        f"broken files: {len(sample)} of {len(pages)} b-tree pages overwritten one at a time "
        f"({flipped} bytes changed), each refused untouched",
    )


# --- files that are fine but cannot be used now ----------------------------------------------


def _without_root_powers() -> list[str]:
    """A command prefix under which even root respects file permissions (or none needed)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: folder permissions would be ignored")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.fixture
def read_only_folder(demo_template: Path) -> Iterator[Path]:
    """The demo, with a backup, in a folder nobody may write."""
    folder = Path(tempfile.mkdtemp(prefix="review-read-only-"))
    path = folder / "demo.db"
    shutil.copy(demo_template, path)
    open_database(path).close()
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_file_in_a_read_only_folder_is_refused_in_one_line_untouched(
    read_only_folder: Path, tmp_path: Path
) -> None:
    """In a read-only folder the file cannot be opened for work: one line says why, the file
    and its folder are left as they were, and no backup is offered (nothing is wrong with it)."""
    path = read_only_folder
    before = _state(path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    script = (
        "import sys; from storage.database import open_database\n"
        "from storage.errors import StorageError\n"
        "try:\n    open_database(sys.argv[1])\n"
        "except StorageError as e:\n    print(type(e).__name__, e.backup, e.message)\n"
    )
    prefix = _without_root_powers()
    found = subprocess.run(
        [*prefix, sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.stdout.startswith(f"{ReadOnlyError.__name__} None "), found.stdout + found.stderr
    assert "read-only" in found.stdout or "writable" in found.stdout
    out = tmp_path / "m.pdf"
    command = ["main.py", "export-minutes", "--db", path, "--meeting", "latest", "--out", out]
    result = subprocess.run(
        [*prefix, sys.executable, *map(str, command)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert str(path) in line
    assert _state(path) == before


@pytest.fixture
def locked(demo_path: Path) -> Iterator[Path]:
    """The demo, with a backup, while another program holds an exclusive write transaction."""
    open_database(demo_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute(\"UPDATE partnership SET name = name || ' (being edited)'\")\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n",
            str(demo_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    try:
        yield demo_path
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_file_locked_by_another_program_is_refused_untouched(locked: Path) -> None:
    """A file another program is changing is refused in words after a short wait, untouched;
    no backup is offered (the file is fine: the other program has to finish)."""
    before = _state(locked)
    with pytest.raises(DatabaseLockedError) as caught:
        open_database(locked)
    assert str(locked) in caught.value.message and "another program" in caught.value.message
    assert caught.value.backup is None and not caught.value.restorable
    assert _state(locked) == before


def test_the_command_line_refuses_a_locked_file_in_one_line(
    locked: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A command that writes is refused in one line on stderr, status 2; a command that only
    reads reads what was committed (WAL lets it) and changes nothing either."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    readings = elsewhere / "readings.csv"
    readings.write_text("kpi,period,value\nP1 incidents,2026-10,1\n", encoding="utf-8")
    before = _state(locked)
    result = main_py("import-kpis", "--db", locked, readings)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert "another program" in line
    assert _state(locked) == before
    out = elsewhere / "m.pdf"
    result = main_py("export-minutes", "--db", locked, "--meeting", "latest", "--out", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF") and _state(locked) == before


# --- restoring ------------------------------------------------------------------------------


def test_restore_refuses_a_bad_backup_and_changes_nothing(
    backed_up: tuple[Path, Path], tmp_path: Path
) -> None:
    """A damaged backup, another program's file, a newer version's file, a missing file or
    the database itself are refused before anything is touched."""
    path, backup = backed_up
    _one_page(path)
    damaged_backup = tmp_path / "damaged-backup.db"
    shutil.copy(backup, damaged_backup)
    _one_page(damaged_backup)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.close()
    newer = tmp_path / "newer.db"
    shutil.copy(backup, newer)
    _newer_version(newer)
    before = _state(path)
    for source in (damaged_backup, other, newer, tmp_path / "missing.db", path):
        with pytest.raises(StorageError):
            backups.restore(path, source)
        assert _state(path) == before, source
        result = main_py("restore", "--db", path, "--from", source)
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        assert _state(path) == before, source


def test_restore_refuses_a_database_open_elsewhere(demo_path: Path) -> None:
    """A database the app (or any program) has open is not replaced under its feet."""
    open_database(demo_path).close()
    (backup,) = backups.automatic_backups(demo_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "c.execute('PRAGMA journal_mode = WAL')\n"
            "c.execute('SELECT 1 FROM meeting').fetchall()\n"
            "print('open', flush=True)\n"
            "time.sleep(120)\n",
            str(demo_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = _state(demo_path)
        with pytest.raises(DatabaseLockedError):
            backups.restore(demo_path, backup)
        assert _state(demo_path) == before
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert backups.restore(demo_path, backup) is not None


def _crash_after_a_write(path: Path) -> None:
    """A process writes to `path` and dies: its commit is in the -wal file beside it."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "c.execute('PRAGMA journal_mode = WAL')\n"
            "with c: c.execute(\"UPDATE meeting_item SET notes = 'typed, then the battery died' "
            "WHERE rowid = (SELECT max(i.rowid) FROM meeting_item i JOIN meeting m "
            "ON m.id = i.meeting_id WHERE m.status = 'draft')\")\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n",
            str(path),
        ],
        check=False,
    )
    assert path.with_name(path.name + "-wal").stat().st_size > 0


def test_restore_keeps_the_wal_with_the_file_kept_aside(backed_up: tuple[Path, Path]) -> None:
    """The replaced file is kept aside with its -wal file: opened there, it still holds the
    last commit; nothing of it is applied to the restored file."""
    path, backup = backed_up
    _crash_after_a_write(path)
    aside = backups.restore(path, backup)
    assert aside is not None
    assert not path.with_name(path.name + "-wal").exists()
    conn = sqlite3.connect(aside)
    try:
        notes = [n for (n,) in conn.execute("SELECT notes FROM meeting_item")]
    finally:
        conn.close()
    assert "typed, then the battery died" in notes
    conn = sqlite3.connect(path)
    try:
        restored = [n for (n,) in conn.execute("SELECT notes FROM meeting_item")]
    finally:
        conn.close()
    assert "typed, then the battery died" not in restored


def test_restore_is_all_or_nothing(
    backed_up: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the last step fails (the disk fills up), the database with its -wal and -shm files
    is as it was, and no file is left aside or half written."""
    path, backup = backed_up
    _crash_after_a_write(path)
    before = _state(path)
    real = os.replace

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == path:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(backups.os, "replace", failing)
    with pytest.raises(StorageError, match="No space left"):
        backups.restore(path, backup)
    assert _state(path) == before


def test_the_app_offers_the_backup_and_restores_it(
    qtbot: QtBot, backed_up: tuple[Path, Path]
) -> None:
    """The app's dialog says what is wrong, offers the newest good backup, and restoring it
    keeps the broken file aside; the file then opens."""
    path, _ = backed_up
    _one_page(path)
    broken = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_database(path)
    dialog = RecoveryDialog(path, caught.value)
    qtbot.addWidget(dialog)
    assert "damaged" in dialog.problem.text() and "main.py" not in dialog.problem.text()
    assert dialog.restore_button is not None and "backup" in dialog.offer.text()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.restored and dialog.restored_aside is not None
    assert dialog.restored_aside.read_bytes() == broken
    assert _meetings(path) == DEMO_MEETINGS


def test_the_app_offers_no_restore_for_a_locked_file(qtbot: QtBot, locked: Path) -> None:
    """For a file that is fine but locked, the dialog says why and offers no restore."""
    with pytest.raises(StorageError) as caught:
        open_database(locked)
    dialog = RecoveryDialog(locked, caught.value)
    qtbot.addWidget(dialog)
    assert dialog.restore_button is None
    assert "another program" in dialog.problem.text()
    assert "left as it is" in dialog.offer.text()


def test_the_restore_dialog_lists_good_backups_newest_first(qtbot: QtBot, demo_path: Path) -> None:
    """From the menu: the good backups newest first (a damaged one is left out); restoring the
    chosen one keeps the current file aside."""
    import datetime as dt

    older = backups.automatic_backup(demo_path, "daily", now=dt.datetime(2026, 11, 20, 9))
    newer = backups.automatic_backup(demo_path, "daily", now=dt.datetime(2026, 11, 21, 9))
    damaged = backups.automatic_backup(demo_path, "daily", now=dt.datetime(2026, 11, 22, 9))
    assert older and newer and damaged
    _one_page(damaged)
    assert backups.good_backups(demo_path) == [newer, older]
    dialog = RestoreBackupDialog(demo_path)
    qtbot.addWidget(dialog)
    assert dialog.choices.count() == 2
    first = dialog.choices.item(0).text()
    assert "Sat 21 Nov 2026, 09:00" in first and "first opening of the day" in first
    assert "latest meeting: 24," in first and "signed)" in first
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.restored and dialog.restored_aside is not None
    assert (demo_path.parent / dialog.restored_aside.name).exists()
