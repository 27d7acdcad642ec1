"""Sending the signed minutes to both partners: file names and an e-mail draft (.eml)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from email import policy, utils
from email.headerregistry import Address
from email.message import EmailMessage

from core.errors import ValidationError
from core.model import Attendance, AttendanceStatus, Meeting, Person

# The SMTP policy (CRLF line ends). Headers may run to RFC 5322's 998 characters, so that a name
# is never folded across two encoded words (readers, Python's among them, then show a space
# inside it); attachments are encoded under the plain SMTP policy, in base64 lines of 76 as
# RFC 2045 asks (attach), and the text is wrapped at 72 (body).
DRAFT_POLICY = policy.SMTP.clone(max_line_length=998)


def body(*paragraphs: str) -> str:
    """Plain text in lines of at most 72 characters, paragraphs apart."""
    return "\n\n".join(textwrap.fill(p, 72, break_on_hyphens=False) for p in paragraphs) + "\n"


def attach(
    message: EmailMessage,
    data: bytes,
    maintype: str,
    subtype: str,
    filename: str,
    params: dict[str, str] | None = None,
) -> None:
    """Attach a file, base64 in lines of 76 characters whatever the message's header policy."""
    headers_policy = message.policy
    message.policy = policy.SMTP
    try:
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, params=params or {}
        )
    finally:
        message.policy = headers_policy


def draft_message(
    subject: str,
    recipients: Sequence[Person],
    sender: Person | None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """An unsent e-mail draft's headers: Subject, From (the sender, when they have an
    address), To, Date, a Message-ID, and X-Unsent so mail programs open it to send."""
    message = EmailMessage(policy=DRAFT_POLICY)
    message["Subject"] = subject
    if sender is not None and sender.email:
        message["From"] = Address(display_name=sender.name, addr_spec=sender.email)
    message["To"] = [Address(display_name=p.name, addr_spec=p.email) for p in recipients]
    moment = now or dt.datetime.now(dt.UTC)
    message["Date"] = utils.format_datetime(
        moment if moment.tzinfo is not None else moment.astimezone()
    )
    domain = sender.email.rpartition("@")[2] if sender is not None and sender.email else None
    message["Message-ID"] = utils.make_msgid(domain=domain or "review-facilitator.invalid")
    message["X-Unsent"] = "1"
    return message


def partnership_slug(partnership: str, fallback: str = "minutes") -> str:
    """`halden-brightline`: a partnership's name as plain ASCII words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", partnership).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or fallback


def file_stem(partnership: str, meeting: Meeting) -> str:
    """`halden-brightline-meeting-024-2026-11-03-minutes`: partnership, number and date."""
    slug = partnership_slug(partnership)
    revision = f"-rev{meeting.revision}" if meeting.revision > 1 else ""
    return f"{slug}-meeting-{meeting.number:03d}-{meeting.date.isoformat()}{revision}-minutes"


def minutes_recipients(
    people: Sequence[Person], attendance: Sequence[Attendance], owners: Iterable[str]
) -> list[Person]:
    """Who the signed minutes go to: everyone present, and the owners of the commitments
    made in the meeting who were not there (they learn of them from the minutes)."""
    present = {a.person_id for a in attendance if a.status is AttendanceStatus.PRESENT}
    told = present | set(owners)
    return [p for p in people if p.id in told]


def minutes_email(
    partnership: str,
    meeting: Meeting,
    recipients: Sequence[Person],
    pdf: bytes,
    pdf_name: str,
    sender: Person | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """An unsent e-mail draft to the attendees of both sides, the signed PDF attached."""
    addressed = [p for p in recipients if p.email]
    if not addressed:
        raise ValidationError(
            "recipients", "None of the attendees has an e-mail address to send the minutes to."
        )
    message = draft_message(
        f"{partnership}: signed minutes of meeting {meeting.number}, {meeting.date.isoformat()}",
        addressed,
        sender,
        now,
    )
    names = ", ".join(p.name for p in addressed)
    message.set_content(
        body(
            f"Dear {names},",
            f"Attached are the minutes of meeting {meeting.number} of the {partnership} "
            f"partnership review, held on {meeting.date.isoformat()}, signed off by a "
            "representative of each side.",
            "How to check them: open the PDF in a reader that shows digital signatures (Adobe "
            "Acrobat Reader, Foxit, Okular and others) and open its signature panel. Each of "
            "the two signatures should say that the document has not been modified since it "
            "was signed; the second one covers the whole file.",
            "Who signed: your reader may say it does not know the signers' certificates, "
            "since they are the partners' own, not a public authority's. Each signature box "
            "on the last page prints the start of its certificate's fingerprint (16 "
            "hexadecimal characters); compare it with the fingerprint the signatory gave you "
            "when their certificate was registered. If both match, the signature is theirs.",
            "The minutes' record (minutes.json) is attached inside the PDF; its SHA-256, "
            "printed in every page's footer, is what both signatures approve.",
        )
    )
    attach(message, pdf, "application", "pdf", pdf_name)
    return bytes(message)
