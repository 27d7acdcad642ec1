"""Making the minutes PDF of a meeting, and signing it off: one side, then the other.

The first sign-off keeps its partly signed PDF with the meeting; the second signs that same
file incrementally, so both signatures cover one document. Once both sides signed, the meeting
is `signed`: its PDF, the PDF's SHA-256 and the hash of its frozen rows are stored with it,
and the database's triggers refuse any later change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlite_utils import Database

from core import sign_off
from core.errors import LifecycleError, ValidationError
from core.ids import new_id
from core.minutes import Minutes, build_minutes, content_hash, minutes_json
from core.model import Meeting, MeetingStatus, Side, SignatoryCertificate, SignOff
from core.pdf import render_minutes
from core.signatures import Identity, prepare_for_signing, sign
from storage import repository
from storage.minutes import minutes_source, stored_pdf
from storage.repository import writes


def current_minutes(db: Database, meeting_id: str) -> tuple[Minutes, str]:
    """The minutes of a closed or signed meeting as they stand now, and their content hash."""
    minutes = build_minutes(minutes_source(db, meeting_id))
    return minutes, content_hash(minutes)


def unsigned_pdf(minutes: Minutes, digest: str, created: dt.datetime | None = None) -> bytes:
    """The minutes PDF ready for signing: its JSON attached, a signature field per side."""
    rendered = render_minutes(minutes, digest, created=created)
    boxes = {b.field_name: (b.page, b.box) for b in rendered.signature_boxes}
    return prepare_for_signing(rendered.pdf, minutes_json(minutes), boxes=boxes)


def minutes_pdf(db: Database, meeting_id: str) -> bytes:
    """What an export writes: a signed meeting's stored PDF byte for byte, or a closed meeting's
    minutes as they stand (partly signed, if one side has signed them already)."""
    meeting = repository.meeting(db, meeting_id)
    if meeting.status is MeetingStatus.SIGNED:
        stored = stored_pdf(db, meeting_id)
        if stored is None:
            raise ValidationError(
                "meeting",
                f"Meeting {meeting.number} was signed off without a PDF (an imported or demo "
                "record): there is no signed PDF to export.",
            )
        return stored
    minutes, digest = current_minutes(db, meeting_id)  # refuses a draft or live meeting
    partial = _standing_partial_pdf(db, meeting, digest)
    return partial if partial is not None else unsigned_pdf(minutes, digest)


def _standing_partial_pdf(db: Database, meeting: Meeting, digest: str) -> bytes | None:
    """The partly signed PDF kept with a closed meeting, while its sign-off still stands."""
    standing = sign_off.standing_sign_offs(repository.sign_offs(db, meeting.id), digest)
    return stored_pdf(db, meeting.id) if standing else None


def sign_minutes(
    db: Database,
    meeting_id: str,
    person_id: str,
    identity: Identity,
    now: dt.datetime,
) -> Meeting:
    """Sign the minutes for the signatory's side; the second side's signature freezes them.

    A sign-off given before the minutes last changed no longer stands: it is withdrawn (and
    recorded in the audit log) and that side signs again.
    """
    meeting = repository.meeting(db, meeting_id)
    person = repository.person(db, person_id)
    side = person.side
    known = repository.signatory_certificates(db, meeting.partnership_id)
    sign_off.check_signatory(
        meeting,
        person,
        side,
        repository.attendance(db, meeting_id),
        identity.side or None,
        identity.fingerprint,
        known,
    )
    minutes, digest = current_minutes(db, meeting_id)
    existing = repository.sign_offs(db, meeting_id)
    standing = sign_off.standing_sign_offs(existing, digest)
    stale = [s for s in existing if s not in standing]
    if any(s.side is side for s in standing):
        raise LifecycleError(f"The {side.label.lower()} side has already signed these minutes.")
    base = stored_pdf(db, meeting_id) if standing else None
    if base is None:
        base = unsigned_pdf(minutes, digest, created=now)
    signed = sign(
        base,
        identity,
        side.value,
        reason=f"Approves the minutes of meeting {meeting.number} (SHA-256 {digest})",
        location=meeting.location,
        signed_at=now,
    )
    record_ = SignOff(new_id(), meeting_id, person.id, side, now, digest, identity.fingerprint)
    complete = not sign_off.sides_to_sign([*standing, record_])
    with writes(db):
        for old in stale:
            db.execute("DELETE FROM sign_off WHERE id = ?", [old.id])
            repository.audit(
                db, "sign_off", old.id, "withdrawn", old.content_hash, None, meeting_id, ""
            )
        if not any(c.fingerprint == identity.fingerprint for c in known):
            repository.insert(
                db,
                [
                    SignatoryCertificate(
                        identity.fingerprint,
                        person.id,
                        side,
                        identity.certificate_pem.decode("ascii"),
                        now,
                    )
                ],
            )
        repository.insert(db, [record_])
        if complete:
            repository.sign_meeting(db, meeting_id, digest, signed)
        else:
            db.execute("UPDATE meeting SET minutes_pdf = ? WHERE id = ?", [signed, meeting_id])
    return repository.meeting(db, meeting_id)


def pending_sides(db: Database, meeting_id: str) -> list[Side]:
    """The sides whose sign-off of the minutes as they stand is still missing."""
    meeting = repository.meeting(db, meeting_id)
    if meeting.status is MeetingStatus.SIGNED:
        return []
    _, digest = current_minutes(db, meeting_id)
    return sign_off.sides_to_sign(
        sign_off.standing_sign_offs(repository.sign_offs(db, meeting_id), digest)
    )


def amend_minutes(db: Database, meeting_id: str) -> Meeting:
    """Start a correction of signed minutes: a new revision, closed, that refers to the signed
    one and carries a copy of its record to correct; the original stays untouched."""
    original = repository.meeting(db, meeting_id)
    if original.status is not MeetingStatus.SIGNED:
        raise LifecycleError(
            f"Meeting {original.number} is {original.status}: correct it directly; only signed "
            "minutes are amended."
        )
    newer = db.execute(
        "SELECT max(revision) FROM meeting WHERE partnership_id = ? AND number = ?",
        [original.partnership_id, original.number],
    ).fetchone()[0]
    if newer != original.revision:
        raise LifecycleError(
            f"Meeting {original.number} already has a revision {newer}: amend that one."
        )
    amendment = dataclasses.replace(
        original,
        id=new_id(),
        status=MeetingStatus.CLOSED,
        revision=original.revision + 1,
        amends_id=original.id,
        content_hash=None,
        record_hash=None,
        minutes_sha256=None,
    )
    items = repository.meeting_items(db, meeting_id)
    item_ids = {item.id: new_id() for item in items}
    copies: list[object] = [amendment]
    copies += [dataclasses.replace(i, id=item_ids[i.id], meeting_id=amendment.id) for i in items]
    copies += [
        dataclasses.replace(a, id=new_id(), meeting_id=amendment.id)
        for a in repository.attendance(db, meeting_id)
    ]
    copies += [
        dataclasses.replace(
            d, id=new_id(), meeting_id=amendment.id, item_id=item_ids.get(d.item_id or "")
        )
        for d in repository.decisions(db, meeting_id)
    ]
    copies += [
        dataclasses.replace(r, id=new_id(), meeting_id=amendment.id)
        for r in repository.reviews_in_meeting(db, meeting_id)
    ]
    copies += [
        dataclasses.replace(r, id=new_id(), meeting_id=amendment.id)
        for r in repository.reading_reviews_in_meeting(db, meeting_id)
    ]
    copies += [
        dataclasses.replace(p, id=new_id(), meeting_id=amendment.id)
        for i in repository.initiatives(db, original.partnership_id)
        for p in repository.initiative_progress(db, i.id)
        if p.meeting_id == meeting_id
    ]
    with writes(db):
        repository.insert(db, copies)
        repository.audit(db, "meeting", amendment.id, "amends", None, original.id, amendment.id, "")
    return amendment
