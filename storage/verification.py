"""What a database knows of a minutes PDF, for `verify --db`: the partnership's registered
certificates, and the signed meeting whose content the PDF carries, with what the file's own
integrity check says of that meeting. The judgement itself is core.verification's."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlite_utils import Database

from core.signatures import embedded_record
from core.verification import RecordInDatabase, Verification, verify_minutes
from storage.integrity import tampered_meetings
from storage.minutes import known_certificates, meeting_with_content_hash


def record_of(db: Database, pdf: bytes) -> RecordInDatabase | None:
    """The signed meeting whose minutes JSON the PDF carries, as the database keeps it; None
    when the PDF carries none, or the database holds no meeting with that content."""
    attached = embedded_record(pdf) if pdf.startswith(b"%PDF") else None
    if attached is None:
        return None
    meeting = meeting_with_content_hash(db, hashlib.sha256(attached).hexdigest())
    if meeting is None:
        return None
    tampered = {t.meeting_id: t for t in tampered_meetings(db)}.get(meeting.id)
    return RecordInDatabase(
        f"Meeting {meeting.number} (revision {meeting.revision})",
        meeting.content_hash or "",
        meeting.minutes_sha256,
        tampered=tampered.reasons if tampered is not None else (),
    )


def verify_against(
    db: Database,
    pdf: bytes,
    trusted: Sequence[bytes] = (),
    timestamp_authorities: Sequence[bytes] = (),
) -> Verification:
    """Check a minutes PDF's signatures and hashes against what the database keeps (and any
    certificate or authority the reader trusts besides)."""
    known = [*known_certificates(db), *trusted]
    return verify_minutes(
        pdf,
        known,
        record_of(db, pdf),
        database_checked=True,
        timestamp_authorities=timestamp_authorities,
    )
