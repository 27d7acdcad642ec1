"""Signing off the minutes for real: two digital signatures over one PDF, then frozen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from core import lifecycle
from core.errors import LifecycleError, ReviewError, ValidationError
from core.minutes import minutes_json
from core.model import AttendanceStatus, MeetingStatus, Person, Side
from core.signatures import (
    Identity,
    create_identity,
    embedded_record,
    load_identity,
    short_fingerprint,
)
from core.verification import RecordInDatabase, verify_minutes
from storage import repository
from storage.database import open_database
from storage.minutes import (
    known_certificates,
    latest_with_minutes,
    meeting_with_content_hash,
    stored_pdf,
)
from storage.sign_off import (
    amend_minutes,
    current_minutes,
    minutes_pdf,
    pending_sides,
    register_certificate,
    sign_minutes,
)
from tests.held import held_meeting

PASSPHRASE = "correct horse battery"
SIGNED_AT = dt.datetime(2026, 12, 1, 12, 30)


@pytest.fixture
def db(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(demo_db_path, automatic_backups=False)
    yield database
    database.close()


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _identity(person: Person, side: Side | None = None) -> Identity:
    data = create_identity(
        person.name,
        person.email or "someone@example.org",
        (side or person.side).value,
        "Demo",
        PASSPHRASE,
        now=dt.datetime(2026, 1, 1),
    )
    return load_identity(data, PASSPHRASE, now=SIGNED_AT)


def _registered(db: Database, person: Person) -> Identity:
    """The person's own key, its certificate registered on purpose (signing never does it)."""
    identity = _identity(person)
    register_certificate(db, person.id, identity.certificate_pem, SIGNED_AT)
    return identity


def test_demo_recent_minutes_are_signed_pdfs_that_verify(db: Database) -> None:
    """The demo's newest signed meeting carries a PDF with both signatures, trusted by the
    partnership's certificates, its JSON's hash the one both sign-offs approved."""
    meeting = latest_with_minutes(db)
    assert meeting.status is MeetingStatus.SIGNED
    pdf = minutes_pdf(db, meeting.id)
    assert hashlib.sha256(pdf).hexdigest() == meeting.minutes_sha256
    result = verify_minutes(pdf, known_certificates(db), database_checked=False)
    assert result.ok, result.failures
    assert [r.field_name for r in result.signatures] == ["enterprise", "partner"]
    assert result.content_hash == meeting.content_hash
    sign_offs = repository.sign_offs(db, meeting.id)
    assert {s.content_hash for s in sign_offs} == {meeting.content_hash}
    assert all(s.certificate_fingerprint for s in sign_offs)


def test_two_sides_sign_and_the_meeting_freezes(db: Database) -> None:
    """Enterprise signs (still closed, partly signed PDF kept), partner signs (signed, frozen);
    both signatures validate and the stored PDF exports byte for byte."""
    meeting, signatory = held_meeting(db)
    assert pending_sides(db, meeting.id) == [Side.ENTERPRISE, Side.PARTNER]
    after_one = sign_minutes(
        db,
        meeting.id,
        signatory[Side.ENTERPRISE].id,
        _registered(db, signatory[Side.ENTERPRISE]),
        SIGNED_AT,
    )
    assert after_one.status is MeetingStatus.CLOSED
    assert pending_sides(db, meeting.id) == [Side.PARTNER]
    partly = stored_pdf(db, meeting.id)
    assert partly is not None and minutes_pdf(db, meeting.id) == partly
    one_side = verify_minutes(partly, known_certificates(db))
    assert not one_side.ok and "partner side's signature is missing" in one_side.failures[0]
    signed = sign_minutes(
        db,
        meeting.id,
        signatory[Side.PARTNER].id,
        _registered(db, signatory[Side.PARTNER]),
        SIGNED_AT + dt.timedelta(minutes=3),
    )
    assert signed.status is MeetingStatus.SIGNED
    pdf = minutes_pdf(db, meeting.id)
    assert pdf.startswith(partly)  # the second signature was added incrementally
    # Cut back to the first revision, the file is valid as far as it goes: still refused.
    assert not verify_minutes(pdf[: len(partly)], known_certificates(db)).ok
    assert hashlib.sha256(pdf).hexdigest() == signed.minutes_sha256
    result = verify_minutes(pdf, known_certificates(db))
    assert result.ok, result.failures
    assert all(r.trusted and r.intact for r in result.signatures)
    minutes, digest = current_minutes(db, meeting.id)
    assert embedded_record(pdf) == minutes_json(minutes)
    assert signed.content_hash == digest
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert digest in text
    with pytest.raises(sqlite3.IntegrityError, match="signed meeting"):
        db.execute("UPDATE meeting_item SET notes = 'rewritten' WHERE meeting_id = ?", [meeting.id])


def test_a_byte_flipped_anywhere_fails_verification(db: Database) -> None:
    """Flip single bytes at seeded random places of a signed PDF: every copy fails `verify`
    (with the database, which also compares the whole file with the stored one's hash)."""
    meeting = latest_with_minutes(db)
    pdf = minutes_pdf(db, meeting.id)
    known = known_certificates(db)
    record = meeting_with_content_hash(db, meeting.content_hash or "")
    assert record is not None
    in_db = RecordInDatabase("Meeting", record.content_hash or "", record.minutes_sha256)
    rng = random.Random(6)
    positions = [0, 8, len(pdf) // 2, len(pdf) - 1, *rng.sample(range(len(pdf)), 40)]
    for position in positions:
        flipped = bytearray(pdf)
        flipped[position] ^= 0x01
        result = verify_minutes(bytes(flipped), known, in_db, database_checked=True)
        assert not result.ok, f"a flip at byte {position} went unnoticed"


def test_an_absent_person_cannot_sign_and_nothing_is_written(db: Database) -> None:
    """Refused in words; no sign-off, no PDF kept, the meeting still closed."""
    people = repository.people(db, _pid(db))
    first_enterprise = next(p for p in people if p.side is Side.ENTERPRISE)
    meeting, _ = held_meeting(db, absent=first_enterprise)
    with pytest.raises(ValidationError, match="was absent"):
        sign_minutes(db, meeting.id, first_enterprise.id, _identity(first_enterprise), SIGNED_AT)
    assert repository.sign_offs(db, meeting.id) == []
    assert stored_pdf(db, meeting.id) is None
    assert repository.meeting(db, meeting.id).status is MeetingStatus.CLOSED


def test_a_key_of_the_other_side_is_refused(db: Database) -> None:
    """A partner certificate cannot sign for an enterprise signatory."""
    meeting, signatory = held_meeting(db)
    person = signatory[Side.ENTERPRISE]
    with pytest.raises(ReviewError, match="partner"):
        sign_minutes(db, meeting.id, person.id, _identity(person, Side.PARTNER), SIGNED_AT)
    assert repository.sign_offs(db, meeting.id) == []


def test_a_change_after_one_sign_off_withdraws_it(db: Database) -> None:
    """Notes changed after the enterprise signed: its sign-off no longer stands, both sides
    must sign the new minutes, and the withdrawal is in the audit log."""
    meeting, signatory = held_meeting(db)
    enterprise = _registered(db, signatory[Side.ENTERPRISE])
    sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, enterprise, SIGNED_AT)
    item = repository.meeting_items(db, meeting.id)[0]
    repository.save_notes(db, item.id, item.notes + "\n\n- A correction after the first sign-off")
    assert pending_sides(db, meeting.id) == [Side.ENTERPRISE, Side.PARTNER]
    sign_minutes(
        db,
        meeting.id,
        signatory[Side.PARTNER].id,
        _registered(db, signatory[Side.PARTNER]),
        SIGNED_AT,
    )
    signed = sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, enterprise, SIGNED_AT)
    assert signed.status is MeetingStatus.SIGNED
    assert len(repository.sign_offs(db, meeting.id)) == 2
    withdrawn = db.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'sign_off' AND field = 'withdrawn'"
    ).fetchone()[0]
    assert withdrawn == 1
    assert verify_minutes(minutes_pdf(db, meeting.id), known_certificates(db)).ok


def test_a_live_meeting_has_no_minutes_to_export(db: Database) -> None:
    """Exporting a meeting still running is refused, naming its state."""
    meeting = next(m for m in repository.meetings(db, _pid(db)) if m.status is MeetingStatus.DRAFT)
    live = lifecycle.start(meeting, dt.datetime(2026, 12, 1, 10))
    repository.update_meeting(db, live)
    with pytest.raises(LifecycleError, match="live"):
        minutes_pdf(db, meeting.id)


def test_an_amendment_leaves_the_signed_original_untouched(db: Database) -> None:
    """Amending signed minutes makes revision 2 (closed, referring to revision 1) with a copy of
    the record; the correction is signed on its own; the original's PDF and hash never move."""
    original = latest_with_minutes(db)
    pdf_before = stored_pdf(db, original.id)
    amendment = amend_minutes(db, original.id)
    assert (amendment.revision, amendment.amends_id) == (2, original.id)
    assert amendment.status is MeetingStatus.CLOSED
    item = repository.meeting_items(db, amendment.id)[1]
    repository.save_notes(db, item.id, item.notes + "\n\n- Corrected: the date of the SLA review")
    minutes, _ = current_minutes(db, amendment.id)
    assert minutes.header.amends_revision == 1
    assert minutes.commitments, "the amended meeting's commitments are still in its minutes"
    present = {
        a.person_id
        for a in repository.attendance(db, amendment.id)
        if a.status is AttendanceStatus.PRESENT
    }
    people = [p for p in repository.people(db, _pid(db)) if p.id in present]
    for side in Side:
        person = next(p for p in people if p.side is side)
        sign_minutes(db, amendment.id, person.id, _registered(db, person), SIGNED_AT)
    assert repository.meeting(db, amendment.id).status is MeetingStatus.SIGNED
    unchanged = repository.meeting(db, original.id)
    assert stored_pdf(db, original.id) == pdf_before
    assert unchanged == original
    assert latest_with_minutes(db).id == amendment.id
    with pytest.raises(LifecycleError, match="already has a revision 2"):
        amend_minutes(db, original.id)


def test_the_demo_pdf_holds_every_section_action_and_attendee(db: Database) -> None:
    """Text extracted from the demo's last signed PDF (pypdf) has every section, every reviewed
    and new action's title, every attendee, and the non-Latin names as written."""
    meeting = latest_with_minutes(db)
    pdf = minutes_pdf(db, meeting.id)
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    minutes, _ = current_minutes(db, meeting.id)
    sections = ["Attendance", "Agenda", "Notes", "Action review", "New commitments"]
    sections += ["Decisions", "Dashboard", "KPI disputes", "Initiatives"]
    sections += ["Accountability record", "Sign-off"]
    for heading in sections:
        assert heading in text, heading
    titles = [a.title for a in minutes.action_review] + [c.title for c in minutes.commitments]
    assert len(titles) >= 20
    for title in titles:
        assert " ".join(title.split()) in text, title
    people = [
        person.name
        for group in minutes.attendance
        for person in (*group.present, *group.apologies, *group.absent)
    ]
    for name in people:
        assert name in text, name
    for name in ("Łukasz Nowak", "Ζωή Papadopoulou", "Emre Çelik"):
        assert name in text
    assert any("Дмитрий" in name for name in people) and "Дмитрий" in text


def test_every_font_of_the_signed_minutes_is_embedded_and_the_boxes_name_the_signers(
    db: Database, tmp_path: Path
) -> None:
    """Checked with poppler (pdffonts, pdftotext): no font is left to the reader's machine
    (no Helvetica, no Courier), and each signature box prints the signer's name in its own
    script, the side and the certificate's fingerprint."""
    import shutil
    import subprocess

    if shutil.which("pdffonts") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    meeting, signatory = held_meeting(db)
    cyrillic = dataclasses.replace(signatory[Side.PARTNER], name="Дмитрий Соколов")
    identities = {}
    for side, person in ((Side.ENTERPRISE, signatory[Side.ENTERPRISE]), (Side.PARTNER, cyrillic)):
        identity = _identity(person)
        register_certificate(db, person.id, identity.certificate_pem, SIGNED_AT)
        sign_minutes(db, meeting.id, person.id, identity, SIGNED_AT)
        identities[side] = identity
    path = tmp_path / "signed.pdf"
    path.write_bytes(minutes_pdf(db, meeting.id))
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "pdffonts listed no font"
    for line in fonts:
        assert "Helvetica" not in line and "Courier" not in line, line
        assert line.split()[-5] == "yes", f"not embedded: {line}"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Signed by Дмитрий Соколов" in text
    for side, identity in identities.items():
        assert f"for the {side.value} side" in text
        assert short_fingerprint(identity.fingerprint) in text
    # One PDF version, said the same in the header and the catalogue; no complaint from
    # poppler, qpdf or pypdf in strict mode on the signed file
    data = path.read_bytes()
    strict = PdfReader(io.BytesIO(data), strict=True)
    assert data.startswith(b"%PDF-2.0")
    assert strict.trailer["/Root"].get("/Version", "/2.0") == "/2.0"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert info.stderr == "" and re.search(r"PDF version: +2\.0", info.stdout)
    if shutil.which("qpdf") is not None:
        checked = subprocess.run(
            ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No syntax or stream encoding errors found" in checked.stdout
