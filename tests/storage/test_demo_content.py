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


def test_a_certificate_registered_in_one_partnership_is_refused_in_another_in_words(
    demo_db: Database,
) -> None:
    """The same enterprise signatory is a person of each partnership of the portfolio; their
    certificate registers in one, and a second registration says where it is and what to do,
    changing nothing (it used to fail on the table's key)."""
    import datetime as dt

    import pytest

    from core.errors import ValidationError
    from storage.sign_off import register_certificate
    from tests.certificates import identity

    first, second = repository.partnerships(demo_db)[1:3]
    signer = next(p for p in repository.people(demo_db, first.id) if p.side.value == "enterprise")
    twin = next(p for p in repository.people(demo_db, second.id) if p.name == signer.name)
    key = identity(
        signer.name, "x@example.org", "enterprise", start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    register_certificate(demo_db, signer.id, key.certificate_pem, dt.datetime(2026, 12, 1))
    rows = demo_db.execute("SELECT count(*) FROM signatory_certificate").fetchone()[0]
    with pytest.raises(ValidationError) as refused:
        register_certificate(demo_db, twin.id, key.certificate_pem, dt.datetime(2026, 12, 1))
    assert f"registered for {signer.name} in the partnership {first.name}" in refused.value.message
    assert "--authority" in refused.value.message
    assert demo_db.execute("SELECT count(*) FROM signatory_certificate").fetchone()[0] == rows
