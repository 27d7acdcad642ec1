"""Checking a minutes PDF with nothing but the file (and, if given, the partnership's record).

For each signature: who signed, for which side, when (their own claim, and the time a trusted
timestamp authority vouches for, if the signature carries its timestamp),
whether the signed bytes are intact and cover the whole document, and whether the certificate
is one the partnership knows. Then the attached JSON: its SHA-256 must be the content hash
printed in the footer and, with the database, the one the meeting's sign-offs approved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.errors import ReviewError
from core.signatures import SIDES, SignatureReport, SigningError, embedded_record, verify

_HASH = re.compile(r"\b[0-9a-f]{64}\b")


@dataclass(frozen=True)
class RecordInDatabase:
    """What the database holds about the minutes a PDF claims to be."""

    meeting_label: str
    content_hash: str
    minutes_sha256: str | None  # of the stored signed PDF, when there is one
    # How the meeting's stored record differs from what was signed (the file was edited below
    # SQLite: storage/integrity.py); empty when it matches.
    tampered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verification:
    """Everything `verify` found; `ok` only if every check held."""

    signatures: list[SignatureReport]
    content_hash: str | None  # SHA-256 of the attached JSON
    footer_hash: str | None
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def footer_hashes(pdf: bytes) -> set[str]:
    """Every 64-hex-digit hash printed in the PDF's text (the footer and sign-off block)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as error:  # a damaged file can fail pypdf in any of its many ways
        raise ReviewError(f"The PDF's text cannot be read ({error}).") from None
    return set(_HASH.findall(text.replace("\u00ad", "")))


def verify_minutes(
    pdf: bytes,
    known_certificates: Iterable[bytes] | None = None,
    in_database: RecordInDatabase | None = None,
    database_checked: bool = False,
    timestamp_authorities: Iterable[bytes] = (),
) -> Verification:
    """Check signatures and hashes against `known_certificates` (the partnership's registered
    certificates, or certificates and authorities the reader trusts). None means none was
    given: the signatures can be intact, but who signed is not established, and that fails."""
    try:
        reports = verify(pdf, known_certificates or (), timestamp_authorities=timestamp_authorities)
    except SigningError as error:
        return Verification([], None, None, [error.message])
    failures: list[str] = []
    notes: list[str] = []
    if not reports:
        failures.append("The PDF carries no signature.")
    else:
        # Both sides sign the minutes; a file cut back to an earlier revision is valid as far
        # as it goes, so a missing side is a failure in itself.
        signed = {r.field_name for r in reports}
        for side in SIDES:
            if side not in signed:
                failures.append(
                    f"The {side} side's signature is missing: these minutes are not signed "
                    "by both sides (or the file was cut back to an earlier revision)."
                )
    for report in reports:
        for problem in report.problems:
            if known_certificates is None and not report.trusted and _about_trust(problem):
                continue
            failures.append(f"Signature {report.field_name!r} ({report.signer}): {problem}")
        if not report.intact and not report.problems:
            failures.append(f"Signature {report.field_name!r}: the signed bytes were changed.")
        if not report.covers_whole_document and not report.problems:
            failures.append(
                f"Signature {report.field_name!r}: the file was changed after it was signed."
            )
    if known_certificates is None and reports:
        failures.append(
            "The signatures were checked, but who signed is not established: nothing here "
            "says these certificates are the partners'. Give --db FILE (the partnership's "
            "registered certificates) or --trust CERT (a signatory's certificate, or the "
            "certificate of the company authority that issued theirs), and compare the "
            "fingerprints above with those the partners gave you."
        )
    record = embedded_record(pdf)
    digest = hashlib.sha256(record).hexdigest() if record is not None else None
    footer = None
    if digest is None:
        failures.append("The minutes' JSON is not attached to the PDF.")
    else:
        try:
            printed: set[str] | None = footer_hashes(pdf)
        except ReviewError as error:
            printed = None
            failures.append(error.message)
        footer = digest if printed and digest in printed else None
        if printed is not None and digest not in printed:
            failures.append(
                "The attached JSON's SHA-256 is not the content hash printed in the minutes."
            )
    if database_checked:
        if in_database is None:
            failures.append("No meeting in the database has these minutes (content hash unknown).")
        else:
            if digest is not None and in_database.content_hash != digest:
                failures.append(
                    f"{in_database.meeting_label}: the database's content hash differs "
                    "from the PDF's."
                )
            if in_database.tampered:
                failures.append(
                    f"{in_database.meeting_label} is TAMPERED in the database: "
                    f"{'; '.join(in_database.tampered)}."
                )
            whole = hashlib.sha256(pdf).hexdigest()
            if in_database.minutes_sha256 is not None and in_database.minutes_sha256 != whole:
                failures.append(
                    f"{in_database.meeting_label}: this file is not byte for byte the signed PDF "
                    "kept in the database."
                )
    return Verification(reports, digest, footer, failures, notes)


def _about_trust(problem: str) -> bool:
    """Whether a problem only says the certificate is not the partnership's (or not accepted)."""
    lowered = problem.lower()
    return "known" in lowered or "trust" in lowered


def describe(report: SignatureReport) -> str:
    """One line about one signature, for the command line: the signer's claimed time, and the
    time a trusted timestamp authority vouches for when the signature has one."""
    when = (_utc_minute(report.signed_at) if report.signed_at else "no time") + " (signer's claim)"
    if report.timestamped_at is not None:
        when += f", timestamped at {_utc_minute(report.timestamped_at)} by a timestamp authority"
    state = "intact" if report.intact else "ALTERED"
    cover = (
        "covers the whole document"
        if report.covers_whole_document
        else "does NOT cover the whole document"
    )
    trust = "known certificate" if report.trusted else "certificate not known to the partnership"
    side = report.side or "unknown side"
    return (
        f"{report.field_name}: signed by {report.signer} ({side}) at {when}; "
        f"{state}, {cover}, {trust}; certificate SHA-256 {report.fingerprint}"
    )


def _utc_minute(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
