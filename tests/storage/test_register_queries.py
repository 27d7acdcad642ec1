"""The action review's question, asked of any meeting: what was open when it began?"""

from __future__ import annotations

from sqlite_utils import Database

from core.model import MeetingStatus
from core.register import ActionFilter
from storage import register, repository


def test_an_old_meeting_shows_what_it_reviewed(demo_db: Database) -> None:
    """For a signed meeting, the actions open when it began are exactly those it reviewed
    (the demo reviews every open action at every meeting)."""
    pid = repository.partnerships(demo_db)[0].id
    signed = [m for m in repository.meetings(demo_db, pid) if m.status is MeetingStatus.SIGNED]
    for meeting in (signed[5], signed[12], signed[-1]):
        rows = register.action_rows(
            demo_db, pid, ActionFilter(open_at_meeting_id=meeting.id), review_meeting_id=meeting.id
        )
        reviewed = {r.action_id for r in repository.reviews_in_meeting(demo_db, meeting.id)}
        assert {r.action.id for r in rows} == reviewed
        assert all(r.review_here is not None for r in rows)
