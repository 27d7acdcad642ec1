"""Checks of a database file that write nothing and hold no descriptor of it: whether it is a
database of this app that this version can open (`inspect`), and whether any process has it
open (`in_use`). Both storage.database (before opening) and storage.backups (before
restoring, and to tell good backups) use them.

Everything is asked of SQLite, or of a short-lived child process: a descriptor of the file
opened and closed here with the operating system's own calls would drop every lock this
process's connections hold on it (POSIX locks belong to the process), and another program
would then delete its journal.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from storage.errors import (
    DamagedDatabaseError,
    NewerVersionError,
    NotADatabaseError,
    ReadOnlyError,
    StorageError,
    translate,
)
from storage.migrations import MIGRATION_SET, known_migrations

SQLITE_HEADER = b"SQLite format 3\x00"
LOCK_WAIT_MS = 2000  # opening waits this long for another program's write to finish
SHM_DMS_BYTE = 128  # SQLite's unix VFS: every connection holds this byte of -shm while open


def inspect(path: Path, *, structure: bool = True) -> frozenset[str]:
    """Check an existing file without writing to it; raise a StorageError saying what is wrong.
    Returns the names of the migrations applied to it.

    `structure=False` leaves out `PRAGMA quick_check` (the one part that reads every page,
    linear in the file): for a caller that runs it itself (`structure_problem`), on a
    connection of its own, before anything is written.

    Everything is asked of SQLite: a descriptor of the file opened and closed here with the
    operating system's own calls would drop every lock this process's connections hold on it
    (POSIX locks belong to the process), and another program would then delete its journal.
    """
    if not os.access(path, os.R_OK):
        raise ReadOnlyError(f"{path} cannot be read: permission denied.")
    with read_only(path) as conn:
        if structure:
            problem = structure_problem(conn, path)
            if problem is not None:
                raise problem
        try:
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
        except UnicodeDecodeError:  # SQLite's own report quotes bytes of the damage
            raise _undecodable(path) from None
        except sqlite3.Error as error:
            raise _refusal(error, path) from None
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
    return frozenset(applied)


def structure_problem(conn: sqlite3.Connection, path: Path) -> StorageError | None:
    """`PRAGMA quick_check` of the file behind `conn` (read-only): what is wrong, in words, or
    None when every page is sound. It reads the whole file: about a second per GB."""
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except UnicodeDecodeError:  # SQLite's own report quotes bytes of the damage
        return _undecodable(path)
    except sqlite3.Error as error:
        return _refusal(error, path)
    if check != "ok":
        return DamagedDatabaseError(f"{path} is damaged ({check}). It was left as it is.")
    return None


def _undecodable(path: Path) -> DamagedDatabaseError:
    return DamagedDatabaseError(
        f"{path} is damaged (its pages hold bytes that are no text). It was left as it is."
    )


def _refusal(error: sqlite3.Error, path: Path) -> StorageError:
    if "not a database" in str(error).lower() and not _starts_like_sqlite(path):
        return NotADatabaseError(
            f"{path} is not a database of this app (it is not an SQLite file). "
            "Choose another file, or create a new partnership."
        )
    return user_error(error, path)


def _starts_like_sqlite(path: Path) -> bool:
    """Whether `path` begins with SQLite's header, read by a short-lived child process.

    Only asked once SQLite has refused the file, to tell another kind of file from a damaged
    database; read here, the file's descriptor would cost this process its SQLite locks.
    """
    read_header = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read(16))"
    try:
        child = subprocess.run(
            [sys.executable, "-I", "-S", "-c", read_header, str(path)],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True  # unknown: called damaged, which offers a backup rather than hiding one
    return child.stdout == SQLITE_HEADER


def connect_read_only(path: Path, *, any_thread: bool = False) -> sqlite3.Connection:
    """A read-only connection to `path` that never writes, checkpoints or deletes its journal
    (`any_thread`: usable from a thread other than the one that made it)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=LOCK_WAIT_MS / 1000, check_same_thread=not any_thread
        )
    except sqlite3.Error as error:
        raise user_error(error, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = connect_read_only(path)
    try:
        yield conn
    finally:
        conn.close()


def user_error(error: sqlite3.Error, path: Path) -> StorageError:
    """The refusal to open `path`, in words (a bug, an error not of the file, is raised)."""
    known = translate(error, path)
    if isinstance(known, DamagedDatabaseError):
        return DamagedDatabaseError(f"{path} is damaged ({error}). It was left as it is.")
    if isinstance(known, NotADatabaseError):
        return NotADatabaseError(
            f"{path} is not a database of this app, or is damaged beyond reading ({error}). "
            "It was left as it is."
        )
    if known is not None:
        return known
    raise error


def in_use(path: Path) -> bool:
    """Whether any process, this one included, has the database `path` open.

    Every SQLite connection holds a shared lock on byte SHM_DMS_BYTE of the -shm file while it
    is open. A short-lived child process asks for that byte exclusively: it can neither take
    nor drop a lock of this process's connections, as this process's own descriptor would
    (POSIX locks belong to the process), and it changes no file.
    """
    shm = path.with_name(path.name + "-shm")
    if not shm.exists():
        return False
    try:
        child = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _SHM_PROBE, str(shm), str(SHM_DMS_BYTE)],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True  # unknown: refusing is the safe answer
    return child.returncode == _SHM_LOCKED


_SHM_LOCKED = 3
_SHM_PROBE = f"""
import os, sys
try:
    import fcntl
    fd = os.open(sys.argv[1], os.O_RDWR)
except (ImportError, OSError):
    sys.exit(0)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, int(sys.argv[2]))
except OSError:
    sys.exit({_SHM_LOCKED})
"""
