"""What a board reader looks for in the minutes: decisions a later meeting can cite, RACI's I,
each initiative's change since it was last reported, and owners who were not in the room told
of what they now own."""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.distribution import minutes_recipients
from core.minutes import build_minutes, decision_references
from core.model import (
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Decision,
    Initiative,
    InitiativeProgress,
    MeetingItem,
    RaciAssignment,
    RaciRole,
    Rag,
    Side,
)
from tests.core.test_minutes import CELIK, DMITRY, LUKASZ, MEETING, NEW, ZOE, P, source


def test_decisions_are_numbered_in_agenda_order_after_the_months_earlier_decisions() -> None:
    items = [
        MeetingItem("i1", "m1", 0, "Opening", AgendaItemKind.OPENING, 5),
        MeetingItem("i2", "m1", 1, "Risks", AgendaItemKind.DISCUSSION, 20),
    ]
    decisions = [
        Decision("d-late", "m1", "Zebra crossing", "i2"),
        Decision("d-early", "m1", "Adopt the SLA", "i1"),
        Decision("d-none", "m1", "Anything else", None),
    ]
    month = MEETING.date.strftime("%Y-%m")
    assert decision_references(decisions, items, MEETING) == {
        "d-early": f"D-{month}-01",
        "d-late": f"D-{month}-02",
        "d-none": f"D-{month}-03",
    }
    # a second meeting in the month goes on counting
    assert decision_references(decisions, items, MEETING, before=4)["d-early"] == f"D-{month}-05"


def test_the_minutes_print_each_decisions_reference() -> None:
    minutes = build_minutes(source(decisions_before=2))
    (decision,) = minutes.decisions
    assert decision.reference == f"D-{MEETING.date:%Y-%m}-03"


def test_an_amendment_keeps_the_references_of_the_meeting_it_corrects() -> None:
    amendment = dataclasses.replace(MEETING, id="m1b", revision=2, amends_id="m1")
    original = build_minutes(source())
    corrected = build_minutes(
        source(
            meeting=amendment,
            meetings=[*source().meetings, amendment],
            decisions=[Decision("d1b", "m1b", "Adopt the new SLA", None, ("p1", "e1"))],
        )
    )
    assert [d.reference for d in corrected.decisions] == [d.reference for d in original.decisions]


def test_raci_informed_people_are_in_the_minutes() -> None:
    raci = {
        NEW.id: [
            RaciAssignment(NEW.id, NEW.owner_id, RaciRole.RESPONSIBLE),
            RaciAssignment(NEW.id, "p2", RaciRole.INFORMED),
        ]
    }
    (commitment,) = build_minutes(source(raci=raci)).commitments
    assert ("informed", CELIK.name) in [(r.role, r.name) for r in commitment.raci]


def test_an_owner_absent_from_the_meeting_is_flagged_and_sent_the_minutes() -> None:
    owner = next(p for p in (LUKASZ, ZOE, DMITRY, CELIK) if p.id == NEW.owner_id)
    here = [
        Attendance(f"t-{p.id}", "m1", AttendanceStatus.PRESENT, p.id)
        for p in (LUKASZ, ZOE, DMITRY, CELIK)
        if p.id != owner.id
    ]
    away = Attendance("t-away", "m1", AttendanceStatus.APOLOGIES, owner.id)
    (flagged,) = build_minutes(source(attendance=[*here, away])).commitments
    assert flagged.owner_absent
    present_too = Attendance("t-away", "m1", AttendanceStatus.PRESENT, owner.id)
    (not_flagged,) = build_minutes(source(attendance=[*here, present_too])).commitments
    assert not not_flagged.owner_absent
    people = [LUKASZ, ZOE, DMITRY, CELIK]
    present = [p for p in people if p != owner]
    # everyone present gets the minutes, and the absent owner of a new commitment too
    assert minutes_recipients(people, [*here, away], [owner.id]) == people
    # absent and owning nothing new: not on the list
    assert minutes_recipients(people, [*here, away], []) == present


def test_each_initiative_shows_its_change_since_it_was_last_reported() -> None:
    start = dt.date(2026, 1, 1)
    cloud = Initiative("n1", P, "Cloud move", Side.PARTNER, "p1", start, dt.date(2027, 6, 30))
    fresh = Initiative("n2", P, "New portal", Side.ENTERPRISE, "e1", start, dt.date(2027, 1, 31))
    minutes = build_minutes(
        source(
            initiatives=[cloud, fresh],
            milestones={},
            progress=[
                InitiativeProgress("ip1", "n1", "m1", 40, Rag.AMBER, "Wave 1 slipped"),
                InitiativeProgress("ip2", "n2", "m1", 10, Rag.GREEN, ""),
            ],
            progress_before=[InitiativeProgress("ip0", "n1", "m0", 30, Rag.GREEN, "")],
        )
    )
    by_name = {i.name: i for i in minutes.initiatives}
    assert (by_name["Cloud move"].previous_percent, by_name["Cloud move"].previous_rag) == (
        30,
        "green",
    )
    assert by_name["New portal"].previous_percent is None
