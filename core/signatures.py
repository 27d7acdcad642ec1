"""Sign the minutes PDF and check its signatures, fully offline, with self-signed certificates.

Long on purpose: everything that touches keys and cryptography is in this one module, so that
it can be reviewed as one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from asn1crypto import cms as asn1_cms
from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as crypto_pkcs12
from cryptography.x509.oid import NameOID
from pyhanko import stamp
from pyhanko.pdf_utils import content, embed, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfSigningSession
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core.errors import ReviewError

SIDES = ("enterprise", "partner")
# Today's recommendation for PBKDF2-HMAC-SHA256 (OWASP, 2023 onwards): the key and the
# integrity check of a key file each cost a guesser this many rounds.
KEY_FILE_ROUNDS = 600_000
# zxcvbn's score 3: "safely unguessable", protection from an offline attack on a slow hash.
MIN_PASSPHRASE_SCORE = 3
_MAX_NAME_LENGTH = 64  # X.509 upper bound for a common name and an organisation name
_MAX_EMAIL_LENGTH = 128
_DIGEST = "sha256"

_log = logging.getLogger(__name__)


class SigningError(ReviewError):
    """A certificate, a passphrase or a PDF does not allow signing or checking a signature."""


class _WithoutTraceback(logging.Filter):
    """Keep pyhanko's one-line warning, drop the traceback it attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


# An unknown certificate or a changed file is an expected outcome here (reported in
# SignatureReport.problems), yet pyhanko logs each as a warning with a full traceback.
for _name in ("pyhanko.sign.validation.generic_cms", "pyhanko.sign.diff_analysis.policies"):
    logging.getLogger(_name).addFilter(_WithoutTraceback())


@dataclass(frozen=True, slots=True)
class Identity:
    """A signatory's key and certificate: from a PKCS#12 file, or a token's signer.

    `side` is what the certificate says (its organisational unit), or "" when it says neither
    enterprise nor partner, as a company's or a card's certificate may: the partnership's
    register of certificates decides then.
    """

    name: str
    side: str
    organisation: str
    email: str
    fingerprint: str
    certificate_pem: bytes
    not_after: dt.datetime
    _not_before: dt.datetime = field(repr=False, compare=False)
    _signer: signers.Signer = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What offline validation found about one signature of a PDF."""

    field_name: str
    signer: str
    side: str | None
    fingerprint: str
    signed_at: dt.datetime | None
    intact: bool
    covers_whole_document: bool
    trusted: bool
    problems: tuple[str, ...]
    # When an RFC 3161 timestamp from an authority the reader trusts vouches that the signature
    # existed (PAdES B-T); None without one, or when its authority is not trusted.
    timestamped_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """The signature is intact, trusted and nothing but later signatures was added after it."""
        return self.intact and self.covers_whole_document and self.trusted and not self.problems


# --- identities -----------------------------------------------------------------------------


def _as_utc(moment: dt.datetime | None) -> dt.datetime:
    """An aware UTC datetime; a naive one is taken as UTC, None as now."""
    if moment is None:
        return dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _check_text(value: str, what: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise SigningError(f"The certificate needs a {what}.")
    if len(text) > max_length:
        raise SigningError(f"The {what} is too long for a certificate (at most {max_length}).")
    return text


def create_identity(
    name: str,
    email: str,
    side: str,
    organisation: str,
    passphrase: str,
    *,
    valid_days: int = 3650,
    now: dt.datetime | None = None,
) -> bytes:
    """A new self-signed key and certificate as passphrase-protected PKCS#12 bytes."""
    name = _check_text(name, "name", _MAX_NAME_LENGTH)
    organisation = _check_text(organisation, "organisation", _MAX_NAME_LENGTH)
    email = _check_text(email, "e-mail address", _MAX_EMAIL_LENGTH)
    if "@" not in email or not email.isascii():
        raise SigningError(f"{email!r} is not an e-mail address a certificate can hold.")
    if side not in SIDES:
        raise SigningError(f"The side must be enterprise or partner, not {side!r}.")
    problem = passphrase_problem(passphrase, (name, email, organisation, side))
    if problem:
        raise SigningError(problem)
    if valid_days < 1:
        raise SigningError("A certificate must be valid for at least one day.")

    start = _as_utc(now).replace(microsecond=0)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, side),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, email),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # an hour of slack for a validating computer whose clock runs behind
        .not_valid_before(start - dt.timedelta(hours=1))
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: pyhanko requires it of a signer
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KEY_FILE_ROUNDS)
        .key_cert_algorithm(crypto_pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode("utf-8"))
    )
    pkcs12 = crypto_pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, certificate, None, encryption
    )
    return _with_strong_mac(pkcs12, passphrase)


def passphrase_problem(passphrase: str, about_holder: Iterable[str] = ()) -> str | None:
    """Why a passphrase is too easy to guess for a key file, or None when it is strong enough.

    Judged by zxcvbn (common passwords, words, names, dates, keyboard patterns, and the
    holder's own name, e-mail and organisation), not by its length alone.
    """
    if not passphrase:
        return "Choose a passphrase to protect the key file."
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]

    hints = [word for text in about_holder for word in text.replace("@", " ").split() if word]
    judged = zxcvbn(passphrase[:72], user_inputs=hints)  # zxcvbn judges at most 72 characters
    if judged["score"] >= MIN_PASSPHRASE_SCORE:
        return None
    feedback = judged.get("feedback") or {}
    said = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    advice = " ".join(line.rstrip(".") + "." for line in said if line)
    return (
        "This passphrase is too easy to guess for a key that signs in your name. "
        + (advice or "Add a few uncommon words.")
    ).strip()


def _pkcs12_mac_key(passphrase: str, salt: bytes, rounds: int) -> bytes:
    """The MAC key of a PKCS#12 file (RFC 7292 appendix B.2, ID 3), for SHA-256."""
    size = 64  # SHA-256's block size

    def filled(data: bytes) -> bytes:  # repeated to a whole number of blocks
        length = size * -(-len(data) // size)
        return (data * (length // len(data) + 1))[:length]

    salt_block = filled(salt)
    password_block = filled(passphrase.encode("utf-16-be") + b"\0\0")
    digest = hashlib.sha256(bytes([3]) * size + salt_block + password_block).digest()
    for _ in range(rounds - 1):
        digest = hashlib.sha256(digest).digest()
    return digest


def _with_strong_mac(pkcs12: bytes, passphrase: str) -> bytes:
    """The file's integrity check recomputed at KEY_FILE_ROUNDS: cryptography fixes it at 2,048,
    which would let a guesser test passphrases against the MAC instead of the key."""
    import hmac
    import os

    pfx = asn1_pkcs12.Pfx.load(pkcs12)
    content = pfx["auth_safe"]["content"].native  # the bytes the MAC covers
    salt = os.urandom(16)
    key = _pkcs12_mac_key(passphrase, salt, KEY_FILE_ROUNDS)
    mac = hmac.new(key, content, hashlib.sha256).digest()
    pfx["mac_data"] = {
        "mac": {"digest_algorithm": {"algorithm": "sha256"}, "digest": mac},
        "mac_salt": salt,
        "iterations": KEY_FILE_ROUNDS,
    }
    return pfx.dump(force=True)


def _is_pkcs12(data: bytes) -> bool:
    """The bytes have the outer structure of a PKCS#12 file, whatever their passphrase."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return bool(pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native)
    except (ValueError, TypeError, KeyError):
        return False


def _subject_value(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = certificate.subject.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def certificate_email(certificate: x509.Certificate) -> str:
    """The e-mail address a certificate names (subject, else its alternative names), or ""."""
    address = _subject_value(certificate, NameOID.EMAIL_ADDRESS)
    if address:
        return address
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ""
    addresses = san.value.get_values_for_type(x509.RFC822Name)
    return addresses[0] if addresses else ""


def certificate_fingerprint(certificate_pem: bytes) -> str:
    """The SHA-256 of a certificate's DER form, lowercase hex: how the app recognises it."""
    return load_certificate(certificate_pem).fingerprint(hashes.SHA256()).hex()


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes, or one sentence saying it is none."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise SigningError("This is not a readable X.509 certificate (PEM or DER).") from None


def load_identity(pkcs12: bytes, passphrase: str, *, now: dt.datetime | None = None) -> Identity:
    """Open a signatory's PKCS#12 file, checking it can sign today."""
    if not _is_pkcs12(pkcs12):
        raise SigningError("This file is not a PKCS#12 certificate file (.p12 or .pfx).")
    try:
        key, certificate, extra = crypto_pkcs12.load_key_and_certificates(
            pkcs12, passphrase.encode("utf-8")
        )
    except ValueError:
        raise SigningError("The passphrase does not open this certificate file.") from None
    if key is None:  # a certificate-only file: cryptography lists its certificate as an extra
        raise SigningError("This certificate file holds no private key, so it cannot sign.")
    if certificate is None:
        raise SigningError("This certificate file holds no certificate, so it cannot sign.")
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise SigningError("This certificate file holds a kind of key the app cannot sign with.")
    public_der = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, public_der
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, public_der):
        raise SigningError("The private key in this file does not belong to its certificate.")

    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    others = SimpleCertificateStore()
    others.register_multiple(
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            certificate.public_bytes(serialization.Encoding.DER)
        ),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=others,
    )
    return _identity(certificate, signer, now)


def signer_identity(signer: signers.Signer, *, now: dt.datetime | None = None) -> Identity:
    """The identity of a signer whose key stays where it is (a PKCS#11 token's): its
    certificate is checked as a key file's is."""
    if signer.signing_cert is None:
        raise SigningError("This key has no certificate, so it cannot sign.")
    return _identity(x509.load_der_x509_certificate(signer.signing_cert.dump()), signer, now)


def _identity(
    certificate: x509.Certificate, signer: signers.Signer, now: dt.datetime | None
) -> Identity:
    """Check a certificate can sign today and says who holds it."""
    moment = _as_utc(now)
    if moment < certificate.not_valid_before_utc:
        raise SigningError(
            "This certificate is not valid before "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; check the computer's clock."
        )
    if moment > certificate.not_valid_after_utc:
        raise SigningError(
            f"This certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}; "
            "create a new one and share it with the other side."
        )
    name = _subject_value(certificate, NameOID.COMMON_NAME)
    if not name:
        raise SigningError("This certificate does not name its holder (no common name).")
    side = _subject_value(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME)
    certificate_der = certificate.public_bytes(serialization.Encoding.DER)
    return Identity(
        name=name,
        side=side if side in SIDES else "",
        organisation=_subject_value(certificate, NameOID.ORGANIZATION_NAME) or "",
        email=certificate_email(certificate),
        fingerprint=hashlib.sha256(certificate_der).hexdigest(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        not_after=certificate.not_valid_after_utc,
        _not_before=certificate.not_valid_before_utc,
        _signer=signer,
    )


# --- preparing and signing ------------------------------------------------------------------


def _open_for_update(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf))
    except Exception:  # pyhanko raises many kinds of errors for a damaged file
        raise SigningError("This file is not a readable PDF; export the minutes again.") from None


def _signature_fields(handler: IncrementalPdfFileWriter | PdfFileReader) -> dict[str, bool]:
    """Each signature field's name, and whether it is signed."""
    return {name: bool(value) for name, value, _ in fields.enumerate_sig_fields(handler)}


def _field_size(reader: PdfFileReader, field_name: str) -> tuple[float, float]:
    """The width and height of a signature field's box on its page (0 x 0 when invisible)."""
    for name, _, ref in fields.enumerate_sig_fields(reader):
        if name != field_name:
            continue
        widget = ref.get_object()
        if "/Rect" not in widget and "/Kids" in widget:
            widget = widget["/Kids"][0]
        if "/Rect" in widget:
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            return abs(x2 - x1), abs(y2 - y1)
    return 0.0, 0.0


def prepare_for_signing(
    pdf: bytes,
    record_json: bytes,
    field_names: tuple[str, ...] = SIDES,
    *,
    attachment_name: str = "minutes.json",
    boxes: Mapping[str, tuple[int, tuple[float, float, float, float]]] | None = None,
    also_attach: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """Embed the minutes' canonical JSON and create the empty signature fields, before signing.

    `boxes` places a field visibly: its name -> (0-based page, (x1, y1, x2, y2) in points).
    `also_attach` embeds more JSON files (name, data, description) the signatures cover too.
    """
    if not field_names or len(set(field_names)) != len(field_names):
        raise SigningError("The signature fields must have distinct names.")
    if any(not name or "." in name for name in field_names):
        raise SigningError("A signature field name must be non-empty and contain no dot.")
    writer = _open_for_update(pdf)
    try:
        existing = _signature_fields(writer)
    except Exception:
        raise SigningError("This file is not a readable PDF; export the minutes again.") from None
    if existing:
        raise SigningError(
            "This PDF already has signature fields; prepare the exported minutes only once."
        )
    attachments = [
        (
            attachment_name,
            record_json,
            "The minutes as canonical JSON: what the signatures approve.",
        ),
        *also_attach,
    ]
    for name, data_bytes, description in attachments:
        if _find_attachment(writer.root, name) is not None:
            raise SigningError(f"This PDF already has an attachment named {name}.")
        data = embed.EmbeddedFileObject.from_file_data(
            writer,
            data_bytes,
            compress=False,  # stays readable in the file for anyone auditing it
            mime_type="application/json",
            params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
        )
        embed.embed_file(
            writer,
            embed.FileSpec(
                file_spec_string=name,
                file_name=name,
                embedded_data=data,
                description=description,
            ),
        )
    for name in field_names:
        place = (boxes or {}).get(name)
        spec = (
            fields.SigFieldSpec(
                sig_field_name=name,
                on_page=place[0],
                box=(
                    round(place[1][0]),
                    round(place[1][1]),
                    round(place[1][2]),
                    round(place[1][3]),
                ),
            )
            if place is not None
            else fields.SigFieldSpec(sig_field_name=name)
        )
        fields.append_signature_field(writer, spec)
    # SignaturesExist | AppendOnly already: what a first signature would set, so that adding
    # it changes nothing but the field it fills (core.received compares exactly that).
    writer.root["/AcroForm"]["/SigFlags"] = generic.NumberObject(3)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class _PageFromBytes(content.PdfContent):
    """A PDF page given as bytes, placed as a form XObject (pyHanko's ImportedPdfPage reads a
    file by its name)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        page = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = "/Stamp" + uuid.uuid4().hex
        self.resources.xobject[name] = page
        x1, y1, x2, y2 = page.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def _stamp_style(
    identity: Identity, side: str, moment: dt.datetime, size: tuple[float, float]
) -> stamp.StaticStampStyle:
    """What a signature box shows: who signed, for which side, when by their own clock, and
    the start of their certificate's fingerprint, in the minutes' embedded font (any script a
    name is written in)."""
    from core.pdf.stamp import signature_stamp

    lines = [
        f"for the {side} side" if side else "signature",
        f"{moment:%Y-%m-%d %H:%M} UTC (signer's clock)",
        f"certificate {short_fingerprint(identity.fingerprint)}",
    ]
    page = signature_stamp(size[0], size[1], f"Signed by {identity.name}", lines)
    return stamp.StaticStampStyle(background=_PageFromBytes(page), border_width=0)


def short_fingerprint(fingerprint: str) -> str:
    """The first 16 hex digits of a fingerprint in groups of four, as people compare them."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4)).upper()


class _PdfSignerAt(PdfSigner):
    """A PdfSigner that claims a given signing time instead of the computer's clock."""

    def __init__(
        self,
        meta: signers.PdfSignatureMetadata,
        signer: signers.Signer,
        signed_at: dt.datetime,
        stamp_style: stamp.BaseStampStyle,
        timestamper: timestamps.TimeStamper | None = None,
    ) -> None:
        super().__init__(meta, signer, stamp_style=stamp_style, timestamper=timestamper)
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signed_at
        return session


def sign(
    pdf: bytes,
    identity: Identity,
    field_name: str,
    *,
    reason: str,
    location: str = "",
    signed_at: dt.datetime | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """Sign one empty field incrementally, so that earlier signatures stay valid.

    With a timestamp authority's URL the signature gets an RFC 3161 timestamp (PAdES B-T):
    then the signing time is the authority's word, not only the signer's clock.
    """
    moment = _as_utc(signed_at).replace(microsecond=0)  # CMS keeps whole seconds
    if moment > identity.not_after:
        raise SigningError(
            f"The certificate of {identity.name} expired on {identity.not_after:%Y-%m-%d}; "
            "create a new one and share it with the other side."
        )
    if moment < identity._not_before:
        raise SigningError(
            f"The certificate of {identity.name} is not valid before "
            f"{identity._not_before:%Y-%m-%d %H:%M} UTC; check the signing time and the clock."
        )
    if field_name in SIDES and identity.side in SIDES and field_name != identity.side:
        raise SigningError(
            f"{identity.name} signs for the {identity.side} side "
            f"and cannot sign the {field_name} field."
        )
    writer = _open_for_update(pdf)
    try:
        existing = _signature_fields(writer.prev)
    except Exception:
        raise SigningError("This file is not a readable PDF; export the minutes again.") from None
    if field_name not in existing:
        raise SigningError(
            f'This PDF has no signature field "{field_name}"; '
            "prepare the minutes for signing first."
        )
    if existing[field_name]:
        raise SigningError(f'The "{field_name}" signature is already in this PDF.')

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_DIGEST,
        reason=reason or None,
        location=location or None,
        name=identity.name,
        contact_info=identity.email or None,
        subfilter=fields.SigSeedSubFilter.PADES,  # PAdES baseline B-B (ETSI.CAdES.detached)
    )
    timestamper = timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None
    output = io.BytesIO()
    try:
        style = _stamp_style(identity, field_name, moment, _field_size(writer.prev, field_name))
        _PdfSignerAt(meta, identity._signer, moment, style, timestamper).sign_pdf(
            writer, existing_fields_only=True, output=output
        )
    except timestamps.TimestampRequestError as error:
        raise SigningError(
            f"The timestamp authority at {timestamp_url} did not answer as expected: {error}."
        ) from None
    except ValueError:
        # asn1crypto cannot parse the answer: junk, or a refusal without a token
        if timestamper is None:
            raise
        raise SigningError(
            f"The timestamp authority at {timestamp_url} answered with no timestamp "
            "(a refusal, or not a timestamp service)."
        ) from None
    return output.getvalue()


# --- checking -------------------------------------------------------------------------------


def read_pdf(pdf: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        reader.root  # noqa: B018 - resolving the catalogue proves the file can be read
    except Exception:  # pyhanko raises many kinds of errors for a damaged file
        raise SigningError("This file is not a readable PDF: it may be damaged.") from None
    return reader


def _der_header(data: bytes, pos: int, end: int) -> tuple[bool, int, int] | None:
    """Whether the DER element at pos is constructed, and where its content starts and ends.

    None when its tag or length is malformed or not in DER's one minimal form.
    """
    if end - pos < 2 or data[pos] == 0:  # tag 0 (end-of-contents) has no place in DER
        return None
    constructed = bool(data[pos] & 0x20)
    pos += 1
    if data[pos - 1] & 0x1F == 0x1F:  # high tag number, base 128
        while pos < end and data[pos] & 0x80:
            pos += 1
        pos += 1
    if pos >= end:
        return None
    first = data[pos]
    pos += 1
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or end - pos < count or data[pos] == 0:
            return None
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
        if length < 0x80:
            return None
    if end - pos < length:
        return None
    return constructed, pos, pos + length


def _der_is_canonical(data: bytes, pos: int = 0, end: int | None = None) -> bool:
    """Every DER length is minimal and each constructed element is filled exactly by its parts."""
    end = len(data) if end is None else end
    while pos < end:
        header = _der_header(data, pos, end)
        if header is None:
            return False
        constructed, content_start, content_end = header
        if constructed and not _der_is_canonical(data, content_start, content_end):
            return False
        pos = content_end
    return pos == end


def _contents_untouched(pdf: bytes, embedded: EmbeddedPdfSignature) -> bool:
    """The signature value is written exactly as signed: canonical CMS in hex, then zeros.

    The /Contents string is the one part of a file that no digest covers, and the parts of the
    CMS data outside its signed attributes are checked by no signature either: without this, a
    changed padding digit, the case of a hex letter, a DER length or a version number would go
    unnoticed.
    """
    _, end1, start2, _ = (int(n) for n in embedded.byte_range)
    raw = pdf[end1:start2]
    content = embedded.pkcs7_content
    written = content.hex().encode()
    if raw not in (b"<" + written + b">", b"<" + written.upper() + b">"):
        return False
    header = _der_header(content, 0, len(content))
    if header is None or any(content[header[2] :]):
        return False
    der = content[: header[2]]
    if not _der_is_canonical(der):
        return False
    try:
        return _consistent_signed_data(asn1_cms.ContentInfo.load(der, strict=True)["content"])
    except (ValueError, TypeError, KeyError):
        return False


def _consistent_signed_data(signed_data: asn1_cms.SignedData) -> bool:
    """The unsigned fields of the CMS data agree with its signer (RFC 5652 versions, digests)."""
    signer_infos = list(signed_data["signer_infos"])
    if len(signer_infos) != 1 or signed_data["encap_content_info"]["content_type"].native != "data":
        return False
    signer_info = signer_infos[0]
    by_key_id = signer_info["sid"].name == "subject_key_identifier"
    if signer_info["version"].native != ("v3" if by_key_id else "v1"):
        return False
    if signed_data["version"].native != ("v3" if by_key_id else "v1"):
        return False
    digest = signer_info["digest_algorithm"]
    listed = [algorithm.dump() for algorithm in signed_data["digest_algorithms"]]
    return listed == [digest.dump()] and digest["parameters"].native is None


def _later_changes_allowed(status: PdfSignatureStatus, signature_fields: set[str]) -> bool:
    """What was added after this signature is only signatures in the prepared fields."""
    diff = status.diff_result
    if not isinstance(diff, DiffResult) or status.docmdp_ok is False:
        return False
    return (
        diff.modification_level <= ModificationLevel.FORM_FILLING
        and diff.changed_form_fields <= signature_fields
    )


@dataclass(slots=True)
class _Checked:
    """One signature's findings before the last signature is known."""

    field_name: str
    revision: int
    signer: str = ""
    side: str | None = None
    fingerprint: str = ""
    signed_at: dt.datetime | None = None
    timestamped_at: dt.datetime | None = None
    intact: bool = False
    whole_file: bool = False
    later_changes_allowed: bool = False
    trusted: bool = False
    problems: list[str] = field(default_factory=list)


def _check_one(
    pdf: bytes,
    reader: PdfFileReader,
    field_name: str,
    sig_field: generic.DictionaryObject,
    context: ValidationContext,
    known: set[str],
    signature_fields: set[str],
    moment: dt.datetime,
    timestamp_context: ValidationContext,
) -> _Checked:
    checked = _Checked(field_name=field_name, revision=-1)
    damaged = f'The "{field_name}" signature is damaged and cannot be checked.'
    try:
        embedded = EmbeddedPdfSignature(reader, sig_field, field_name)
        checked.revision = embedded.signed_revision
        certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    except Exception:  # a damaged signature can fail anywhere in pyhanko or asn1crypto
        _log.debug("Cannot read the %s signature", field_name, exc_info=True)
        checked.problems.append(damaged)
        return checked
    checked.signer = _subject_value(certificate, NameOID.COMMON_NAME) or ""
    checked.side = _subject_value(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME)
    checked.fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    who = checked.signer or "the signer"
    try:
        status = validate_pdf_signature(embedded, context, ts_validation_context=timestamp_context)
    except Exception:
        _log.debug("Cannot validate the %s signature", field_name, exc_info=True)
        checked.problems.append(damaged)
        return checked

    checked.signed_at = status.signer_reported_dt
    # A timestamp establishes the time only if the reader trusts its authority. One from an
    # authority not trusted proves nothing, but is no fault of the signature: it stays B-B.
    token = status.timestamp_validity
    if token is not None and token.trusted:
        checked.timestamped_at = _as_utc(token.timestamp)
    checked.intact = status.intact and status.valid and _contents_untouched(pdf, embedded)
    if not checked.intact:
        checked.problems.append(
            f'The "{field_name}" signature does not match the file: '
            "the signed content or the signature was changed after signing."
        )
    checked.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    checked.later_changes_allowed = _later_changes_allowed(status, signature_fields)

    # Trusted: the certificate is one given, or a trusted authority (a company CA) issued it.
    validated = status.trust_problem_indic is None and status.validation_path is not None
    if checked.fingerprint not in known and not validated:
        checked.problems.append(
            f"The certificate of {who} (fingerprint {checked.fingerprint[:16]}…) "
            "is not one of the partnership's known certificates."
        )
    elif moment > certificate.not_valid_after_utc:
        checked.problems.append(
            f"The certificate of {who} expired on {certificate.not_valid_after_utc:%Y-%m-%d}."
        )
    elif moment < certificate.not_valid_before_utc:
        checked.problems.append(
            f"The certificate of {who} is not valid before "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; check the computer's clock."
        )
    elif not validated:
        indication = status.trust_problem_indic
        reason = str(indication.standard_name) if indication is not None else "NO_TRUST_PATH"
        checked.problems.append(
            f"The certificate of {who} is known but was not accepted ({reason})."
        )
    else:
        checked.trusted = True

    from dataclasses import replace

    # pyhanko's bottom line also fails a timestamp whose authority is not trusted: judge the
    # rest without the timestamps, which are judged on their own (a broken one is a problem).
    without_timestamps = replace(status, timestamp_validity=None, content_timestamp_validity=None)
    if checked.intact and checked.trusted and not without_timestamps.bottom_line:
        checked.problems.append(f'The "{field_name}" signature breaks a rule of the document.')
    tokens = (token, status.content_timestamp_validity)
    if any(t is not None and not (t.intact and t.valid) for t in tokens):
        checked.problems.append(
            f'The timestamp of the "{field_name}" signature does not match it: '
            "it was made for other data, or changed."
        )
    return checked


def _signature_dictionaries(reader: PdfFileReader) -> set[tuple[int, int]]:
    """Every object of every revision that is a signature dictionary, found without the form."""
    found = set()
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            obj = reader.get_object(ref, revision=revision)
            if isinstance(obj, generic.DictionaryObject) and "/ByteRange" in obj:
                found.add((ref.idnum, ref.generation))
    return found


def verify(
    pdf: bytes,
    known_certificates: Iterable[bytes] = (),
    *,
    now: dt.datetime | None = None,
    timestamp_authorities: Iterable[bytes] = (),
) -> list[SignatureReport]:
    """Validate every signature offline, the known certificates (PEM) being the trust roots.

    A signature's timestamp establishes when it was made only if it chains to one of the
    `timestamp_authorities` (PEM or DER certificates of authorities the reader trusts).
    """
    moment = _as_utc(now)
    authorities = [load_certificate(data) for data in timestamp_authorities]
    timestamp_context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in authorities
        ],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )
    roots = [load_certificate(data) for data in known_certificates]
    known = {c.fingerprint(hashes.SHA256()).hex() for c in roots}
    context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots
        ],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )
    reader = read_pdf(pdf)
    try:
        filled = [
            (name, value, sig_field)
            for name, value, sig_field in fields.enumerate_sig_fields(reader)
            if value
        ]
        signature_fields = set(_signature_fields(reader))
        in_file = _signature_dictionaries(reader)
    except Exception:  # pyhanko raises many kinds of errors for a damaged file
        raise SigningError(
            "This file is not a readable PDF: its signature fields are damaged."
        ) from None
    attached = {
        (value.reference.idnum, value.reference.generation)
        for _, value, _ in filled
        if isinstance(value, generic.IndirectObject)
    }
    if not in_file <= attached:
        # e.g. a changed byte in a reference hides a signature from the form
        raise SigningError(
            "This file holds a signature that belongs to no signature field: "
            "it is damaged or was altered."
        )
    signed = [(name, sig_field) for name, _, sig_field in filled]

    checked = [
        _check_one(
            pdf,
            reader,
            name,
            sig_field,
            context,
            known,
            signature_fields,
            moment,
            timestamp_context,
        )
        for name, sig_field in signed
    ]
    checked.sort(key=lambda c: c.revision)
    reports = []
    for position, c in enumerate(checked):
        last = position == len(checked) - 1
        covers = c.whole_file if last else c.later_changes_allowed
        problems = list(c.problems)
        if not covers and c.revision >= 0:
            problems.append(
                f'The file was changed after the "{c.field_name}" signature was added.'
                if last
                else f'After the "{c.field_name}" signature the file was changed by more '
                "than further signatures."
            )
        reports.append(
            SignatureReport(
                field_name=c.field_name,
                signer=c.signer,
                side=c.side,
                fingerprint=c.fingerprint,
                signed_at=c.signed_at,
                intact=c.intact,
                covers_whole_document=covers,
                trusted=c.trusted,
                problems=tuple(problems),
                timestamped_at=c.timestamped_at,
            )
        )
    return reports


# --- the attached record --------------------------------------------------------------------


def _find_attachment(root: generic.DictionaryObject, name: str) -> generic.DictionaryObject | None:
    """The file specification named name in the document's embedded files, if any."""
    try:
        pending = [root["/Names"]["/EmbeddedFiles"]]
    except KeyError:
        return None
    while pending:
        node = pending.pop()
        # pyhanko's containers resolve references on [] only, not on .get() or iteration
        names = node["/Names"] if "/Names" in node else generic.ArrayObject()
        for index in range(0, len(names) - 1, 2):
            if str(names[index]) == name:
                spec = names[index + 1]
                return spec if isinstance(spec, generic.DictionaryObject) else None
        kids = node["/Kids"] if "/Kids" in node else generic.ArrayObject()
        pending.extend(kids[index] for index in range(len(kids)))
    return None


def embedded_record(pdf: bytes, attachment_name: str = "minutes.json") -> bytes | None:
    """The minutes' JSON attached to the PDF, or None when there is none."""
    reader = read_pdf(pdf)
    try:
        spec = _find_attachment(reader.root, attachment_name)
        if spec is None:
            return None
        files = spec["/EF"]
        stream = files["/UF"] if "/UF" in files else files["/F"]
        return bytes(stream.data)
    except Exception:  # a damaged attachment can fail anywhere in the reader
        raise SigningError(f"The attached {attachment_name} in this PDF is damaged.") from None
