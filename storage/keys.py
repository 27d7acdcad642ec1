"""Signatories' key files (PKCS#12) in the user data folder: never in the database.

A key the app creates for someone is kept as `keys/<person id>.p12`, readable by the user
only, protected by the passphrase its owner chose; it leaves that folder only when its owner
exports it on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.exports import write_atomically
from storage.errors import StorageError
from storage.locations import user_data_folder


def keys_folder(base: Path | None = None) -> Path:
    return (base or user_data_folder()) / "keys"


def key_file(person_id: str, base: Path | None = None) -> Path:
    """Where the app keeps the key it created for this person."""
    return keys_folder(base) / f"{person_id}.p12"


def saved_key(person_id: str, base: Path | None = None) -> bytes | None:
    """The key file the app keeps for this person, if it made one."""
    path = key_file(person_id, base)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"The key file {path} cannot be read: {error.strerror}.") from None


def save_key(person_id: str, pkcs12: bytes, base: Path | None = None) -> Path:
    """Keep a newly created key file, whole or not at all, readable by the user only."""
    path = key_file(person_id, base)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        if path.exists():
            raise StorageError(f"{path.name} already exists: the existing key is kept.")
        write_atomically(path, pkcs12)
        os.chmod(path, 0o600)
    except PermissionError:
        raise StorageError(f"The folder {path.parent} cannot be written to.") from None
    except OSError as error:
        raise StorageError(
            f"The key could not be saved in {path.parent}: {error.strerror}."
        ) from None
    return path
