"""A meeting held on a demo database, for the tests of its minutes and their sign-off."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from core import lifecycle
from core.ids import new_id
from core.model import Attendance, AttendanceStatus, Meeting, MeetingStatus, Person, Side
from storage import repository


def held_meeting(db: Database, absent: Person | None = None) -> tuple[Meeting, dict[Side, Person]]:
    """The demo's draft meeting, held and closed: two people of each side present (one absent
    if asked); the first present person of each side, who signs for it."""
    partnership_id = repository.partnerships(db)[0].id
    meeting = next(
        m for m in repository.meetings(db, partnership_id) if m.status is MeetingStatus.DRAFT
    )
    people = repository.people(db, meeting.partnership_id)
    chosen = {side: [p for p in people if p.side is side][:2] for side in Side}
    for side_people in chosen.values():
        for person in side_people:
            status = AttendanceStatus.ABSENT if person == absent else AttendanceStatus.PRESENT
            repository.set_attendance(db, Attendance(new_id(), meeting.id, status, person.id))
    live = lifecycle.start(meeting, dt.datetime(2026, 12, 1, 10))
    repository.update_meeting(db, live)
    closed = lifecycle.close(live, dt.datetime(2026, 12, 1, 11, 30))
    repository.update_meeting(db, closed)
    return closed, {side: chosen[side][0] for side in Side}
