"""Errors of the environment (file damaged, locked, read-only, disk full), told in words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import ReviewError


class StorageError(ReviewError):
    """A database file could not be opened, read or written; the message says what to do.

    `restorable` says whether putting back a backup is a remedy (the file itself is wrong),
    rather than something to do about its surroundings (close another program, free space).
    `backup` is the newest good automatic backup, when one was found to offer; `problem` is the
    message without that offer (a dialog offers it with a button instead).
    `short` says it in a few words, for an indicator ("not saved — disk full").
    """

    restorable = False
    short = "cannot be written"

    def __init__(
        self, message: str, backup: Path | None = None, problem: str | None = None
    ) -> None:
        super().__init__(message)
        self.backup = backup
        self.problem = problem if problem is not None else message


class NotADatabaseError(StorageError):
    restorable = True
    short = "not a database"


class DamagedDatabaseError(StorageError):
    restorable = True
    short = "file damaged"


class NewerVersionError(StorageError):
    restorable = True
    short = "made by a newer version"


class DatabaseLockedError(StorageError):
    short = "file in use by another program"


class ReadOnlyError(StorageError):
    short = "file read-only"


class DiskFullError(StorageError):
    short = "disk full"


class DiskIOError(StorageError):
    """The disk did not read or write as asked (a removed stick, a failing drive)."""

    short = "disk error"


class SignedMeetingError(StorageError):
    """A change was asked of a signed meeting's rows; only an amendment can change them."""

    short = "meeting signed"


# Files opened read-only because another window of the app writes them (storage.database).
_READ_ONLY_REASONS: dict[str, str] = {}


def read_only_because(path: Path | str, reason: str | None) -> None:
    """Remember (or forget, with None) why a file was opened read-only, to say so on a write."""
    key = str(Path(path).resolve())
    if reason is None:
        _READ_ONLY_REASONS.pop(key, None)
    else:
        _READ_ONLY_REASONS[key] = reason


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
        reason = _READ_ONLY_REASONS.get(str(Path(path).resolve()))
        if reason is not None:
            return ReadOnlyError(reason)
        return ReadOnlyError(f"{path} cannot be written (the file or its folder is read-only).")
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(f"{path} is in use by another program: close it and try again.")
    if "not a database" in text or "file is encrypted" in text:
        return NotADatabaseError(f"{path} is not a database of this app.")
    if "malformed" in text or "corrupt" in text:
        return DamagedDatabaseError(
            f"{path} is damaged: nothing more was written to it. Close it and open it again to "
            "be offered its newest good automatic backup."
        )
    if "disk i/o error" in text:
        return DiskIOError(
            f"{path} could not be read or written (a disk error): check that the disk holding "
            "it is still connected, then try again."
        )
    if "unable to open" in text:
        return ReadOnlyError(
            f"{path} cannot be opened: check that its folder still exists and is writable."
        )
    return None
