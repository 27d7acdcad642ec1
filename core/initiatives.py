"""Rules about strategic initiatives: each meeting's progress (% complete, a RAG judged by the
room, a comment), the progress over meetings, and the milestones due before the next meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from core.agenda import month_after
from core.errors import LifecycleError, ValidationError
from core.model import Initiative, InitiativeProgress, Meeting, MeetingStatus, Milestone, Rag
from core.text import one_line

MAX_PROGRESS_COMMENT = 500


def check_progress_editable(meeting: Meeting) -> None:
    """Progress is recorded in a live or closed meeting: not before it starts, not once signed."""
    if meeting.status is MeetingStatus.SIGNED:
        raise LifecycleError(
            f"Meeting {meeting.number} is signed off: its record cannot change. "
            "Make an amendment instead."
        )
    if meeting.status is MeetingStatus.DRAFT:
        raise LifecycleError(
            f"Meeting {meeting.number} has not started: progress is recorded in the meeting."
        )


def check_progress(progress: InitiativeProgress, meeting: Meeting) -> InitiativeProgress:
    """A meeting's progress on an initiative, its comment cleaned; refuse a percentage outside
    0–100, a missing RAG, an over-long comment, or a meeting that cannot change."""
    if progress.meeting_id != meeting.id:
        raise ValidationError("meeting", "This progress belongs to another meeting.")
    check_progress_editable(meeting)
    percent = progress.percent_complete
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise ValidationError("percent_complete", "The % complete is a whole number, 0 to 100.")
    if not 0 <= percent <= 100:
        raise ValidationError(
            "percent_complete", f"The % complete is between 0 and 100 (not {percent})."
        )
    if not isinstance(progress.rag, Rag):
        raise ValidationError("rag", "Choose the RAG the room agrees on: red, amber or green.")
    comment = one_line(progress.comment)
    if len(comment) > MAX_PROGRESS_COMMENT:
        raise ValidationError(
            "comment",
            f"A comment is at most {MAX_PROGRESS_COMMENT} characters "
            f"(this one has {len(comment)}).",
        )
    return replace(progress, comment=comment)


def next_meeting_date(meeting: Meeting, meetings: Iterable[Meeting]) -> dt.date:
    """The date of the meeting after `meeting`: the next one held or planned, else a month on
    (same weekday of the same week)."""
    later = [
        m.scheduled_start
        for m in meetings
        if m.scheduled_start > meeting.scheduled_start and m.amends_id is None
    ]
    if later:
        return min(later).date()
    return month_after(meeting.scheduled_start).date()


@dataclass(frozen=True, slots=True)
class DueMilestone:
    """A milestone not yet done that falls due before the next meeting (or is already late)."""

    milestone: Milestone
    initiative: Initiative
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def milestones_due(
    initiatives: Iterable[Initiative],
    milestones: Mapping[str, Sequence[Milestone]],
    on: dt.date,
    before: dt.date,
) -> list[DueMilestone]:
    """Milestones not done by `on` and due before `before`: late ones first, then by due date."""
    found: list[DueMilestone] = []
    for initiative in initiatives:
        for milestone in milestones.get(initiative.id, ()):
            done = milestone.done_on is not None and milestone.done_on <= on
            if done or milestone.due >= before:
                continue
            found.append(DueMilestone(milestone, initiative, max(0, (on - milestone.due).days)))
    return sorted(found, key=lambda d: (d.milestone.due, d.initiative.name.casefold()))


def next_milestone(
    initiatives: Iterable[Initiative],
    milestones: Mapping[str, Sequence[Milestone]],
    after: dt.date,
) -> DueMilestone | None:
    """The first milestone not yet done that falls due on or after `after`, if any."""
    found = [
        DueMilestone(m, initiative, 0)
        for initiative in initiatives
        for m in milestones.get(initiative.id, ())
        if m.done_on is None and m.due >= after
    ]
    return min(found, key=lambda d: (d.milestone.due, d.initiative.name), default=None)


@dataclass(frozen=True, slots=True)
class InitiativeStatus:
    """One initiative as a meeting sees it: its progress here and before, meeting by meeting."""

    initiative: Initiative
    sponsor_name: str
    here: InitiativeProgress | None
    previous: InitiativeProgress | None
    # (meeting number, % complete, RAG) for each meeting up to this one, oldest first.
    history: tuple[tuple[int, int, Rag], ...]

    @property
    def shown(self) -> InitiativeProgress | None:
        """What the meeting starts from: its own progress, else the last meeting's."""
        return self.here or self.previous

    @property
    def change(self) -> int | None:
        """Points of % complete gained since the previous meeting's progress."""
        if self.here is None or self.previous is None:
            return None
        return self.here.percent_complete - self.previous.percent_complete


def initiative_statuses(
    meeting: Meeting,
    meetings: Sequence[Meeting],
    initiatives: Iterable[Initiative],
    progress: Mapping[str, Sequence[InitiativeProgress]],
    sponsor_names: Mapping[str, str],
) -> list[InitiativeStatus]:
    """Each initiative begun by the meeting's date, with this meeting's progress, the last
    progress recorded before it, and its history up to it; in order of target date."""
    by_id = {m.id: m for m in meetings}
    statuses: list[InitiativeStatus] = []
    for initiative in initiatives:
        if initiative.start_date > meeting.date:
            continue
        dated = sorted(
            (
                (by_id[p.meeting_id], p)
                for p in progress.get(initiative.id, ())
                if p.meeting_id in by_id
                and by_id[p.meeting_id].scheduled_start <= meeting.scheduled_start
            ),
            key=lambda mp: mp[0].scheduled_start,
        )
        here = next((p for m, p in dated if m.id == meeting.id), None)
        before = [p for m, p in dated if m.id != meeting.id]
        statuses.append(
            InitiativeStatus(
                initiative,
                sponsor_names.get(initiative.sponsor_id or "", "—"),
                here,
                before[-1] if before else None,
                tuple((m.number, p.percent_complete, p.rag) for m, p in dated),
            )
        )
    return sorted(statuses, key=lambda s: (s.initiative.target_date, s.initiative.name))
