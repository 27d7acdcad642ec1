"""Consistent copies of a database through SQLite's online backup API, and the rotating set."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from core.backups import BackupContents
from storage.checks import in_use, inspect
from storage.errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    StorageError,
    translate,
)

KEEP_AUTOMATIC = 10
STALE_PARTIAL_S = 3600  # a partial copy this old was left by a backup that was interrupted
SIDECARS = ("-wal", "-shm", "-journal")  # SQLite's files beside a database, part of its content


def backup(source: Path | str | sqlite3.Connection, out: Path | str) -> Path:
    """Copy `source` to `out` consistently (even while in use) and check the copy's integrity.

    The copy is written to a temporary file beside `out` and renamed over it only once checked,
    so a failed backup never leaves half a file.
    """
    out = Path(out)
    if not isinstance(source, sqlite3.Connection) and not Path(source).is_file():
        raise StorageError(f"{source} does not exist: there is nothing to back up.")
    if not out.parent.is_dir():
        raise StorageError(
            f"Cannot write the backup {out}: the folder {out.parent} does not exist."
        )
    tmp = out.with_name(f".{out.name}.partial")
    own_source = not isinstance(source, sqlite3.Connection)
    try:
        src = source if isinstance(source, sqlite3.Connection) else _connect_read_only(source)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            if own_source:
                src.close()
        if check != "ok":
            raise DamagedDatabaseError(
                f"The backup of {source} failed its integrity check: {check}."
            )
        os.replace(tmp, out)
    except sqlite3.Error as error:
        known = translate(error, out)
        if known is None:
            raise StorageError(f"Cannot write the backup {out}: {error}.") from None
        raise known from None
    except OSError as error:
        raise StorageError(f"Cannot write the backup {out}: {error.strerror}.") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _connect_read_only(path: Path | str) -> sqlite3.Connection:
    """A connection that only reads `path`: it can neither checkpoint nor delete the journal
    of a window that has the file open."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=5)


def backup_folder(db_path: Path) -> Path:
    """Where automatic backups of `db_path` live: a folder beside it."""
    return db_path.with_name(db_path.name + ".backups")


def automatic_backups(db_path: Path) -> list[Path]:
    """The automatic backups of `db_path`, newest first."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), key=lambda p: p.name, reverse=True)


# Reasons taken every time.
ALWAYS = ("before-migration", "meeting-ended", "signed", "minutes-imported")


def automatic_backup(
    db_path: Path,
    reason: str,
    now: dt.datetime | None = None,
    keep: int = KEEP_AUTOMATIC,
    source: sqlite3.Connection | None = None,
) -> Path | None:
    """Take a rotating backup: always before a migration, when a meeting ends and when it is
    signed (so the newest backup holds the meeting just held), else at most once a day.

    `source` is a connection already open on `db_path` to copy through (the app's own), else
    the file is opened read-only. Partial copies left by a backup that was interrupted (the
    computer stopped) are removed first. A copy that fails its integrity check is never kept
    (see `backup`).
    """
    now = now or dt.datetime.now()
    existing = automatic_backups(db_path)
    stamp = now.strftime("%Y%m%d")
    if reason not in ALWAYS and any(p.name.startswith(f"{db_path.stem}-{stamp}") for p in existing):
        return None
    folder = backup_folder(db_path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"Cannot write the automatic backup of {db_path} into {folder}: {error.strerror}."
        ) from None
    _remove_stale_partials(folder)
    out = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}-{reason}.db"
    backup(db_path if source is None else source, out)
    for old in automatic_backups(db_path)[keep:]:
        old.unlink()
    return out


def _remove_stale_partials(folder: Path) -> None:
    """Remove partial copies an interrupted backup left (a running one's is recent: kept)."""
    for partial in folder.glob(".*.partial"):
        with contextlib.suppress(OSError):
            if time.time() - partial.stat().st_mtime > STALE_PARTIAL_S:
                partial.unlink()


def good_backups(db_path: Path) -> list[Path]:
    """The automatic backups of `db_path` that this version can open, newest first.

    Each is checked as a database is before it is opened: an SQLite file of this app, whole
    (`quick_check`), and made by no newer version.
    """
    return [p for p in automatic_backups(db_path) if _is_good(p)]


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest automatic backup of `db_path` that passes every check; None if there is none."""
    return next((p for p in automatic_backups(db_path) if _is_good(p)), None)


def _is_good(path: Path) -> bool:
    try:
        inspect(path)
    except StorageError:
        return False
    return True


def backup_contents(path: Path) -> BackupContents:
    """Read a backup's latest meeting (the newest by date and number, any partnership)."""
    parts = path.stem.split("-")
    reason = next(
        ("-".join(parts[i + 2 :]) for i in range(len(parts) - 1) if _stamp(parts[i : i + 2])),
        "",
    )
    latest = None
    count = 0
    try:
        conn = _connect_read_only(path)
        try:
            count = conn.execute("SELECT count(*) FROM meeting").fetchone()[0]
            row = conn.execute(
                "SELECT number, title, coalesce(actual_start, scheduled_start), status "
                "FROM meeting ORDER BY actual_start IS NULL, "
                "coalesce(actual_start, scheduled_start) DESC, number DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        row = None
    if row is not None:
        day = dt.date.fromisoformat(str(row[2])[:10])
        latest = (int(row[0]), str(row[1]), day, str(row[3]))
    return BackupContents(path, backup_time(path), reason, count, latest)


def backup_time(path: Path) -> dt.datetime | None:
    """When an automatic backup was taken, read from its name; None for another file."""
    parts = path.stem.split("-")
    return next(
        (t for i in range(len(parts) - 1) if (t := _stamp(parts[i : i + 2])) is not None), None
    )


def _stamp(parts: list[str]) -> dt.datetime | None:
    try:
        return dt.datetime.strptime("-".join(parts), "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def restore(db_path: Path | str, source: Path | str, now: dt.datetime | None = None) -> Path | None:
    """Put the backup `source` back as `db_path`; returns where the replaced file was kept.

    All or nothing: the backup is checked (an SQLite file of this app, whole, made by no newer
    version), copied beside the database and checked again; only then is the current file kept
    aside, with its -wal and -shm files, as `NAME.replaced-YYYYmmdd-HHMMSS`, and the copy renamed
    into place. Nothing is deleted. A database open in the app (or any program) is refused.
    """
    db_path, source = Path(db_path), Path(source)
    if not source.is_file():
        raise StorageError(f"{source} does not exist: there is no backup there to restore.")
    if db_path.is_dir():
        raise StorageError(f"{db_path} is a folder, not a database file.")
    if db_path.exists() and db_path.samefile(source):
        raise StorageError(f"{source} is the database itself: choose one of its backups.")
    try:
        inspect(source)
    except StorageError as error:
        raise type(error)(f"Cannot restore from this backup. {error.message}") from None
    if db_path.exists() and in_use(db_path):
        raise DatabaseLockedError(
            f"{db_path} is open in the app or another program: close it, then restore."
        )
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"Cannot create the folder {db_path.parent}: {error.strerror}."
        ) from None
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    for leftover in [tmp, *(tmp.with_name(tmp.name + s) for s in SIDECARS)]:
        leftover.unlink(missing_ok=True)
    aside: Path | None = None
    try:
        _checked_copy(source, tmp)
        if db_path.exists():
            aside = _keep_aside(db_path, now or dt.datetime.now())
        _put_in_place(tmp, db_path, aside)
    except OSError as error:
        raise StorageError(f"Cannot restore {db_path}: {error.strerror or error}.") from None
    finally:
        tmp.unlink(missing_ok=True)
    return aside


def _put_in_place(copy: Path, db_path: Path, aside: Path | None) -> None:
    """Free the sidecars' names (kept aside) and rename `copy` over `db_path`; on a failure,
    put the sidecars back and forget the aside names, so that nothing has changed."""
    sidecars = [s for s in SIDECARS if db_path.with_name(db_path.name + s).exists()]
    try:
        for suffix in sidecars:
            db_path.with_name(db_path.name + suffix).unlink()
        os.replace(copy, db_path)
    except OSError:
        if aside is not None:
            for suffix in sidecars:
                original = db_path.with_name(db_path.name + suffix)
                if not original.exists():
                    _link_or_copy(aside.with_name(aside.name + suffix), original)
            for suffix in ("", *SIDECARS):
                aside.with_name(aside.name + suffix).unlink(missing_ok=True)
        raise
    _sync_folder(db_path.parent)


def _checked_copy(source: Path, out: Path) -> None:
    """A consistent, self-contained copy of `source` at `out`, checked and on the disk."""
    try:
        src = _connect_read_only(source)
        try:
            dst = sqlite3.connect(str(out))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                check = dst.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        known = translate(error, source)
        if known is None:
            raise StorageError(f"Cannot copy the backup {source}: {error}.") from None
        raise known from None
    if check != "ok":
        raise DamagedDatabaseError(f"The copy of the backup {source} failed its check: {check}.")
    with out.open("rb+") as file:
        os.fsync(file.fileno())


def _keep_aside(db_path: Path, now: dt.datetime) -> Path:
    """Keep the database and its sidecar files under a new name (they stay where they are).

    Hard links where the file system has them (no copy, never a moment without the file),
    else copies made durable.
    """
    stamp = f"{now:%Y%m%d-%H%M%S}"
    aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
    number = 1
    while any(aside.with_name(aside.name + s).exists() for s in ("", *SIDECARS)):
        number += 1
        aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}-{number}")
    for suffix in ("", *SIDECARS):
        kept = db_path.with_name(db_path.name + suffix)
        if kept.exists():
            _link_or_copy(kept, aside.with_name(aside.name + suffix))
    _sync_folder(db_path.parent)
    return aside


def _link_or_copy(path: Path, out: Path) -> None:
    try:
        os.link(path, out)
    except OSError:
        shutil.copy2(path, out)
        with out.open("rb+") as file:
            os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (where the platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
