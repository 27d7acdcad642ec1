"""The words of DESIGN.md as dataclasses: what a partnership review is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Side(StrEnum):
    """One of the two organisations; everything owned is owned by a person and a side."""

    ENTERPRISE = "enterprise"
    PARTNER = "partner"

    @property
    def other(self) -> Side:
        return Side.PARTNER if self is Side.ENTERPRISE else Side.ENTERPRISE

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AgendaItemKind(StrEnum):
    OPENING = "opening"
    ACTION_REVIEW = "action_review"
    DASHBOARD = "dashboard"
    INITIATIVES = "initiatives"
    COMMITMENTS = "commitments"
    DISCUSSION = "discussion"
    AOB = "aob"
    CLOSING = "closing"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AgendaItemKind.OPENING: "Opening",
    AgendaItemKind.ACTION_REVIEW: "Action review",
    AgendaItemKind.DASHBOARD: "Dashboard",
    AgendaItemKind.INITIATIVES: "Strategic initiatives",
    AgendaItemKind.COMMITMENTS: "New commitments",
    AgendaItemKind.DISCUSSION: "Discussion",
    AgendaItemKind.AOB: "Any other business",
    AgendaItemKind.CLOSING: "Closing",
}


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"
    SIGNED = "signed"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class ReviewStatus(StrEnum):
    """What a meeting said about an open action."""

    DONE = "done"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    DROPPED = "dropped"
    # A comment the room made without judging the action: it changes nothing of its state and
    # is not a review of it (what "reviewed" counts leave it out).
    NOTED = "noted"

    @property
    def closes(self) -> bool:
        return self in (ReviewStatus.DONE, ReviewStatus.DROPPED)

    @property
    def is_review(self) -> bool:
        return self is not ReviewStatus.NOTED

    @property
    def label(self) -> str:
        return "comment only" if self is ReviewStatus.NOTED else self.value.replace("_", " ")


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class RaciRole(StrEnum):
    RESPONSIBLE = "responsible"
    ACCOUNTABLE = "accountable"
    CONSULTED = "consulted"
    INFORMED = "informed"


class Direction(StrEnum):
    """Whether a KPI is better when higher or when lower."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Rag(StrEnum):
    """Red / amber / green: always derived from a reading and its thresholds."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.upper()


class KpiCategory(StrEnum):
    SERVICE = "service"
    DELIVERY = "delivery"
    COMMERCIAL = "commercial"
    SATISFACTION = "satisfaction"


class ReadingConfirmation(StrEnum):
    """Whether the side that does not own a KPI accepts a reading entered for it."""

    CONFIRMED = "confirmed"
    TO_BE_CONFIRMED = "to_be_confirmed"
    DISPUTED = "disputed"


class ReadingVerdict(StrEnum):
    """What the side that does not own a KPI said of a reading in a meeting."""

    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class Partnership:
    id: str
    name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    partnership_id: str
    side: Side
    name: str


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    partnership_id: str
    side: Side
    name: str
    role: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class StandingAgendaItem:
    id: str
    partnership_id: str
    position: int
    title: str
    kind: AgendaItemKind
    timebox_minutes: int


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    partnership_id: str
    number: int
    title: str
    scheduled_start: dt.datetime
    location: str
    facilitator_id: str | None
    period: str
    status: MeetingStatus = MeetingStatus.DRAFT
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None
    revision: int = 1
    amends_id: str | None = None
    content_hash: str | None = None
    # SHA-256 of the signed meeting's frozen rows, and of its stored signed PDF.
    record_hash: str | None = None
    minutes_sha256: str | None = None

    @property
    def date(self) -> dt.date:
        return self.scheduled_start.date()


@dataclass(frozen=True, slots=True)
class MeetingItem:
    id: str
    meeting_id: str
    position: int
    title: str
    kind: AgendaItemKind
    timebox_minutes: int
    notes: str = ""
    actual_seconds: int = 0


@dataclass(frozen=True, slots=True)
class Attendance:
    """One person's (or one guest's) presence at a meeting."""

    id: str
    meeting_id: str
    status: AttendanceStatus
    person_id: str | None = None
    guest_name: str = ""
    guest_side: Side | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A commitment by a person of one side, raised in a meeting."""

    id: str
    partnership_id: str
    title: str
    owner_id: str
    side: Side
    original_due: dt.date
    raised_in_id: str | None
    raised_on: dt.date
    current_due: dt.date | None = None
    state: ActionState = ActionState.OPEN
    closed_in_id: str | None = None
    closed_on: dt.date | None = None

    @property
    def due(self) -> dt.date:
        return self.current_due or self.original_due


@dataclass(frozen=True, slots=True)
class RaciAssignment:
    action_id: str
    person_id: str
    role: RaciRole


@dataclass(frozen=True, slots=True)
class ActionReview:
    """What one meeting recorded about one open action."""

    id: str
    action_id: str
    meeting_id: str
    status: ReviewStatus
    comment: str = ""
    new_due: dt.date | None = None
    reviewed_on: dt.date | None = None
    # The day the owner finished (for a `done` review), when it was before the meeting.
    completed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    meeting_id: str
    text: str
    item_id: str | None = None
    agreed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    partnership_id: str
    name: str
    unit: str
    direction: Direction
    owner_side: Side
    category: KpiCategory


@dataclass(frozen=True, slots=True)
class KpiTarget:
    """A KPI's target and red threshold, in force from a period until a later one replaces
    them (core/rag.py: green meets the target, red is worse than the red threshold)."""

    id: str
    kpi_id: str
    effective_from: str
    target: float
    red: float


@dataclass(frozen=True, slots=True)
class Reading:
    id: str
    kpi_id: str
    period: str
    value: float
    comment: str = ""
    entered_by: Side | None = None
    confirmation: ReadingConfirmation = ReadingConfirmation.CONFIRMED


@dataclass(frozen=True, slots=True)
class ReadingReview:
    """One side confirming or disputing (with its reason) a reading of the other's KPI."""

    id: str
    reading_id: str
    meeting_id: str
    side: Side
    verdict: ReadingVerdict
    comment: str
    reviewed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Initiative:
    id: str
    partnership_id: str
    name: str
    owner_side: Side
    sponsor_id: str | None
    start_date: dt.date
    target_date: dt.date
    description: str = ""


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    initiative_id: str
    title: str
    due: dt.date
    done_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class InitiativeProgress:
    id: str
    initiative_id: str
    meeting_id: str
    percent_complete: int
    rag: Rag
    comment: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    """A named representative of one side approving the minutes over a content hash."""

    id: str
    meeting_id: str
    person_id: str
    side: Side
    signed_at: dt.datetime
    content_hash: str
    certificate_fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class SignatoryCertificate:
    """A signatory's public certificate, known to the partnership so both sides can trust it."""

    fingerprint: str
    person_id: str
    side: Side
    certificate_pem: str
    added_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SigningAuthority:
    """A side's company certificate authority, registered instead of single certificates:
    a certificate it issued signs for that side, once its holder is known as a person of it."""

    fingerprint: str
    partnership_id: str
    side: Side
    certificate_pem: str
    added_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One changed field of an action, a KPI or a KPI reading."""

    at: dt.datetime
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None
    meeting_id: str | None = None
    changed_by: str = ""


@dataclass(slots=True)
class History:
    """Everything one partnership holds, as plain data: what the demo builds and storage saves."""

    partnership: Partnership
    parties: list[Party] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    standing_agenda: list[StandingAgendaItem] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    meeting_items: list[MeetingItem] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    raci: list[RaciAssignment] = field(default_factory=list)
    reviews: list[ActionReview] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    kpi_targets: list[KpiTarget] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    initiative_progress: list[InitiativeProgress] = field(default_factory=list)
    sign_offs: list[SignOff] = field(default_factory=list)
