"""The minutes of a meeting as one plain document: what the PDF shows and the JSON records.

`build_minutes` turns what storage gathered (a `MinutesSource` of core objects) into a
`Minutes` of names, dates and figures only: no ids a reader cannot resolve, no Qt, no
reportlab. The renderer (core/pdf/) draws it; `minutes_json` is its canonical JSON
form, whose SHA-256 is the minutes' content hash, the value each sign-off approves.
The sign-off block itself is outside the hash: it records who approved that hash.

One module on purpose (about 640 lines): every section's data is built in one pass over
the same source, and the canonical JSON must follow that data exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import accountability
from core.actions import settle, slip_count
from core.dashboard import tiles as kpi_tiles
from core.errors import LifecycleError
from core.model import (
    Action,
    ActionReview,
    ActionState,
    Attendance,
    AttendanceStatus,
    Decision,
    Initiative,
    InitiativeProgress,
    Kpi,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Milestone,
    Partnership,
    Party,
    Person,
    RaciAssignment,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    Side,
    SignOff,
)
from core.rag import bands, target_in_force
from core.record import canonical_json

MINUTES_FORMAT = "review-facilitator/minutes/2"
ACCOUNTABILITY_WINDOWS = (3, 6, 12)
# How far ahead the minutes list initiatives' milestones due: the month to the next review.
HORIZON_DAYS = 31

# --- what storage gathers ---------------------------------------------------------------


@dataclass(frozen=True)
class MinutesSource:
    """Every core object the minutes of one meeting are built from."""

    partnership: Partnership
    parties: Mapping[Side, Party]
    people: Sequence[Person]
    meeting: Meeting
    items: Sequence[MeetingItem]
    attendance: Sequence[Attendance]
    decisions: Sequence[Decision]
    reviews: Sequence[ActionReview]  # recorded in this meeting
    earlier_reviews: Sequence[ActionReview]  # of the same actions, in earlier meetings
    actions: Sequence[Action]  # all of the partnership's (for the record and names)
    raci: Mapping[str, Sequence[RaciAssignment]]  # by action id, for the commitments
    meetings: Sequence[Meeting]  # all of the partnership's, for the accountability window
    kpis: Sequence[Kpi]
    targets: Mapping[str, Sequence[KpiTarget]]
    readings: Mapping[str, Sequence[Reading]]
    reading_reviews: Sequence[ReadingReview]  # of the partnership's readings, up to this meeting
    initiatives: Sequence[Initiative]
    milestones: Mapping[str, Sequence[Milestone]]
    progress: Sequence[InitiativeProgress]  # recorded in this meeting
    sign_offs: Sequence[SignOff] = ()
    # Each initiative's latest progress recorded in an earlier meeting (its change since).
    progress_before: Sequence[InitiativeProgress] = ()
    # How many decisions the partnership's earlier meetings of the same month took (so that
    # decision references run on through the month).
    decisions_before: int = 0
    # For each action reviewed again in a later meeting: its reviews up to and including this
    # meeting, in meeting order (what its state was when this meeting closed).
    reviews_then: Mapping[str, Sequence[ActionReview]] = field(default_factory=dict)


def as_it_stood(source: MinutesSource) -> MinutesSource:
    """The source as the world stood when its meeting closed: actions raised later left out,
    actions reviewed later back in the state this meeting left them, milestones done later
    not yet done, readings' reviews of later meetings left out and each reading confirmed or
    disputed later back to the state its earlier reviews left it in."""
    meeting = source.meeting
    later = {m.id for m in source.meetings if m.scheduled_start > meeting.scheduled_start}
    actions = []
    for action in source.actions:
        if action.raised_in_id in later or action.raised_on > meeting.date:
            continue
        if action.id in source.reviews_then:
            action = settle(action, source.reviews_then[action.id])
        actions.append(action)
    return dataclasses.replace(
        source,
        actions=actions,
        meetings=[m for m in source.meetings if m.id not in later],
        milestones={
            initiative: [
                m if m.done_on is None or m.done_on <= meeting.date else _not_done(m)
                for m in listed
            ]
            for initiative, listed in source.milestones.items()
        },
        reading_reviews=[r for r in source.reading_reviews if r.meeting_id not in later],
        readings=_readings_then(source.readings, source.reading_reviews, later),
        reviews_then={},
    )


def _readings_then(
    readings: Mapping[str, Sequence[Reading]],
    reviews: Sequence[ReadingReview],
    later: set[str],
) -> dict[str, list[Reading]]:
    """Readings as they stood before the `later` meetings' reviews: one those reviews
    confirmed or disputed is back to its last earlier verdict, or awaiting confirmation."""
    reviewed_later = {r.reading_id for r in reviews if r.meeting_id in later}
    verdicts: dict[str, ReadingConfirmation] = {}
    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        if review.reading_id in reviewed_later and review.meeting_id not in later:
            verdicts[review.reading_id] = ReadingConfirmation(review.verdict.value)

    def then(reading: Reading) -> Reading:
        if reading.id not in reviewed_later:
            return reading
        state = verdicts.get(reading.id, ReadingConfirmation.TO_BE_CONFIRMED)
        return dataclasses.replace(reading, confirmation=state)

    return {kpi: [then(r) for r in listed] for kpi, listed in readings.items()}


def _not_done(milestone: Milestone) -> Milestone:
    return dataclasses.replace(milestone, done_on=None)


# --- the document -----------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    partnership: str
    enterprise: str
    partner: str
    number: int
    revision: int
    amends_revision: int | None
    title: str
    date: str
    period: str
    planned_start: str
    planned_end: str
    actual_start: str | None
    actual_end: str | None
    location: str
    facilitator: str


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str


@dataclass(frozen=True)
class SideAttendance:
    side: str
    party: str
    present: tuple[Attendee, ...]
    apologies: tuple[Attendee, ...]
    absent: tuple[Attendee, ...]
    guests: tuple[str, ...]


@dataclass(frozen=True)
class AgendaEntry:
    position: int
    title: str
    kind: str
    planned_minutes: int
    actual_minutes: int
    notes: str  # Markdown as typed: bullets, bold and italics are kept


@dataclass(frozen=True)
class ReviewedAction:
    title: str
    owner: str
    side: str
    raised: str
    original_due: str
    due: str  # the due date in force when reviewed
    status: str
    comment: str
    new_due: str | None
    slips: int  # how many times its due date has moved, this review included
    closed: bool


@dataclass(frozen=True)
class RaciEntry:
    role: str
    name: str


@dataclass(frozen=True)
class Commitment:
    title: str
    owner: str
    side: str
    due: str
    raci: tuple[RaciEntry, ...]
    owner_absent: bool  # not at the meeting: told by the minutes, which are sent to them


@dataclass(frozen=True)
class DecisionEntry:
    reference: str  # D-2026-11-03: the third decision of the partnership's November 2026
    text: str
    item: str
    agreed_by: tuple[str, ...]


@dataclass(frozen=True)
class KpiEntry:
    name: str
    unit: str
    category: str
    owner_side: str
    direction: str
    target: float | None
    red: float | None
    bands: str  # "green ≥ 90% · amber ≥ 85% · red < 85%", or "" without a target
    value: float | None
    rag: str | None
    previous_value: float | None
    trend: str  # "up", "down", "flat" or "none"
    improved: bool | None
    confirmation: str | None
    comment: str
    history: tuple[tuple[str, float], ...]
    targets: tuple[tuple[str, float], ...]  # the target in force for each period of `history`


@dataclass(frozen=True)
class DisputeEntry:
    kpi: str
    period: str
    value: float
    side: str
    verdict: str
    comment: str
    at: str
    in_this_meeting: bool
    resolved: bool


@dataclass(frozen=True)
class MilestoneEntry:
    title: str
    due: str
    done_on: str | None


@dataclass(frozen=True)
class InitiativeEntry:
    name: str
    owner_side: str
    sponsor: str
    start: str
    target_date: str
    percent_complete: int | None
    rag: str | None
    comment: str
    milestones_due: tuple[MilestoneEntry, ...]
    # As the last earlier meeting that reported it left it (None: first reported now).
    previous_percent: int | None
    previous_rag: str | None


@dataclass(frozen=True)
class AccountabilityEntry:
    side: str
    party: str
    window_meetings: int
    due: int
    done_on_time: int
    say_do_pct: float | None
    on_time_pct: float | None
    open_overdue: int
    mean_slip_days: float | None
    dropped: int


@dataclass(frozen=True)
class SignOffEntry:
    side: str
    party: str
    name: str
    role: str
    signed_at: str
    content_hash: str
    certificate_fingerprint: str | None


@dataclass(frozen=True)
class Minutes:
    """The minutes of one meeting, in the order they are read."""

    header: Header
    attendance: tuple[SideAttendance, ...]
    agenda: tuple[AgendaEntry, ...]
    action_review: tuple[ReviewedAction, ...]
    commitments: tuple[Commitment, ...]
    decisions: tuple[DecisionEntry, ...]
    dashboard: tuple[KpiEntry, ...]
    disputes: tuple[DisputeEntry, ...]
    initiatives: tuple[InitiativeEntry, ...]
    accountability: tuple[AccountabilityEntry, ...]
    sign_offs: tuple[SignOffEntry, ...] = field(default=())


# --- building ---------------------------------------------------------------------------


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def build_minutes(source: MinutesSource) -> Minutes:
    """The minutes of `source.meeting` as it stood when it closed (`as_it_stood`: nothing that
    happened after it); refused while the meeting has not ended."""
    source = as_it_stood(source)
    meeting = source.meeting
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.LIVE):
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: end it before its minutes are made."
        )
    people = {p.id: p for p in source.people}

    def name(person_id: str | None) -> str:
        return people[person_id].name if person_id in people else ""

    return Minutes(
        header=_header(source, name),
        attendance=_attendance(source, people),
        agenda=tuple(
            AgendaEntry(
                position=index + 1,
                title=item.title,
                kind=item.kind.value,
                planned_minutes=item.timebox_minutes,
                actual_minutes=round(item.actual_seconds / 60),
                notes=item.notes.strip(),
            )
            for index, item in enumerate(sorted(source.items, key=lambda i: i.position))
        ),
        action_review=_action_review(source, name),
        commitments=_commitments(source, name),
        decisions=_decisions(source, name),
        dashboard=_dashboard(source),
        disputes=_disputes(source),
        initiatives=_initiatives(source, name),
        accountability=_accountability(source),
        sign_offs=_sign_offs(source, people),
    )


def _header(source: MinutesSource, name: Any) -> Header:
    meeting = source.meeting
    planned = sum(item.timebox_minutes for item in source.items)
    amended = next((m for m in source.meetings if m.id == meeting.amends_id), None)
    return Header(
        partnership=source.partnership.name,
        enterprise=source.parties[Side.ENTERPRISE].name,
        partner=source.parties[Side.PARTNER].name,
        number=meeting.number,
        revision=meeting.revision,
        amends_revision=amended.revision if amended else None,
        title=meeting.title,
        date=meeting.date.isoformat(),
        period=meeting.period,
        planned_start=_time(meeting.scheduled_start) or "",
        planned_end=_time(meeting.scheduled_start + dt.timedelta(minutes=planned)) or "",
        actual_start=_time(meeting.actual_start),
        actual_end=_time(meeting.actual_end),
        location=meeting.location,
        facilitator=name(meeting.facilitator_id),
    )


def _attendance(source: MinutesSource, people: Mapping[str, Person]) -> tuple[SideAttendance, ...]:
    groups = []
    for side in Side:
        by_status: dict[AttendanceStatus, list[Attendee]] = {s: [] for s in AttendanceStatus}
        guests = []
        for record in source.attendance:
            person = people.get(record.person_id or "")
            if person is None:
                if record.guest_side is side:
                    guests.append(record.guest_name)
                continue
            if person.side is side:
                by_status[record.status].append(Attendee(person.name, person.role))
        groups.append(
            SideAttendance(
                side=side.value,
                party=source.parties[side].name,
                present=tuple(sorted(by_status[AttendanceStatus.PRESENT], key=_by_name)),
                apologies=tuple(sorted(by_status[AttendanceStatus.APOLOGIES], key=_by_name)),
                absent=tuple(sorted(by_status[AttendanceStatus.ABSENT], key=_by_name)),
                guests=tuple(sorted(guests, key=str.casefold)),
            )
        )
    neutral = sorted(
        r.guest_name for r in source.attendance if r.person_id is None and r.guest_side is None
    )
    if neutral:
        # Guests of neither side (an independent adviser, say) are listed under both headings'
        # end, once: with the enterprise's group, marked as such.
        first = groups[0]
        groups[0] = dataclasses.replace(
            first, guests=first.guests + tuple(f"{g} (independent)" for g in neutral)
        )
    return tuple(groups)


def _by_name(attendee: Attendee) -> str:
    return attendee.name.casefold()


def _action_review(source: MinutesSource, name: Any) -> tuple[ReviewedAction, ...]:
    actions = {a.id: a for a in source.actions}
    earlier: dict[str, list[ActionReview]] = {}
    for review in source.earlier_reviews:
        earlier.setdefault(review.action_id, []).append(review)
    entries = []
    for review in source.reviews:
        action = actions.get(review.action_id)
        if action is None:
            continue
        before = earlier.get(action.id, [])
        due = next((r.new_due for r in reversed(before) if r.new_due), None)
        raised = next((m for m in source.meetings if m.id == action.raised_in_id), None)
        entries.append(
            ReviewedAction(
                title=action.title,
                owner=name(action.owner_id),
                side=action.side.value,
                raised=f"Meeting {raised.number}" if raised else action.raised_on.isoformat(),
                original_due=action.original_due.isoformat(),
                due=(due or action.original_due).isoformat(),
                status=review.status.value,
                comment=review.comment,
                new_due=_day(review.new_due),
                slips=slip_count(action, [*before, review]),
                closed=review.status.value in (ActionState.DONE.value, ActionState.DROPPED.value),
            )
        )
    entries.sort(key=lambda e: (e.side, e.closed, e.due, e.title.casefold()))
    return tuple(entries)


def _commitments(source: MinutesSource, name: Any) -> tuple[Commitment, ...]:
    # An amendment's commitments are those raised in the meeting it corrects.
    same_meeting = {m.id for m in source.meetings if m.number == source.meeting.number} | {
        source.meeting.id
    }
    raised = [a for a in source.actions if a.raised_in_id in same_meeting]
    raised.sort(key=lambda a: (a.side.value, a.original_due, a.title.casefold()))
    present = {a.person_id for a in source.attendance if a.status is AttendanceStatus.PRESENT}
    return tuple(
        Commitment(
            title=a.title,
            owner=name(a.owner_id),
            side=a.side.value,
            due=a.original_due.isoformat(),
            raci=tuple(
                RaciEntry(r.role.value, name(r.person_id))
                for r in sorted(
                    source.raci.get(a.id, ()), key=lambda r: (r.role.value, name(r.person_id))
                )
            ),
            owner_absent=a.owner_id not in present,
        )
        for a in raised
    )


def _decisions(source: MinutesSource, name: Any) -> tuple[DecisionEntry, ...]:
    return decision_entries(
        source.decisions, source.items, name, source.meeting, source.decisions_before
    )


def decision_reference(month: str, number: int) -> str:
    """How a decision is cited: D-, its meeting's month, its number in that month."""
    return f"D-{month}-{number:02d}"


def decision_entries(
    decisions: Sequence[Decision],
    items: Sequence[MeetingItem],
    name: Callable[[str], str],
    meeting: Meeting,
    before: int = 0,
) -> tuple[DecisionEntry, ...]:
    """A meeting's decisions in agenda order, with their item and who agreed (by `name`),
    each numbered within the partnership's month (`before`: the decisions of the month's
    earlier meetings), e.g. D-2026-11-03, the reference later notes cite. An amendment's
    decisions keep the numbers of the meeting it corrects."""
    titles = {i.id: i.title for i in items}
    ordered = _in_agenda_order(decisions, items)
    references = decision_references(decisions, items, meeting, before)
    return tuple(
        DecisionEntry(
            reference=references[d.id],
            text=d.text,
            item=titles.get(d.item_id or "", ""),
            agreed_by=tuple(sorted((name(p) for p in d.agreed_by), key=str.casefold)),
        )
        for d in ordered
    )


def _in_agenda_order(decisions: Sequence[Decision], items: Sequence[MeetingItem]) -> list[Decision]:
    positions = {i.id: i.position for i in items}
    return sorted(decisions, key=lambda d: (positions.get(d.item_id or "", 10_000), d.text, d.id))


def decision_references(
    decisions: Sequence[Decision],
    items: Sequence[MeetingItem],
    meeting: Meeting,
    before: int = 0,
) -> dict[str, str]:
    """Each decision's reference, by its id: numbered in agenda order after the `before`
    decisions of the partnership's earlier meetings that month (D-2026-11-03)."""
    month = meeting.date.strftime("%Y-%m")
    return {
        d.id: decision_reference(month, before + number)
        for number, d in enumerate(_in_agenda_order(decisions, items), start=1)
    }


def _trend(change: float | None) -> str:
    if change is None:
        return "none"
    if change > 0:
        return "up"
    return "down" if change < 0 else "flat"


def _dashboard(source: MinutesSource) -> tuple[KpiEntry, ...]:
    return kpi_entries(source.kpis, source.targets, source.readings, source.meeting.period)


def kpi_entries(
    kpis: Sequence[Kpi],
    targets_by_kpi: Mapping[str, Sequence[KpiTarget]],
    readings_by_kpi: Mapping[str, Sequence[Reading]],
    period: str,
) -> tuple[KpiEntry, ...]:
    """Every KPI's tile of `period` (core.dashboard), worst first, as the minutes print it;
    the pre-read prints the same."""
    entries = []
    for tile in kpi_tiles(kpis, targets_by_kpi, readings_by_kpi, period):
        targets = targets_by_kpi.get(tile.kpi.id, ())
        entries.append(
            KpiEntry(
                name=tile.kpi.name,
                unit=tile.kpi.unit,
                category=tile.kpi.category.value,
                owner_side=tile.kpi.owner_side.value,
                direction=tile.kpi.direction.value,
                target=tile.target.target if tile.target else None,
                red=tile.target.red if tile.target else None,
                bands=(
                    bands(tile.kpi.direction, tile.target.target, tile.target.red, tile.kpi.unit)
                    if tile.target
                    else ""
                ),
                value=tile.value,
                rag=tile.rag.value if tile.rag else None,
                previous_value=tile.previous_value,
                trend=_trend(tile.change),
                improved=tile.improved,
                confirmation=tile.confirmation.value if tile.confirmation else None,
                comment=tile.comment,
                history=tile.history,
                targets=tuple(
                    (p, t.target)
                    for p, _ in tile.history
                    if (t := target_in_force(targets, p)) is not None
                ),
            )
        )
    return tuple(entries)


def _disputes(source: MinutesSource) -> tuple[DisputeEntry, ...]:
    """Reviews of readings made in this meeting, and disputes from earlier ones still open."""
    kpis = {k.id: k for k in source.kpis}
    readings = {r.id: r for rs in source.readings.values() for r in rs}
    # Earlier meetings, and this revision of this one (not its other revisions' copies).
    meeting_ids = {
        m.id
        for m in source.meetings
        if m.scheduled_start <= source.meeting.scheduled_start and m.number != source.meeting.number
    }
    meeting_ids.add(source.meeting.id)
    reviews = sorted(
        (r for r in source.reading_reviews if r.meeting_id in meeting_ids),
        key=lambda r: (r.reviewed_at, r.id),
    )
    last: dict[str, ReadingReview] = {}
    for review in reviews:
        last[review.reading_id] = review
    entries = []
    for review in reviews:
        here = review.meeting_id == source.meeting.id
        still_open = last[review.reading_id] is review and review.verdict is ReadingVerdict.DISPUTED
        if not here and not still_open:
            continue
        reading = readings.get(review.reading_id)
        kpi = kpis.get(reading.kpi_id) if reading else None
        if reading is None or kpi is None:
            continue
        entries.append(
            DisputeEntry(
                kpi=kpi.name,
                period=reading.period,
                value=reading.value,
                side=review.side.value,
                verdict=review.verdict.value,
                comment=review.comment,
                at=_time(review.reviewed_at) or "",
                in_this_meeting=here,
                resolved=last[review.reading_id].verdict is ReadingVerdict.CONFIRMED,
            )
        )
    return tuple(entries)


def _initiatives(source: MinutesSource, name: Any) -> tuple[InitiativeEntry, ...]:
    progress = {p.initiative_id: p for p in source.progress}
    before = {p.initiative_id: p for p in source.progress_before}
    today = source.meeting.date
    horizon = dt.date.fromordinal(today.toordinal() + HORIZON_DAYS)
    entries = []
    for initiative in sorted(source.initiatives, key=lambda i: (i.target_date, i.name)):
        if initiative.start_date > horizon and initiative.id not in progress:
            continue
        p = progress.get(initiative.id)
        due = [
            m
            for m in sorted(source.milestones.get(initiative.id, ()), key=lambda m: m.due)
            if m.due <= horizon and (m.done_on is None or m.done_on >= today)
        ]
        entries.append(
            InitiativeEntry(
                name=initiative.name,
                owner_side=initiative.owner_side.value,
                sponsor=name(initiative.sponsor_id),
                start=initiative.start_date.isoformat(),
                target_date=initiative.target_date.isoformat(),
                percent_complete=p.percent_complete if p else None,
                rag=p.rag.value if p else None,
                comment=p.comment if p else "",
                milestones_due=tuple(
                    MilestoneEntry(m.title, m.due.isoformat(), _day(m.done_on)) for m in due
                ),
                previous_percent=(
                    before[initiative.id].percent_complete if initiative.id in before else None
                ),
                previous_rag=before[initiative.id].rag.value if initiative.id in before else None,
            )
        )
    return tuple(entries)


def _accountability(source: MinutesSource) -> tuple[AccountabilityEntry, ...]:
    """The same figures as the app's accountability view, for each window, as of this meeting."""
    held = [
        m
        for m in source.meetings
        if m.amends_id is None and m.scheduled_start <= source.meeting.scheduled_start
    ]
    upto = source.meeting
    if upto.amends_id is not None:
        upto = next((m for m in source.meetings if m.id == upto.amends_id), upto)
    if all(m.id != upto.id for m in held):
        held.append(upto)
    entries = []
    for size in ACCOUNTABILITY_WINDOWS:
        records = accountability.accountability(held, source.actions, upto, size)
        for side in Side:
            r = records[side]
            entries.append(
                AccountabilityEntry(
                    side=side.value,
                    party=source.parties[side].name,
                    window_meetings=size,
                    due=r.due,
                    done_on_time=r.done_on_time,
                    say_do_pct=_rounded(None if r.say_do_ratio is None else 100 * r.say_do_ratio),
                    on_time_pct=_rounded(r.on_time_pct),
                    open_overdue=r.open_overdue,
                    mean_slip_days=_rounded(r.mean_slip_days),
                    dropped=r.dropped,
                )
            )
    return tuple(entries)


def _sign_offs(source: MinutesSource, people: Mapping[str, Person]) -> tuple[SignOffEntry, ...]:
    entries = []
    for s in sorted(source.sign_offs, key=lambda s: [*Side].index(s.side)):
        person = people.get(s.person_id)
        entries.append(
            SignOffEntry(
                side=s.side.value,
                party=source.parties[s.side].name,
                name=person.name if person else "",
                role=person.role if person else "",
                signed_at=_time(s.signed_at) or "",
                content_hash=s.content_hash,
                certificate_fingerprint=s.certificate_fingerprint,
            )
        )
    return tuple(entries)


# --- the canonical form -----------------------------------------------------------------


def minutes_record(minutes: Minutes) -> dict[str, Any]:
    """The minutes as plain JSON data, without the sign-offs (which approve its hash)."""
    data = dataclasses.asdict(minutes)
    data.pop("sign_offs")
    return {"format": MINUTES_FORMAT, **data}


def minutes_json(minutes: Minutes) -> bytes:
    """One byte-exact UTF-8 text for the same minutes (the canonical form of core.record)."""
    return canonical_json(minutes_record(minutes)).encode("utf-8")


def content_hash(minutes: Minutes) -> str:
    """The SHA-256 of the minutes' canonical JSON: what a sign-off approves."""
    return hashlib.sha256(minutes_json(minutes)).hexdigest()
