"""The user's own signing key (PKCS#12) in their user data folder: never in the database, and
never anybody else's.

A signatory's key belongs to its holder: the app keeps at most one key, the one of the person
using this computer ("My signing key…"), readable by the user only and protected by the
passphrase they chose. Anyone else signs with a key file they bring, or a token, for one
signature: nothing of it is kept.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.exports import write_atomically
from storage.errors import StorageError
from storage.locations import user_data_folder

MY_KEY_NAME = "my-signing-key.p12"
MY_CERTIFICATE_NAME = "my-signing-key.pem"  # its certificate, readable without the passphrase


def keys_folder(base: Path | None = None) -> Path:
    return (base or user_data_folder()) / "keys"


def my_key_file(base: Path | None = None) -> Path:
    """Where the user's own signing key is kept."""
    return keys_folder(base) / MY_KEY_NAME


def my_key(base: Path | None = None) -> bytes | None:
    """The user's own key file, if they created or chose one."""
    path = my_key_file(base)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"The key file {path} cannot be read: {error.strerror}.") from None


def my_certificate(base: Path | None = None) -> bytes | None:
    """The certificate of the user's own key (PEM): what they give the other side."""
    if my_key(base) is None:
        return None
    try:
        return (keys_folder(base) / MY_CERTIFICATE_NAME).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(
            f"The certificate of your key cannot be read: {error.strerror}."
        ) from None


def save_my_key(
    pkcs12: bytes,
    certificate_pem: bytes,
    base: Path | None = None,
    *,
    replace: bool = False,
    keep_old: bool = True,
) -> Path:
    """Keep the user's own key file, whole or not at all, readable by the user only.

    An existing key is replaced only on purpose: the old file is kept beside it as
    `my-signing-key.p12.old`, since the user may still need it (only the demo's own key is
    replaced without keeping it: `keep_old=False`)."""
    path = my_key_file(base)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        if path.exists():
            if not replace:
                raise StorageError("You already have a signing key: the existing key is kept.")
            if keep_old:
                os.replace(path, path.with_name(MY_KEY_NAME + ".old"))
        write_atomically(path.with_name(MY_CERTIFICATE_NAME), certificate_pem)
        write_atomically(path, pkcs12)
        os.chmod(path, 0o600)
    except PermissionError:
        raise StorageError(f"The folder {path.parent} cannot be written to.") from None
    except OSError as error:
        raise StorageError(
            f"The key could not be saved in {path.parent}: {error.strerror}."
        ) from None
    return path
