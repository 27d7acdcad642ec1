"""The standing agenda and the draft meetings prepared from it."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.agenda import (
    TimeboxState,
    check_meeting_date,
    check_timebox,
    month_after,
    prepare_next,
    timebox_state,
)
from core.errors import ValidationError
from core.ids import seeded_ids
from core.model import AgendaItemKind, Meeting, MeetingItem, MeetingStatus, StandingAgendaItem

T = dt.datetime.fromisoformat
TODAY = dt.date(2026, 12, 28)

STANDING = [
    StandingAgendaItem("s3", "p", 30, "Operational dashboard", AgendaItemKind.DASHBOARD, 20),
    StandingAgendaItem("s1", "p", 10, "Welcome", AgendaItemKind.OPENING, 5),
    StandingAgendaItem("s9", "p", 90, "Close", AgendaItemKind.CLOSING, 5),
    StandingAgendaItem("s2", "p", 20, "Actions", AgendaItemKind.ACTION_REVIEW, 25),
]


def meeting(number: int, start: str, location: str = "Room 1") -> Meeting:
    return Meeting(
        id=f"m{number}",
        partnership_id="p",
        number=number,
        title=f"Review {number}",
        scheduled_start=T(start),
        location=location,
        facilitator_id=None,
        period="",
    )


def prepare(previous: list[Meeting], location: str = "") -> tuple[Meeting, list[MeetingItem]]:
    return prepare_next(
        "p", STANDING, previous, "fac", seeded_ids(random.Random(1)), TODAY, location
    )


@pytest.mark.parametrize("minutes", [0, -1, -30, 241, 600])
def test_check_timebox_refuses(minutes: int) -> None:
    """A timebox of no time, negative time or over four hours is refused."""
    with pytest.raises(ValidationError) as caught:
        check_timebox(minutes)
    assert caught.value.field == "timebox"
    assert str(caught.value)


@pytest.mark.parametrize("minutes", [1, 5, 239, 240])
def test_check_timebox_accepts(minutes: int) -> None:
    """A timebox from one minute to four hours is kept as given."""
    assert check_timebox(minutes) == minutes


@pytest.mark.parametrize(
    ("last", "expected", "period"),
    [
        ("2026-03-10T14:30", "2026-04-14T14:30", "2026-03"),  # 2nd Tuesday -> 2nd Tuesday
        ("2026-01-31T10:00", "2026-02-28T10:00", "2026-01"),  # last Saturday -> last Saturday
        ("2026-03-31T10:00", "2026-04-28T10:00", "2026-03"),  # 5th Tuesday -> last Tuesday
        ("2026-12-08T09:00", "2027-01-12T09:00", "2026-12"),  # across the year end
    ],
)
def test_prepare_next_a_month_after_last(last: str, expected: str, period: str) -> None:
    """The next meeting falls a month after the last, at its time, reviewing the month before."""
    previous = [meeting(2, "2025-12-01T10:00"), meeting(3, last), meeting(1, "2025-11-03T10:00")]
    new, _ = prepare(previous)
    assert new.scheduled_start == T(expected)
    assert new.period == period
    assert new.number == 4
    assert new.status is MeetingStatus.DRAFT
    assert (new.location, new.facilitator_id, new.partnership_id) == ("Room 1", "fac", "p")


def test_prepare_next_location_given_wins() -> None:
    """A location typed for the new meeting replaces the last meeting's."""
    new, _ = prepare([meeting(1, "2026-03-10T10:00")], location="Online")
    assert new.location == "Online"


def test_prepare_next_items_follow_standing_positions() -> None:
    """The meeting's items copy the standing agenda in its order, numbered from zero."""
    new, items = prepare([meeting(1, "2026-03-10T10:00")])
    assert [i.title for i in items] == ["Welcome", "Actions", "Operational dashboard", "Close"]
    assert [i.position for i in items] == [0, 1, 2, 3]
    assert [i.timebox_minutes for i in items] == [5, 25, 20, 5]
    assert items[2].kind is AgendaItemKind.DASHBOARD
    assert {i.meeting_id for i in items} == {new.id}
    assert len({new.id, *(i.id for i in items)}) == 5


def test_prepare_first_meeting_a_week_from_today() -> None:
    """With no meeting yet, the first is a week after today at 10:00, number 1."""
    new, _ = prepare([])
    assert new.scheduled_start == dt.datetime(2027, 1, 4, 10, 0)
    assert (new.number, new.period) == (1, "2026-12")


def test_prepare_next_refuses_empty_agenda() -> None:
    """A meeting cannot be prepared from an empty standing agenda."""
    with pytest.raises(ValidationError) as caught:
        prepare_next("p", [], [], None, seeded_ids(random.Random(1)), TODAY)
    assert caught.value.field == "agenda"
    assert str(caught.value)


def test_month_after_last_week_of_february() -> None:
    """A meeting in the last week of its month moves to the last such weekday of the next.

    2026-02-24 is the last Tuesday, in the last week (22-28) of February 2026; the last Tuesday
    of March 2026 is the 31st. Fails today: month_after gives the 4th Tuesday, 2026-03-24.
    """
    assert month_after(T("2026-02-24T10:00")) == T("2026-03-31T10:00")


PREVIOUS = [meeting(1, "2026-01-13T10:00"), meeting(2, "2026-02-10T10:00")]


@pytest.mark.parametrize(
    ("start", "meeting_id"),
    [
        ("2026-02-10T09:59", "new"),
        ("2026-01-01T10:00", "new"),
        ("2026-01-12T10:00", "m2"),  # moving meeting 2 before meeting 1
    ],
)
def test_check_meeting_date_refuses_before_previous(start: str, meeting_id: str) -> None:
    """A meeting cannot be dated before the meeting before it."""
    with pytest.raises(ValidationError) as caught:
        check_meeting_date(T(start), PREVIOUS, meeting_id)
    assert caught.value.field == "date"
    assert str(caught.value)


@pytest.mark.parametrize(
    ("start", "meeting_id", "previous"),
    [
        ("2026-02-10T10:00", "new", PREVIOUS),
        ("2026-03-10T10:00", "new", PREVIOUS),
        ("2026-02-01T10:00", "m2", PREVIOUS),  # meeting 2 moved, still after meeting 1
        ("2020-01-01T10:00", "new", []),
    ],
)
def test_check_meeting_date_accepts(start: str, meeting_id: str, previous: list[Meeting]) -> None:
    """A meeting on or after the one before it is accepted."""
    check_meeting_date(T(start), previous, meeting_id)


@pytest.mark.parametrize(
    ("elapsed", "state"),
    [
        (0, TimeboxState.NORMAL),
        (479, TimeboxState.NORMAL),
        (480, TimeboxState.AMBER),
        (600, TimeboxState.AMBER),
        (601, TimeboxState.RED),
    ],
)
def test_the_timer_turns_amber_at_80_percent_and_red_past_the_timebox(
    elapsed: int, state: TimeboxState
) -> None:
    """A 10-minute item: amber from 8 minutes, red once past 10."""
    assert timebox_state(elapsed, 10) is state


def test_a_timebox_of_zero_minutes_is_red_after_a_second() -> None:
    assert timebox_state(0, 0) is TimeboxState.NORMAL
    assert timebox_state(61, 0) is TimeboxState.RED


@pytest.mark.parametrize(
    ("today", "first"),
    [
        ("2026-12-06", "2026-12-14"),  # set up on a Sunday: a week on is a Sunday, so Monday
        ("2026-12-05", "2026-12-14"),  # a Saturday: the Monday after
        ("2026-12-08", "2026-12-15"),  # a Tuesday: the Tuesday after
    ],
)
def test_the_first_meeting_falls_on_a_working_day(today: str, first: str) -> None:
    """A partnership set up at the weekend does not meet at the weekend, nor do its later
    meetings, which keep the first one's weekday."""
    new, _ = prepare_next(
        "p", STANDING, [], "fac", seeded_ids(random.Random(1)), dt.date.fromisoformat(today)
    )
    assert new.scheduled_start == dt.datetime.combine(dt.date.fromisoformat(first), dt.time(10))
    assert new.scheduled_start.weekday() < 5
    following, _ = prepare_next(
        "p", STANDING, [new], "fac", seeded_ids(random.Random(2)), dt.date.fromisoformat(today)
    )
    assert following.scheduled_start.weekday() == new.scheduled_start.weekday()
