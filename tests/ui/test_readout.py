"""The commitments' read-out, as the facilitator reads it to the room and the projector shows
it: each decision with the reference later notes cite, and an owner who is not in the room
marked, since the minutes will be how they learn of it."""

from __future__ import annotations

import datetime as dt

from core.ids import new_id
from core.model import AttendanceStatus, Decision, MeetingStatus
from ui.commitments import readout_html
from ui.session import Session


def test_the_readout_cites_decisions_and_marks_an_absent_owner(demo_session: Session) -> None:
    session = demo_session
    draft = next(m for m in session.meetings() if m.status is MeetingStatus.DRAFT)
    session.now = lambda: draft.scheduled_start + dt.timedelta(minutes=5)
    people = session.people()
    here, away = people[0], next(p for p in people[1:] if p.side is people[0].side)
    session.set_attendance(draft.id, here.id, AttendanceStatus.PRESENT)
    session.set_attendance(draft.id, away.id, AttendanceStatus.APOLOGIES)
    session.start_meeting(draft.id)
    item = session.items(draft.id)[0]
    for text in ("Freeze changes over the holidays", "Adopt the new escalation matrix"):
        session.add_decision(Decision(new_id(), draft.id, text, item.id, (here.id,)))
    due = draft.date + dt.timedelta(days=21)
    session.add_commitment(draft.id, "Send the escalation matrix", away, due)
    session.add_commitment(draft.id, "Book the DR rehearsal", here, due)

    html = readout_html(session, draft.id)

    month = draft.date.strftime("%Y-%m")
    assert f"D-{month}-01" in html and f"D-{month}-02" in html
    lines = html.split("<li>")
    sent = next(line for line in lines if "Send the escalation matrix" in line)
    booked = next(line for line in lines if "Book the DR rehearsal" in line)
    assert "not here" in sent and "not here" not in booked
