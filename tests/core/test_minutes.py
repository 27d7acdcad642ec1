"""The minutes document: built from a closed meeting, its canonical JSON and content hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from core.errors import LifecycleError
from core.minutes import (
    MINUTES_FORMAT,
    MinutesSource,
    build_minutes,
    content_hash,
    minutes_json,
)
from core.model import (
    Action,
    ActionReview,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Decision,
    Direction,
    Initiative,
    InitiativeProgress,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Milestone,
    Partnership,
    Party,
    Person,
    RaciAssignment,
    RaciRole,
    Rag,
    Reading,
    ReadingReview,
    ReadingVerdict,
    ReviewStatus,
    Side,
    SignOff,
)

P = "p"
START = dt.datetime(2026, 11, 3, 10, 0)
LUKASZ = Person("e1", P, Side.ENTERPRISE, "Łukasz Nowak", "Head of Vendor Management")
ZOE = Person("e2", P, Side.ENTERPRISE, "Ζωή Papadopoulou", "Service Owner")
DMITRY = Person("p1", P, Side.PARTNER, "Дмитрий Соколов", "Delivery Lead")
CELIK = Person("p2", P, Side.PARTNER, "Emre Çelik", "Client Partner")
EARLIER = Meeting("m0", P, 11, "October review", START - dt.timedelta(days=28), "", None, "2026-09")
MEETING = Meeting(
    "m1",
    P,
    12,
    "November review",
    START,
    "Board Room 3",
    "e1",
    "2026-10",
    MeetingStatus.CLOSED,
    START + dt.timedelta(minutes=2),
    START + dt.timedelta(minutes=50),
)
LATE = Action(
    "a1",
    P,
    "Restore the nightly report",
    "p1",
    Side.PARTNER,
    dt.date(2026, 10, 20),
    "m0",
    EARLIER.date,
)
NEW = Action(
    "a2",
    P,
    "Share the Q4 forecast",
    "e2",
    Side.ENTERPRISE,
    dt.date(2026, 12, 1),
    "m1",
    START.date(),
)
KPI = Kpi(
    "k1", P, "Availability", "%", Direction.HIGHER_IS_BETTER, Side.PARTNER, KpiCategory.SERVICE
)


def source(**changes: object) -> MinutesSource:
    items = [
        MeetingItem("i1", "m1", 0, "Opening", AgendaItemKind.OPENING, 5, "Welcome.", 240),
        MeetingItem(
            "i2", "m1", 1, "Actions", AgendaItemKind.ACTION_REVIEW, 20, "- **one** late", 1500
        ),
    ]
    base = MinutesSource(
        partnership=Partnership(P, "Halden – Brightline", dt.datetime(2025, 1, 1)),
        parties={
            Side.ENTERPRISE: Party("pe", P, Side.ENTERPRISE, "Halden"),
            Side.PARTNER: Party("pp", P, Side.PARTNER, "Brightline"),
        },
        people=[LUKASZ, ZOE, DMITRY, CELIK],
        meeting=MEETING,
        items=items,
        attendance=[
            Attendance("t1", "m1", AttendanceStatus.PRESENT, "e1"),
            Attendance("t2", "m1", AttendanceStatus.APOLOGIES, "e2"),
            Attendance("t3", "m1", AttendanceStatus.PRESENT, "p1"),
            Attendance("t4", "m1", AttendanceStatus.ABSENT, "p2"),
            Attendance("t5", "m1", AttendanceStatus.PRESENT, None, "Ana Auditor", Side.ENTERPRISE),
        ],
        decisions=[Decision("d1", "m1", "Adopt the new SLA", "i2", ("p1", "e1"))],
        reviews=[
            ActionReview(
                "r1", "a1", "m1", ReviewStatus.LATE, "Waiting on vendor", dt.date(2026, 11, 30)
            )
        ],
        earlier_reviews=[],
        actions=[LATE, NEW],
        raci={"a2": [RaciAssignment("a2", "e1", RaciRole.ACCOUNTABLE)]},
        meetings=[EARLIER, MEETING],
        kpis=[KPI],
        targets={"k1": [KpiTarget("t", "k1", "2025-01", 99.5, 98.0)]},
        readings={
            "k1": [
                Reading("rd0", "k1", "2026-09", 99.6),
                Reading("rd1", "k1", "2026-10", 98.5, "Storage outage"),
            ]
        },
        reading_reviews=[
            ReadingReview(
                "rr1",
                "rd1",
                "m1",
                Side.ENTERPRISE,
                ReadingVerdict.DISPUTED,
                "We saw 97.9",
                START + dt.timedelta(minutes=30),
            )
        ],
        initiatives=[
            Initiative(
                "n1", P, "Cloud move", Side.PARTNER, "p1", dt.date(2026, 1, 1), dt.date(2027, 6, 30)
            )
        ],
        milestones={"n1": [Milestone("ms1", "n1", "Wave 2", dt.date(2026, 11, 20))]},
        progress=[InitiativeProgress("ip1", "n1", "m1", 40, Rag.AMBER, "Wave 1 slipped")],
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_minutes_read_in_the_order_of_the_meeting() -> None:
    """Header, attendance by side, agenda with times and notes, reviews, commitments, decisions,
    dashboard, disputes, initiatives and accountability all come out as names and figures."""
    minutes = build_minutes(source())
    assert minutes.header.facilitator == "Łukasz Nowak"
    assert minutes.header.planned_end == "2026-11-03T10:25"
    enterprise, partner = minutes.attendance
    assert [a.name for a in enterprise.present] == ["Łukasz Nowak"]
    assert [a.name for a in enterprise.apologies] == ["Ζωή Papadopoulou"]
    assert enterprise.guests == ("Ana Auditor",)
    assert [a.name for a in partner.absent] == ["Emre Çelik"]
    assert [(e.planned_minutes, e.actual_minutes) for e in minutes.agenda] == [(5, 4), (20, 25)]
    assert minutes.agenda[1].notes == "- **one** late"
    (review,) = minutes.action_review
    assert (review.owner, review.status, review.new_due, review.slips) == (
        "Дмитрий Соколов",
        "late",
        "2026-11-30",
        1,
    )
    (commitment,) = minutes.commitments
    assert commitment.raci[0].name == "Łukasz Nowak"
    assert minutes.decisions[0].agreed_by == ("Łukasz Nowak", "Дмитрий Соколов")
    (kpi,) = minutes.dashboard
    assert (kpi.rag, kpi.trend, kpi.improved) == ("amber", "down", False)
    assert minutes.disputes[0].comment == "We saw 97.9" and not minutes.disputes[0].resolved
    assert minutes.initiatives[0].milestones_due[0].title == "Wave 2"
    assert {e.window_meetings for e in minutes.accountability} == {3, 6, 12}


def test_canonical_json_is_stable_and_keeps_unicode() -> None:
    """The same minutes give the same bytes: sorted keys, no spaces, UTF-8 names as written."""
    data = minutes_json(build_minutes(source()))
    assert data == minutes_json(build_minutes(source()))
    assert "Дмитрий Соколов".encode() in data
    parsed = json.loads(data)
    assert parsed["format"] == MINUTES_FORMAT
    assert list(parsed) == sorted(parsed)
    assert b": " not in data and b", " not in data.replace(b"Halden, ", b"")


def test_content_hash_changes_with_the_content_but_not_with_sign_offs() -> None:
    """A sign-off approves the hash, so adding one leaves it; a changed note changes it."""
    minutes = build_minutes(source())
    signed = build_minutes(
        source(sign_offs=[SignOff("s", "m1", "e1", Side.ENTERPRISE, START, content_hash(minutes))])
    )
    assert content_hash(signed) == content_hash(minutes)
    assert signed.sign_offs[0].name == "Łukasz Nowak"
    items = list(source().items)
    items[1] = dataclasses.replace(items[1], notes="- **two** late")
    assert content_hash(build_minutes(source(items=items))) != content_hash(minutes)


def test_signing_status_is_not_part_of_the_content() -> None:
    """Signing changes the meeting's status, never the hash its sign-offs approved."""
    closed = build_minutes(source())
    signed = build_minutes(
        source(meeting=dataclasses.replace(MEETING, status=MeetingStatus.SIGNED))
    )
    assert content_hash(signed) == content_hash(closed)


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.LIVE])
def test_minutes_wait_for_the_meeting_to_end(status: MeetingStatus) -> None:
    """A draft or live meeting has no minutes yet: refused in words."""
    with pytest.raises(LifecycleError, match="end it"):
        build_minutes(source(meeting=dataclasses.replace(MEETING, status=status)))


def test_golden_canonical_json() -> None:
    """The canonical form of a known meeting does not drift: signed hashes rely on it.

    A deliberate change of the format updates tests/core/golden/minutes.json and
    MINUTES_FORMAT together, since older signed minutes keep the older form.
    """
    minutes = build_minutes(source())
    assert minutes_json(minutes) == GOLDEN.read_bytes()
    assert content_hash(minutes) == GOLDEN_HASH


def test_dispute_resolved_later_in_the_meeting() -> None:
    """A dispute then a confirmation in the same meeting reads as resolved."""
    confirm = ReadingReview(
        "rr2",
        "rd1",
        "m1",
        Side.ENTERPRISE,
        ReadingVerdict.CONFIRMED,
        "Agreed after all",
        START + dt.timedelta(minutes=40),
    )
    minutes = build_minutes(source(reading_reviews=[*source().reading_reviews, confirm]))
    assert [d.verdict for d in minutes.disputes] == ["disputed", "confirmed"]
    assert all(d.resolved for d in minutes.disputes)


GOLDEN = Path(__file__).parent / "golden" / "minutes.json"
GOLDEN_HASH = "bfb4c22e850600bd6ecc5bc9d915e3e861ec0a1f2d2f2591f5c21010b7914d93"
