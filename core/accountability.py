"""Each side's record of keeping its promises over a window of recent meetings.

The window of the last N meetings up to a meeting M covers the days after the meeting before
the window (or all earlier time) up to and including M's date. For each side:
- say/do ratio: of the actions whose *original* due date falls in the window, the share done by
  that original date;
- on-time %: of the actions done in the window, the share done by the due date then in force;
- open overdue: actions open at the window's end whose due date had passed;
- mean slip: the mean days from original to current due date, over the actions due in the
  window;
- dropped: actions dropped in the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.actions import done_by_current_due, done_on_time, slip_days
from core.model import Action, ActionState, Meeting, Side


@dataclass(frozen=True, slots=True)
class Window:
    """The days a window of meetings covers: after `start` (exclusive) up to `end` (inclusive)."""

    start: dt.date
    end: dt.date
    meetings: int

    def contains(self, day: dt.date) -> bool:
        return self.start < day <= self.end


@dataclass(frozen=True, slots=True)
class SideRecord:
    """The accountability figures of one side over one window."""

    side: Side
    window: Window
    due: int
    done_on_time: int
    done_in_window: int
    done_by_current_due: int
    open_overdue: int
    mean_slip_days: float | None
    dropped: int

    @property
    def say_do_ratio(self) -> float | None:
        return self.done_on_time / self.due if self.due else None

    @property
    def on_time_pct(self) -> float | None:
        if not self.done_in_window:
            return None
        return 100.0 * self.done_by_current_due / self.done_in_window


def window_of(meetings: Sequence[Meeting], upto: Meeting, size: int) -> Window:
    """The window of the last `size` meetings ending with `upto` (meetings in any order)."""
    ordered = sorted((m for m in meetings if m.date <= upto.date), key=lambda m: m.scheduled_start)
    inside = ordered[-size:]
    before = ordered[-size - 1] if len(ordered) > size else None
    start = before.date if before else dt.date.min
    return Window(start=start, end=upto.date, meetings=len(inside))


def side_record(actions: Sequence[Action], side: Side, window: Window) -> SideRecord:
    """One side's figures over `window`."""
    own = [a for a in actions if a.side is side]
    due = [a for a in own if window.contains(a.original_due)]
    done_here = [
        a
        for a in own
        if a.state is ActionState.DONE and a.closed_on is not None and window.contains(a.closed_on)
    ]
    open_at_end = [
        a
        for a in own
        if a.raised_on <= window.end
        and (a.state is ActionState.OPEN or (a.closed_on is not None and a.closed_on > window.end))
    ]
    return SideRecord(
        side=side,
        window=window,
        due=len(due),
        done_on_time=sum(1 for a in due if done_on_time(a)),
        done_in_window=len(done_here),
        done_by_current_due=sum(1 for a in done_here if done_by_current_due(a)),
        open_overdue=sum(1 for a in open_at_end if a.due < window.end),
        mean_slip_days=(sum(slip_days(a) for a in due) / len(due)) if due else None,
        dropped=sum(
            1
            for a in own
            if a.state is ActionState.DROPPED
            and a.closed_on is not None
            and window.contains(a.closed_on)
        ),
    )


def accountability(
    meetings: Sequence[Meeting], actions: Sequence[Action], upto: Meeting, size: int
) -> dict[Side, SideRecord]:
    """Both sides' figures for the last `size` meetings up to `upto`, side by side."""
    window = window_of(meetings, upto, size)
    return {side: side_record(actions, side, window) for side in Side}


def say_do_trend(
    meetings: Sequence[Meeting], actions: Sequence[Action], last: int | None = None, size: int = 1
) -> list[tuple[Meeting, dict[Side, float | None]]]:
    """Meeting by meeting (the `last` ones, or all), each side's say/do ratio over the window of
    `size` meetings ending there (1: the month that meeting closed)."""
    ordered = sorted(meetings, key=lambda m: m.scheduled_start)
    shown = ordered if last is None else ordered[-last:]
    trend = []
    for meeting in shown:
        window = window_of(ordered, meeting, size)
        trend.append(
            (meeting, {side: side_record(actions, side, window).say_do_ratio for side in Side})
        )
    return trend
