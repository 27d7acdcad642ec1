"""Write the demo partnership to a new database file, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from core.demo import DEFAULT_SEED, build_demo, build_other_partnerships
from core.model import History, MeetingStatus, Person, Side
from core.signatures import Identity, SigningError, create_identity, load_identity
from storage.database import Database, open_database
from storage.errors import StorageError
from storage.keys import my_key, save_my_key
from storage.migrations import rebuild_search
from storage.repository import save_history, writes
from storage.sign_off import register_certificate, sign_minutes

DEMO_PASSPHRASE = "demo-passphrase"


def create_demo(
    path: Path | str,
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    today: dt.date | None = None,
    keys_base: Path | None = None,
    *,
    awaiting_partner: bool = False,
) -> Path:
    """Create the demo at `path`; an existing file is refused and left as it is.

    The database is built in a temporary file beside `path` and renamed into place once
    complete, so an interrupted run never leaves half a demo. The facilitator's (the enterprise
    signatory's) demo key, passphrase `demo-passphrase`, becomes "my signing key" in the keys
    folder under `keys_base`, by default the user data folder, unless the user has a key of
    their own; the partner's signatory's key is never kept, only its certificate.
    `awaiting_partner` leaves the latest minutes signed by the enterprise only, for a newcomer
    to try the partner's signature at a distance (README, "Signing at a distance").
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
            for other in build_other_partnerships(seed=seed, today=today):
                save_history(db, other)
            _sign_recent_minutes(db, history, keys_base, awaiting_partner)
            db.execute("VACUUM")  # no free pages left behind by the partly signed PDFs
            with writes(db):  # VACUUM may renumber the rowids the search index refers to
                rebuild_search(db)
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


def _facilitator_identity(
    person: Person, party: str, since: dt.datetime, keys_base: Path | None
) -> Identity:
    """The facilitator's own demo key, kept as "my signing key" in the user data folder: the
    one kept from an earlier demo if it still opens and was valid then, else a new one. A key
    of the user's own that the demo passphrase does not open is left alone: the demo's history
    is then signed with a key made for the moment and not kept."""
    kept = my_key(keys_base)
    earlier_demo = False
    if kept is not None:
        try:
            identity = load_identity(kept, DEMO_PASSPHRASE, now=since + dt.timedelta(days=1))
            if identity.name == person.name:
                return identity
        except SigningError:
            pass
        try:  # a demo key made for a later history: replaced, it is the demo's own
            earlier_demo = load_identity(kept, DEMO_PASSPHRASE).name == person.name
        except SigningError:
            earlier_demo = False
    data = create_identity(
        person.name, person.email, person.side.value, party, DEMO_PASSPHRASE, now=since
    )
    identity = load_identity(data, DEMO_PASSPHRASE, now=since + dt.timedelta(days=1))
    if kept is None or earlier_demo:
        save_my_key(data, identity.certificate_pem, keys_base, replace=True, keep_old=False)
    return identity


def _other_side_identity(person: Person, party: str, since: dt.datetime) -> Identity:
    """The other side's signatory signs the demo's history with a key made here and dropped at
    once: a key belongs to its holder, so only its certificate stays (registered)."""
    passphrase = secrets.token_urlsafe(24)
    data = create_identity(
        person.name, person.email, person.side.value, party, passphrase, now=since
    )
    return load_identity(data, passphrase, now=since + dt.timedelta(days=1))


def _sign_recent_minutes(
    db: Database, history: History, keys_base: Path | None, awaiting_partner: bool
) -> None:
    """Sign off the demo's most recent closed meetings for real, as their signatories would:
    the enterprise's with the facilitator's own key, the partner's with a key only its holder
    had; both certificates registered on purpose first, as the sides would exchange them."""
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
        Side.ENTERPRISE: _facilitator_identity(
            people[signatories[Side.ENTERPRISE]], parties[Side.ENTERPRISE], since, keys_base
        ),
        Side.PARTNER: _other_side_identity(
            people[signatories[Side.PARTNER]], parties[Side.PARTNER], since
        ),
    }
    for side, identity in identities.items():
        register_certificate(db, signatories[side], identity.certificate_pem, since)
    latest = max(closed, key=lambda m: m.scheduled_start)
    for meeting in closed:
        end = meeting.actual_end or meeting.scheduled_start
        for offset, side in enumerate(Side):
            if awaiting_partner and meeting is latest and side is Side.PARTNER:
                continue  # the partner signs it on its own computer: see the README
            sign_minutes(
                db,
                meeting.id,
                signatories[side],
                identities[side],
                end + dt.timedelta(minutes=20 + 5 * offset),
            )
