"""The content of a meeting as canonical JSON, and its SHA-256: what a sign-off approves."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.model import ActionReview, Attendance, Decision, Meeting, MeetingItem


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def meeting_record(
    meeting: Meeting,
    items: Sequence[MeetingItem],
    attendance: Sequence[Attendance],
    reviews: Sequence[ActionReview],
    decisions: Sequence[Decision],
) -> dict[str, Any]:
    """What a meeting recorded, as plain data in a stable order (ids sort the unordered parts)."""
    return {
        "meeting": {
            "id": meeting.id,
            "number": meeting.number,
            "revision": meeting.revision,
            "title": meeting.title,
            "scheduled_start": _plain(meeting.scheduled_start),
            "actual_start": _plain(meeting.actual_start),
            "actual_end": _plain(meeting.actual_end),
            "location": meeting.location,
            "facilitator_id": meeting.facilitator_id,
            "period": meeting.period,
            "amends_id": meeting.amends_id,
        },
        "items": [
            {
                "id": i.id,
                "position": i.position,
                "title": i.title,
                "kind": i.kind.value,
                "timebox_minutes": i.timebox_minutes,
                "actual_seconds": i.actual_seconds,
                "notes": i.notes,
            }
            for i in sorted(items, key=lambda i: i.position)
        ],
        "attendance": [
            {
                "person_id": a.person_id,
                "guest_name": a.guest_name,
                "guest_side": a.guest_side.value if a.guest_side else None,
                "status": a.status.value,
            }
            for a in sorted(attendance, key=lambda a: (a.person_id or "", a.guest_name))
        ],
        "reviews": [
            {
                "action_id": r.action_id,
                "status": r.status.value,
                "comment": r.comment,
                "new_due": _plain(r.new_due),
            }
            for r in sorted(reviews, key=lambda r: r.action_id)
        ],
        "decisions": [
            {"id": d.id, "text": d.text, "item_id": d.item_id, "agreed_by": sorted(d.agreed_by)}
            for d in sorted(decisions, key=lambda d: d.id)
        ],
    }


def canonical_json(record: dict[str, Any]) -> str:
    """One byte-exact text for the same content: sorted keys, no spaces, UTF-8 kept, and no
    NaN or infinity (which JSON cannot hold)."""
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def content_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TamperedMeeting:
    """A signed meeting whose stored content differs from what was signed, and how."""

    meeting_id: str
    number: int
    revision: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        revision = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"Meeting {self.number}{revision}"

    @property
    def message(self) -> str:
        return f"{self.label}: {'; '.join(self.reasons)}."
