"""A signed copy coming back: what the other side's signature adds to the minutes sent to it.

The minutes go out for signature as a PDF with empty signature fields. The other side signs
one field on its own machine, with this app, pyHanko or any PDF reader that signs PAdES, and
sends the file back. It is accepted only if it is exactly the file sent, plus one new
signature in one field and nothing else: no page, text or form changed, and nothing added
after the signature. Who the signer is, and whether they may sign for that side, is the
partnership's register's to say (storage.sign_off).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import EmbeddedPdfSignature

from core.errors import ValidationError
from core.model import Side
from core.signatures import (
    Identity,
    SignatureReport,
    SigningError,
    certificate_email,
    certificate_fingerprint,
    read_pdf,
    short_fingerprint,
    sign,
    verify,
)

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReturnedSignature:
    """The one signature a returned file adds, and the certificate it was made with."""

    field_name: str
    report: SignatureReport
    certificate_pem: bytes
    signer_email: str


class UnknownCertificate(ValidationError):
    """A signature made with a certificate the partnership has not registered."""

    def __init__(self, side: Side, signer: str, certificate: bytes) -> None:
        self.side = side
        self.signer = signer
        self.certificate = certificate
        self.fingerprint = certificate_fingerprint(certificate)
        super().__init__(
            "certificate",
            f"The certificate of {signer or 'the signer'} (fingerprint "
            f"{short_fingerprint(self.fingerprint)}…) is not registered for this partnership's "
            f"{side.value} side: register it once its holder has confirmed this fingerprint "
            "to you.",
        )


def _signed_fields(reader: PdfFileReader) -> dict[str, object]:
    try:
        return {
            name: sig_field
            for name, value, sig_field in fields.enumerate_sig_fields(reader)
            if value
        }
    except Exception:
        raise SigningError("This file's signature fields are damaged.") from None


def _signed_revision(reader: PdfFileReader, name: str, sig_field: object) -> int:
    """The revision a signature was added in (-1 when it cannot be read)."""
    try:
        return EmbeddedPdfSignature(reader, sig_field, name).signed_revision  # type: ignore[arg-type]
    except Exception:
        return -1


def signer_certificates(pdf: bytes) -> dict[str, bytes]:
    """Each signed field's signer certificate (PEM), as the file carries it: for showing a
    fingerprint to confirm before registering it, never for trusting it."""
    reader = read_pdf(pdf)
    found = {}
    for name, sig_field in _signed_fields(reader).items():
        try:
            embedded = EmbeddedPdfSignature(reader, sig_field, name)  # type: ignore[arg-type]
            certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        except Exception:
            _log.debug("Cannot read the %s signature's certificate", name, exc_info=True)
            continue
        found[name] = certificate.public_bytes(serialization.Encoding.PEM)
    return found


def added_signature(
    sent: bytes,
    returned: bytes,
    known_by_field: Mapping[str, Iterable[bytes]] | None = None,
    *,
    now: dt.datetime | None = None,
) -> ReturnedSignature:
    """Check that `returned` is `sent` plus exactly one signature, and nothing else.

    `known_by_field` gives, for a field, the certificates (or authorities) the new
    signature's `trusted` is judged against: a side's signature by that side's register.
    Refusals are SigningErrors naming the reason: another document, no new signature, more
    than one, changes besides the signature, changes after it, a broken signature.
    """
    if not returned.startswith(sent):
        raise SigningError(
            "This is not the document sent for signature: its first bytes differ from the "
            "minutes sent (another document, or a copy saved again rather than signed)."
        )
    if len(returned) == len(sent):
        raise SigningError("This file carries no new signature: it is the document as sent.")
    before = _signed_fields(read_pdf(sent))
    reader = read_pdf(returned)
    after = _signed_fields(reader)
    added = sorted(set(after) - set(before))
    if not added:
        raise SigningError("This file carries no new signature, only later changes.")
    if len(added) > 1:
        raise SigningError(
            f"This file adds {len(added)} signatures ({', '.join(added)}): one side signs "
            "its own field only."
        )
    field_name = added[0]

    sent_revisions = read_pdf(sent).xrefs.total_revisions
    if reader.xrefs.total_revisions != sent_revisions + 1:
        # A signer adds one revision, the signature; anything in a revision of its own, before
        # or after it, is a change to the minutes sent (even one pyHanko deems harmless).
        if (
            _signed_revision(reader, field_name, after[field_name])
            < reader.xrefs.total_revisions - 1
        ):
            raise SigningError(
                f'The file was changed after the "{field_name}" signature was added: only the '
                "signature may be added to the minutes sent."
            )
        raise SigningError(
            f'Besides the "{field_name}" signature, this file changes the minutes sent '
            "(an update of its own before the signature): it is refused."
        )
    try:
        diff = DEFAULT_DIFF_POLICY.review_file(
            reader, base_revision=sent_revisions - 1, doc_mdp=MDPPerm.FILL_FORMS
        )
    except Exception:
        _log.debug("Cannot compare the returned file with the one sent", exc_info=True)
        diff = None
    if (
        not isinstance(diff, DiffResult)
        or diff.modification_level > ModificationLevel.FORM_FILLING
        or not diff.changed_form_fields <= {field_name}
    ):
        raise SigningError(
            f'Besides the "{field_name}" signature, this file changes the minutes sent '
            "(pages, text, form or annotations): it is refused."
        )

    known = list((known_by_field or {}).get(field_name, ()))
    reports = {r.field_name: r for r in verify(returned, known, now=now)}
    report = reports.get(field_name)
    if report is None or not report.intact:
        raise SigningError(
            f'The "{field_name}" signature does not match the file: it is damaged or was '
            "changed after signing."
        )
    if not report.covers_whole_document:
        raise SigningError(
            f'The file was changed after the "{field_name}" signature was added: only the '
            "signature may be added to the minutes sent."
        )
    pem = signer_certificates(returned).get(field_name)
    if pem is None:
        raise SigningError(f'The "{field_name}" signature carries no readable certificate.')
    certificate = x509.load_pem_x509_certificate(pem)
    return ReturnedSignature(field_name, report, pem, certificate_email(certificate))


@dataclass(frozen=True, slots=True)
class DocumentToSign:
    """What a minutes PDF says it is, for the signer to see before signing."""

    partnership: str
    number: int
    title: str
    date: str
    content_hash: str
    empty_fields: tuple[str, ...]
    signed_fields: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"the minutes of meeting {self.number}, {self.title} ({self.date}), "
            f"of {self.partnership}"
        )


def document_to_sign(pdf: bytes) -> DocumentToSign:
    """Read what a minutes PDF carries: its attached record and its signature fields."""
    import hashlib
    import json

    from core.signatures import embedded_record

    if not pdf.startswith(b"%PDF"):
        raise SigningError("This file is not a PDF.")
    attached = embedded_record(pdf)
    if attached is None:
        raise SigningError(
            "This PDF carries no minutes (no attached minutes.json): only minutes sent for "
            "signature by this app are signed here."
        )
    try:
        header = json.loads(attached)["header"]
        number, title, date = int(header["number"]), str(header["title"]), str(header["date"])
        partnership = str(header["partnership"])
    except (ValueError, KeyError, TypeError):
        raise SigningError("The minutes attached to this PDF are not readable.") from None
    reader = read_pdf(pdf)
    try:
        states = {name: bool(value) for name, value, _ in fields.enumerate_sig_fields(reader)}
    except Exception:
        raise SigningError("This file's signature fields are damaged.") from None
    return DocumentToSign(
        partnership,
        number,
        title,
        date,
        hashlib.sha256(attached).hexdigest(),
        tuple(name for name, signed in states.items() if not signed),
        tuple(name for name, signed in states.items() if signed),
    )


def sign_document(
    pdf: bytes,
    identity: Identity,
    field: str = "",
    *,
    now: dt.datetime,
    timestamp_url: str | None = None,
) -> tuple[bytes, DocumentToSign, str]:
    """Sign minutes sent for signature in the signer's side's field (or `field`), on their own
    computer: the signed PDF, what it is, and the field signed."""
    document = document_to_sign(pdf)
    if not document.empty_fields:
        raise SigningError("This PDF has no signature left to add: every field is signed.")
    side = field or identity.side
    if not side:
        raise SigningError("The certificate does not say its holder's side: choose the field.")
    if side not in document.empty_fields:
        state = "already signed" if side in document.signed_fields else "not in this PDF"
        raise SigningError(f"The {side} signature is {state}.")
    signed = sign(
        pdf,
        identity,
        side,
        reason=f"Approves the minutes of meeting {document.number} "
        f"(SHA-256 {document.content_hash})",
        signed_at=now,
        timestamp_url=timestamp_url,
    )
    return signed, document, side
