"""The one way to open a database file: checked, backed up, migrated, with safe pragmas."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from storage import backups
from storage.errors import (
    DamagedDatabaseError,
    NewerVersionError,
    NotADatabaseError,
    ReadOnlyError,
    StorageError,
    translate,
)
from storage.migrations import MIGRATION_SET, MIGRATIONS, known_migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def configure(conn: sqlite3.Connection) -> None:
    """Pragmas every connection gets: WAL, full sync, foreign keys, a busy timeout."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def open_database(path: Path | str, *, automatic_backups: bool = True) -> Database:
    """Open (or create) the database at `path`, refusing without a write what it cannot trust.

    An existing file is checked first on a read-only connection: it must be SQLite, pass
    `PRAGMA quick_check`, and have no migration this version does not know. Then a backup is
    taken (before migrations, or the day's first open) and pending migrations are applied.
    """
    path = Path(path)
    existing = path.exists() and path.stat().st_size > 0
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file.")
    if existing:
        inspect(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ReadOnlyError(f"Cannot create the folder for {path}: {error.strerror}.") from None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise _user_error(error, path) from None
    db = Database(conn, execute_plugins=False)
    try:
        configure(conn)
        pending = MIGRATIONS.pending(db)
        if existing and automatic_backups:
            backups.automatic_backup(path, "before-migration" if pending else "daily")
        MIGRATIONS.apply(db)
    except sqlite3.Error as error:
        conn.close()
        raise _user_error(error, path) from None
    except BaseException:
        conn.close()
        raise
    return db


def inspect(path: Path) -> None:
    """Check an existing file without writing to it; raise a StorageError saying what is wrong."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except PermissionError:
        raise ReadOnlyError(f"{path} cannot be read: permission denied.") from None
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            f"{path} is not a database of this app (it is not an SQLite file). "
            "Choose another file, or create a new partnership."
        )
    with _read_only(path) as conn:
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            applied: set[str] = set()
            if "_sqlite_migrations" in tables:
                applied = {
                    row[0]
                    for row in conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                        (MIGRATION_SET,),
                    )
                }
        except sqlite3.Error as error:
            raise _user_error(error, path) from None
    if check != "ok":
        raise DamagedDatabaseError(
            f"{path} is damaged ({check}). It was left as it is: "
            "restore its newest backup with `main.py restore`."
        )
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if user_tables and not applied:
        raise NotADatabaseError(
            f"{path} is an SQLite database of another program, not of this app. "
            "It was left as it is."
        )
    unknown = applied - set(known_migrations())
    if unknown:
        raise NewerVersionError(
            f"{path} was written by a newer version of this app. It was left as it is: "
            "update the app to open it."
        )


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise _user_error(error, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        yield conn
    finally:
        conn.close()


def _user_error(error: sqlite3.Error, path: Path) -> StorageError:
    known = translate(error, path)
    if known is not None:
        return known
    if "unable to open" in str(error):
        return ReadOnlyError(
            f"{path} cannot be opened: check that its folder exists and is writable."
        )
    raise error


def database_path(db: Database) -> Path:
    """The file behind an open database."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2])
