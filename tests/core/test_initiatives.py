"""core/initiatives.py: each meeting's progress checked, progress over meetings, milestones due."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.errors import LifecycleError, ValidationError
from core.initiatives import (
    check_progress,
    initiative_statuses,
    milestones_due,
    next_meeting_date,
)
from core.model import (
    Initiative,
    InitiativeProgress,
    Meeting,
    MeetingStatus,
    Milestone,
    Rag,
    Side,
)

PID = "partnership"


def _meeting(number: int, day: dt.date, status: MeetingStatus = MeetingStatus.SIGNED) -> Meeting:
    start = dt.datetime.combine(day, dt.time(10))
    return Meeting(f"m-{number}", PID, number, "Review", start, "", None, "2026-10", status)


M23 = _meeting(23, dt.date(2026, 10, 6))
M24 = _meeting(24, dt.date(2026, 11, 3))
M25 = _meeting(25, dt.date(2026, 12, 1), MeetingStatus.LIVE)
CLOUD = Initiative(
    "i-cloud",
    PID,
    "Cloud migration",
    Side.PARTNER,
    "p-1",
    dt.date(2025, 1, 1),
    dt.date(2027, 6, 30),
)
CLAIMS = Initiative(
    "i-claims", PID, "Claims rebuild", Side.ENTERPRISE, None, dt.date(2025, 6, 1),
    dt.date(2027, 3, 1),
)  # fmt: skip
LATER = Initiative(
    "i-later", PID, "Data platform", Side.ENTERPRISE, None, dt.date(2027, 1, 1),
    dt.date(2028, 1, 1),
)  # fmt: skip


def _progress(
    initiative: Initiative, meeting: Meeting, percent: int, rag: Rag
) -> InitiativeProgress:
    return InitiativeProgress(
        f"p-{initiative.id}-{meeting.id}", initiative.id, meeting.id, percent, rag
    )


@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_percent_complete_is_between_0_and_100(percent: int) -> None:
    """A percentage outside 0–100 is refused at its field."""
    with pytest.raises(ValidationError, match="between 0 and 100") as raised:
        check_progress(_progress(CLOUD, M25, percent, Rag.GREEN), M25)
    assert raised.value.field == "percent_complete"


def test_progress_comment_is_cleaned_and_bounded() -> None:
    """A comment is kept on one line and refused past 500 characters."""
    progress = dataclasses.replace(_progress(CLOUD, M25, 40, Rag.AMBER), comment=" Wave 2\n late ")
    assert check_progress(progress, M25).comment == "Wave 2 late"
    with pytest.raises(ValidationError, match="at most 500") as raised:
        check_progress(dataclasses.replace(progress, comment="x" * 501), M25)
    assert raised.value.field == "comment"


@pytest.mark.parametrize(
    ("status", "words"),
    [(MeetingStatus.SIGNED, "signed off"), (MeetingStatus.DRAFT, "not started")],
)
def test_progress_is_recorded_in_a_live_or_closed_meeting(
    status: MeetingStatus, words: str
) -> None:
    """Not before the meeting starts, not once it is signed."""
    meeting = dataclasses.replace(M25, status=status)
    with pytest.raises(LifecycleError, match=words):
        check_progress(_progress(CLOUD, meeting, 40, Rag.GREEN), meeting)
    closed = dataclasses.replace(M25, status=MeetingStatus.CLOSED)
    assert check_progress(_progress(CLOUD, closed, 40, Rag.GREEN), closed).percent_complete == 40


def test_next_meeting_is_the_next_one_held_else_a_month_on() -> None:
    """A later meeting gives the date; without one, the same weekday of the same week a
    month later (1st Tuesday of December -> 1st Tuesday of January)."""
    assert next_meeting_date(M24, [M23, M24, M25]) == M25.date
    assert next_meeting_date(M25, [M23, M24, M25]) == dt.date(2027, 1, 5)


def test_milestones_due_before_the_next_meeting_late_ones_included() -> None:
    """Open milestones due before the next meeting are listed, the late ones with their days
    late; done ones and later ones are not."""
    stones = {
        CLOUD.id: [
            Milestone("s-1", CLOUD.id, "Wave 1", dt.date(2026, 11, 20)),
            Milestone("s-2", CLOUD.id, "Wave 2", dt.date(2026, 12, 20)),
            Milestone("s-3", CLOUD.id, "Wave 3", dt.date(2027, 2, 1)),
            Milestone("s-4", CLOUD.id, "Pilot", dt.date(2026, 10, 1), dt.date(2026, 10, 3)),
        ]
    }
    due = milestones_due([CLOUD, CLAIMS], stones, M25.date, dt.date(2027, 1, 5))
    assert [(d.milestone.title, d.days_late, d.overdue) for d in due] == [
        ("Wave 1", 11, True),
        ("Wave 2", 0, False),
    ]


def test_statuses_show_this_meeting_the_last_one_and_the_history() -> None:
    """Each initiative begun by the meeting: its progress here, the last before, and its
    history up to this meeting in order, by target date; later meetings are not seen."""
    progress = {
        CLOUD.id: [
            _progress(CLOUD, M24, 50, Rag.GREEN),
            _progress(CLOUD, M23, 40, Rag.AMBER),
            _progress(CLOUD, M25, 58, Rag.GREEN),
        ],
        CLAIMS.id: [_progress(CLAIMS, M23, 20, Rag.RED)],
    }
    statuses = initiative_statuses(
        M24, [M23, M24, M25], [CLOUD, CLAIMS, LATER], progress, {"p-1": "Kenji Watanabe"}
    )
    assert [s.initiative.name for s in statuses] == ["Claims rebuild", "Cloud migration"]
    claims, cloud = statuses
    assert (claims.here, claims.previous and claims.previous.percent_complete) == (None, 20)
    assert claims.sponsor_name == "—" and claims.shown is claims.previous
    assert cloud.sponsor_name == "Kenji Watanabe"
    assert cloud.here is not None and cloud.here.percent_complete == 50
    assert cloud.change == 10
    assert cloud.history == ((23, 40, Rag.AMBER), (24, 50, Rag.GREEN))
