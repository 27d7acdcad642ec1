"""Noticing a file edited below SQLite: signed meetings whose rows no longer match their hashes.

Triggers refuse any SQL that would change a signed meeting (storage/migrations.py), but bytes
changed in the file itself pass no trigger. Each signed meeting keeps the SHA-256 of its
frozen rows (`record_hash`, computed with `core.record` when it was signed) and of its signed
PDF (`minutes_sha256`); this module recomputes both and names the meetings that differ.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlite_utils import Database

from core import record
from core.model import ActionReview, Attendance, Decision, Meeting, MeetingItem
from core.record import TamperedMeeting
from storage.repository import TABLES
from storage.rows import row_reader

T = TypeVar("T")

ROWS_CHANGED = "its recorded content no longer matches the hash it was signed with"
PDF_CHANGED = "its stored signed PDF is not the file that was signed"
SIGN_OFF_CHANGED = "a sign-off approves other content than the meeting's"


def _signed_rows(db: Database, cls: type[T], order_by: str) -> dict[str, list[T]]:
    """Rows of `cls` belonging to signed meetings, by meeting id, in one query."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    cursor = db.execute(
        f"SELECT {', '.join(names)} FROM {TABLES[cls]} "
        "WHERE meeting_id IN (SELECT id FROM meeting WHERE status = 'signed') "
        f"ORDER BY {order_by}"
    )
    read: Callable[[Sequence[Any]], T] = row_reader(cls, names)
    found: dict[str, list[T]] = defaultdict(list)
    for row in cursor:
        value = read(row)
        found[getattr(value, "meeting_id")].append(value)  # noqa: B009
    return found


def tampered_meetings(db: Database) -> list[TamperedMeeting]:
    """Signed meetings whose rows, stored PDF or sign-offs differ from what was signed.

    Only signed meetings are read (a handful of queries, whatever their number); a meeting
    signed without a row hash or a PDF hash (an older import) is checked for what it has.
    """
    names = [f.name for f in dataclasses.fields(Meeting)]
    cursor = db.execute(
        f"SELECT {', '.join(names)} FROM meeting WHERE status = 'signed' "
        "ORDER BY scheduled_start, revision"
    )
    read = row_reader(Meeting, names)
    meetings = [read(row) for row in cursor]
    if not meetings:
        return []
    items = _signed_rows(db, MeetingItem, "position")
    attendance = _signed_rows(db, Attendance, "rowid")
    reviews = _signed_rows(db, ActionReview, "rowid")
    decisions = _signed_rows(db, Decision, "rowid")
    pdf_hashes = {
        meeting_id: hashlib.sha256(pdf).hexdigest()
        for meeting_id, pdf in db.execute(
            "SELECT id, minutes_pdf FROM meeting "
            "WHERE status = 'signed' AND minutes_pdf IS NOT NULL"
        )
    }
    approved: dict[str, set[str]] = defaultdict(set)
    for meeting_id, digest in db.execute(
        "SELECT meeting_id, content_hash FROM sign_off "
        "WHERE meeting_id IN (SELECT id FROM meeting WHERE status = 'signed')"
    ):
        approved[meeting_id].add(digest)
    found: list[TamperedMeeting] = []
    for meeting in meetings:
        reasons: list[str] = []
        if meeting.record_hash is not None:
            digest = record.content_hash(
                record.meeting_record(
                    meeting,
                    items.get(meeting.id, []),
                    attendance.get(meeting.id, []),
                    reviews.get(meeting.id, []),
                    decisions.get(meeting.id, []),
                )
            )
            if digest != meeting.record_hash:
                reasons.append(ROWS_CHANGED)
        if meeting.minutes_sha256 is not None and pdf_hashes.get(meeting.id) != (
            meeting.minutes_sha256
        ):
            reasons.append(PDF_CHANGED)
        if approved.get(meeting.id, set()) - {meeting.content_hash}:
            reasons.append(SIGN_OFF_CHANGED)
        if reasons:
            found.append(
                TamperedMeeting(meeting.id, meeting.number, meeting.revision, tuple(reasons))
            )
    return found
