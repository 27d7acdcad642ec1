"""Making the minutes PDF of a meeting, and signing it off: one side, then the other.

The first sign-off keeps its partly signed PDF with the meeting; the second signs that same
file incrementally, so both signatures cover one document. Once both sides signed, the meeting
is `signed`: its PDF, the PDF's SHA-256 and the hash of its frozen rows are stored with it,
and the database's triggers refuse any later change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from sqlite_utils import Database

from core import sign_off
from core.certificates import certificate_pem, certificate_side, is_authority
from core.errors import LifecycleError, ValidationError
from core.exchange import (
    EXCHANGE_ATTACHMENT,
    EXCHANGE_DESCRIPTION,
    exchange_json,
    meeting_record,
)
from core.ids import new_id
from core.minutes import Minutes, build_minutes, content_hash, minutes_json
from core.model import (
    Meeting,
    MeetingStatus,
    Person,
    Side,
    SignatoryCertificate,
    SigningAuthority,
    SignOff,
)
from core.pdf import render_minutes
from core.received import (
    ReturnedSignature,
    UnknownCertificate,
    added_signature,
    signer_certificates,
)
from core.signatures import (
    Identity,
    certificate_fingerprint,
    embedded_record,
    prepare_for_signing,
    sign,
)
from storage import repository
from storage.minutes import meeting_with_content_hash, minutes_source, stored_pdf
from storage.repository import writes


def current_minutes(db: Database, meeting_id: str) -> tuple[Minutes, str]:
    """The minutes of a closed or signed meeting as they stand now, and their content hash."""
    minutes = build_minutes(minutes_source(db, meeting_id))
    return minutes, content_hash(minutes)


def unsigned_pdf(
    minutes: Minutes,
    digest: str,
    created: dt.datetime | None = None,
    exchange: bytes | None = None,
) -> bytes:
    """The minutes PDF ready for signing: its JSON attached (and the meeting's exchange record,
    core/exchange.py, when given), a signature field per side."""
    rendered = render_minutes(minutes, digest, created=created)
    boxes = {b.field_name: (b.page, b.box) for b in rendered.signature_boxes}
    also = [] if exchange is None else [(EXCHANGE_ATTACHMENT, exchange, EXCHANGE_DESCRIPTION)]
    return prepare_for_signing(rendered.pdf, minutes_json(minutes), boxes=boxes, also_attach=also)


def minutes_pdf(db: Database, meeting_id: str) -> bytes:
    """What an export writes: a signed meeting's stored PDF byte for byte, or a closed meeting's
    minutes as they stand (as sent for signature, or partly signed, when they still stand)."""
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
    return document_to_sign(db, meeting_id)[2]  # refuses a draft or live meeting


def _attached_hash(pdf: bytes) -> str | None:
    attached = embedded_record(pdf)
    return hashlib.sha256(attached).hexdigest() if attached is not None else None


def document_to_sign(
    db: Database, meeting_id: str, created: dt.datetime | None = None
) -> tuple[Minutes, str, bytes]:
    """The minutes as they stand, their content hash, and the PDF the next signature goes on:
    the one kept with the meeting (sent for signature, or signed by one side) while it carries
    these very minutes, else a new one."""
    source = minutes_source(db, meeting_id)
    minutes = build_minutes(source)
    digest = content_hash(minutes)
    stored = stored_pdf(db, meeting_id)
    if stored is not None and _attached_hash(stored) == digest:
        return minutes, digest, stored
    exchange = exchange_json(meeting_record(source, digest))
    return minutes, digest, unsigned_pdf(minutes, digest, created=created, exchange=exchange)


def send_for_signature(db: Database, meeting_id: str, now: dt.datetime) -> bytes:
    """The closed minutes to send to a signatory elsewhere: exactly the bytes their signature
    must be added to, kept with the meeting so that the signed copy can be checked against
    them when it comes back."""
    meeting = repository.meeting(db, meeting_id)
    if meeting.status is MeetingStatus.SIGNED:
        raise LifecycleError(f"Meeting {meeting.number} is signed by both sides already.")
    _, _, pdf = document_to_sign(db, meeting_id, created=now)
    if stored_pdf(db, meeting_id) != pdf:
        with writes(db):
            db.execute("UPDATE meeting SET minutes_pdf = ? WHERE id = ?", [pdf, meeting_id])
    with writes(db):
        repository.audit(
            db,
            "meeting",
            meeting_id,
            "sent for signature",
            None,
            hashlib.sha256(pdf).hexdigest(),
            meeting_id,
            "",
        )
    return pdf


def register_certificate(
    db: Database, person_id: str, certificate: bytes, now: dt.datetime
) -> SignatoryCertificate:
    """Register a signatory's certificate on purpose (PEM or DER), in the audit log: the only
    way a certificate becomes one the partnership accepts signatures from."""
    fingerprint = certificate_fingerprint(certificate)
    pem = certificate_pem(certificate).decode("ascii")
    person = repository.person(db, person_id)
    states_side = certificate_side(certificate)
    if states_side and states_side != person.side.value:
        raise ValidationError(
            "certificate",
            f"This certificate says its holder signs for the {states_side} side, and "
            f"{person.name} is of the {person.side.value} side.",
        )
    for known in repository.signatory_certificates(db, person.partnership_id):
        if known.fingerprint == fingerprint:
            holder = repository.person(db, known.person_id)
            if holder.id == person.id:
                raise ValidationError(
                    "certificate", f"This certificate is already registered for {person.name}."
                )
            raise ValidationError(
                "certificate",
                f"This certificate is registered for {holder.name}: a certificate belongs "
                "to one signatory.",
            )
    elsewhere = db.execute(
        "SELECT p.name, s.name FROM signatory_certificate c JOIN person p ON p.id = c.person_id "
        "JOIN partnership s ON s.id = p.partnership_id WHERE c.fingerprint = ?",
        [fingerprint],
    ).fetchone()
    if elsewhere is not None:
        raise ValidationError(
            "certificate",
            f"This certificate is registered for {elsewhere[0]} in the partnership "
            f"{elsewhere[1]}: a certificate is registered in one partnership of a file. "
            "To accept the same signatory in several, register their company's authority in "
            "each (certificate add --authority SIDE --partnership P).",
        )
    registered = SignatoryCertificate(fingerprint, person.id, person.side, pem, now)
    with writes(db):
        repository.insert(db, [registered])
        repository.audit(
            db, "signatory_certificate", fingerprint, "registered", None, person.id, None, ""
        )
    return registered


def register_authority(
    db: Database, partnership_id: str, side: Side, certificate: bytes, now: dt.datetime
) -> SigningAuthority:
    """Register a side's company certificate authority: a certificate it issued to a person
    of that side (named by e-mail address or name) signs for the side."""
    fingerprint = certificate_fingerprint(certificate)
    if not is_authority(certificate):
        raise ValidationError(
            "certificate",
            "This certificate is not a certificate authority's (it may not issue others): "
            "register it as a signatory's certificate instead.",
        )
    registered = repository.signing_authorities(db, partnership_id)
    if any(a.fingerprint == fingerprint for a in registered):
        raise ValidationError("certificate", "This authority is already registered.")
    authority = SigningAuthority(
        fingerprint, partnership_id, side, certificate_pem(certificate).decode("ascii"), now
    )
    with writes(db):
        repository.insert(db, [authority])
        repository.audit(
            db, "signing_authority", fingerprint, "registered", None, side.value, None, ""
        )
    return authority


def _known_for(db: Database, partnership_id: str, side: Side) -> list[bytes]:
    """What a signature in a side's field is judged against: that side's registered
    certificates and authorities."""
    return [
        *(
            c.certificate_pem.encode("ascii")
            for c in repository.signatory_certificates(db, partnership_id)
            if c.side is side
        ),
        *(
            a.certificate_pem.encode("ascii")
            for a in repository.signing_authorities(db, partnership_id)
            if a.side is side
        ),
    ]


def _signatory(
    db: Database,
    partnership_id: str,
    side: Side,
    returned: ReturnedSignature,
    moment: dt.datetime,
) -> tuple[Person, SignatoryCertificate | None]:
    """Who the signature is from, by the register: the person its certificate is registered
    to, or, for a certificate a registered authority of the side issued, the person of that
    side it names (then it is registered to them, as an audited consequence of that act)."""
    report = returned.report
    for known in repository.signatory_certificates(db, partnership_id):
        if known.fingerprint != report.fingerprint:
            continue
        holder = repository.person(db, known.person_id)
        if known.side is not side:
            raise ValidationError(
                "certificate",
                f"This signature is by {holder.name}, registered for the {known.side.value} "
                f"side, in the {side.value} side's field: each side signs its own.",
            )
        if not report.trusted:
            raise ValidationError(
                "certificate", " ".join(report.problems) or "The certificate was not accepted."
            )
        return holder, None
    if not report.trusted:
        raise UnknownCertificate(side, report.signer, returned.certificate_pem)
    email = returned.signer_email.casefold()
    name = report.signer.casefold()
    named = [
        p
        for p in repository.people(db, partnership_id)
        if p.side is side and ((email and p.email.casefold() == email) or p.name.casefold() == name)
    ]
    if len(named) != 1:
        raise ValidationError(
            "certificate",
            f"The certificate of {report.signer} was issued by the {side.value} side's "
            "authority but names no single person of that side (by e-mail or name): add them "
            "to the people first.",
        )
    pem = returned.certificate_pem.decode("ascii")
    known_elsewhere = db.execute(
        "SELECT 1 FROM signatory_certificate WHERE fingerprint = ?", [report.fingerprint]
    ).fetchone()
    if known_elsewhere is not None:
        # registered in another partnership of the file: the authority vouches here
        return named[0], None
    return named[0], SignatoryCertificate(report.fingerprint, named[0].id, side, pem, moment)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _accept(
    db: Database,
    meeting: Meeting,
    digest: str,
    sent: bytes,
    returned_pdf: bytes,
    signed_at: dt.datetime | None,
    expected_person: str | None = None,
) -> Meeting:
    """Record the one signature `returned_pdf` adds to `sent`: the checks every sign-off goes
    through, made in this app or anywhere else."""
    fields_before = set(signer_certificates(sent))
    known = {
        side.value: _known_for(db, meeting.partnership_id, side)
        for side in Side
        if side.value not in fields_before
    }
    returned = added_signature(sent, returned_pdf, known)
    if _attached_hash(sent) != digest:
        raise LifecycleError(
            f"The minutes of meeting {meeting.number} changed since they were sent: send "
            "them for signature again."
        )
    if returned.field_name not in {s.value for s in Side}:
        raise ValidationError(
            "signature", f'"{returned.field_name}" is not a side\'s signature field.'
        )
    side = Side(returned.field_name)
    moment = signed_at or _local(returned.report.signed_at) or _now()
    person, via_authority = _signatory(db, meeting.partnership_id, side, returned, moment)
    if expected_person is not None and person.id != expected_person:
        chosen = repository.person(db, expected_person)
        raise ValidationError(
            "certificate",
            f"This certificate is registered for {person.name}: {chosen.name} must sign "
            "with their own key.",
        )
    registered = repository.signatory_certificates(db, meeting.partnership_id)
    sign_off.check_signatory(
        meeting,
        person,
        side,
        repository.attendance(db, meeting.id),
        returned.report.side,
        returned.report.fingerprint,
        registered,
    )
    existing = repository.sign_offs(db, meeting.id)
    standing = sign_off.standing_sign_offs(existing, digest)
    if any(s.side is side for s in standing):
        raise LifecycleError(f"The {side.value} side has already signed these minutes.")
    stale = [s for s in existing if s not in standing]
    record_ = SignOff(
        new_id(), meeting.id, person.id, side, moment, digest, returned.report.fingerprint
    )
    complete = not sign_off.sides_to_sign([*standing, record_])
    with writes(db):
        for old in stale:
            db.execute("DELETE FROM sign_off WHERE id = ?", [old.id])
            repository.audit(
                db, "sign_off", old.id, "withdrawn", old.content_hash, None, meeting.id, ""
            )
        if via_authority is not None:
            repository.insert(db, [via_authority])
            repository.audit(
                db,
                "signatory_certificate",
                via_authority.fingerprint,
                "registered through the side's authority",
                None,
                person.id,
                meeting.id,
                "",
            )
        repository.insert(db, [record_])
        repository.audit(
            db, "sign_off", record_.id, "signed", None, record_.certificate_fingerprint,
            meeting.id, person.name,
        )  # fmt: skip
        if complete:
            repository.sign_meeting(db, meeting.id, digest, returned_pdf)
        else:
            db.execute(
                "UPDATE meeting SET minutes_pdf = ? WHERE id = ?", [returned_pdf, meeting.id]
            )
    return repository.meeting(db, meeting.id)


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone().replace(tzinfo=None) if moment is not None else None


def sign_minutes(
    db: Database,
    meeting_id: str,
    person_id: str,
    identity: Identity,
    now: dt.datetime,
    *,
    timestamp_url: str | None = None,
) -> Meeting:
    """Sign the minutes here for the signatory's side; the second side's signature freezes them.

    The key is the signatory's own, and its certificate must be registered for them (or
    issued by their side's registered authority): signing never registers one. A sign-off
    given before the minutes last changed no longer stands: it is withdrawn (and recorded in
    the audit log) and that side signs again.
    """
    meeting = repository.meeting(db, meeting_id)
    person = repository.person(db, person_id)
    side = person.side
    sign_off.check_signatory(
        meeting,
        person,
        side,
        repository.attendance(db, meeting_id),
        identity.side or None,
        identity.fingerprint,
        repository.signatory_certificates(db, meeting.partnership_id),
    )
    _, digest, base = document_to_sign(db, meeting_id, created=now)
    standing = sign_off.standing_sign_offs(repository.sign_offs(db, meeting_id), digest)
    if any(s.side is side for s in standing):
        raise LifecycleError(f"The {side.label.lower()} side has already signed these minutes.")
    signed = sign(
        base,
        identity,
        side.value,
        reason=f"Approves the minutes of meeting {meeting.number} (SHA-256 {digest})",
        location=meeting.location,
        # `now` is the room's wall clock, naive local time as the app keeps it
        signed_at=now if now.tzinfo is not None else now.astimezone(),
        timestamp_url=timestamp_url,
    )
    return _accept(db, meeting, digest, base, signed, now, expected_person=person_id)


def receive_signed(db: Database, pdf: bytes) -> Meeting:
    """Take back minutes signed elsewhere: exactly the file sent, plus one side's signature by
    a registered signatory of that side. The second side's signature freezes the meeting."""
    if not pdf.startswith(b"%PDF"):
        raise ValidationError("file", "This file is not a PDF.")
    digest = _attached_hash(pdf)
    if digest is None:
        raise ValidationError(
            "file",
            "This PDF carries no minutes (no attached minutes.json): it is not "
            "minutes sent for signature by this app.",
        )
    sent_ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM meeting WHERE status = 'closed' AND minutes_pdf IS NOT NULL"
        ).fetchall()
    ]
    for meeting_id in sent_ids:
        sent = stored_pdf(db, meeting_id)
        if sent is None or not pdf.startswith(sent):
            continue
        meeting = repository.meeting(db, meeting_id)
        _, current = current_minutes(db, meeting_id)
        return _accept(db, meeting, current, sent, pdf, None)
    signed = meeting_with_content_hash(db, digest)
    if signed is not None and signed.status is MeetingStatus.SIGNED:
        raise LifecycleError(
            f"The minutes of meeting {signed.number} are signed by both sides already."
        )
    raise ValidationError(
        "file",
        "This is not a document this database sent for signature: another document, minutes "
        "sent again since, or minutes the other side has signed since this copy was sent.",
    )


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
