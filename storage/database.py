"""The one way to open a database file: checked, backed up, migrated, with safe pragmas."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from storage import backups
from storage.checks import LOCK_WAIT_MS, in_use, inspect, user_error
from storage.errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    NewerVersionError,
    NotADatabaseError,
    ReadOnlyError,
    StorageError,
    read_only_because,
)
from storage.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 5000


def configure(conn: sqlite3.Connection) -> None:
    """Pragmas every connection gets: WAL, full sync, foreign keys, a busy timeout."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


class AppDatabase(Database):
    """sqlite-utils' Database, with what opening it found: whether this process is the window
    writing it (`claim`), why it may only read it, and problems that did not stop it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        claim: WindowClaim | None = None,
        read_only_reason: str | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        super().__init__(conn, execute_plugins=False)
        self.path = path
        self.claim = claim
        self.read_only_reason = read_only_reason
        self.warnings = list(warnings)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.claim is not None:
                self.claim.release()
                self.claim = None
            if self.read_only_reason is not None:
                read_only_because(self.path, None)


def open_database(
    path: Path | str, *, automatic_backups: bool = True, one_writer: bool = False
) -> Database:
    """Open (or create) the database at `path`, refusing without a write what it cannot trust.

    An existing file is checked first on a read-only connection: it must be SQLite, pass
    `PRAGMA quick_check`, and have no migration this version does not know; a file another
    program holds a write lock on is refused too. A refusal names the newest good automatic
    backup, when it is the file itself that is wrong (`StorageError.backup`). Then a backup is
    taken (before migrations, or the day's first open) and pending migrations are applied.

    An empty or missing file is a new database, unless it has good automatic backups: then it
    was cut short (by a crash, or a disk that lost its last writes) and is refused as damaged.

    `one_writer` (the app's windows): if another window of the app already writes this file,
    it is opened read-only instead (`read_only_reason(db)` says why), so that two windows never
    overwrite each other's notes.
    """
    path = Path(path)
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file.")
    existing = path.exists() and path.stat().st_size > 0
    if existing:
        try:
            inspect(path)
        except StorageError as error:
            raise _offering_backup(error, path) from None
    else:
        _refuse_if_cut_short(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ReadOnlyError(f"Cannot create the folder for {path}: {error.strerror}.") from None
    claim: WindowClaim | None = None
    reason: str | None = None
    if one_writer:
        claim, holder = claim_window(path)
        if claim is None:
            reason = (
                f"{path} is open in another window of this app{holder}: this window only "
                "reads it, so that the two never overwrite each other. Close the other window, "
                "then open the file again here to change it."
            )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        if claim is not None:
            claim.release()
        raise user_error(error, path) from None
    db = AppDatabase(conn, path, claim, reason)
    try:
        configure(conn)
        pending = MIGRATIONS.pending(db)
        if reason is not None:
            if pending:
                raise NewerVersionError(
                    f"{path} needs updating, but another window of the app has it open: "
                    "close that window first."
                )
            conn.execute("PRAGMA query_only = ON")
            read_only_because(path, reason)
            return db
        if existing:
            _refuse_if_locked(conn, path)
        if existing and automatic_backups:
            try:
                backups.automatic_backup(path, "before-migration" if pending else "daily")
            except StorageError as error:
                if pending:
                    raise StorageError(
                        f"{error.message} The file was not updated: it is updated only once "
                        "backed up."
                    ) from None
                db.warnings.append(f"{error.message} The file itself opened normally.")
        MIGRATIONS.apply(db)
        if any(m.name == "0005_rag_from_target" for m in pending):
            _tell_colour_changes(db)
    except sqlite3.Error as error:
        db.close()
        raise user_error(error, path) from None
    except BaseException:
        db.close()
        raise
    return db


def _tell_colour_changes(db: AppDatabase) -> None:
    """Say, once, which readings the new RAG rule (migration 0005) turned from one colour to
    another: the audit log keeps the full list."""
    from storage.migrations import colour_changes

    changes = colour_changes(db)
    if not changes:
        return
    shown = "; ".join(
        f"{name} {period} ({value}): {old} → {new}" for name, period, value, old, new in changes[:5]
    )
    more = f", and {len(changes) - 5} more" if len(changes) > 5 else ""
    db.warnings.append(
        "KPI colours now follow the rule a scorecard reader expects: green only when the "
        f"target is met. {len(changes)} reading(s) changed colour: {shown}{more} (all listed "
        "in the audit log)."
    )


def open_for_reading(path: Path | str) -> Database:
    """A second, read-only connection to a database already opened (for a check run in a
    background thread: a connection belongs to the thread that made it)."""
    path = Path(path)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as error:
        raise user_error(error, path) from None
    return Database(conn, execute_plugins=False)


def open_read_only(path: Path | str) -> Database:
    """Open an existing database only to read it (the command line's export, verify, backup).

    Checked as `open_database` checks it, but nothing is ever written: no backup taken, no
    migration applied, and a read-only connection cannot checkpoint or delete the journal of
    a window that has the file open.
    """
    path = Path(path)
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file.")
    if not path.is_file():
        raise StorageError(f"{path} does not exist.")
    try:
        inspect(path)
    except StorageError as error:
        raise _offering_backup(error, path) from None
    db = open_for_reading(path)
    try:
        db.execute("PRAGMA query_only = ON")
        db.execute("PRAGMA foreign_keys = ON")
        if MIGRATIONS.pending(db):
            raise NewerVersionError(
                f"{path} was written by an earlier version of this app: open it in the app "
                "once to update it, then run this again."
            )
    except sqlite3.Error as error:
        db.close()
        raise user_error(error, path) from None
    except BaseException:
        db.close()
        raise
    return db


def read_only_reason(db: Database) -> str | None:
    """Why `db` was opened read-only (another window writes it); None when it is writable."""
    return getattr(db, "read_only_reason", None)


def open_warnings(db: Database) -> list[str]:
    """What went wrong opening `db` without stopping it (an automatic backup that failed)."""
    return list(getattr(db, "warnings", []))


def _offering_backup(error: StorageError, path: Path) -> StorageError:
    """The same refusal, naming the newest good automatic backup when a backup is a remedy."""
    if not error.restorable:
        return error
    found = backups.newest_good_backup(path)
    if found is None:
        return error
    taken = backups.backup_time(found)
    when = f" from {taken:%d %b %Y %H:%M}" if taken else ""
    return type(error)(
        f"{error.message} Its newest good automatic backup is{when}: restore it in the app, or "
        f"with `main.py restore --db {path} --from {found}` (the file is kept aside).",
        backup=found,
        problem=error.message,
    )


def _refuse_if_cut_short(path: Path) -> None:
    """Refuse an empty or missing file that has good automatic backups: it lost its content."""
    found = backups.newest_good_backup(path)
    if found is None:
        return
    state = "is empty" if path.exists() else "does not exist any more"
    raise _offering_backup(
        DamagedDatabaseError(
            f"{path} {state}, but it has automatic backups: it was probably cut short when the "
            "computer stopped. It was left as it is."
        ),
        path,
    )


def _refuse_if_locked(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file another program holds a write lock on (waiting LOCK_WAIT_MS for it)."""
    conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise DatabaseLockedError(
                f"{path} is locked by another program that is changing it. It was left as it "
                "is: close that program, then open the file again."
            ) from None
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def database_path(db: Database) -> Path:
    """The file behind an open database."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2])


# --- one writing window per file -------------------------------------------------------------


class WindowClaim:
    """This process is the app window that writes a database: an `flock` on NAME.lock beside it.

    The operating system drops the lock when the process ends, however it ends (a kill, a
    battery running out), so a claim is never left behind. A separate file is locked, never
    the database itself: closing another descriptor of the database would drop SQLite's own
    locks on it (POSIX locks belong to the process).
    """

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def claim_window(path: Path) -> tuple[WindowClaim | None, str]:
    """Claim `path` for this window: (the claim, "") or (None, " (process N)") if taken."""
    try:
        import fcntl
    except ImportError:  # no flock here: every window writes (WAL keeps the file whole)
        return WindowClaim(None), ""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: nobody can write the file, nothing to share
        return WindowClaim(None), ""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        return None, f" (process {holder})" if holder.isdigit() else ""
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    return WindowClaim(fd), ""


__all__ = [
    "AppDatabase",
    "Database",
    "claim_window",
    "in_use",
    "inspect",
    "open_database",
    "open_for_reading",
    "open_read_only",
    "open_warnings",
    "read_only_reason",
]
