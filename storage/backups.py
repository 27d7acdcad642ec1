"""Consistent copies of a database through SQLite's online backup API, and the rotating set."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from storage.errors import DamagedDatabaseError, StorageError, translate

KEEP_AUTOMATIC = 10


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
        src = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(str(source))
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


def backup_folder(db_path: Path) -> Path:
    """Where automatic backups of `db_path` live: a folder beside it."""
    return db_path.with_name(db_path.name + ".backups")


def automatic_backups(db_path: Path) -> list[Path]:
    """The automatic backups of `db_path`, newest first."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), key=lambda p: p.name, reverse=True)


def automatic_backup(
    db_path: Path, reason: str, now: dt.datetime | None = None, keep: int = KEEP_AUTOMATIC
) -> Path | None:
    """Take a rotating backup: always before a migration, otherwise at most once a day."""
    now = now or dt.datetime.now()
    existing = automatic_backups(db_path)
    stamp = now.strftime("%Y%m%d")
    if reason == "daily" and any(p.name.startswith(f"{db_path.stem}-{stamp}") for p in existing):
        return None
    folder = backup_folder(db_path)
    folder.mkdir(exist_ok=True)
    out = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}-{reason}.db"
    backup(db_path, out)
    for old in automatic_backups(db_path)[keep:]:
        old.unlink()
    return out
