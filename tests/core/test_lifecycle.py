"""The life of a meeting: draft -> live -> closed -> signed, and what each step needs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from core.errors import LifecycleError
from core.lifecycle import close, is_editable, next_draft, next_meeting, sign, start
from core.model import Meeting, MeetingStatus, Side, SignOff

NOW = dt.datetime(2026, 3, 10, 10, 0)
HASH = "sha256:minutes-v1"


def meeting(
    status: MeetingStatus = MeetingStatus.DRAFT, started: dt.datetime | None = None
) -> Meeting:
    return Meeting(
        id="m1",
        partnership_id="p",
        number=7,
        title="Partnership review March 2026",
        scheduled_start=NOW,
        location="Room 1",
        facilitator_id=None,
        period="2026-02",
        status=status,
        actual_start=started,
    )


def sign_off(side: Side, content_hash: str = HASH, meeting_id: str = "m1") -> SignOff:
    return SignOff(
        id=f"s-{side}-{meeting_id}",
        meeting_id=meeting_id,
        person_id=f"rep-{side}",
        side=side,
        signed_at=NOW + dt.timedelta(hours=2),
        content_hash=content_hash,
    )


BOTH = [sign_off(Side.ENTERPRISE), sign_off(Side.PARTNER)]


def test_full_lifecycle() -> None:
    """A draft starts, closes and is signed, recording start, end and the signed content hash."""
    live = start(meeting(), NOW)
    assert (live.status, live.actual_start) == (MeetingStatus.LIVE, NOW)
    closed = close(live, NOW + dt.timedelta(minutes=95))
    assert (closed.status, closed.actual_end) == (
        MeetingStatus.CLOSED,
        NOW + dt.timedelta(minutes=95),
    )
    signed = sign(closed, BOTH, HASH)
    assert (signed.status, signed.content_hash) == (MeetingStatus.SIGNED, HASH)


Step = Callable[[Meeting], Meeting]
STEPS: dict[str, Step] = {
    "start": lambda m: start(m, NOW),
    "close": lambda m: close(m, NOW),
    "sign": lambda m: sign(m, BOTH, HASH),
}


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (MeetingStatus.LIVE, "start"),
        (MeetingStatus.CLOSED, "start"),
        (MeetingStatus.SIGNED, "start"),
        (MeetingStatus.DRAFT, "close"),
        (MeetingStatus.CLOSED, "close"),
        (MeetingStatus.SIGNED, "close"),
        (MeetingStatus.DRAFT, "sign"),
        (MeetingStatus.LIVE, "sign"),
        (MeetingStatus.SIGNED, "sign"),
    ],
)
def test_wrong_transition_refused(status: MeetingStatus, step: str) -> None:
    """A meeting cannot skip or repeat a step of its life."""
    with pytest.raises(LifecycleError) as caught:
        STEPS[step](meeting(status))
    assert str(caught.value)


def test_cannot_end_before_start() -> None:
    """A live meeting cannot be given an end time before its start."""
    with pytest.raises(LifecycleError):
        close(meeting(MeetingStatus.LIVE, started=NOW), NOW - dt.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("sign_offs", "missing"),
    [
        ([], "Enterprise, Partner"),
        ([sign_off(Side.ENTERPRISE)], "Partner"),
        ([sign_off(Side.PARTNER)], "Enterprise"),
        ([sign_off(Side.PARTNER), sign_off(Side.PARTNER)], "Enterprise"),
        ([sign_off(Side.ENTERPRISE), sign_off(Side.PARTNER, meeting_id="m0")], "Partner"),
    ],
)
def test_sign_needs_both_sides(sign_offs: list[SignOff], missing: str) -> None:
    """Signing needs a sign-off of this meeting from each side, and names the missing sides."""
    with pytest.raises(LifecycleError, match=missing):
        sign(meeting(MeetingStatus.CLOSED), sign_offs, HASH)


def test_sign_needs_matching_content_hash() -> None:
    """A sign-off over other content than the minutes being signed is refused."""
    stale = [sign_off(Side.ENTERPRISE, "sha256:minutes-v0"), sign_off(Side.PARTNER)]
    with pytest.raises(LifecycleError, match="changed"):
        sign(meeting(MeetingStatus.CLOSED), stale, HASH)


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (MeetingStatus.DRAFT, True),
        (MeetingStatus.LIVE, True),
        (MeetingStatus.CLOSED, True),
        (MeetingStatus.SIGNED, False),
    ],
)
def test_is_editable(status: MeetingStatus, editable: bool) -> None:
    """Only a signed meeting is frozen."""
    assert is_editable(meeting(status)) is editable


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["signed", "signed", "live", "draft"], 2),
        (["signed", "closed", "draft", "draft"], 2),
        (["signed", "closed", "signed"], 1),
        (["signed", "signed"], None),
        ([], None),
    ],
)
def test_the_next_meeting_is_the_live_one_else_the_earliest_draft_else_a_closed_one(
    statuses: list[str], expected: int | None
) -> None:
    """What the home page opens: the meeting in progress, else the first one prepared, else
    the one whose minutes wait to be signed."""
    meetings = [
        dataclasses.replace(meeting(MeetingStatus(status)), id=f"m{i}", number=i)
        for i, status in enumerate(statuses)
    ]
    found = next_meeting(meetings)
    assert (found.number if found else None) == expected


def test_the_next_draft_is_the_earliest_prepared_meeting_whatever_else_is_going_on() -> None:
    """The pre-read goes out for the first draft, even while another meeting is live."""
    statuses = ["signed", "live", "draft", "draft"]
    meetings = [
        dataclasses.replace(
            meeting(MeetingStatus(status)),
            id=f"m{i}",
            number=i,
            scheduled_start=NOW + dt.timedelta(days=30 * i),
        )
        for i, status in enumerate(statuses)
    ]
    found = next_draft(list(reversed(meetings)))
    assert found is not None and found.number == 2
    assert next_draft(meetings[:2]) is None


def test_a_meeting_started_early_can_move_to_the_day_it_is_held() -> None:
    """Moved, its planned date becomes the day it starts (time kept); not moved, it keeps
    its planned date; held_on_another_day says when to ask."""
    import dataclasses as dc
    import datetime as dt_

    from core import lifecycle
    from core.model import Meeting, MeetingStatus

    planned = dt_.datetime(2026, 12, 8, 10, 0)
    draft = Meeting(
        id="m", partnership_id="p", number=25, title="December", scheduled_start=planned,
        location="", facilitator_id=None, period="2026-11", status=MeetingStatus.DRAFT,
    )  # fmt: skip
    now = dt_.datetime(2026, 12, 6, 9, 58)
    assert lifecycle.held_on_another_day(draft, now.date())
    assert not lifecycle.held_on_another_day(draft, planned.date())
    moved = lifecycle.start(draft, now, move_to_today=True)
    assert moved.scheduled_start == dt_.datetime(2026, 12, 6, 10, 0)
    assert (moved.status, moved.actual_start) == (MeetingStatus.LIVE, now)
    kept = lifecycle.start(draft, now)
    assert kept.scheduled_start == planned
    assert not lifecycle.held_on_another_day(
        dc.replace(draft, status=MeetingStatus.LIVE), now.date()
    )
