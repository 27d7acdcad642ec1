"""Each side's accountability over windows of recent meetings, from a hand-built history."""

from __future__ import annotations

import datetime as dt

import pytest

from core.accountability import Window, accountability, say_do_trend, window_of
from core.model import Action, ActionState, Meeting, Side

D = dt.date.fromisoformat
E, P = Side.ENTERPRISE, Side.PARTNER
DONE, DROPPED, OPEN = ActionState.DONE, ActionState.DROPPED, ActionState.OPEN


def meeting(number: int, day: str) -> Meeting:
    return Meeting(
        id=f"m{number}",
        partnership_id="p",
        number=number,
        title=f"Review {number}",
        scheduled_start=dt.datetime.combine(D(day), dt.time(10)),
        location="Room 1",
        facilitator_id=None,
        period=day[:7],
    )


def action(
    name: str,
    side: Side,
    raised: str,
    due: str,
    state: ActionState = OPEN,
    closed: str | None = None,
    current_due: str | None = None,
) -> Action:
    return Action(
        id=name,
        partnership_id="p",
        title=name,
        owner_id=f"owner-{side}",
        side=side,
        original_due=D(due),
        raised_in_id=None,
        raised_on=D(raised),
        current_due=D(current_due) if current_due else None,
        state=state,
        closed_on=D(closed) if closed else None,
    )


# Shuffled on purpose: the window must sort meetings by date.
MEETINGS = [
    meeting(3, "2026-03-10"),
    meeting(1, "2026-01-13"),
    meeting(4, "2026-04-14"),
    meeting(2, "2026-02-10"),
]
BY_NUMBER = {m.number: m for m in MEETINGS}
ACTIONS = [
    # Enterprise
    action("e1 done early", E, "2026-01-13", "2026-02-01", DONE, "2026-01-30"),
    action("e2 slipped", E, "2026-01-13", "2026-02-28", DONE, "2026-03-20", "2026-03-31"),
    action("e3 open overdue", E, "2026-02-10", "2026-04-01"),
    action("e4 not yet due", E, "2026-04-14", "2026-05-15"),
    action("e5 done late", E, "2026-02-10", "2026-03-01", DONE, "2026-04-02"),
    # Partner
    action("p1 dropped", P, "2026-01-13", "2026-02-15", DROPPED, "2026-03-10"),
    action("p2 done on time", P, "2026-02-10", "2026-03-31", DONE, "2026-03-25"),
    action("p3 before meetings", P, "2025-12-01", "2026-01-10", DONE, "2026-01-12"),
]
ALL = 99


@pytest.mark.parametrize(
    ("upto", "size", "start", "meetings"),
    [
        (4, 1, D("2026-03-10"), 1),
        (4, 3, D("2026-01-13"), 3),
        (4, ALL, dt.date.min, 4),
        (2, 1, D("2026-01-13"), 1),
        (1, 1, dt.date.min, 1),
    ],
)
def test_window_of(upto: int, size: int, start: dt.date, meetings: int) -> None:
    """A window runs from after the meeting before it (or all time) to its last meeting's date."""
    end = BY_NUMBER[upto].date
    assert window_of(MEETINGS, BY_NUMBER[upto], size) == Window(start, end, meetings)


# (due, say/do, on-time %, open overdue, mean slip days, dropped)
@pytest.mark.parametrize(
    ("upto", "size", "side", "expected"),
    [
        (4, 1, E, (1, 0.0, 50.0, 1, 0.0, 0)),
        (4, 3, E, (4, 0.25, 200 / 3, 1, 7.75, 0)),
        (4, ALL, E, (4, 0.25, 200 / 3, 1, 7.75, 0)),
        (3, 1, E, (2, 0.0, None, 1, 15.5, 0)),  # e5 open and overdue at the window's end
        (4, 1, P, (1, 1.0, 100.0, 0, 0.0, 0)),
        (4, 3, P, (2, 0.5, 100.0, 0, 0.0, 1)),
        (4, ALL, P, (3, 1 / 3, 50.0, 0, 0.0, 1)),
        (3, 1, P, (1, 0.0, None, 0, 0.0, 1)),
        (2, 1, P, (0, None, None, 0, None, 0)),  # nothing due, nothing done
    ],
)
def test_side_figures(upto: int, size: int, side: Side, expected: tuple[object, ...]) -> None:
    """Say/do, on-time %, open overdue, mean slip and dropped follow the module's definitions."""
    record = accountability(MEETINGS, ACTIONS, BY_NUMBER[upto], size)[side]
    actual = (
        record.due,
        record.say_do_ratio,
        record.on_time_pct,
        record.open_overdue,
        record.mean_slip_days,
        record.dropped,
    )
    assert actual == pytest.approx(expected)


def test_each_action_counts_only_for_its_own_side() -> None:
    """An enterprise action and a partner action due the same day count each for their side."""
    actions = [
        action("ours", E, "2026-02-10", "2026-03-01", DONE, "2026-02-27"),
        action("theirs", P, "2026-02-10", "2026-03-01", DROPPED, "2026-03-05"),
    ]
    records = accountability(MEETINGS, actions, BY_NUMBER[3], 1)
    assert (records[E].due, records[E].say_do_ratio, records[E].dropped) == (1, 1.0, 0)
    assert (records[P].due, records[P].say_do_ratio, records[P].dropped) == (1, 0.0, 1)


def test_no_actions_gives_no_ratios() -> None:
    """With nothing due or done, the ratios are None rather than zero."""
    record = accountability(MEETINGS, [], BY_NUMBER[4], ALL)[E]
    assert (record.say_do_ratio, record.on_time_pct, record.mean_slip_days) == (None, None, None)


def test_say_do_trend_is_per_meeting_month() -> None:
    """The trend gives, meeting by meeting in date order, each side's say/do over that month."""
    trend = say_do_trend(MEETINGS, ACTIONS)
    assert [m.number for m, _ in trend] == [1, 2, 3, 4]
    assert [ratios[P] for _, ratios in trend] == [0.0, None, 0.0, 1.0]
    assert [ratios[E] for _, ratios in trend] == [None, 1.0, 0.0, 0.0]
