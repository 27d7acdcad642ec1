"""Minutes signed elsewhere and taken back: the round trip between the two sides' computers,
and every forgery or accident a returned file can carry, refused in words with nothing written.

Everything here is real: a copy of the demo database, the minutes PDF the app renders, keys
made for the test, and the signatures checked again by tools we did not write (poppler's
pdfsig, pyHanko's own command line).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlite_utils import Database

from core.errors import LifecycleError, ReviewError
from core.model import Meeting, MeetingStatus, Person, Side
from core.received import UnknownCertificate
from core.signatures import Identity, create_identity, embedded_record, load_identity, sign, verify
from core.verification import verify_minutes
from storage import repository
from storage.database import open_database
from storage.minutes import stored_pdf
from storage.sign_off import (
    amend_minutes,
    current_minutes,
    document_to_sign,
    pending_sides,
    receive_signed,
    register_authority,
    register_certificate,
    send_for_signature,
    sign_minutes,
    unsigned_pdf,
)
from storage.verification import verify_against
from tests.certificates import issue, new_key, subject
from tests.held import held_meeting

PASSPHRASE = "velvet harbour quietly sixteen"
# Keys valid from two days back: whatever the time zone, the moment a signature claims is in
# their validity.
KEYS_FROM = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
REGISTERED_AT = dt.datetime(2026, 12, 1, 9)
SENT_AT = dt.datetime(2026, 12, 1, 12)
# What a refusal must leave exactly as it was.
WATCHED_TABLES = (
    "meeting",
    "meeting_item",
    "attendance",
    "sign_off",
    "signatory_certificate",
    "signing_authority",
    "audit_log",
)


# --- set-up ---------------------------------------------------------------------------------


@pytest.fixture
def db(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(demo_db_path, automatic_backups=False)
    yield database
    database.close()


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _person(db: Database, name: str) -> Person:
    return next(p for p in repository.people(db, _pid(db)) if p.name == name)


def _now() -> dt.datetime:
    """The moment as the app's screens give it to storage: local time, no time zone."""
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Keys:
    """Keys made once for this module, each in the name of a demo person: the present
    signatories' (registered per test when a test says so) and forgers' (never registered)."""

    enterprise: Identity  # the held meeting's first enterprise attendee
    partner: Identity  # the held meeting's first partner attendee
    partner_p12: bytes  # the partner's key file, for pyHanko's own command line
    second_partner: Identity  # the held meeting's second partner attendee
    forged_partner: Identity  # a new key in the partner signatory's name
    forged_registered: Identity  # a new key in the name of the demo's registered partner


def _key_file(person: Person) -> bytes:
    return create_identity(
        person.name, person.email, person.side.value, "Demo", PASSPHRASE, now=KEYS_FROM
    )


@pytest.fixture(scope="module")
def keys(demo_read: Database) -> Keys:
    """The module's keys, made for the demo's people (0.5 s each: made once)."""
    pid = _pid(demo_read)
    people = repository.people(demo_read, pid)
    enterprise = next(p for p in people if p.side is Side.ENTERPRISE)
    partner, second = [p for p in people if p.side is Side.PARTNER][:2]
    registered = next(
        c for c in repository.signatory_certificates(demo_read, pid) if c.side is Side.PARTNER
    )
    files = {
        "enterprise": _key_file(enterprise),
        "partner": _key_file(partner),
        "second_partner": _key_file(second),
        "forged_partner": _key_file(partner),
        "forged_registered": _key_file(repository.person(demo_read, registered.person_id)),
    }
    opened = {name: load_identity(data, PASSPHRASE) for name, data in files.items()}
    return Keys(partner_p12=files["partner"], **opened)


def _register(db: Database, person: Person, identity: Identity) -> None:
    """The certificate (never the key) registered for its holder, as the sides exchange them."""
    register_certificate(db, person.id, identity.certificate_pem, REGISTERED_AT)


def _sign_elsewhere(pdf: bytes, identity: Identity, field: str) -> bytes:
    """What the signatory's own computer does with the file sent: one signature, added."""
    return sign(pdf, identity, field, reason="Approves the minutes")


def _state(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a sign-off touches, in storage order."""
    return {
        table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in WATCHED_TABLES
    }


def _refused(
    db: Database, pdf: bytes, match: str, error: type[ReviewError] = ReviewError
) -> ReviewError:
    """receive_signed refuses the file with `match` in its message, and nothing is written."""
    before = _state(db)
    with pytest.raises(error, match=match) as caught:
        receive_signed(db, pdf)
    assert _state(db) == before
    assert not db.conn.in_transaction
    return caught.value


# --- checkers we did not write ----------------------------------------------------------------


def _pdfsig(pdf: bytes, folder: Path) -> dict[str, list[str]]:
    """poppler's report, each signed field's lines (pdfsig always exits 0: read its text)."""
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("poppler's pdfsig is not installed (.ci/run installs poppler-utils)")
    path = folder / "to-check-with-pdfsig.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [pdfsig, str(path)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    found: dict[str, list[str]] = {}
    field = None
    for line in text.splitlines():
        line = line.strip().removeprefix("- ")
        if line.startswith("Signature Field Name:"):
            field = line.split(":", 1)[1].strip()
            found[field] = []
        elif field is not None:
            found[field].append(line)
    return {name: lines for name, lines in found.items() if "not signed" not in " ".join(lines)}


def _assert_pdfsig_valid(pdf: bytes, folder: Path) -> None:
    """Both signatures valid for poppler; the last one covers the whole file."""
    report = _pdfsig(pdf, folder)
    assert set(report) == {"enterprise", "partner"}, report
    for lines in report.values():
        assert "Signature Validation: Signature is Valid." in lines, lines
    last = max(report, key=lambda name: _signed_length(pdf, name))
    assert "Total document signed" in report[last], report[last]


def _signed_length(pdf: bytes, field: str) -> int:
    """Where the revision a field's signature signed ends, by its byte range."""
    reader = PdfFileReader(io.BytesIO(pdf))
    signature = next(s for s in reader.embedded_signatures if s.field_name == field)
    _, _, start, length = (int(n) for n in signature.byte_range)
    return start + length


def _pyhanko_validate(pdf: bytes, trusted: list[bytes], folder: Path) -> dict[str, str]:
    """pyHanko's own command line, trusting only the given certificates: field -> verdict."""
    path = folder / "to-check-with-pyhanko.pdf"
    path.write_bytes(pdf)
    trust: list[str] = []
    for number, pem in enumerate(trusted):
        certificate = folder / f"trusted-{number}.pem"
        certificate.write_bytes(pem)
        trust += ["--trust", str(certificate)]
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pyhanko", "sign", "validate", "--executive-summary"),
            *("--no-revocation-check", "--trust-replace", *trust, str(path)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=folder,
    )
    verdicts = (line.split(":") for line in result.stdout.splitlines() if line.count(":") == 2)
    return {field: verdict for field, _, verdict in verdicts}


# --- the round trip -------------------------------------------------------------------------


def test_partner_signs_elsewhere_then_the_enterprise_here_and_the_meeting_freezes(
    db: Database, keys: Keys, tmp_path: Path
) -> None:
    """Sent, signed on the partner's computer with a key the app never saw (its certificate
    registered), taken back as the partner's sign-off; the enterprise signs here and the
    meeting is signed; the final PDF holds for us, for poppler and for pyHanko."""
    meeting, signatory = held_meeting(db)
    _register(db, signatory[Side.PARTNER], keys.partner)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    sent = send_for_signature(db, meeting.id, SENT_AT)
    assert stored_pdf(db, meeting.id) == sent

    returned = _sign_elsewhere(sent, keys.partner, "partner")
    after = receive_signed(db, returned)
    assert after.status is MeetingStatus.CLOSED
    (partner_sign_off,) = repository.sign_offs(db, meeting.id)
    assert partner_sign_off.side is Side.PARTNER
    assert partner_sign_off.person_id == signatory[Side.PARTNER].id
    assert partner_sign_off.certificate_fingerprint == keys.partner.fingerprint
    assert partner_sign_off.content_hash == current_minutes(db, meeting.id)[1]
    assert pending_sides(db, meeting.id) == [Side.ENTERPRISE]
    assert stored_pdf(db, meeting.id) == returned

    signed = sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, keys.enterprise, _now())
    assert signed.status is MeetingStatus.SIGNED
    assert pending_sides(db, meeting.id) == []
    final = stored_pdf(db, meeting.id)
    assert final is not None and final.startswith(returned)
    assert hashlib.sha256(final).hexdigest() == signed.minutes_sha256
    assert {s.side for s in repository.sign_offs(db, meeting.id)} == set(Side)

    result = verify_against(db, final)
    assert result.ok, result.failures
    _assert_pdfsig_valid(final, tmp_path)
    registered = [keys.enterprise.certificate_pem, keys.partner.certificate_pem]
    assert _pyhanko_validate(final, registered, tmp_path) == {
        "enterprise": "VALID",
        "partner": "VALID",
    }

    trail = repository.audit_trail(db, keys.partner.fingerprint)
    assert [(e.entity, e.field, e.new) for e in trail] == [
        ("signatory_certificate", "registered", signatory[Side.PARTNER].id)
    ]
    sent_entries = [
        e for e in repository.audit_trail(db, meeting.id) if e.field == "sent for signature"
    ]
    assert [e.new for e in sent_entries] == [hashlib.sha256(sent).hexdigest()]


def test_enterprise_signs_here_first_and_the_partners_copy_freezes_the_meeting(
    db: Database, keys: Keys, tmp_path: Path
) -> None:
    """The enterprise signs here; what is sent is that partly signed PDF; the partner's signed
    copy, taken back, is the second signature: the meeting is signed and frozen with it."""
    meeting, signatory = held_meeting(db)
    _register(db, signatory[Side.PARTNER], keys.partner)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    first = sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, keys.enterprise, _now())
    assert first.status is MeetingStatus.CLOSED
    partly = stored_pdf(db, meeting.id)

    sent = send_for_signature(db, meeting.id, SENT_AT)
    assert sent == partly
    returned = _sign_elsewhere(sent, keys.partner, "partner")
    signed = receive_signed(db, returned)

    assert signed.status is MeetingStatus.SIGNED
    assert stored_pdf(db, meeting.id) == returned
    assert signed.minutes_sha256 == hashlib.sha256(returned).hexdigest()
    assert [s.side for s in repository.sign_offs(db, meeting.id)] == [
        Side.ENTERPRISE,
        Side.PARTNER,
    ]
    result = verify_against(db, returned)
    assert result.ok, result.failures
    _assert_pdfsig_valid(returned, tmp_path)
    with pytest.raises(sqlite3.IntegrityError, match="signed meeting"):
        db.execute("UPDATE meeting_item SET notes = 'rewritten' WHERE meeting_id = ?", [meeting.id])


@pytest.mark.parametrize("style", [[], ["--use-pades"]], ids=["adbe-pkcs7", "pades"])
def test_a_signature_made_by_pyhankos_own_command_line_is_taken_back(
    db: Database, keys: Keys, tmp_path: Path, style: list[str]
) -> None:
    """The partner signs with pyHanko's command line, not with this app: the signed copy is
    accepted as the partner's sign-off, and the enterprise's signature then completes it."""
    meeting, signatory = held_meeting(db)
    _register(db, signatory[Side.PARTNER], keys.partner)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    (tmp_path / "sent.pdf").write_bytes(send_for_signature(db, meeting.id, SENT_AT))
    (tmp_path / "partner.p12").write_bytes(keys.partner_p12)
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pyhanko", "sign", "addsig", "--field", "partner", *style),
            *("pkcs12", "--passfile", "passphrase.txt", "sent.pdf", "signed.pdf", "partner.p12"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr

    returned = (tmp_path / "signed.pdf").read_bytes()
    assert receive_signed(db, returned).status is MeetingStatus.CLOSED
    (sign_off,) = repository.sign_offs(db, meeting.id)
    assert (sign_off.side, sign_off.person_id) == (Side.PARTNER, signatory[Side.PARTNER].id)
    assert sign_off.certificate_fingerprint == keys.partner.fingerprint
    signed = sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, keys.enterprise, _now())
    assert signed.status is MeetingStatus.SIGNED
    final = stored_pdf(db, meeting.id)
    assert final is not None and final.startswith(returned)
    assert verify_against(db, final).ok


# --- forgeries and accidents ----------------------------------------------------------------


@pytest.fixture
def sent_meeting(db: Database, keys: Keys) -> tuple[Meeting, dict[Side, Person], bytes]:
    """The held meeting sent for signature, both signatories' certificates registered."""
    meeting, signatory = held_meeting(db)
    _register(db, signatory[Side.PARTNER], keys.partner)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    return meeting, signatory, send_for_signature(db, meeting.id, SENT_AT)


def test_a_new_key_in_the_signatorys_name_is_an_unknown_certificate(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """A key anyone can make with the partner signatory's name and e-mail signs nothing for
    them: refused as unknown, with its fingerprint to compare, and nothing written."""
    _, signatory, sent = sent_meeting
    forged = _sign_elsewhere(sent, keys.forged_partner, "partner")
    error = _refused(db, forged, "not registered", UnknownCertificate)
    assert isinstance(error, UnknownCertificate)
    assert error.fingerprint == keys.forged_partner.fingerprint != keys.partner.fingerprint
    assert error.side is Side.PARTNER
    assert error.signer == signatory[Side.PARTNER].name
    assert error.certificate == keys.forged_partner.certificate_pem


def test_signing_here_with_an_unregistered_key_is_refused_and_registers_nothing(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """Signing in the app never registers a certificate: an unregistered key is refused and
    the register of certificates, the sign-offs and the PDF kept stay as they were."""
    meeting, signatory, sent = sent_meeting
    before = _state(db)
    with pytest.raises(UnknownCertificate):
        sign_minutes(db, meeting.id, signatory[Side.PARTNER].id, keys.forged_partner, _now())
    assert _state(db) == before
    assert keys.forged_partner.fingerprint not in {
        c.fingerprint for c in repository.signatory_certificates(db, _pid(db))
    }
    assert stored_pdf(db, meeting.id) == sent


def test_signed_minutes_cut_back_and_signed_by_a_stranger_are_refused(
    db: Database, keys: Keys, tmp_path: Path
) -> None:
    """Signed minutes cut back to the enterprise's revision and signed in the partner field by
    a key made in the partner signatory's name: intact for poppler, yet `verify` alone does
    not establish the signers, `verify --db` fails, and taking it back is refused."""
    meeting = [m for m in repository.meetings(db, _pid(db)) if m.status is MeetingStatus.SIGNED][-1]
    full = stored_pdf(db, meeting.id)
    assert full is not None
    enterprise_end = _signed_length(full, "enterprise")
    boundaries = [m.end() for m in re.finditer(rb"%%EOF\r?\n?", full)]
    assert boundaries[-2] == enterprise_end  # the revision before the partner's signature
    cut = full[:enterprise_end]
    stranger = keys.forged_registered
    registered = {c.fingerprint for c in repository.signatory_certificates(db, _pid(db))}
    assert stranger.fingerprint not in registered
    forged = _sign_elsewhere(cut, stranger, "partner")

    assert set(_pdfsig(forged, tmp_path)) == {"enterprise", "partner"}
    alone = verify_minutes(forged, None, None, database_checked=False)
    assert not alone.ok
    assert all(r.intact for r in alone.signatures)
    assert any("who signed is not established" in f for f in alone.failures)
    with_db = verify_against(db, forged)
    assert not with_db.ok
    assert any("known certificates" in f for f in with_db.failures), with_db.failures
    _refused(db, forged, "signed by both sides already", LifecycleError)


def test_the_partners_certificate_cannot_sign_the_enterprise_field(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """A registered partner certificate whose key signs the enterprise's field (its side left
    unsaid) is refused: each side signs its own."""
    _, _, sent = sent_meeting
    sideless = dataclasses.replace(keys.partner, side="")
    crossed = _sign_elsewhere(sent, sideless, "enterprise")
    _refused(db, crossed, "each side signs its own")


def _rendered_again(db: Database, meeting: Meeting, keys: Keys, sent: bytes) -> bytes:
    """The same minutes rendered anew (other bytes), then signed by the partner."""
    minutes, digest = current_minutes(db, meeting.id)
    again = unsigned_pdf(minutes, digest, created=SENT_AT + dt.timedelta(hours=1))
    assert again != sent and embedded_record(again) == embedded_record(sent)
    return _sign_elsewhere(again, keys.partner, "partner")


def _other_meetings_minutes(db: Database, meeting: Meeting, keys: Keys, sent: bytes) -> bytes:
    """The minutes of another meeting (a correction of a signed one), never sent, signed."""
    latest = [m for m in repository.meetings(db, _pid(db)) if m.status is MeetingStatus.SIGNED][-1]
    amendment = amend_minutes(db, latest.id)
    return _sign_elsewhere(document_to_sign(db, amendment.id)[2], keys.partner, "partner")


def _no_minutes(db: Database, meeting: Meeting, keys: Keys, sent: bytes) -> bytes:
    """A PDF that is no minutes at all."""
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Invoice 2026-117")
    page.save()
    return out.getvalue()


def _unsigned(db: Database, meeting: Meeting, keys: Keys, sent: bytes) -> bytes:
    """The file exactly as sent, not signed."""
    return sent


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_rendered_again, "not a document this database sent"),
        (_other_meetings_minutes, "not a document this database sent"),
        (_no_minutes, "carries no minutes"),
        (_unsigned, "no new signature"),
    ],
    ids=["rendered-again", "another-meeting", "not-minutes", "as-sent"],
)
def test_another_document_is_refused(
    db: Database,
    keys: Keys,
    sent_meeting: tuple[Meeting, dict[Side, Person], bytes],
    make: Callable[[Database, Meeting, Keys, bytes], bytes],
    words: str,
) -> None:
    """Only the very bytes sent, plus a signature, come back: the same minutes rendered again,
    another meeting's minutes, a PDF of something else or the file unsigned are refused."""
    meeting, _, sent = sent_meeting
    _refused(db, make(db, meeting, keys, sent), words)
    assert repository.sign_offs(db, meeting.id) == []


def _updated(pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    """The PDF with one incremental update appended, made by pyHanko's writer."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _retitle(writer: IncrementalPdfFileWriter) -> None:
    """A new document information dictionary whose /Title differs."""
    old = writer.prev.trailer_view["/Info"]
    info = generic.DictionaryObject(dict(old.items()))
    info[generic.pdf_name("/Title")] = generic.pdf_string(
        "Minutes (as the partner would have them)"
    )
    writer.set_info(writer.add_object(info))


def _annotate(writer: IncrementalPdfFileWriter) -> None:
    """A visible note on the first page."""
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (50, 50, 400, 80)]
                ),
                generic.pdf_name("/Contents"): generic.pdf_string(
                    "Approved only with a 20% discount on the renewal"
                ),
                generic.pdf_name("/DA"): generic.pdf_string("/Helv 12 Tf 0 g"),
            }
        )
    )
    if "/Annots" in page:
        annotations = page["/Annots"]
        annotations.append(note)
        writer.update_container(annotations)
    else:
        page[generic.pdf_name("/Annots")] = generic.ArrayObject([note])
    writer.update_container(page)


def _swap_attachment(writer: IncrementalPdfFileWriter) -> None:
    """The attached minutes.json replaced by one whose title differs."""
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    index = next(i for i in range(0, len(names), 2) if str(names[i]) == "minutes.json")
    spec = names[index + 1]
    record = json.loads(bytes(spec["/EF"]["/F"].data))
    record["header"]["title"] = "Partnership review: everything agreed as proposed"
    data = embed.EmbeddedFileObject.from_file_data(
        writer, json.dumps(record).encode("utf-8"), compress=False, mime_type="application/json"
    )
    stream = writer.add_object(data)
    spec[generic.pdf_name("/EF")] = generic.DictionaryObject(
        {generic.pdf_name("/F"): stream, generic.pdf_name("/UF"): stream}
    )
    writer.update_container(spec)


def test_a_change_after_the_signature_is_refused(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """The signed copy with an update appended after the signature (a new title) is refused:
    nothing may follow the signature."""
    _, _, sent = sent_meeting
    signed = _sign_elsewhere(sent, keys.partner, "partner")
    later = _updated(signed, _retitle)
    assert later.startswith(signed) and len(later) > len(signed)
    _refused(db, later, "changed after the")


@pytest.mark.parametrize(
    "change",
    [
        _annotate,
        _retitle,
        _swap_attachment,
    ],
    ids=["annotation", "title", "attachment"],
)
def test_a_change_made_before_the_signature_is_refused(
    db: Database,
    keys: Keys,
    sent_meeting: tuple[Meeting, dict[Side, Person], bytes],
    change: Callable[[IncrementalPdfFileWriter], None],
) -> None:
    """A copy changed before it was signed (a note on a page, a new title, other minutes
    attached), then signed, is refused as changing the minutes sent, nothing written."""
    _, _, sent = sent_meeting
    changed = _updated(sent, change)
    assert changed.startswith(sent) and len(changed) > len(sent)
    error = _refused(db, _sign_elsewhere(changed, keys.partner, "partner"), "Besides")
    assert "changed since they were sent" not in error.message


def test_both_fields_signed_in_the_returned_copy_are_refused(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """One side signs its own field only: a copy coming back with both fields signed, even by
    both registered signatories, is refused."""
    _, _, sent = sent_meeting
    both = _sign_elsewhere(
        _sign_elsewhere(sent, keys.enterprise, "enterprise"), keys.partner, "partner"
    )
    _refused(db, both, "adds 2 signatures")


def test_minutes_changed_since_they_were_sent_are_refused(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """Notes corrected after the minutes went out: the copy signed on the old minutes is
    refused, saying to send them again."""
    meeting, _, sent = sent_meeting
    item = repository.meeting_items(db, meeting.id)[0]
    repository.save_notes(db, item.id, item.notes + "\n\n- Corrected after sending")
    signed = _sign_elsewhere(sent, keys.partner, "partner")
    _refused(db, signed, "changed since they were sent", LifecycleError)


def test_an_absent_persons_registered_certificate_is_refused(db: Database, keys: Keys) -> None:
    """A partner who was absent signs with their own registered key: refused, since only
    someone who attended can sign off the minutes."""
    people = repository.people(db, _pid(db))
    absent = [p for p in people if p.side is Side.PARTNER][1]
    assert absent.name == keys.second_partner.name
    meeting, _ = held_meeting(db, absent=absent)
    _register(db, absent, keys.second_partner)
    sent = send_for_signature(db, meeting.id, SENT_AT)
    _refused(db, _sign_elsewhere(sent, keys.second_partner, "partner"), "was absent")


def test_a_side_signs_once_and_a_copy_sent_before_its_signature_is_refused(
    db: Database, keys: Keys, sent_meeting: tuple[Meeting, dict[Side, Person], bytes]
) -> None:
    """After the partner's copy is taken back: the same copy again carries no new signature,
    a second partner signing here is refused (already signed), and a copy of the original
    signed meanwhile by the enterprise elsewhere is no longer a document this database sent."""
    meeting, _, sent = sent_meeting
    returned = _sign_elsewhere(sent, keys.partner, "partner")
    receive_signed(db, returned)
    _refused(db, returned, "no new signature")

    second = _person(db, keys.second_partner.name)
    _register(db, second, keys.second_partner)
    before = _state(db)
    with pytest.raises(LifecycleError, match="already signed"):
        sign_minutes(db, meeting.id, second.id, keys.second_partner, _now())
    assert _state(db) == before

    parallel = _sign_elsewhere(sent, keys.enterprise, "enterprise")
    _refused(db, parallel, "not a document this database sent")
    assert [s.side for s in repository.sign_offs(db, meeting.id)] == [Side.PARTNER]


# --- a company's certificate authority ------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """A company certificate authority and a signatory's key it issued."""

    certificate_pem: bytes
    signatory: Identity


def _company_authority(person: Person) -> Authority:
    """A CA (basic constraints CA, key usage keyCertSign) and a certificate it issues to the
    person (their name and e-mail, no side said), in a PKCS#12 file with the CA's certificate."""
    company = "Brightline IT Services"
    ca_key = new_key()
    ca_name = subject("Brightline Signing CA", organisation=company)
    ca = issue(ca_name, ca_key, start=KEYS_FROM, days=3650, authority=True, key_ids=True)
    key = new_key()
    issued = issue(
        subject(person.name, organisation=company, email=person.email),
        key,
        start=KEYS_FROM,
        days=730,
        issuer_name=ca_name,
        issuer_key=ca_key,
        email=person.email,
        key_ids=True,
    )
    key_file = pkcs12.serialize_key_and_certificates(
        b"signatory",
        key,
        issued,
        [ca],
        serialization.BestAvailableEncryption(PASSPHRASE.encode("utf-8")),
    )
    return Authority(
        ca.public_bytes(serialization.Encoding.PEM), load_identity(key_file, PASSPHRASE)
    )


def test_a_company_authority_vouches_for_its_sides_signatory(db: Database, keys: Keys) -> None:
    """The partner's company CA registered for the partner side: a certificate it issued to a
    present partner (by name and e-mail) signs for the side, and becomes registered to that
    person, in the audit log as registered through the side's authority."""
    meeting, signatory = held_meeting(db)
    partner = signatory[Side.PARTNER]
    authority = _company_authority(partner)
    assert authority.signatory.side == ""
    register_authority(db, _pid(db), Side.PARTNER, authority.certificate_pem, REGISTERED_AT)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    sent = send_for_signature(db, meeting.id, SENT_AT)
    returned = _sign_elsewhere(sent, authority.signatory, "partner")

    assert receive_signed(db, returned).status is MeetingStatus.CLOSED
    (sign_off,) = repository.sign_offs(db, meeting.id)
    assert (sign_off.side, sign_off.person_id) == (Side.PARTNER, partner.id)
    fingerprint = authority.signatory.fingerprint
    assert sign_off.certificate_fingerprint == fingerprint
    registered = {c.fingerprint: c for c in repository.signatory_certificates(db, _pid(db))}
    assert (registered[fingerprint].person_id, registered[fingerprint].side) == (
        partner.id,
        Side.PARTNER,
    )
    trail = repository.audit_trail(db, fingerprint)
    assert [(e.field, e.new, e.meeting_id) for e in trail] == [
        ("registered through the side's authority", partner.id, meeting.id)
    ]
    signed = sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, keys.enterprise, _now())
    assert signed.status is MeetingStatus.SIGNED
    final = stored_pdf(db, meeting.id)
    assert final is not None
    assert verify_against(db, final).ok


def test_an_authority_registered_for_the_other_side_vouches_for_nobody_here(
    db: Database, keys: Keys
) -> None:
    """The same CA registered for the enterprise side only: its certificate in the partner's
    field is an unknown certificate, refused, nothing registered."""
    meeting, signatory = held_meeting(db)
    authority = _company_authority(signatory[Side.PARTNER])
    register_authority(db, _pid(db), Side.ENTERPRISE, authority.certificate_pem, REGISTERED_AT)
    sent = send_for_signature(db, meeting.id, SENT_AT)
    returned = _sign_elsewhere(sent, authority.signatory, "partner")
    error = _refused(db, returned, "not registered", UnknownCertificate)
    assert isinstance(error, UnknownCertificate)
    assert error.fingerprint == authority.signatory.fingerprint
    assert authority.signatory.fingerprint not in {
        c.fingerprint for c in repository.signatory_certificates(db, _pid(db))
    }


def test_an_authoritys_certificate_for_an_absent_person_is_refused_and_not_registered(
    db: Database,
) -> None:
    """A certificate the partner's registered CA issued to a partner who was absent: refused
    (only attendees sign), and not registered to them either."""
    absent = [p for p in repository.people(db, _pid(db)) if p.side is Side.PARTNER][1]
    meeting, _ = held_meeting(db, absent=absent)
    authority = _company_authority(absent)
    register_authority(db, _pid(db), Side.PARTNER, authority.certificate_pem, REGISTERED_AT)
    sent = send_for_signature(db, meeting.id, SENT_AT)
    _refused(db, _sign_elsewhere(sent, authority.signatory, "partner"), "was absent")
    assert authority.signatory.fingerprint not in {
        c.fingerprint for c in repository.signatory_certificates(db, _pid(db))
    }


# --- the signing time -----------------------------------------------------------------------


@pytest.fixture
def five_hours_behind_utc() -> Iterator[None]:
    """The process's local time zone set to UTC-5 (no daylight saving), then put back."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "EST+5"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("five_hours_behind_utc")
def test_the_signing_time_in_the_pdf_is_the_moment_of_the_sign_off(
    db: Database, keys: Keys
) -> None:
    """Signed here at a local moment (five hours behind UTC): the signature in the PDF claims
    that same moment, the one the sign-off records."""
    meeting, signatory = held_meeting(db)
    _register(db, signatory[Side.ENTERPRISE], keys.enterprise)
    now = _now()
    sign_minutes(db, meeting.id, signatory[Side.ENTERPRISE].id, keys.enterprise, now)
    (sign_off,) = repository.sign_offs(db, meeting.id)
    assert sign_off.signed_at == now
    pdf = stored_pdf(db, meeting.id)
    assert pdf is not None
    (report,) = verify(pdf, [keys.enterprise.certificate_pem])
    assert report.signed_at is not None
    assert report.signed_at.astimezone().replace(tzinfo=None) == now
