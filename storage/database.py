"""The one way to open a database file: checked, backed up, migrated, with safe pragmas."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from storage import backups, checks
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
from storage.migrations import MIGRATIONS, known_migrations

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
        self.structure_check: StructureCheck | None = None

    def close(self) -> None:
        check, self.structure_check = self.structure_check, None
        try:
            if check is not None:
                check.stop()
            super().close()
        finally:
            if self.claim is not None:
                self.claim.release()
                self.claim = None
            refused = isinstance(self.conn, CheckedConnection) and self.conn.refusal is not None
            if self.read_only_reason is not None or refused:
                read_only_because(self.path, None)


class StructureCheck:
    """`PRAGMA quick_check` of a file the app window opened without waiting for it, in a thread
    of its own on a read-only connection of its own (issue 18: the check reads every page, 0.2 s
    for ten years of history, and grew the window's start with the file).

    Until it has passed, the file's own connection (`CheckedConnection`) writes nothing: a
    write waits for the check, and once the check failed every write is refused in its words
    (a damaged file is refused and left as it is, as it is when the check runs before
    opening). `when_done` tells the window, which closes the file and says why.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._problem: BaseException | None = None
        self._listeners: list[Callable[[], None]] = []
        self._stopped = False
        self._closed = False
        self._conn = checks.connect_read_only(path, any_thread=True)
        self._thread = threading.Thread(
            target=self._run, name=f"quick_check of {path.name}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            problem = checks.structure_problem(self._conn, self.path)
            self._problem = None if problem is None else _offering_backup(problem, self.path)
        except BaseException as error:  # a bug: raised in the window's thread when asked
            self._problem = error
        finally:
            with self._lock:
                self._conn.close()
                self._closed = True
                self._done.set()
                listeners = [] if self._stopped else list(self._listeners)
            for listener in listeners:
                listener()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> StorageError | None:
        """Wait for the check: None when every page is sound, else the refusal in words (one
        that offers the newest good backup, as at opening). An unexpected error is raised."""
        self._done.wait()
        if self._problem is not None and not isinstance(self._problem, StorageError):
            raise self._problem
        return self._problem

    def when_done(self, listener: Callable[[], None]) -> None:
        """Call `listener` once the check has ended, in the check's thread (or at once, in
        this one, if it has ended already); never once the check was stopped."""
        with self._lock:
            if not self._done.is_set():
                self._listeners.append(listener)
                return
            if self._stopped:
                return
        listener()

    def stop(self) -> None:
        """Stop the check (its file is being closed) and wait for its thread to end."""
        with self._lock:
            self._stopped = True
            if not self._closed:
                self._conn.interrupt()
        self._thread.join()


# What a statement may do while its file's check runs, as the authorizer is told (sqlite3's
# action codes): read. Anything else waits for the check.
_READING_ACTIONS = frozenset(
    {sqlite3.SQLITE_READ, sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# Pragmas that only read, with an argument (a table's columns, indexes, keys).
_READING_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
# Pragmas that write without being given a value.
_WRITING_PRAGMAS = frozenset({"wal_checkpoint", "optimize", "incremental_vacuum"})
_READING_STATEMENTS = frozenset({"SELECT", "WITH", "VALUES", "EXPLAIN"})


def _may_write(sql: str) -> bool:
    """Whether a statement may write, by its first word (a guess that errs on writing)."""
    words = sql.split(None, 1)
    if not words:
        return False
    first = words[0].upper()
    if first == "PRAGMA":
        return "=" in sql
    return first not in _READING_STATEMENTS


class CheckedConnection(sqlite3.Connection):
    """The app window's connection: while its file's `StructureCheck` runs, a statement that
    may write waits for it first; once the check has failed, the connection only reads
    (`query_only`) and a write is refused with the check's words (storage.errors.translate).

    The authorizer stands behind the first word's guess: any write SQLite is asked to prepare
    while the check runs waits for it, and is denied if the check failed.
    """

    check: StructureCheck | None = None
    refusal: StorageError | None = None

    def hold_writes_until(self, check: StructureCheck) -> None:
        self.check = check
        self.set_authorizer(self._authorize)

    def settle(self, sql: str | None = None) -> StorageError | None:
        """Apply the check's outcome once it has ended (waiting for it when `sql` may write);
        returns the refusal, if the file failed it."""
        check = self.check
        if check is not None and (check.done or (sql is not None and _may_write(sql))):
            self.check = None
            self.set_authorizer(None)
            try:
                self.refusal = check.wait()
            except BaseException:
                self.refusal = StorageError(
                    f"{check.path} could not be checked: nothing is written to it."
                )
                raise
            finally:
                if self.refusal is not None:
                    super().execute("PRAGMA query_only = ON")
                    read_only_because(check.path, self.refusal.message)
        return self.refusal

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if self.check is not None:
            self.settle(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        if self.check is not None:
            self.settle(sql)
        return super().executemany(sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        if self.check is not None:
            self.settle(script)
        return super().executescript(script)

    def _authorize(
        self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _by: str | None
    ) -> int:
        if action in _READING_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (
            arg1 in _READING_PRAGMAS or (arg2 is None and arg1 not in _WRITING_PRAGMAS)
        ):
            return sqlite3.SQLITE_OK
        check = self.check
        if check is None:
            return sqlite3.SQLITE_OK
        try:
            problem = check.wait()
        except BaseException:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK if problem is None else sqlite3.SQLITE_DENY


def structure_check(db: Database) -> StructureCheck | None:
    """The check of `db`'s file still running or not yet taken in; None if it was checked
    before it opened."""
    conn = db.conn
    if isinstance(conn, CheckedConnection) and conn.check is not None:
        return conn.check
    return None


def settle_structure_check(db: Database) -> StorageError | None:
    """Take in the outcome of `db`'s structure check if it has ended (in the connection's
    thread): the refusal, if the file failed it (from then on it only reads); else None."""
    conn = db.conn
    if isinstance(conn, CheckedConnection):
        return conn.settle()
    return None


def open_database(
    path: Path | str,
    *,
    automatic_backups: bool = True,
    one_writer: bool = False,
    check_later: bool = False,
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

    `check_later` (the app's windows): when opening writes nothing (no migration, the day's
    backup taken, no journal left to take in), `PRAGMA quick_check`, which reads the whole
    file, runs in a thread while the window is built (`StructureCheck`); the connection writes
    nothing until it has passed. `settle_structure_check` takes in its outcome.
    """
    path = Path(path)
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file.")
    existing = path.exists() and path.stat().st_size > 0
    check: StructureCheck | None = None
    if existing:
        try:
            applied = inspect(path, structure=not check_later)
            if check_later and _writes_on_opening(path, applied, automatic_backups):
                with checks.read_only(path) as reading:
                    problem = checks.structure_problem(reading, path)
                if problem is not None:
                    raise problem
            elif check_later:
                check = StructureCheck(path)
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
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, factory=CheckedConnection)
    except sqlite3.Error as error:
        if claim is not None:
            claim.release()
        if check is not None:
            check.stop()
        raise user_error(error, path) from None
    db = AppDatabase(conn, path, claim, reason)
    db.structure_check = check
    try:
        configure(conn)
        pending = MIGRATIONS.pending(db)
        if pending and check is not None:  # migrated by another process meanwhile: check first
            problem = check.wait()
            if problem is not None:
                raise problem
        if reason is not None:
            if pending:
                raise NewerVersionError(
                    f"{path} needs updating, but another window of the app has it open: "
                    "close that window first."
                )
            conn.execute("PRAGMA query_only = ON")
            read_only_because(path, reason)
            if check is not None:
                conn.hold_writes_until(check)
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
        if check is not None:
            conn.hold_writes_until(check)
    except sqlite3.Error as error:
        db.close()
        raise user_error(error, path) from None
    except BaseException:
        db.close()
        raise
    return db


def _writes_on_opening(path: Path, applied: frozenset[str], automatic_backups: bool) -> bool:
    """Whether opening `path` writes (a migration, the day's first backup) or takes in a
    journal another connection left (a crash): then its check comes first."""
    if set(known_migrations()) - applied:
        return True
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return True
    if not automatic_backups:
        return False
    today = f"{path.stem}-{dt.datetime.now():%Y%m%d}"
    return not any(p.name.startswith(today) for p in backups.automatic_backups(path))


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
    "settle_structure_check",
    "structure_check",
]
