"""core/preread.py: who is invited and by whom, which meeting counts as the last one, the
invitation's identity across sends, and what a pre-read is refused for. The files themselves
are read back on the demo in tests/storage/test_preread.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.errors import LifecycleError, ValidationError
from core.model import Meeting, MeetingStatus, Person, Side
from core.preread import (
    addressed,
    check_can_send,
    event_uid,
    organiser,
    preread_stem,
    previous_meeting,
)

START = dt.datetime(2026, 12, 8, 10, 0)


def meeting(
    number: int = 25, status: MeetingStatus = MeetingStatus.DRAFT, **changes: object
) -> Meeting:
    made = Meeting(
        id=f"m{number}",
        partnership_id="p",
        number=number,
        title="Partnership review",
        scheduled_start=START + dt.timedelta(days=28 * (number - 25)),
        location="Room 1",
        facilitator_id="f",
        period="2026-11",
        status=status,
    )
    return dataclasses.replace(made, **changes)


def person(id: str, side: Side, email: str = "") -> Person:
    return Person(id=id, partnership_id="p", side=side, name=f"Person {id}", email=email)


def test_the_facilitator_organises_else_the_first_of_the_enterprise_with_an_address() -> None:
    """The invitation comes from the enterprise: its facilitator if they have an e-mail."""
    people = [
        person("a", Side.ENTERPRISE),
        person("b", Side.ENTERPRISE, "b@e.example"),
        person("f", Side.ENTERPRISE, "f@e.example"),
        person("p", Side.PARTNER, "p@p.example"),
    ]
    assert organiser(meeting(), people).id == "f"
    assert organiser(meeting(facilitator_id="a"), people).id == "b"
    assert organiser(meeting(facilitator_id="p"), people).id == "b"  # not the partner's
    with pytest.raises(ValidationError, match="No one of the enterprise has an e-mail"):
        organiser(meeting(), [person("p", Side.PARTNER, "p@p.example")])


def test_everyone_with_an_address_is_invited_the_enterprise_first() -> None:
    people = [
        person("p", Side.PARTNER, "p@p.example"),
        person("x", Side.PARTNER),
        person("e", Side.ENTERPRISE, "e@e.example"),
    ]
    assert [p.id for p in addressed(people)] == ["e", "p"]


def test_the_last_meeting_is_the_newest_held_before_this_one() -> None:
    """Ended or signed, before this one, its newest revision; never a draft or this one."""
    draft = meeting(25)
    signed = meeting(24, MeetingStatus.SIGNED)
    amended = dataclasses.replace(signed, id="m24r2", revision=2, amends_id="m24")
    older = meeting(23, MeetingStatus.SIGNED)
    later = meeting(26)
    found = previous_meeting(draft, [older, signed, amended, draft, later])
    assert found is not None and found.id == "m24r2"
    assert previous_meeting(meeting(23), [meeting(22, MeetingStatus.LIVE)]) is None


@pytest.mark.parametrize("status", [MeetingStatus.LIVE, MeetingStatus.CLOSED, MeetingStatus.SIGNED])
def test_only_a_prepared_meeting_has_a_pre_read(status: MeetingStatus) -> None:
    check_can_send(meeting())
    with pytest.raises(LifecycleError, match=f"Meeting 25 is {status.value}"):
        check_can_send(meeting(status=status))


def test_the_invitation_keeps_one_uid_for_the_meeting_and_files_share_a_stem() -> None:
    """A re-send must update the same calendar event: the UID depends on the meeting alone."""
    first = meeting()
    moved = dataclasses.replace(first, scheduled_start=START + dt.timedelta(hours=2))
    assert event_uid(first) == event_uid(moved) == "meeting-m25@review-facilitator"
    assert event_uid(meeting(26)) != event_uid(first)
    stem = preread_stem("Halden Mutual – Brightline", first)
    assert stem == "halden-mutual-brightline-meeting-025-2026-12-08"
