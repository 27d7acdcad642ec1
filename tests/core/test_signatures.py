"""Signing the minutes PDF offline: identities, two incremental signatures, tamper detection."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from core.errors import ReviewError
from core.signatures import (
    KEY_FILE_ROUNDS,
    Identity,
    SignatureReport,
    SigningError,
    certificate_fingerprint,
    create_identity,
    embedded_record,
    load_identity,
    passphrase_problem,
    prepare_for_signing,
    sign,
    verify,
)
from tests.core.one_page import minutes_pdf

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
ENTERPRISE_PASSPHRASE = "correct horse"
PARTNER_PASSPHRASE = "battery staple"
STRONG = "long enough lantern walk"
RECORD = json.dumps(
    {"meeting": {"number": 12, "title": "Monthly review"}, "decisions": ["Renew the contract"]},
    sort_keys=True,
    separators=(",", ":"),
).encode("utf-8")


@pytest.fixture(scope="module")
def enterprise_p12() -> bytes:
    return create_identity(
        "Alice Martin",
        "alice@enterprise.example",
        "enterprise",
        "Enterprise Ltd",
        ENTERPRISE_PASSPHRASE,
    )


@pytest.fixture(scope="module")
def enterprise(enterprise_p12: bytes) -> Identity:
    return load_identity(enterprise_p12, ENTERPRISE_PASSPHRASE)


@pytest.fixture(scope="module")
def partner() -> Identity:
    data = create_identity(
        "Bob Okafor", "bob@partner.example", "partner", "Partner plc", PARTNER_PASSPHRASE
    )
    return load_identity(data, PARTNER_PASSPHRASE)


@pytest.fixture(scope="module")
def prepared() -> bytes:
    return prepare_for_signing(minutes_pdf(), RECORD)


@pytest.fixture(scope="module")
def signed_once(prepared: bytes, enterprise: Identity) -> bytes:
    return sign(prepared, enterprise, "enterprise", reason="Approved", signed_at=NOW)


@pytest.fixture(scope="module")
def signed_twice(signed_once: bytes, partner: Identity) -> bytes:
    return sign(signed_once, partner, "partner", reason="Approved", location="Leeds")


@pytest.fixture(scope="module")
def both_known(enterprise: Identity, partner: Identity) -> tuple[bytes, bytes]:
    return enterprise.certificate_pem, partner.certificate_pem


# --- identities -----------------------------------------------------------------------------


def test_created_identity_loads_with_the_details_it_was_made_with(enterprise: Identity) -> None:
    assert enterprise.name == "Alice Martin"
    assert enterprise.side == "enterprise"
    assert enterprise.organisation == "Enterprise Ltd"
    assert enterprise.email == "alice@enterprise.example"
    assert enterprise.fingerprint == certificate_fingerprint(enterprise.certificate_pem)
    assert re.fullmatch(r"[0-9a-f]{64}", enterprise.fingerprint)
    assert enterprise.not_after - NOW > dt.timedelta(days=3640)
    certificate = x509.load_pem_x509_certificate(enterprise.certificate_pem)
    assert certificate.public_bytes(serialization.Encoding.PEM) == enterprise.certificate_pem


def test_identity_repr_shows_no_key_material(enterprise: Identity) -> None:
    """The private signer stays out of repr and of equality."""
    assert "signer" not in repr(enterprise).lower()
    assert "PRIVATE" not in repr(enterprise)


def test_the_same_file_loads_as_an_equal_identity(
    enterprise_p12: bytes, enterprise: Identity
) -> None:
    assert load_identity(enterprise_p12, ENTERPRISE_PASSPHRASE) == enterprise


@pytest.mark.parametrize(
    "passphrase",
    ["", "short", "12345678", "password", "Password1!", "qwertyuiop", "Lindqvist2026"],
)
def test_a_guessable_passphrase_is_refused_with_advice(passphrase: str) -> None:
    """Judged by strength, not length: common passwords, keyboard rows and the holder's own
    name with a year are all refused, and nothing is created."""
    with pytest.raises(SigningError, match="passphrase") as refused:
        create_identity("Stefan Lindqvist", "s@example.org", "partner", "P", passphrase)
    assert "\n" not in refused.value.message


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    assert passphrase_problem("velvet harbour quietly sixteen") is None


def test_a_key_file_costs_600000_rounds_for_its_key_and_its_integrity_check(
    enterprise_p12: bytes, tmp_path: Path
) -> None:
    """Both the encryption and the MAC use today's recommended rounds; OpenSSL (a reader we
    did not write) opens the file with the right passphrase and refuses a wrong one."""
    from asn1crypto import pkcs12

    pfx = pkcs12.Pfx.load(enterprise_p12)
    assert pfx["mac_data"]["iterations"].native == KEY_FILE_ROUNDS >= 600_000
    assert pfx["mac_data"]["mac"]["digest_algorithm"]["algorithm"].native == "sha256"
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    path = tmp_path / "key.p12"
    path.write_bytes(enterprise_p12)
    shown = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-in", str(path),
         "-passin", f"pass:{ENTERPRISE_PASSPHRASE}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "MAC: sha256, Iteration 600000" in shown.stdout + shown.stderr
    assert (shown.stdout + shown.stderr).count("Iteration 600000, PRF hmacWithSHA256") == 2
    wrong = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-in", str(path), "-passin", "pass:wrong"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert wrong.returncode != 0


@pytest.mark.parametrize(
    ("name", "email", "side", "organisation", "message"),
    [
        ("", "a@example.org", "partner", "P", "needs a name"),
        ("A", "a@example.org", "vendor", "P", "enterprise or partner"),
        ("A", "not an address", "partner", "P", "not an e-mail address"),
        ("A" * 65, "a@example.org", "partner", "P", "too long"),
        ("A", "a@example.org", "partner", " ", "needs a organisation"),
    ],
)
def test_an_unusable_detail_is_refused_in_words(
    name: str, email: str, side: str, organisation: str, message: str
) -> None:
    with pytest.raises(SigningError, match=message):
        create_identity(name, email, side, organisation, STRONG)


def test_a_wrong_passphrase_says_so(enterprise_p12: bytes) -> None:
    with pytest.raises(SigningError) as caught:
        load_identity(enterprise_p12, "not the passphrase")
    assert str(caught.value) == "The passphrase does not open this certificate file."
    assert isinstance(caught.value, ReviewError)


@pytest.mark.parametrize("data", [b"", b"hello", minutes_pdf(), b"\x30\x03\x02\x01\x03"])
def test_bytes_that_are_not_pkcs12_are_named_as_such(data: bytes) -> None:
    with pytest.raises(SigningError, match="is not a PKCS#12 certificate file"):
        load_identity(data, "whatever passphrase")


def test_an_expired_certificate_is_refused_with_its_date() -> None:
    data = create_identity(
        "Old",
        "old@example.org",
        "partner",
        "P",
        STRONG,
        valid_days=2,
        now=dt.datetime(2020, 3, 1, 12, 0, tzinfo=dt.UTC),
    )
    with pytest.raises(SigningError, match="expired on 2020-03-03"):
        load_identity(data, STRONG)
    assert load_identity(data, STRONG, now=dt.datetime(2020, 3, 2, tzinfo=dt.UTC))


def test_a_not_yet_valid_certificate_is_refused_with_its_date() -> None:
    later = NOW + dt.timedelta(days=30)
    data = create_identity("Soon", "soon@example.org", "partner", "P", STRONG, now=later)
    with pytest.raises(
        SigningError, match=f"not valid before {later - dt.timedelta(hours=1):%Y-%m-%d}"
    ):
        load_identity(data, STRONG)


def test_a_file_without_a_private_key_cannot_sign(enterprise: Identity) -> None:
    certificate = x509.load_pem_x509_certificate(enterprise.certificate_pem)
    data = pkcs12.serialize_key_and_certificates(
        b"cert only",
        None,
        certificate,
        None,
        serialization.BestAvailableEncryption(STRONG.encode()),
    )
    with pytest.raises(SigningError, match="no private key"):
        load_identity(data, STRONG)


def test_a_damaged_known_certificate_is_reported() -> None:
    with pytest.raises(SigningError, match=r"not a readable X\.509 certificate"):
        certificate_fingerprint(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


# --- preparing and signing ------------------------------------------------------------------


def test_the_record_is_attached_before_signing_and_read_back_identically(
    prepared: bytes, signed_twice: bytes
) -> None:
    assert embedded_record(prepared) == RECORD
    assert embedded_record(signed_twice) == RECORD
    attachments = PdfReader(io.BytesIO(signed_twice)).attachments
    assert list(attachments) == ["minutes.json"]
    assert attachments["minutes.json"] == [RECORD]


def test_a_pdf_without_the_attachment_has_no_record() -> None:
    assert embedded_record(minutes_pdf()) is None
    assert embedded_record(minutes_pdf(), "other.json") is None


def test_both_fields_exist_and_are_empty_before_the_first_signature(prepared: bytes) -> None:
    fields = PdfReader(io.BytesIO(prepared)).get_fields() or {}
    assert {name: field.get("/V") for name, field in fields.items()} == {
        "enterprise": None,
        "partner": None,
    }
    assert verify(prepared) == []


def test_preparing_twice_is_refused(prepared: bytes) -> None:
    with pytest.raises(SigningError, match="already has signature fields"):
        prepare_for_signing(prepared, RECORD)


def test_an_unknown_field_is_refused(prepared: bytes, enterprise: Identity) -> None:
    with pytest.raises(SigningError, match='no signature field "witness"'):
        sign(prepared, enterprise, "witness", reason="Approved")


def test_an_unprepared_pdf_cannot_be_signed(enterprise: Identity) -> None:
    with pytest.raises(SigningError, match="prepare the minutes for signing first"):
        sign(minutes_pdf(), enterprise, "enterprise", reason="Approved")


def test_a_field_cannot_be_signed_twice(signed_twice: bytes, enterprise: Identity) -> None:
    with pytest.raises(SigningError, match='"enterprise" signature is already in this PDF'):
        sign(signed_twice, enterprise, "enterprise", reason="Approved")


def test_a_signatory_cannot_sign_the_other_sides_field(prepared: bytes, partner: Identity) -> None:
    with pytest.raises(SigningError, match="signs for the partner side"):
        sign(prepared, partner, "enterprise", reason="Approved")


def test_signing_something_that_is_not_a_pdf_says_so(enterprise: Identity) -> None:
    with pytest.raises(SigningError, match="not a readable PDF"):
        sign(b"%PDF-1.7 but nothing else", enterprise, "enterprise", reason="Approved")


def test_signing_is_incremental(signed_once: bytes, signed_twice: bytes, prepared: bytes) -> None:
    """Each signature appends to the bytes before it, so earlier signatures keep their range."""
    assert signed_once.startswith(prepared)
    assert signed_twice.startswith(signed_once)


# --- verifying ------------------------------------------------------------------------------


def test_both_signatures_are_intact_and_trusted_when_both_certificates_are_known(
    signed_twice: bytes,
    enterprise: Identity,
    partner: Identity,
    both_known: tuple[bytes, bytes],
) -> None:
    reports = verify(signed_twice, both_known)
    assert [r.field_name for r in reports] == ["enterprise", "partner"]
    assert all(r.ok for r in reports), reports
    first, second = reports
    assert (first.signer, first.side, first.fingerprint) == (
        "Alice Martin",
        "enterprise",
        enterprise.fingerprint,
    )
    assert (second.signer, second.side, second.fingerprint) == (
        "Bob Okafor",
        "partner",
        partner.fingerprint,
    )
    assert first.signed_at == NOW
    assert second.signed_at is not None
    assert abs(second.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_the_first_signature_covers_the_whole_file_before_the_second(
    signed_once: bytes, enterprise: Identity
) -> None:
    [report] = verify(signed_once, [enterprise.certificate_pem])
    assert report.ok
    assert report.covers_whole_document


def test_an_unknown_certificate_is_not_trusted(signed_twice: bytes, enterprise: Identity) -> None:
    first, second = verify(signed_twice, [enterprise.certificate_pem])
    assert first.ok
    assert second.intact and second.covers_whole_document
    assert not second.trusted and not second.ok
    assert second.problems == (
        f"The certificate of Bob Okafor (fingerprint {second.fingerprint[:16]}…) "
        "is not one of the partnership's known certificates.",
    )


def test_without_known_certificates_nothing_is_trusted(signed_twice: bytes) -> None:
    reports = verify(signed_twice)
    assert [r.trusted for r in reports] == [False, False]
    assert [r.intact for r in reports] == [True, True]


def test_a_certificate_expired_at_verification_is_not_trusted(
    signed_twice: bytes, enterprise: Identity, both_known: tuple[bytes, bytes]
) -> None:
    later = enterprise.not_after + dt.timedelta(days=1)
    first, _ = verify(signed_twice, both_known, now=later)
    assert not first.trusted
    assert f"expired on {enterprise.not_after:%Y-%m-%d}" in " ".join(first.problems)


def test_visible_boxes_keep_both_signatures_valid(
    enterprise: Identity, partner: Identity, both_known: tuple[bytes, bytes]
) -> None:
    """The second signature's appearance in its box is an allowed change for the first."""
    boxes = {"enterprise": (0, (72.0, 72.0, 272.0, 132.0)), "partner": (0, (320, 72, 520, 132))}
    pdf = prepare_for_signing(minutes_pdf(), RECORD, boxes=boxes)
    pdf = sign(pdf, enterprise, "enterprise", reason="Approved")
    pdf = sign(pdf, partner, "partner", reason="Approved")
    reports = verify(pdf, both_known)
    assert [r.ok for r in reports] == [True, True], reports
    rects = [
        [round(float(v)) for v in annotation.get_object()["/Rect"]]
        for annotation in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]
    ]
    assert rects == [[72, 72, 272, 132], [320, 72, 520, 132]]


def test_a_change_appended_after_the_signatures_is_reported(
    signed_twice: bytes, both_known: tuple[bytes, bytes]
) -> None:
    """An incremental update that is not a signature leaves every signature short of the file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice))
    writer.root["/Lang"] = pdf_string("fr")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    reports = verify(output.getvalue(), both_known)
    assert [r.intact for r in reports] == [True, True]
    assert [r.covers_whole_document for r in reports] == [False, False]
    assert 'The file was changed after the "partner" signature was added.' in reports[1].problems


def test_bytes_appended_after_the_end_are_reported(
    signed_twice: bytes, both_known: tuple[bytes, bytes]
) -> None:
    reports = verify(signed_twice + b"\n", both_known)
    assert not reports[-1].covers_whole_document
    assert not all(r.ok for r in reports)


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.4\n%%EOF\n"])
def test_an_unreadable_file_gives_a_signing_error(data: bytes) -> None:
    with pytest.raises(SigningError, match="not a readable PDF"):
        verify(data)


def _caught(pdf: bytes, known: tuple[bytes, bytes]) -> bool:
    try:
        reports = verify(pdf, known)
    except SigningError:
        return True
    return not reports or not all(r.ok for r in reports)


def _positions_to_flip(pdf: bytes) -> set[int]:
    """200 seeded random positions, plus every part of the file known to be delicate."""
    chosen = set(random.Random(20261123).sample(range(len(pdf)), 200))
    chosen |= set(range(0, 16))  # header
    start = pdf.index(RECORD)
    chosen |= set(range(start, start + len(RECORD), 7))  # the attached JSON
    for match in re.finditer(rb"/Contents <([0-9A-Fa-f]+)>", pdf):
        hex_start, hex_end = match.span(1)
        padding = len(match.group(1)) - len(match.group(1).rstrip(b"0"))
        chosen |= {hex_start, hex_start + 60, hex_end - padding - 1}
        # CMS fields no signature covers: DER lengths, SignedData version, digest algorithm and
        # its NULL parameters, encapsulated content type (offsets in hex digits)
        chosen |= {hex_start + k for k in (5, 7, 35, 37, 43, 45, 51, 81, 83, 85, 109, 111)}
        chosen |= {hex_end - padding, hex_end - 1, hex_end}  # the zero padding and the ">"
    for match in re.finditer(rb"/ByteRange \[[^\]]+\]", pdf):
        chosen |= set(range(match.start(), match.end(), 3))
    chosen |= set(range(len(pdf) - 120, len(pdf), 3))  # last xref, trailer, startxref, %%EOF
    return chosen


def test_a_single_flipped_byte_anywhere_is_caught(
    signed_twice: bytes, both_known: tuple[bytes, bytes]
) -> None:
    assert _caught(signed_twice, both_known) is False
    missed = []
    for position in sorted(_positions_to_flip(signed_twice)):
        damaged = bytearray(signed_twice)
        damaged[position] ^= 0x01
        if not _caught(bytes(damaged), both_known):
            missed.append(position)
    assert [(p, signed_twice[p - 24 : p + 24]) for p in missed] == []


def test_a_changed_letter_case_in_the_signature_value_is_caught(
    signed_twice: bytes, both_known: tuple[bytes, bytes]
) -> None:
    """Hex digits decode the same in either case, yet the file is not the one that was signed."""
    match = list(re.finditer(rb"/Contents <([0-9A-Fa-f]+)>", signed_twice))[-1]
    letter = next(i for i in range(*match.span(1)) if chr(signed_twice[i]) in "abcdefABCDEF")
    damaged = bytearray(signed_twice)
    damaged[letter] ^= 0x20
    assert _caught(bytes(damaged), both_known)


def test_report_ok_needs_every_check() -> None:
    good = SignatureReport("enterprise", "A", "enterprise", "ab", None, True, True, True, ())
    assert good.ok
    assert not SignatureReport("e", "A", None, "ab", None, True, True, True, ("x",)).ok
    assert not SignatureReport("e", "A", None, "ab", None, False, True, True, ()).ok
    assert not SignatureReport("e", "A", None, "ab", None, True, False, True, ()).ok
    assert not SignatureReport("e", "A", None, "ab", None, True, True, False, ()).ok


# --- a company authority ---------------------------------------------------------------------


def _issued_by_a_company_ca(side: str, name: str) -> tuple[bytes, bytes, bytes]:
    """A company CA, and a signatory's PKCS#12 file issued by it (the CA inside as its chain):
    (the CA's certificate PEM, the PKCS#12 bytes, an unrelated CA's certificate PEM)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.certificates import issue, new_key, subject

    def authority(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = new_key()
        certificate = issue(
            subject(common_name),
            key,
            start=NOW,
            days=3650,
            slack=dt.timedelta(days=1),
            authority=True,
            key_ids=True,
        )
        return key, certificate

    ca_key, ca = authority("Partner plc Signing CA")
    _, other = authority("Someone Else CA")
    key = new_key()
    leaf = issue(
        subject(name, side=side, organisation="Partner plc"),
        key,
        start=NOW,
        days=365,
        slack=dt.timedelta(hours=1),
        issuer_name=ca.subject,
        issuer_key=ca_key,
        key_ids=True,
    )
    p12 = pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        leaf,
        [ca],
        serialization.BestAvailableEncryption(STRONG.encode()),
    )
    pem = serialization.Encoding.PEM
    return ca.public_bytes(pem), p12, other.public_bytes(pem)


def test_a_signature_by_a_certificate_a_trusted_company_ca_issued_is_trusted(
    signed_once: bytes, enterprise: Identity
) -> None:
    """Trust the partner's company CA instead of each signatory's certificate: a signature by
    a certificate it issued is trusted; with another CA, or none, it is not."""
    ca_pem, p12, other_ca = _issued_by_a_company_ca("partner", "Carla Ruiz")
    signed = sign(signed_once, load_identity(p12, STRONG), "partner", reason="Approved")
    first, second = verify(signed, [enterprise.certificate_pem, ca_pem])
    assert first.ok and second.ok, second.problems
    assert second.signer == "Carla Ruiz" and second.fingerprint != certificate_fingerprint(ca_pem)
    _, untrusted = verify(signed, [enterprise.certificate_pem, other_ca])
    assert not untrusted.trusted
    assert "is not one of the partnership's known certificates" in untrusted.problems[0]


def test_the_signatures_are_pades_and_poppler_agrees(signed_twice: bytes, tmp_path: Path) -> None:
    """Both signatures are PAdES baseline (SubFilter ETSI.CAdES.detached), and poppler's
    pdfsig, a validator we did not write, finds both valid and covering what they should."""
    import shutil
    import subprocess

    reader = PdfReader(io.BytesIO(signed_twice))
    subfilters = {
        str(field.get("/V", {}).get("/SubFilter"))
        for field in reader.get_fields().values()
        if field.get("/FT") == "/Sig"
    }
    assert subfilters == {"/ETSI.CAdES.detached"}
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("poppler's pdfsig is not installed (.ci/run installs poppler-utils)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_twice)
    text = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, check=False).stdout
    assert text.count("Signature Type: ETSI.CAdES.detached") == 2, text
    assert text.count("Signature Validation: Signature is Valid.") == 2, text
