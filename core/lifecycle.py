"""The life of a meeting: draft -> live -> closed -> signed, and what each step needs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from core.errors import LifecycleError
from core.model import Meeting, MeetingStatus, Side, SignOff


def start(meeting: Meeting, now: dt.datetime, *, move_to_today: bool = False) -> Meeting:
    """Start a draft meeting: it becomes live and its clock starts. Held on another day than
    planned, it can move to today (its planned time kept), so that the minutes, the reviews
    and the actions raised in it all carry the one date it was held on."""
    if meeting.status is not MeetingStatus.DRAFT:
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: only a draft can start."
        )
    planned = meeting.scheduled_start
    if move_to_today:
        planned = dt.datetime.combine(now.date(), planned.time())
    return dataclasses.replace(
        meeting, status=MeetingStatus.LIVE, actual_start=now, scheduled_start=planned
    )


def held_on_another_day(meeting: Meeting, today: dt.date) -> bool:
    """A draft about to start on another day than the one it was planned for."""
    return meeting.status is MeetingStatus.DRAFT and meeting.scheduled_start.date() != today


def close(meeting: Meeting, now: dt.datetime) -> Meeting:
    """End a live meeting: its end time is recorded; it stays editable until signed."""
    if meeting.status is not MeetingStatus.LIVE:
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: only a live meeting can end."
        )
    if meeting.actual_start is not None and now < meeting.actual_start:
        raise LifecycleError("A meeting cannot end before it started.")
    return dataclasses.replace(meeting, status=MeetingStatus.CLOSED, actual_end=now)


def is_editable(meeting: Meeting) -> bool:
    """Draft, live and closed meetings can be edited; a signed one only through an amendment."""
    return meeting.status is not MeetingStatus.SIGNED


def sign(meeting: Meeting, sign_offs: Iterable[SignOff], content_hash: str) -> Meeting:
    """Freeze a closed meeting once one representative of each side approved the same content."""
    if meeting.status is not MeetingStatus.CLOSED:
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: only a closed meeting can be signed."
        )
    by_side: dict[Side, SignOff] = {}
    for sign_off in sign_offs:
        if sign_off.meeting_id != meeting.id:
            continue
        if sign_off.content_hash != content_hash:
            raise LifecycleError(
                "A sign-off approved other minutes than these: the minutes changed after it."
            )
        by_side[sign_off.side] = sign_off
    missing = [side.label for side in Side if side not in by_side]
    if missing:
        raise LifecycleError(f"The minutes still need the sign-off of: {', '.join(missing)}.")
    return dataclasses.replace(meeting, status=MeetingStatus.SIGNED, content_hash=content_hash)


def next_meeting(meetings: Iterable[Meeting]) -> Meeting | None:
    """The meeting to work on next, of a partnership's meetings in their order: a live one,
    else the earliest draft, else a closed one (its minutes to sign); None when all are signed."""
    listed = list(meetings)
    for status in (MeetingStatus.LIVE, MeetingStatus.DRAFT, MeetingStatus.CLOSED):
        found = next((m for m in listed if m.status is status), None)
        if found is not None:
            return found
    return None


def next_draft(meetings: Sequence[Meeting]) -> Meeting | None:
    """The earliest prepared (draft) meeting: the one whose pre-read goes out next."""
    drafts = [m for m in meetings if m.status is MeetingStatus.DRAFT]
    return min(drafts, key=lambda m: (m.scheduled_start, m.number), default=None)
