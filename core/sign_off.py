"""Who may sign off the minutes for a side, and which earlier sign-offs still stand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.errors import LifecycleError, ValidationError
from core.model import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Person,
    Side,
    SignatoryCertificate,
    SignOff,
)


def check_signatory(
    meeting: Meeting,
    person: Person,
    side: Side,
    attendance: Iterable[Attendance],
    certificate_side: str | None,
    fingerprint: str,
    known: Iterable[SignatoryCertificate] = (),
) -> None:
    """Refuse a sign-off the minutes could not be held to: the meeting must be closed, the
    signatory of that side and present, and the key theirs (not one of the other side's)."""
    if meeting.status is not MeetingStatus.CLOSED:
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: only closed minutes can be signed off."
        )
    if person.side is not side:
        raise ValidationError(
            "signatory",
            f"{person.name} is of the {person.side.label.lower()} side: "
            f"the {side.label.lower()} side's minutes need one of its own people.",
        )
    status = next((a.status for a in attendance if a.person_id == person.id), None)
    if status is not AttendanceStatus.PRESENT:
        said = "was not recorded as present" if status is None else f"was {status.value}"
        raise ValidationError(
            "signatory",
            f"{person.name} {said} at meeting {meeting.number}: only someone who attended "
            "can sign off its minutes.",
        )
    if certificate_side is not None and certificate_side != side.value:
        raise ValidationError(
            "certificate",
            f"This certificate belongs to the {certificate_side} side: "
            f"{person.name} must sign with a key of the {side.value} side.",
        )
    for certificate in known:
        if certificate.fingerprint == fingerprint and certificate.person_id != person.id:
            raise ValidationError(
                "certificate",
                "This certificate is registered to someone else in this partnership: "
                f"{person.name} must sign with their own key.",
            )


def standing_sign_offs(sign_offs: Sequence[SignOff], content_hash: str) -> list[SignOff]:
    """The sign-offs that approved exactly these minutes (a change since withdraws the rest)."""
    return [s for s in sign_offs if s.content_hash == content_hash]


def sides_to_sign(sign_offs: Iterable[SignOff]) -> list[Side]:
    signed = {s.side for s in sign_offs}
    return [side for side in Side if side not in signed]
