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


def test_decision_references_are_unique_in_each_partnership(demo_read: Database) -> None:
    from core.minutes import build_minutes

    for pid in _pids(demo_read):
        seen: list[str] = []
        for meeting in repository.meetings(demo_read, pid):
            if meeting.status.value not in ("closed", "signed") or meeting.amends_id:
                continue
            minutes = build_minutes(minutes_source(demo_read, meeting.id))
            seen += [d.reference for d in minutes.decisions]
        assert seen and len(seen) == len(set(seen))


def test_the_demo_is_a_portfolio_of_partnerships_of_different_sizes_and_health(
    demo_read: Database,
) -> None:
    import datetime as dt

    from storage.portfolio import portfolio

    rows = portfolio(demo_read, dt.date(2026, 11, 23))
    assert len(rows) >= 3
    assert len({r.meetings_held for r in rows}) == len(rows)  # different sizes
    red = [r.red_kpis for r in rows]
    assert min(red) < max(red)  # different health
    enterprise = {r.parties[next(iter(r.parties))] for r in rows}
    assert len(enterprise) == 1  # one enterprise, its partners


def _pids(db: Database) -> list[str]:
    return [p.id for p in repository.partnerships(db)]
