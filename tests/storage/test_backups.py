"""storage/backups.py: consistent copies of a database in use, and the rotating automatic set."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.model import Person, Side
from storage import repository
from storage.backups import automatic_backup, automatic_backups, backup, backup_folder
from storage.errors import DamagedDatabaseError, StorageError


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _people_named(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM person WHERE name = ?", [name]).fetchone()[0]
    finally:
        conn.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


@pytest.fixture
def busy_demo(demo_db: Database, demo_db_path: Path) -> Database:
    """The demo, open, with a committed write still in its WAL file (not checkpointed)."""
    pid = repository.partnerships(demo_db)[0].id
    repository.add_person(demo_db, Person("p-new", pid, Side.PARTNER, "Zoë Ångström-Łęcka"))
    wal = demo_db_path.with_name(demo_db_path.name + "-wal")
    assert wal.stat().st_size > 0
    return demo_db


def test_backup_of_database_in_use(busy_demo: Database, demo_db_path: Path, tmp_path: Path) -> None:
    """A backup taken while the app has the database open holds its latest committed writes."""
    out = backup(demo_db_path, tmp_path / "copy.db")
    assert out == tmp_path / "copy.db"
    assert _integrity(out) == "ok"
    assert _people_named(out, "Zoë Ångström-Łęcka") == 1


def test_backup_from_open_connection(busy_demo: Database, tmp_path: Path) -> None:
    """The app can back up through its own open connection, writes included."""
    out = backup(busy_demo.conn, tmp_path / "copy.db")
    assert _integrity(out) == "ok"
    assert _people_named(out, "Zoë Ångström-Łęcka") == 1
    busy_demo.execute("SELECT count(*) FROM person").fetchone()


def test_backup_is_one_self_contained_file(busy_demo: Database, tmp_path: Path) -> None:
    """A backup is a single file that can be copied alone: no WAL beside it, no journal mode WAL."""
    out = backup(busy_demo.conn, tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    moved = tmp_path / "elsewhere" / "moved.db"
    moved.parent.mkdir()
    shutil.copy(out, moved)
    assert _people_named(moved, "Zoë Ångström-Łęcka") == 1
    conn = sqlite3.connect(moved)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_backup_replaces_an_older_backup(demo_db_path: Path, tmp_path: Path) -> None:
    """Backing up onto an earlier backup file replaces it with a whole new copy."""
    out = tmp_path / "copy.db"
    out.write_bytes(b"an old, unrelated file")
    backup(demo_db_path, out)
    assert _integrity(out) == "ok"


def test_backup_to_missing_folder_fails_in_words(demo_db_path: Path, tmp_path: Path) -> None:
    """A backup to a folder that does not exist fails as a StorageError and writes nothing."""
    out = tmp_path / "no-such-folder" / "copy.db"
    with pytest.raises(StorageError):
        backup(demo_db_path, out)
    assert not out.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_backup_onto_a_folder_leaves_no_partial_file(demo_db_path: Path, tmp_path: Path) -> None:
    """A backup that cannot be put in place fails as a StorageError and leaves no partial file."""
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(StorageError):
        backup(demo_db_path, out)
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_backup_of_damaged_database_is_refused(demo_db_path: Path, tmp_path: Path) -> None:
    """A damaged database is not backed up as if whole: the backup fails and leaves no file."""
    conn = sqlite3.connect(demo_db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'action'").fetchone()
    conn.close()
    with demo_db_path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * 12)
    out = tmp_path / "copy.db"
    with pytest.raises(DamagedDatabaseError):
        backup(demo_db_path, out)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_backup_of_missing_database_fails_and_creates_nothing(tmp_path: Path) -> None:
    """Backing up a file that does not exist fails, and creates neither it nor a copy."""
    source = tmp_path / "gone.db"
    out = tmp_path / "copy.db"
    with pytest.raises(StorageError):
        backup(source, out)
    assert not source.exists()
    assert not out.exists()


# --- automatic backups ------------------------------------------------------------------


def _day(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, 1, hour, 30) + dt.timedelta(days=n)


def test_automatic_backup_goes_beside_the_database(demo_db_path: Path) -> None:
    """An automatic backup is written in a folder beside the database, named by date and reason."""
    taken = automatic_backup(demo_db_path, "daily", now=_day(0))
    assert taken is not None
    assert taken.parent == backup_folder(demo_db_path)
    assert taken.name == "demo-20261101-093000-daily.db"
    assert _integrity(taken) == "ok"
    assert automatic_backups(demo_db_path) == [taken]


def test_daily_backup_at_most_once_a_day(demo_db_path: Path) -> None:
    """A second daily backup on the same day is skipped; the next day's is taken."""
    first = automatic_backup(demo_db_path, "daily", now=_day(0, hour=8))
    assert automatic_backup(demo_db_path, "daily", now=_day(0, hour=17)) is None
    second = automatic_backup(demo_db_path, "daily", now=_day(1, hour=8))
    assert automatic_backups(demo_db_path) == [second, first]


def test_backup_before_migration_is_always_taken(demo_db_path: Path) -> None:
    """A backup before a migration is taken even when the day's backup exists."""
    automatic_backup(demo_db_path, "daily", now=_day(0, hour=8))
    before = automatic_backup(demo_db_path, "before-migration", now=_day(0, hour=9))
    assert before is not None
    assert len(automatic_backups(demo_db_path)) == 2


def test_automatic_backups_rotate(demo_db_path: Path) -> None:
    """Only the newest automatic backups are kept; older ones are removed."""
    taken = [automatic_backup(demo_db_path, "daily", now=_day(n), keep=3) for n in range(6)]
    assert None not in taken
    kept = automatic_backups(demo_db_path)
    assert kept == taken[:2:-1]
    assert sorted(p.name for p in backup_folder(demo_db_path).iterdir()) == sorted(
        p.name for p in kept
    )


def test_no_automatic_backups_listed_without_folder(tmp_path: Path) -> None:
    """A database never backed up has no automatic backups."""
    assert automatic_backups(tmp_path / "never.db") == []


def test_a_partial_copy_left_by_an_interrupted_backup_is_removed(demo_db_path: Path) -> None:
    """An automatic backup removes the partial copy an interrupted one left (an old one),
    not the one a backup running now is writing (a recent one)."""
    import os
    import time

    folder = backup_folder(demo_db_path)
    folder.mkdir()
    stale = folder / ".demo-20261101-093000-daily.db.partial"
    stale.write_bytes(b"half a copy")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    running = folder / ".demo-20261102-093000-daily.db.partial"
    running.write_bytes(b"being written")
    automatic_backup(demo_db_path, "daily", now=_day(3))
    assert not stale.exists() and running.exists()


def test_an_automatic_backup_that_cannot_be_written_fails_in_words(demo_db_path: Path) -> None:
    """A backups folder that cannot be made (a file is in its way) is a StorageError."""
    backup_folder(demo_db_path).write_text("not a folder")
    with pytest.raises(StorageError, match="automatic backup"):
        automatic_backup(demo_db_path, "daily", now=_day(0))


def test_good_backups_leave_out_damaged_ones_newest_first(demo_db_path: Path) -> None:
    """Only backups that pass every check are offered, newest first; each knows its time."""
    from storage.backups import backup_time, good_backups, newest_good_backup

    first = automatic_backup(demo_db_path, "daily", now=_day(0))
    second = automatic_backup(demo_db_path, "daily", now=_day(1))
    third = automatic_backup(demo_db_path, "daily", now=_day(2))
    assert first and second and third
    third.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert good_backups(demo_db_path) == [second, first]
    assert newest_good_backup(demo_db_path) == second
    assert backup_time(second) == dt.datetime(2026, 11, 2, 9, 30)
    assert backup_time(demo_db_path) is None


def test_restore_keeps_the_replaced_file_aside(demo_db_path: Path) -> None:
    """Restoring puts the backup's content in place and keeps the replaced file, unchanged,
    under a name that says when it was replaced."""
    from storage.backups import restore

    taken = automatic_backup(demo_db_path, "daily", now=_day(0))
    assert taken is not None
    conn = sqlite3.connect(demo_db_path)
    people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    with conn:
        conn.execute("DELETE FROM person WHERE id NOT IN (SELECT owner_id FROM action)")
    conn.close()
    replaced = demo_db_path.read_bytes()
    aside = restore(demo_db_path, taken, now=dt.datetime(2026, 11, 5, 8, 0, 1))
    assert aside == demo_db_path.with_name("demo.db.replaced-20261105-080001")
    assert aside.read_bytes() == replaced
    assert _integrity(demo_db_path) == "ok"
    assert _people_named(demo_db_path, "x") == 0
    conn = sqlite3.connect(demo_db_path)
    try:
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == people
    finally:
        conn.close()


def test_restore_where_the_file_is_gone(demo_db_path: Path, tmp_path: Path) -> None:
    """A backup can be put back where the database no longer exists; nothing is kept aside."""
    from storage.backups import restore

    taken = automatic_backup(demo_db_path, "daily", now=_day(0))
    assert taken is not None
    target = tmp_path / "elsewhere" / "demo.db"
    assert restore(target, taken) is None
    assert _integrity(target) == "ok"
