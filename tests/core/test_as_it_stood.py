"""The minutes of a closed meeting show the world as it stood when it closed: nothing recorded
afterwards (later meetings, reviews, actions, milestones done, readings confirmed or disputed)
changes a byte of their canonical JSON, so the hash both sides signed stays the one they read.

Later events are applied to the source the way storage records them (storage/repository.py's
`record_review`, storage/kpis.py's `review_reading`, storage/minutes.py's `_reviews_then`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.actions import normalise_review, settle
from core.kpis import confirmation_of
from core.minutes import MinutesSource, build_minutes, minutes_json
from core.model import (
    Action,
    ActionReview,
    ActionState,
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
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    ReviewStatus,
    Side,
)
from core.periods import add_months

# --- the meeting's world as storage holds it when it closes ------------------------------
# The shape of tests/core/test_minutes.py's source, built here so this file stands alone.

P = "p"
START = dt.datetime(2026, 11, 3, 10, 0)
HELD = Meeting(
    "m0",
    P,
    11,
    "October review",
    START - dt.timedelta(days=28),
    "",
    None,
    "2026-09",
    MeetingStatus.CLOSED,
)
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
# Raised between meetings, slipped at the October review, at risk (and overdue) in November.
CERTIFICATE = Action(
    "a0",
    P,
    "Renew the DR certificate",
    "e1",
    Side.ENTERPRISE,
    dt.date(2026, 10, 10),
    None,
    dt.date(2026, 9, 20),
)
REPORT = Action(
    "a1",
    P,
    "Restore the nightly report",
    "p1",
    Side.PARTNER,
    dt.date(2026, 10, 20),
    "m0",
    HELD.date,
)
FORECAST = Action(
    "a2",
    P,
    "Share the Q4 forecast",
    "e2",
    Side.ENTERPRISE,
    dt.date(2026, 12, 1),
    "m1",
    START.date(),
)
SLIPPED_IN_OCTOBER = ActionReview(
    "r0", "a0", "m0", ReviewStatus.LATE, "CA backlog", dt.date(2026, 10, 31), HELD.date
)
AT_RISK = ActionReview(
    "r2", "a0", "m1", ReviewStatus.AT_RISK, "Still waiting on the CA", None, MEETING.date
)
WAITING = ActionReview(
    "r1", "a1", "m1", ReviewStatus.LATE, "Waiting on vendor", dt.date(2026, 11, 30), MEETING.date
)


def _base() -> MinutesSource:
    """A closed meeting as storage holds it: each action settled by its reviews so far, the
    reading disputed in it marked disputed, one milestone done, one overdue, one due soon."""
    return MinutesSource(
        partnership=Partnership(P, "Halden – Brightline", dt.datetime(2025, 1, 1)),
        parties={
            Side.ENTERPRISE: Party("pe", P, Side.ENTERPRISE, "Halden"),
            Side.PARTNER: Party("pp", P, Side.PARTNER, "Brightline"),
        },
        people=[
            Person("e1", P, Side.ENTERPRISE, "Łukasz Nowak", "Head of Vendor Management"),
            Person("e2", P, Side.ENTERPRISE, "Ζωή Papadopoulou", "Service Owner"),
            Person("p1", P, Side.PARTNER, "Дмитрий Соколов", "Delivery Lead"),
            Person("p2", P, Side.PARTNER, "Emre Çelik", "Client Partner"),
        ],
        meeting=MEETING,
        items=[
            MeetingItem("i1", "m1", 0, "Opening", AgendaItemKind.OPENING, 5, "Welcome.", 240),
            MeetingItem(
                "i2", "m1", 1, "Actions", AgendaItemKind.ACTION_REVIEW, 20, "- **one** late", 1500
            ),
        ],
        attendance=[
            Attendance("t1", "m1", AttendanceStatus.PRESENT, "e1"),
            Attendance("t2", "m1", AttendanceStatus.APOLOGIES, "e2"),
            Attendance("t3", "m1", AttendanceStatus.PRESENT, "p1"),
            Attendance("t4", "m1", AttendanceStatus.ABSENT, "p2"),
        ],
        decisions=[Decision("d1", "m1", "Adopt the new SLA", "i2", ("p1", "e1"))],
        reviews=[WAITING, AT_RISK],
        earlier_reviews=[SLIPPED_IN_OCTOBER],
        actions=[
            settle(CERTIFICATE, [SLIPPED_IN_OCTOBER, AT_RISK]),
            settle(REPORT, [WAITING]),
            FORECAST,
        ],
        raci={"a2": [RaciAssignment("a2", "e1", RaciRole.ACCOUNTABLE)]},
        meetings=[HELD, MEETING],
        kpis=[
            Kpi(
                "k1",
                P,
                "Availability",
                "%",
                Direction.HIGHER_IS_BETTER,
                Side.PARTNER,
                KpiCategory.SERVICE,
            )
        ],
        targets={
            "k1": [KpiTarget(id="t", kpi_id="k1", effective_from="2025-01", target=99.5, red=98.0)]
        },
        readings={
            "k1": [
                Reading("rd0", "k1", "2026-09", 99.6, "", Side.PARTNER),
                Reading(
                    "rd1",
                    "k1",
                    "2026-10",
                    98.5,
                    "Storage outage",
                    Side.PARTNER,
                    ReadingConfirmation.DISPUTED,
                ),
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
        milestones={
            "n1": [
                Milestone(
                    "ms0", "n1", "Landing zone", dt.date(2026, 10, 15), dt.date(2026, 10, 14)
                ),
                Milestone("ms1", "n1", "Wave 2", dt.date(2026, 11, 20)),
                Milestone("ms2", "n1", "Wave 1 cut-over", dt.date(2026, 10, 28)),
            ]
        },
        progress=[InitiativeProgress("ip1", "n1", "m1", 40, Rag.AMBER, "Wave 1 slipped")],
    )


BASE = _base()
OPEN_AT_M = ("a0", "a1", "a2")  # the actions still open when the meeting closed
NOT_DONE_AT_M = ("ms1", "ms2")

# --- what can happen afterwards ----------------------------------------------------------


@dataclass(frozen=True)
class LaterMeeting:
    hours_after_previous: int  # after M for the first, after the one before for the others
    status: MeetingStatus


@dataclass(frozen=True)
class LaterActionReview:
    meeting: int  # 1 for the first later meeting
    action_id: str
    status: ReviewStatus
    days: int  # late: the new due date, days after the meeting; done: finished days before it


@dataclass(frozen=True)
class LaterAction:
    meeting: int | None  # None: raised between meetings, `days_after_m` after M's date
    side: Side
    days_after_m: int
    days_to_due: int


@dataclass(frozen=True)
class LaterReadingReview:
    meeting: int
    reading_id: str
    verdict: ReadingVerdict


@dataclass(frozen=True)
class Later:
    """Everything recorded after the meeting closed; what storage would refuse is left out."""

    meetings: tuple[LaterMeeting, ...] = ()
    action_reviews: tuple[LaterActionReview, ...] = ()
    raised: tuple[LaterAction, ...] = ()
    milestones_done: tuple[tuple[str, int], ...] = ()  # milestone id, days after M's date
    reading_reviews: tuple[LaterReadingReview, ...] = ()


NEXT_MEETING = (LaterMeeting(24 * 28, MeetingStatus.CLOSED),)


def _later_meetings(base: MinutesSource, later: Later) -> list[Meeting]:
    made = []
    start = base.meeting.scheduled_start
    for k, planned in enumerate(later.meetings, 1):
        start += dt.timedelta(hours=planned.hours_after_previous)
        made.append(
            Meeting(
                f"later{k}",
                P,
                base.meeting.number + k,
                f"Review {k} after",
                start,
                "Board Room 3",
                "e1",
                add_months(base.meeting.period, k),
                planned.status,
                start + dt.timedelta(minutes=2),
                start + dt.timedelta(minutes=50),
            )
        )
    return made


def _reviews_up_to_m(base: MinutesSource) -> dict[str, list[ActionReview]]:
    """Each action's reviews up to and including M, in meeting order."""
    found: dict[str, list[ActionReview]] = {a.id: [] for a in base.actions}
    for review in [*base.earlier_reviews, *base.reviews]:
        found[review.action_id].append(review)
    return found


def with_later_events(base: MinutesSource, later: Later) -> MinutesSource:
    """`base` as storage holds it once `later` has happened too."""
    added = _later_meetings(base, later)
    actions = {a.id: a for a in base.actions}
    up_to_m = _reviews_up_to_m(base)
    reviews = {action_id: list(found) for action_id, found in up_to_m.items()}
    reviews_then: dict[str, list[ActionReview]] = {}
    readings = {kpi: list(listed) for kpi, listed in base.readings.items()}
    reading_reviews = list(base.reading_reviews)
    for k, meeting in enumerate(added, 1):
        for i, new in enumerate(later.raised):
            if new.meeting == k:
                actions[f"n{i}"] = _raised(f"n{i}", new, meeting.id, meeting.date)
        for event in later.action_reviews:
            action = actions.get(event.action_id)
            if event.meeting != k or action is None or action.state is not ActionState.OPEN:
                continue
            earlier = reviews[action.id]
            if any(r.meeting_id == meeting.id for r in earlier):
                continue  # one review per action and meeting: a second is left out
            review = normalise_review(action, earlier, _review(event, action, meeting))
            earlier.append(review)
            actions[action.id] = settle(action, earlier)
            reviews_then[action.id] = up_to_m[action.id]
        for j, verdict in enumerate(later.reading_reviews):
            if verdict.meeting != k:
                continue
            reviewed = _reading_reviewed(readings, reading_reviews, verdict, meeting, j)
            if reviewed is not None:
                reading_reviews.append(reviewed)
    for i, new in enumerate(later.raised):
        if new.meeting is None:
            raised_on = base.meeting.date + dt.timedelta(days=new.days_after_m)
            actions[f"n{i}"] = _raised(f"n{i}", new, None, raised_on)
    done = dict(later.milestones_done)
    milestones = {
        initiative: [
            m
            if m.done_on is not None or m.id not in done
            else dataclasses.replace(m, done_on=base.meeting.date + dt.timedelta(days=done[m.id]))
            for m in listed
        ]
        for initiative, listed in base.milestones.items()
    }
    return dataclasses.replace(
        base,
        meetings=[*base.meetings, *added],
        actions=list(actions.values()),
        reviews_then=reviews_then,
        milestones=milestones,
        readings=readings,
        reading_reviews=reading_reviews,
    )


def _raised(action_id: str, new: LaterAction, meeting_id: str | None, on: dt.date) -> Action:
    owner = "e2" if new.side is Side.ENTERPRISE else "p2"
    due = on + dt.timedelta(days=new.days_to_due)
    return Action(action_id, P, f"Later action {action_id}", owner, new.side, due, meeting_id, on)


def _review(event: LaterActionReview, action: Action, meeting: Meeting) -> ActionReview:
    new_due = completed_on = None
    if event.status is ReviewStatus.LATE:
        new_due = meeting.date + dt.timedelta(days=event.days + 1)
    elif event.status is ReviewStatus.DONE and event.days:
        completed_on = max(action.raised_on, meeting.date - dt.timedelta(days=event.days))
    return ActionReview(
        f"{meeting.id}-{action.id}",
        action.id,
        meeting.id,
        event.status,
        f"{event.status.label} at meeting {meeting.number}",
        new_due,
        meeting.date,
        completed_on,
    )


def _reading_reviewed(
    readings: dict[str, list[Reading]],
    recorded: Sequence[ReadingReview],
    event: LaterReadingReview,
    meeting: Meeting,
    index: int,
) -> ReadingReview | None:
    """The review storage's `review_reading` keeps, the reading's confirmation following it;
    None for one it refuses (confirming a confirmed reading, disputing twice in one meeting)."""
    for listed in readings.values():
        for position, reading in enumerate(listed):
            if reading.id != event.reading_id:
                continue
            confirmed = reading.confirmation is ReadingConfirmation.CONFIRMED
            if event.verdict is ReadingVerdict.CONFIRMED and confirmed:
                return None
            if any(r.meeting_id == meeting.id and r.reading_id == reading.id for r in recorded):
                return None
            listed[position] = dataclasses.replace(
                reading, confirmation=confirmation_of(event.verdict)
            )
            return ReadingReview(
                f"{meeting.id}-{reading.id}",
                reading.id,
                meeting.id,
                Side.ENTERPRISE,  # the KPI is the partner's: the enterprise reviews it
                event.verdict,
                f"{event.verdict.value} at meeting {meeting.number}",
                meeting.scheduled_start + dt.timedelta(minutes=10, seconds=index),
            )
    return None


# --- comparing minutes -------------------------------------------------------------------


def _json(source: MinutesSource) -> bytes:
    return minutes_json(build_minutes(source))


def _differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, as `path: before -> after`."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            line
            for key in sorted(set(before) | set(after))
            for line in _differences(before.get(key), after.get(key), f"{path}.{key}")
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            line
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for line in _differences(b, a, f"{path}[{i}]")
        ]
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


def assert_same_minutes(base: MinutesSource, later: Later) -> None:
    before, after = _json(base), _json(with_later_events(base, later))
    assert after == before, _differences(json.loads(before), json.loads(after))


# --- the property ------------------------------------------------------------------------

_HOURS = st.one_of(st.integers(1, 12), st.integers(24, 24 * 60))


@st.composite
def later_events(draw: st.DrawFn) -> Later:
    """Any mix of later events; those tied to a meeting only when a later meeting is held."""
    meetings = draw(
        st.lists(
            st.builds(
                LaterMeeting, _HOURS, st.sampled_from([MeetingStatus.CLOSED, MeetingStatus.SIGNED])
            ),
            max_size=2,
        )
    )
    held = st.integers(1, len(meetings)) if meetings else st.nothing()
    action_reviews = draw(
        st.lists(
            st.builds(
                LaterActionReview,
                held,
                st.sampled_from(OPEN_AT_M),
                st.sampled_from(list(ReviewStatus)),
                st.integers(0, 45),
            ),
            max_size=6 if meetings else 0,
        )
    )
    raised = draw(
        st.lists(
            st.builds(
                LaterAction,
                st.one_of(st.none(), held) if meetings else st.none(),
                st.sampled_from(list(Side)),
                st.integers(1, 60),
                st.integers(0, 90),
            ),
            max_size=3,
        )
    )
    milestones_done = draw(
        st.lists(st.tuples(st.sampled_from(NOT_DONE_AT_M), st.integers(1, 60)), max_size=2)
    )
    reading_reviews = draw(
        st.lists(
            st.builds(
                LaterReadingReview,
                held,
                st.sampled_from(["rd0", "rd1"]),
                st.sampled_from(list(ReadingVerdict)),
            ),
            max_size=4 if meetings else 0,
        )
    )
    return Later(
        tuple(meetings),
        tuple(action_reviews),
        tuple(raised),
        tuple(milestones_done),
        tuple(reading_reviews),
    )


@settings(max_examples=60, deadline=None)
@given(later_events())
def test_nothing_recorded_after_the_meeting_changes_its_minutes(later: Later) -> None:
    """Any later meetings, reviews, actions, milestones done and reading reviews, in any mix,
    leave the minutes' canonical JSON (and so the signed hash) byte for byte as it was."""
    assert_same_minutes(BASE, later)


# --- one of each, as a reader of the minutes relies on it --------------------------------


def test_the_base_is_what_storage_holds_when_the_meeting_closes() -> None:
    """With nothing later, the helper changes nothing: differences below come from the event."""
    assert with_later_events(BASE, Later()) == BASE


def test_a_later_meeting_leaves_the_accountability_window_as_it_was() -> None:
    minutes = build_minutes(with_later_events(BASE, Later(meetings=NEXT_MEETING)))
    assert minutes.accountability == build_minutes(BASE).accountability
    assert_same_minutes(BASE, Later(meetings=NEXT_MEETING))


def test_an_action_closed_at_the_next_meeting_still_shows_open_in_these_minutes() -> None:
    # Reported done on Dec 1, finished on Nov 1: before this meeting, which did not know it.
    later = Later(
        meetings=NEXT_MEETING,
        action_reviews=(LaterActionReview(1, "a0", ReviewStatus.DONE, 30),),
    )
    stored = with_later_events(BASE, later)
    assert next(a for a in stored.actions if a.id == "a0").state is ActionState.DONE
    enterprise = [e for e in build_minutes(stored).accountability if e.side == "enterprise"]
    assert [e.open_overdue for e in enterprise] == [1, 1, 1]
    assert_same_minutes(BASE, later)


def test_an_action_dropped_at_the_next_meeting_is_not_counted_as_dropped_in_these_minutes() -> None:
    later = Later(
        meetings=NEXT_MEETING,
        action_reviews=(LaterActionReview(1, "a1", ReviewStatus.DROPPED, 0),),
    )
    minutes = build_minutes(with_later_events(BASE, later))
    assert [e.dropped for e in minutes.accountability if e.side == "partner"] == [0, 0, 0]
    assert_same_minutes(BASE, later)


def test_an_action_slipped_at_the_next_meeting_keeps_the_due_date_these_minutes_set() -> None:
    later = Later(
        meetings=NEXT_MEETING,
        action_reviews=(LaterActionReview(1, "a0", ReviewStatus.LATE, 30),),
    )
    enterprise = [
        e
        for e in build_minutes(with_later_events(BASE, later)).accountability
        if e.side == "enterprise"
    ]
    assert [e.mean_slip_days for e in enterprise] == [21.0, 21.0, 21.0]  # Oct 10 -> Oct 31
    assert_same_minutes(BASE, later)


def test_an_action_raised_after_the_meeting_is_nowhere_in_these_minutes() -> None:
    later = Later(
        meetings=NEXT_MEETING,
        raised=(
            LaterAction(1, Side.PARTNER, 0, 0),  # at the next meeting, due that day
            LaterAction(None, Side.ENTERPRISE, 1, 0),  # the day after, between meetings
        ),
    )
    minutes = build_minutes(with_later_events(BASE, later))
    assert [c.title for c in minutes.commitments] == ["Share the Q4 forecast"]
    assert_same_minutes(BASE, later)


def test_a_milestone_done_after_the_meeting_still_shows_not_done_in_these_minutes() -> None:
    later = Later(milestones_done=(("ms2", 1), ("ms1", 17)))
    (initiative,) = build_minutes(with_later_events(BASE, later)).initiatives
    assert [(m.title, m.done_on) for m in initiative.milestones_due] == [
        ("Wave 1 cut-over", None),
        ("Wave 2", None),
    ]
    assert_same_minutes(BASE, later)


def test_a_reading_disputed_at_the_next_meeting_is_not_among_these_disputes() -> None:
    later = Later(
        meetings=NEXT_MEETING,
        reading_reviews=(LaterReadingReview(1, "rd0", ReadingVerdict.DISPUTED),),
    )
    minutes = build_minutes(with_later_events(BASE, later))
    assert [(d.period, d.verdict) for d in minutes.disputes] == [("2026-10", "disputed")]
    assert_same_minutes(BASE, later)


def test_a_reading_confirmed_at_the_next_meeting_still_shows_disputed_in_these_minutes() -> None:
    later = Later(
        meetings=NEXT_MEETING,
        reading_reviews=(LaterReadingReview(1, "rd1", ReadingVerdict.CONFIRMED),),
    )
    minutes = build_minutes(with_later_events(BASE, later))
    assert [(d.verdict, d.resolved) for d in minutes.disputes] == [("disputed", False)]
    assert minutes.dashboard[0].confirmation == "disputed"
    assert_same_minutes(BASE, later)
