"""Who may sign off the minutes for a side, and which sign-offs still stand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.errors import LifecycleError, ValidationError
from core.model import (
    Attendance,
    AttendanceStatus,
    MeetingStatus,
    Side,
    SignatoryCertificate,
    SignOff,
)
from core.sign_off import check_signatory, sides_to_sign, standing_sign_offs
from tests.core.test_minutes import CELIK, DMITRY, LUKASZ, MEETING, ZOE

ATTENDANCE = [
    Attendance("t1", "m1", AttendanceStatus.PRESENT, LUKASZ.id),
    Attendance("t2", "m1", AttendanceStatus.APOLOGIES, ZOE.id),
    Attendance("t3", "m1", AttendanceStatus.PRESENT, DMITRY.id),
]
FINGERPRINT = "ab" * 32


def test_a_present_person_of_the_side_may_sign() -> None:
    """Someone present, of the side, with their own key: accepted."""
    check_signatory(MEETING, LUKASZ, Side.ENTERPRISE, ATTENDANCE, "enterprise", FINGERPRINT)


@pytest.mark.parametrize(
    ("person", "said"),
    [(ZOE, "was apologies"), (CELIK, "was not recorded as present")],
)
def test_someone_who_did_not_attend_cannot_sign(person: object, said: str) -> None:
    """Apologies or no attendance record: refused, naming the person."""
    side = person.side  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match=said):
        check_signatory(MEETING, person, side, ATTENDANCE, side.value, FINGERPRINT)  # type: ignore[arg-type]


def test_a_person_cannot_sign_for_the_other_side() -> None:
    """The partner's minutes need one of the partner's people."""
    with pytest.raises(ValidationError, match="partner side's minutes need one of its own"):
        check_signatory(MEETING, LUKASZ, Side.PARTNER, ATTENDANCE, "partner", FINGERPRINT)


def test_a_key_of_the_other_side_is_refused() -> None:
    """A certificate made for the partner side cannot sign for the enterprise."""
    with pytest.raises(ValidationError, match="belongs to the partner side"):
        check_signatory(MEETING, LUKASZ, Side.ENTERPRISE, ATTENDANCE, "partner", FINGERPRINT)


def test_someone_elses_registered_key_is_refused() -> None:
    """A certificate registered to another person cannot be used."""
    theirs = SignatoryCertificate(
        FINGERPRINT, DMITRY.id, Side.PARTNER, "pem", dt.datetime(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="registered to someone else"):
        check_signatory(MEETING, LUKASZ, Side.ENTERPRISE, ATTENDANCE, None, FINGERPRINT, [theirs])


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.LIVE, MeetingStatus.SIGNED])
def test_only_closed_minutes_are_signed(status: MeetingStatus) -> None:
    """A meeting still running, or already signed, cannot take a sign-off."""
    with pytest.raises(LifecycleError, match="only closed minutes"):
        check_signatory(
            dataclasses.replace(MEETING, status=status),
            LUKASZ,
            Side.ENTERPRISE,
            ATTENDANCE,
            "enterprise",
            FINGERPRINT,
        )


def test_a_sign_off_of_older_minutes_no_longer_stands() -> None:
    """Only sign-offs over the current hash count; the missing sides are listed in order."""
    at = dt.datetime(2026, 11, 3, 12)
    old = SignOff("s1", "m1", LUKASZ.id, Side.ENTERPRISE, at, "old")
    new = SignOff("s2", "m1", DMITRY.id, Side.PARTNER, at, "new")
    standing = standing_sign_offs([old, new], "new")
    assert standing == [new]
    assert sides_to_sign(standing) == [Side.ENTERPRISE]
    assert sides_to_sign([]) == [Side.ENTERPRISE, Side.PARTNER]
