"""storage/database.py: opening a file safely, and refusing, untouched, what cannot be trusted."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from core.model import Person, Side
from storage import backups, repository
from storage.database import database_path, inspect, open_database
from storage.errors import (
    DamagedDatabaseError,
    NewerVersionError,
    NotADatabaseError,
    StorageError,
)
from storage.migrations import MIGRATION_SET, MIGRATIONS, known_migrations

APP_TABLES = {*repository.TABLES.values(), "audit_log", "_sqlite_migrations"}


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {name for (name,) in rows}


def _sidecars_are_harmless(path: Path) -> bool:
    """No journal beside `path` that could change its content when it is next opened."""
    wal = path.with_name(path.name + "-wal")
    journal = path.with_name(path.name + "-journal")
    return (not wal.exists() or wal.stat().st_size == 0) and not journal.exists()


def _assert_refused_untouched(path: Path, error: type[StorageError]) -> None:
    before = path.read_bytes()
    with pytest.raises(error) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert _sidecars_are_harmless(path)
    assert not backups.backup_folder(path).exists()


def _rollback_journal_copy(source: Path, path: Path) -> Path:
    """A copy of `source` in rollback-journal mode, so that the main file holds everything."""
    shutil.copy(source, path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    finally:
        conn.close()
    return path


# --- a new file ---------------------------------------------------------------------------


def test_new_file_gets_safe_pragmas(tmp_path: Path) -> None:
    """A new database is written in WAL mode with full sync, foreign keys and a busy timeout."""
    path = tmp_path / "new.db"
    db = open_database(path)
    try:
        assert path.is_file()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    finally:
        db.close()


def test_new_file_has_every_table(tmp_path: Path) -> None:
    """A new database holds every table the app reads and writes."""
    path = tmp_path / "new.db"
    open_database(path).close()
    assert _tables(path) >= APP_TABLES


def test_new_file_in_missing_folder_is_created(tmp_path: Path) -> None:
    """A database can be created in a folder that does not exist yet."""
    path = tmp_path / "a" / "b" / "new.db"
    db = open_database(path)
    try:
        assert database_path(db) == path.resolve()
    finally:
        db.close()


def test_zero_length_file_becomes_a_database(tmp_path: Path) -> None:
    """An empty file (as left by a crash before the first write) is made into a new database."""
    path = tmp_path / "empty.db"
    path.touch()
    open_database(path).close()
    assert _tables(path) >= APP_TABLES


def test_reopening_keeps_data_and_applies_nothing(tmp_path: Path) -> None:
    """Opening a database again keeps its data and runs no migration a second time."""
    path = tmp_path / "again.db"
    db = open_database(path)
    db.execute(
        "INSERT INTO partnership (id, name, created_at) VALUES ('p1', 'Łódź – Brightline', "
        "'2026-01-05T09:00:00')"
    )
    applied = db.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall()
    db.close()

    db = open_database(path)
    try:
        assert MIGRATIONS.pending(db) == []
        assert db.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall() == applied
        assert [p.name for p in repository.partnerships(db)] == ["Łódź – Brightline"]
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        db.close()


def test_foreign_keys_are_enforced(new_db) -> None:
    """A person cannot be written for a party that does not exist."""
    with pytest.raises(sqlite3.IntegrityError):
        repository.insert(new_db, [Person("x", "no-such-partnership", Side.PARTNER, "Emre Çelik")])


# --- files refused, untouched ------------------------------------------------------------


def test_folder_is_refused(tmp_path: Path) -> None:
    """Choosing a folder instead of a file is refused in words."""
    with pytest.raises(NotADatabaseError):
        open_database(tmp_path)


def test_random_bytes_are_refused_untouched(tmp_path: Path) -> None:
    """A file of random bytes is refused as not a database, and left byte for byte as it was."""
    path = tmp_path / "noise.db"
    path.write_bytes(random.Random(7).randbytes(3 * 4096))
    _assert_refused_untouched(path, NotADatabaseError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noise.db"]


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    """A text file given by mistake is refused as not a database, and left as it was."""
    path = tmp_path / "minutes.txt"
    path.write_text("Minutes of the partnership review\nŁukasz: agreed.\n", encoding="utf-8")
    _assert_refused_untouched(path, NotADatabaseError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minutes.txt"]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_other_programs_database_is_refused_untouched(tmp_path: Path, journal_mode: str) -> None:
    """An SQLite file of another program is refused, and left byte for byte as it was."""
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute("CREATE TABLE bookmarks (url TEXT, title TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org', 'Example')")
    conn.commit()
    conn.close()
    _assert_refused_untouched(path, NotADatabaseError)
    assert _tables(path) == {"bookmarks"}


def test_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    """A database carrying a migration this version does not know is refused, and left as it was."""
    path = tmp_path / "newer.db"
    db = open_database(path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATION_SET, "9999_from_the_future", "2030-01-01 00:00:00+00:00"],
    )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _assert_refused_untouched(path, NewerVersionError)


def test_other_migration_set_does_not_make_it_newer(tmp_path: Path) -> None:
    """A migration of another set in the same file does not make this app refuse it."""
    path = tmp_path / "shared.db"
    db = open_database(path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["some-plugin", "0001_plugin_tables", "2030-01-01 00:00:00+00:00"],
    )
    db.close()
    open_database(path, automatic_backups=False).close()


def _damage(path: Path) -> None:
    """Overwrite the b-tree header of the page at the root of the `action` table."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'action'"
        ).fetchone()
    finally:
        conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * 12)


def test_damaged_file_is_refused_untouched(demo_master: Path, tmp_path: Path) -> None:
    """A damaged database is refused with a word about restoring, and left as it was."""
    path = _rollback_journal_copy(demo_master, tmp_path / "damaged.db")
    _damage(path)
    before = path.read_bytes()
    with pytest.raises((DamagedDatabaseError, NotADatabaseError)) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert _sidecars_are_harmless(path)
    assert not backups.backup_folder(path).exists()


def test_damage_in_rows_is_refused_untouched(demo_master: Path, tmp_path: Path) -> None:
    """A database whose row pages were overwritten mid-page is refused, and left as it was."""
    path = _rollback_journal_copy(demo_master, tmp_path / "damaged.db")
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        for page in range(page_count // 3, page_count, 7):
            file.seek(page * page_size + page_size // 2)
            file.write(b"\xde\xad\xbe\xef" * 64)
    before = path.read_bytes()
    with pytest.raises((DamagedDatabaseError, NotADatabaseError)):
        open_database(path)
    assert path.read_bytes() == before
    assert _sidecars_are_harmless(path)


def test_inspect_accepts_a_healthy_database(demo_db_path: Path) -> None:
    """Checking a healthy database raises nothing and changes nothing."""
    before = demo_db_path.read_bytes()
    inspect(demo_db_path)
    assert demo_db_path.read_bytes() == before


# --- automatic backups on open -----------------------------------------------------------


def test_new_file_takes_no_backup(tmp_path: Path) -> None:
    """Creating a database takes no backup: there is nothing yet to lose."""
    path = tmp_path / "new.db"
    open_database(path).close()
    assert backups.automatic_backups(path) == []


def test_backup_on_open_at_most_once_a_day(demo_db_path: Path) -> None:
    """Opening a database takes one automatic backup a day, however often it is opened."""
    for _ in range(3):
        open_database(demo_db_path).close()
    (taken,) = backups.automatic_backups(demo_db_path)
    assert taken.name.endswith("-daily.db")
    conn = sqlite3.connect(taken)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        source = sqlite3.connect(demo_db_path)
        held = source.execute("SELECT count(*) FROM meeting").fetchone()[0]
        source.close()
        assert conn.execute("SELECT count(*) FROM meeting").fetchone()[0] == held > 25
    finally:
        conn.close()


def test_no_backup_when_turned_off(demo_db_path: Path) -> None:
    """Opening with automatic backups off writes no backup."""
    open_database(demo_db_path, automatic_backups=False).close()
    assert backups.automatic_backups(demo_db_path) == []


def test_backup_before_migrations(tmp_path: Path) -> None:
    """An existing file that still needs migrations is backed up before they run."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert path.stat().st_size > 0
    open_database(path).close()
    (taken,) = backups.automatic_backups(path)
    assert taken.name.endswith("-before-migration.db")
    assert "_sqlite_migrations" not in _tables(taken)
    assert _tables(path) >= APP_TABLES


def test_every_known_migration_recorded(new_db) -> None:
    """A new database records every migration this version knows, in the app's set."""
    names = [
        row[0]
        for row in new_db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            [MIGRATION_SET],
        )
    ]
    assert names == known_migrations()


# --- refusing what changed under it, and sharing a file -------------------------------------


def test_a_failed_daily_backup_does_not_stop_the_file_opening(demo_db_path: Path) -> None:
    """If the day's backup cannot be written, the file still opens, with a warning saying so."""
    from storage.database import open_warnings

    backups.backup_folder(demo_db_path).write_text("in the way")
    db = open_database(demo_db_path)
    try:
        (warning,) = open_warnings(db)
        assert "automatic backup" in warning
    finally:
        db.close()


def test_an_emptied_file_with_backups_is_refused_with_the_backup_named(demo_db_path: Path) -> None:
    """An empty file that has good backups lost its content: refused, its backup named."""
    open_database(demo_db_path).close()
    (taken,) = backups.automatic_backups(demo_db_path)
    demo_db_path.write_bytes(b"")
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(demo_db_path)
    assert caught.value.backup == taken and "empty" in caught.value.message
    assert demo_db_path.read_bytes() == b""


def test_a_second_window_reads_only(demo_db_path: Path) -> None:
    """With one window writing a file, a second one opens it read-only and says why on a write;
    once the first closes, the file opens for writing again."""
    from storage.database import read_only_reason
    from storage.errors import ReadOnlyError

    first = open_database(demo_db_path, automatic_backups=False, one_writer=True)
    second = open_database(demo_db_path, automatic_backups=False, one_writer=True)
    try:
        assert read_only_reason(first) is None
        reason = read_only_reason(second)
        assert reason is not None and "another window" in reason
        item = second.execute(
            "SELECT id FROM meeting_item WHERE meeting_id IN "
            "(SELECT id FROM meeting WHERE status = 'draft')"
        ).fetchone()[0]
        with pytest.raises(ReadOnlyError, match="another window"):
            repository.save_notes(second, item, "typed in the second window")
        repository.save_notes(first, item, "typed in the first window")
    finally:
        second.close()
        first.close()
    again = open_database(demo_db_path, automatic_backups=False, one_writer=True)
    try:
        assert read_only_reason(again) is None
    finally:
        again.close()


def test_in_use_sees_another_process(demo_db_path: Path) -> None:
    """A database another process has open is in use; once that process is gone, it is not."""
    import subprocess
    import sys

    from storage.database import in_use

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode = WAL')\n"
            "c.execute('SELECT 1 FROM meeting').fetchall(); print('open', flush=True)\n"
            "time.sleep(60)\n",
            str(demo_db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert in_use(demo_db_path)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert not in_use(demo_db_path)
