"""The demo as a partner's CIO would read it: no commitment twice in one meeting, somebody
kept informed on each commitment, every decision citable by a reference of its own."""

from __future__ import annotations

from collections import Counter

from sqlite_utils import Database

from core.model import RaciRole
from storage import repository
from storage.minutes import minutes_source


def test_no_meeting_of_the_demo_makes_the_same_commitment_twice(demo_read: Database) -> None:
    rows = demo_read.execute(
        "SELECT raised_in_id, title FROM action WHERE raised_in_id IS NOT NULL"
    ).fetchall()
    twice = [key for key, n in Counter(rows).items() if n > 1]
    assert rows and twice == []


def test_every_demo_commitment_has_someone_of_the_other_side_informed(
    demo_read: Database,
) -> None:
    people = {p.id: p for pid in _pids(demo_read) for p in repository.people(demo_read, pid)}
    for pid in _pids(demo_read):
        for action in repository.actions(demo_read, pid):
            if action.raised_in_id is None:
                continue
            informed = [
                people[r.person_id]
                for r in repository.raci(demo_read, action.id)
                if r.role is RaciRole.INFORMED
            ]
            assert informed, action.title
            assert all(p.side is action.side.other for p in informed)


def test_decision_references_are_unique_across_the_demo(demo_read: Database) -> None:
    from core.minutes import build_minutes

    seen: list[str] = []
    for pid in _pids(demo_read):
        for meeting in repository.meetings(demo_read, pid):
            if meeting.status.value not in ("closed", "signed") or meeting.amends_id:
                continue
            minutes = build_minutes(minutes_source(demo_read, meeting.id))
            seen += [d.reference for d in minutes.decisions]
    assert seen and len(seen) == len(set(seen))


def _pids(db: Database) -> list[str]:
    return [p.id for p in repository.partnerships(db)]
