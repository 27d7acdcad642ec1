"""Signing off in the room with a token (a real PKCS#11 module, SoftHSM2): the signatory plugs
it in, types the PIN, signs once; the token is closed again and nothing of it stays."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ReviewError
from core.model import AttendanceStatus, MeetingStatus, Side
from core.signatures import certificate_fingerprint
from core.tokens import open_token_identity
from storage import repository

# SoftHSM2's helpers; the module skips itself (and so this one) where SoftHSM2 is missing.
from tests.core.test_tokens import PIN, SOFTHSM, TOKEN, SoftHsm, _holder, softhsm  # noqa: F401
from ui.session import KeyChoice, Session

NOW = dt.datetime.now().replace(microsecond=0)


def _held_meeting(session: Session) -> str:
    draft = next(m for m in session.meetings() if m.status is MeetingStatus.DRAFT)
    for side in Side:
        for person in [p for p in session.people() if p.side is side][:2]:
            session.set_attendance(draft.id, person.id, AttendanceStatus.PRESENT)
    session.start_meeting(draft.id)
    session.end_meeting(draft.id)
    return draft.id


def test_the_partner_signs_with_the_token_in_the_room(
    demo_session: Session,
    softhsm: SoftHsm,  # noqa: F811
) -> None:
    """The key never leaves the token: the sign-off is recorded with the token certificate's
    fingerprint; a wrong PIN first changes nothing; the token opens again afterwards."""
    meeting_id = _held_meeting(demo_session)
    person = next(
        p
        for p in demo_session.people()
        if p.side is Side.PARTNER
        and any(
            a.person_id == p.id and a.status is AttendanceStatus.PRESENT
            for a in demo_session.attendance(meeting_id)
        )
    )
    holder = _holder(person.name)
    softhsm.init_token()
    softhsm.put_key(holder, person.name, b"\x07")
    softhsm.put_certificate(holder, person.name, b"\x07")
    demo_session.register_certificate(person.id, holder.certificate_pem)
    token = KeyChoice("token", PIN, str(SOFTHSM), TOKEN)

    with pytest.raises(ReviewError, match="PIN is wrong"):
        demo_session.sign_minutes(
            meeting_id, person.id, KeyChoice("token", "000000", str(SOFTHSM), TOKEN), NOW
        )
    assert repository.sign_offs(demo_session._db, meeting_id) == []
    demo_session.sign_minutes(meeting_id, person.id, token, NOW)
    (sign_off,) = repository.sign_offs(demo_session._db, meeting_id)
    assert sign_off.side is Side.PARTNER and sign_off.person_id == person.id
    assert sign_off.certificate_fingerprint == certificate_fingerprint(holder.certificate_pem)
    assert demo_session.sides_to_sign(meeting_id) == [Side.ENTERPRISE]
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:  # closed after the signature
        assert identity.name == person.name
