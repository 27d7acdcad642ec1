"""Errors of the environment (file damaged, locked, read-only, disk full), told in words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import ReviewError


class StorageError(ReviewError):
    """A database file could not be opened, read or written; the message says what to do."""


class NotADatabaseError(StorageError):
    pass


class DamagedDatabaseError(StorageError):
    pass


class NewerVersionError(StorageError):
    pass


class DatabaseLockedError(StorageError):
    pass


class ReadOnlyError(StorageError):
    pass


class DiskFullError(StorageError):
    pass


class SignedMeetingError(StorageError):
    """A change was asked of a signed meeting's rows; only an amendment can change them."""


def translate(error: sqlite3.Error, path: Path | str) -> StorageError | None:
    """The user-facing error for a known, environmental SQLite error; None for a bug."""
    text = str(error).lower()
    if "signed meeting" in text:
        return SignedMeetingError(
            "This meeting is signed off: its record cannot change. Make an amendment instead."
        )
    if "database or disk is full" in text or ("disk i/o error" in text and "full" in text):
        return DiskFullError(f"The disk holding {path} is full: nothing more can be saved there.")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(f"{path} cannot be written (the file or its folder is read-only).")
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(f"{path} is in use by another program: close it and try again.")
    if "not a database" in text or "file is encrypted" in text:
        return NotADatabaseError(f"{path} is not a database of this app.")
    if "malformed" in text or "corrupt" in text:
        return DamagedDatabaseError(
            f"{path} is damaged. Restore its newest backup (`main.py restore`)."
        )
    return None
