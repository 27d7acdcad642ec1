"""Write the demo partnership to a new database file, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from core.demo import DEFAULT_SEED, build_demo
from storage.database import open_database
from storage.errors import StorageError
from storage.repository import save_history


def create_demo(
    path: Path | str, seed: int = DEFAULT_SEED, scale: int = 1, today: dt.date | None = None
) -> Path:
    """Create the demo at `path`; an existing file is refused and left as it is.

    The database is built in a temporary file beside `path` and renamed into place once
    complete, so an interrupted run never leaves half a demo.
    """
    path = Path(path)
    if path.exists():
        raise StorageError(f"{path} already exists: the demo is only written to a new file.")
    if scale < 1:
        raise StorageError("--scale must be a whole number of at least 1.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"Cannot create the folder {path.parent}: {error.strerror}.") from None
    tmp = path.with_name(f".{path.name}.creating")
    for leftover in _sidecars(tmp):
        leftover.unlink(missing_ok=True)
    try:
        db = open_database(tmp, automatic_backups=False)
        try:
            save_history(db, build_demo(seed=seed, scale=scale, today=today))
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        if path.exists():
            raise StorageError(f"{path} appeared while the demo was being built: left as it is.")
        os.replace(tmp, path)
    finally:
        for leftover in _sidecars(tmp):
            leftover.unlink(missing_ok=True)
    return path


def _sidecars(db_path: Path) -> list[Path]:
    return [
        db_path,
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
    ]
