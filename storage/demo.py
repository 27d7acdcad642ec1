"""Write the demo partnership to a new database file, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from core.demo import DEFAULT_SEED, build_demo
from core.model import History, MeetingStatus, Person, Side
from core.signatures import Identity, SigningError, create_identity, load_identity
from storage.database import Database, open_database
from storage.errors import StorageError
from storage.keys import key_file, save_key, saved_key
from storage.repository import save_history
from storage.sign_off import sign_minutes

DEMO_PASSPHRASE = "demo-passphrase"


def create_demo(
    path: Path | str,
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    today: dt.date | None = None,
    keys_base: Path | None = None,
) -> Path:
    """Create the demo at `path`; an existing file is refused and left as it is.

    The database is built in a temporary file beside `path` and renamed into place once
    complete, so an interrupted run never leaves half a demo. The signatories' demo keys
    (passphrase `demo-passphrase`) go to the keys folder under `keys_base`, by default the
    user data folder, never into the database.
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
            history = build_demo(seed=seed, scale=scale, today=today)
            save_history(db, history)
            _sign_recent_minutes(db, history, keys_base)
            db.execute("VACUUM")  # no free pages left behind by the partly signed PDFs
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


def _demo_identity(
    person: Person, party: str, since: dt.datetime, keys_base: Path | None
) -> Identity:
    """The signatory's demo key, valid from `since`: the one kept from an earlier demo if it
    still opens and was valid then, else a new one."""
    kept = saved_key(person.id, keys_base)
    if kept is not None:
        try:
            return load_identity(kept, DEMO_PASSPHRASE, now=since + dt.timedelta(days=1))
        except SigningError:
            key_file(person.id, keys_base).unlink(missing_ok=True)
    data = create_identity(
        person.name, person.email, person.side.value, party, DEMO_PASSPHRASE, now=since
    )
    save_key(person.id, data, keys_base)
    return load_identity(data, DEMO_PASSPHRASE, now=since + dt.timedelta(days=1))


def _sign_recent_minutes(db: Database, history: History, keys_base: Path | None) -> None:
    """Sign off the demo's most recent closed meetings for real, as their signatories would."""
    closed = [m for m in history.meetings if m.status is MeetingStatus.CLOSED]
    if not closed:
        return
    signatories = {s.side: s.person_id for s in history.sign_offs}  # the last signed meeting's
    people = {p.id: p for p in history.people}
    parties = {p.side: p.name for p in history.parties}
    # Keys made a month before the first minutes they sign (ten years' validity), whatever the
    # length of the demo's history.
    since = min(m.scheduled_start for m in closed) - dt.timedelta(days=30)
    identities = {
        side: _demo_identity(people[pid], parties[side], since, keys_base)
        for side, pid in signatories.items()
    }
    for meeting in closed:
        end = meeting.actual_end or meeting.scheduled_start
        for offset, side in enumerate(Side):
            sign_minutes(
                db,
                meeting.id,
                signatories[side],
                identities[side],
                end + dt.timedelta(minutes=20 + 5 * offset),
            )
