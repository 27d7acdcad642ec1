"""Sending the signed minutes to both partners: file names and an e-mail draft (.eml)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage

from core.errors import ValidationError
from core.model import Meeting, Person

# Long header lines (RFC 5322 allows 998) keep each name in one encoded word: some readers add a
# space where a name was folded across two.
_POLICY = policy.default.clone(max_line_length=998)


def partnership_slug(partnership: str, fallback: str = "minutes") -> str:
    """`halden-brightline`: a partnership's name as plain ASCII words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", partnership).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or fallback


def file_stem(partnership: str, meeting: Meeting) -> str:
    """`halden-brightline-meeting-024-2026-11-03-minutes`: partnership, number and date."""
    slug = partnership_slug(partnership)
    revision = f"-rev{meeting.revision}" if meeting.revision > 1 else ""
    return f"{slug}-meeting-{meeting.number:03d}-{meeting.date.isoformat()}{revision}-minutes"


def minutes_email(
    partnership: str,
    meeting: Meeting,
    recipients: Sequence[Person],
    pdf: bytes,
    pdf_name: str,
    sender: Person | None = None,
) -> bytes:
    """An unsent e-mail draft to the attendees of both sides, the signed PDF attached."""
    addressed = [p for p in recipients if p.email]
    if not addressed:
        raise ValidationError(
            "recipients", "None of the attendees has an e-mail address to send the minutes to."
        )
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = (
        f"{partnership}: signed minutes of meeting {meeting.number}, {meeting.date.isoformat()}"
    )
    message["To"] = [Address(display_name=p.name, addr_spec=p.email) for p in addressed]
    if sender is not None and sender.email:
        message["From"] = Address(display_name=sender.name, addr_spec=sender.email)
    message["X-Unsent"] = "1"  # mail programs open it as a draft to send
    names = ", ".join(p.name for p in addressed)
    message.set_content(
        f"Dear {names},\n\n"
        f"Attached are the minutes of meeting {meeting.number} of the {partnership} "
        f"partnership review, held on {meeting.date.isoformat()}, signed off by a "
        "representative of each side.\n\n"
        "The PDF carries both digital signatures and its machine-readable record. Any PDF "
        "reader shows the signatures; to establish who signed, compare each signer's "
        "certificate fingerprint with the certificates the partners exchanged (the app's "
        "`verify --trust CERT` does so).\n"
    )
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return bytes(message)
