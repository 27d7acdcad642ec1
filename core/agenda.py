"""The standing agenda and the meetings prepared from it."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Callable, Sequence

from dateutil.relativedelta import relativedelta, weekday

from core.errors import ValidationError
from core.model import AgendaItemKind, Meeting, MeetingItem, MeetingStatus, StandingAgendaItem
from core.periods import add_months, period_of
from core.text import one_line

MAX_TIMEBOX_MINUTES = 240

DEFAULT_STANDING_AGENDA: tuple[tuple[str, AgendaItemKind, int], ...] = (
    ("Welcome and apologies", AgendaItemKind.OPENING, 5),
    ("Actions from last meeting", AgendaItemKind.ACTION_REVIEW, 20),
    ("Operational dashboard", AgendaItemKind.DASHBOARD, 20),
    ("Strategic initiatives", AgendaItemKind.INITIATIVES, 15),
    ("Topics for discussion", AgendaItemKind.DISCUSSION, 15),
    ("New commitments", AgendaItemKind.COMMITMENTS, 10),
    ("Any other business", AgendaItemKind.AOB, 5),
    ("Close and read-out", AgendaItemKind.CLOSING, 5),
)


def check_timebox(minutes: int) -> int:
    """A timebox is a whole number of minutes, more than zero and at most four hours."""
    if minutes <= 0:
        raise ValidationError("timebox", "A timebox must be at least one minute.")
    if minutes > MAX_TIMEBOX_MINUTES:
        raise ValidationError("timebox", "A timebox can be at most four hours (240 minutes).")
    return minutes


def check_title(title: str) -> str:
    cleaned = one_line(title)
    if not cleaned:
        raise ValidationError("title", "An agenda item needs a title.")
    return cleaned


def planned_minutes(items: Sequence[StandingAgendaItem] | Sequence[MeetingItem]) -> int:
    return sum(item.timebox_minutes for item in items)


def planned_end(meeting: Meeting, items: Sequence[MeetingItem]) -> dt.datetime:
    return meeting.scheduled_start + dt.timedelta(minutes=planned_minutes(items))


def check_meeting_date(start: dt.datetime, previous: Sequence[Meeting], meeting_id: str) -> None:
    """A meeting cannot be dated before the one before it."""
    earlier = [m for m in previous if m.id != meeting_id and m.amends_id is None]
    if earlier:
        last = max(earlier, key=lambda m: m.scheduled_start)
        if start < last.scheduled_start:
            raise ValidationError(
                "date",
                f"Meeting {last.number} was on {last.scheduled_start:%Y-%m-%d}: "
                "a new meeting cannot be dated before it.",
            )


def month_after(start: dt.datetime) -> dt.datetime:
    """The same weekday of the same week a month later: 2nd Tuesday -> next 2nd Tuesday.

    A meeting in the last week of its month moves to the last such weekday of the next.
    """
    return nth_weekday(start + relativedelta(months=1, day=1), start)


def nth_weekday(month: dt.datetime, like: dt.datetime) -> dt.datetime:
    """In the month of `month`, the weekday and week-of-month of `like`, at `like`'s time.

    A day in the last seven days of its month stands for "the last such weekday".
    """
    day = weekday(like.weekday())
    first = month.replace(day=1, hour=like.hour, minute=like.minute, second=0, microsecond=0)
    days_in_like_month = calendar.monthrange(like.year, like.month)[1]
    if like.day + 7 > days_in_like_month:
        return first + relativedelta(day=31, weekday=day(-1))
    return first + relativedelta(weekday=day((like.day - 1) // 7 + 1))


def prepare_next(
    partnership_id: str,
    standing_agenda: Sequence[StandingAgendaItem],
    previous: Sequence[Meeting],
    facilitator_id: str | None,
    new_id: Callable[[], str],
    today: dt.date,
    location: str = "",
) -> tuple[Meeting, list[MeetingItem]]:
    """A draft meeting from the standing agenda, a month after the last one (or next week)."""
    if not standing_agenda:
        raise ValidationError("agenda", "The standing agenda is empty: add at least one item.")
    originals = [m for m in previous if m.amends_id is None]
    if originals:
        last = max(originals, key=lambda m: m.scheduled_start)
        start = month_after(last.scheduled_start)
        number = max(m.number for m in originals) + 1
        location = location or last.location
    else:
        # a week from today, on a working day (a partnership set up on a Sunday meets on a
        # Monday, and its later meetings keep that weekday: month_after)
        first = today + dt.timedelta(days=7)
        first += dt.timedelta(days=(7 - first.weekday()) % 7 if first.weekday() > 4 else 0)
        start = dt.datetime.combine(first, dt.time(10, 0))
        number = 1
    meeting = Meeting(
        id=new_id(),
        partnership_id=partnership_id,
        number=number,
        title=f"Partnership review {start:%B %Y}",
        scheduled_start=start,
        location=location,
        facilitator_id=facilitator_id,
        # The dashboard reviews the last complete month before the meeting.
        period=add_months(period_of(start.date()), -1),
        status=MeetingStatus.DRAFT,
    )
    items = [
        MeetingItem(
            id=new_id(),
            meeting_id=meeting.id,
            position=index,
            title=item.title,
            kind=item.kind,
            timebox_minutes=item.timebox_minutes,
        )
        for index, item in enumerate(sorted(standing_agenda, key=lambda i: i.position))
    ]
    return meeting, items


TIMEBOX_AMBER_AT = 0.8  # the share of an item's timebox from which its timer shows amber


class TimeboxState(enum.Enum):
    """How an agenda item's time stands against its timebox."""

    NORMAL = "normal"  # below 80% of the timebox
    AMBER = "amber"  # from 80%
    RED = "red"  # past the timebox


def timebox_state(elapsed_seconds: int, timebox_minutes: int) -> TimeboxState:
    """The timer's state after `elapsed_seconds` of a `timebox_minutes` item."""
    share = elapsed_seconds / max(1, timebox_minutes * 60)
    if share > 1.0:
        return TimeboxState.RED
    return TimeboxState.AMBER if share >= TIMEBOX_AMBER_AT else TimeboxState.NORMAL
