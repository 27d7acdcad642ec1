"""One signed meeting, by its UUIDs, for the other side's copy of the record.

The minutes PDF carries two attachments. `minutes.json` is what a reader reads and what the
sign-offs approve (its SHA-256 is the content hash); it names people and actions, as minutes
do. `exchange.json`, made from the same source in the same moment and covered by the same
signatures, carries the meeting as rows with their ids: enough for another copy of the app to
add that meeting, its actions, decisions, readings and reviews as the very same rows, so that
both sides hold one history and compute the same accountability figures from it.

This module builds that record, reads it back (refusing anything out of shape), and decides,
against what a copy already holds, what importing it would add, update or refuse.
`plan_import` has the rules; storage/exchange.py gathers the copy's rows and writes the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.errors import ValidationError
from core.minutes import MinutesSource, as_it_stood
from core.model import (
    Action,
    ActionReview,
    ActionState,
    Attendance,
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
    ReadingReview,
)
from core.record import canonical_json

EXCHANGE_FORMAT = "review-facilitator/exchange/1"
EXCHANGE_ATTACHMENT = "exchange.json"
EXCHANGE_DESCRIPTION = (
    "The same meeting as rows with their UUIDs, for the other side's copy of the app."
)
# The readings a record carries: its period's and those before it that the minutes' trends show.
READING_PERIODS = 13

# The fields of a meeting that only the receiving copy sets: signing freezes it there too.
_SET_ON_IMPORT = ("status", "content_hash", "record_hash", "minutes_sha256")


@dataclass(frozen=True)
class MeetingRef:
    """A meeting other rows point at (an action raised or closed there, the revision amended)."""

    id: str
    number: int
    revision: int
    date: dt.date

    @property
    def label(self) -> str:
        suffix = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"meeting {self.number}{suffix} of {self.date.isoformat()}"


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting and every row it needs, as exchange.json carries them."""

    content_hash: str
    partnership: Partnership
    parties: tuple[Party, ...]
    people: tuple[Person, ...]
    meeting: Meeting
    items: tuple[MeetingItem, ...]
    attendance: tuple[Attendance, ...]
    reviews: tuple[ActionReview, ...]
    decisions: tuple[Decision, ...]
    actions: tuple[Action, ...]
    raci: tuple[RaciAssignment, ...]
    kpis: tuple[Kpi, ...]
    kpi_targets: tuple[KpiTarget, ...]
    readings: tuple[Reading, ...]
    reading_reviews: tuple[ReadingReview, ...]
    initiatives: tuple[Initiative, ...]
    milestones: tuple[Milestone, ...]
    initiative_progress: tuple[InitiativeProgress, ...]
    referenced: tuple[MeetingRef, ...] = ()

    @property
    def label(self) -> str:
        m = self.meeting
        return MeetingRef(m.id, m.number, m.revision, m.date).label


# The lists of a record, in the order a copy writes them (parents before children), with the
# class of their rows.
_ROWS: tuple[tuple[str, type], ...] = (
    ("parties", Party),
    ("people", Person),
    ("kpis", Kpi),
    ("kpi_targets", KpiTarget),
    ("readings", Reading),
    ("initiatives", Initiative),
    ("milestones", Milestone),
    ("items", MeetingItem),
    ("attendance", Attendance),
    ("actions", Action),
    ("raci", RaciAssignment),
    ("reviews", ActionReview),
    ("decisions", Decision),
    ("reading_reviews", ReadingReview),
    ("initiative_progress", InitiativeProgress),
)


# --- building -------------------------------------------------------------------------------


def meeting_record(source: MinutesSource, content_hash: str) -> MeetingRecord:
    """The record of `source.meeting` as it stood when it closed (core.minutes.as_it_stood):
    the rows the meeting made, the actions it could have touched (open ones, and those raised,
    reviewed or closed since the meeting before), the readings its dashboard shows, the
    initiatives and the people."""
    source = as_it_stood(source)
    meeting = source.meeting
    by_id = {m.id: m for m in source.meetings}
    held_before = [
        m.date
        for m in source.meetings
        if m.amends_id is None and m.scheduled_start < meeting.scheduled_start
    ]
    since = max(held_before) if held_before else dt.date.min
    this = {meeting.id, meeting.amends_id}
    reviewed = {r.action_id for r in source.reviews}

    def in_time(action: Action) -> bool:
        raised = by_id.get(action.raised_in_id or "")
        if raised is not None and raised.scheduled_start > meeting.scheduled_start:
            return False
        return action.raised_on <= meeting.date

    def touched(action: Action) -> bool:
        return (
            action.state is ActionState.OPEN
            or action.id in reviewed
            or action.raised_in_id in this
            or action.closed_in_id in this
            or (action.closed_on is not None and action.closed_on > since)
        )

    actions = tuple(a for a in source.actions if in_time(a) and touched(a))
    periods = sorted({r.period for rs in source.readings.values() for r in rs})
    shown = set([p for p in periods if p <= meeting.period][-READING_PERIODS:])
    readings = tuple(r for rs in source.readings.values() for r in rs if r.period in shown)
    milestones = tuple(m for ms in source.milestones.values() for m in ms)
    pointed = (
        {meeting.amends_id} | {a.raised_in_id for a in actions} | {a.closed_in_id for a in actions}
    )
    referenced = tuple(
        MeetingRef(m.id, m.number, m.revision, m.date)
        for m in source.meetings
        if m.id in pointed and m.id != meeting.id
    )
    return MeetingRecord(
        content_hash=content_hash,
        partnership=source.partnership,
        parties=tuple(source.parties.values()),
        people=tuple(source.people),
        meeting=meeting,
        items=tuple(source.items),
        attendance=tuple(source.attendance),
        reviews=tuple(source.reviews),
        decisions=tuple(source.decisions),
        actions=actions,
        raci=tuple(r for a in actions for r in source.raci.get(a.id, ())),
        kpis=tuple(source.kpis),
        kpi_targets=tuple(t for ts in source.targets.values() for t in ts),
        readings=readings,
        reading_reviews=tuple(r for r in source.reading_reviews if r.meeting_id == meeting.id),
        initiatives=tuple(source.initiatives),
        milestones=milestones,
        initiative_progress=tuple(source.progress),
        referenced=referenced,
    )


def exchange_json(record: MeetingRecord) -> bytes:
    """The record as canonical JSON: sorted keys, rows sorted by id, UTF-8."""
    meeting = _plain_row(record.meeting)
    for name in _SET_ON_IMPORT:
        meeting.pop(name, None)
    document: dict[str, Any] = {
        "format": EXCHANGE_FORMAT,
        "content_hash": record.content_hash,
        "partnership": _plain_row(record.partnership),
        "meeting": meeting,
        "referenced_meetings": [_plain_row(r) for r in record.referenced],
    }
    for name, _ in _ROWS:
        document[name] = sorted((_plain_row(row) for row in getattr(record, name)), key=_row_key)
    return canonical_json(document).encode("utf-8")


def _row_key(row: Mapping[str, Any]) -> str:
    if "id" in row:
        return str(row["id"])
    return json.dumps(row, sort_keys=True)


def _plain_row(row: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(row, f.name)) for f in dataclasses.fields(row)}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


# --- reading --------------------------------------------------------------------------------


class DamagedRecord(ValidationError):
    def __init__(self, detail: str) -> None:
        super().__init__("file", f"The attached {EXCHANGE_ATTACHMENT} cannot be read: {detail}.")


def read_exchange(data: bytes) -> MeetingRecord:
    """The record in `data`, every row checked against its class; DamagedRecord otherwise."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DamagedRecord("it is not JSON") from None
    if not isinstance(document, dict):
        raise DamagedRecord("it is not a JSON object")
    if document.get("format") != EXCHANGE_FORMAT:
        raise DamagedRecord(
            f"its format is {document.get('format')!r}, and this version reads {EXCHANGE_FORMAT}"
        )
    digest = document.get("content_hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise DamagedRecord("it names no content hash")
    meeting_row = document.get("meeting")
    if not isinstance(meeting_row, dict):
        raise DamagedRecord("it holds no meeting")
    meeting_row = {**meeting_row, "status": MeetingStatus.CLOSED.value}
    rows = {name: _rows(document, name, cls) for name, cls in _ROWS}
    return MeetingRecord(
        content_hash=digest,
        partnership=_row(Partnership, document.get("partnership"), "partnership"),
        meeting=_row(Meeting, meeting_row, "meeting"),
        referenced=_rows(document, "referenced_meetings", MeetingRef),
        **rows,
    )


def _rows(document: Mapping[str, Any], name: str, cls: type) -> tuple[Any, ...]:
    values = document.get(name)
    if not isinstance(values, list):
        raise DamagedRecord(f"its {name} are missing")
    return tuple(_row(cls, value, name) for value in values)


def _row(cls: type, value: Any, name: str) -> Any:
    if not isinstance(value, dict):
        raise DamagedRecord(f"a row of its {name} is not an object")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    if set(value) - known:
        raise DamagedRecord(f"its {name} have unknown fields {sorted(set(value) - known)}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in value:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DamagedRecord(f"a row of its {name} has no {f.name}")
            continue
        try:
            values[f.name] = _typed(hints[f.name], value[f.name])
        except (TypeError, ValueError):
            raise DamagedRecord(f"a row of its {name} has a bad {f.name}") from None
    return cls(**values)


def _typed(hint: Any, value: Any) -> Any:
    """`value` from JSON as the field's type, or TypeError/ValueError."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        if value is None and type(None) in args:
            return None
        hint = next(a for a in args if a is not type(None))
        args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(hint)
        return tuple(value)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat(_text(value))
    if hint is dt.date:
        return dt.date.fromisoformat(_text(value))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str) and type(value) is hint:
        return value
    raise TypeError(hint)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


# --- what importing would do ----------------------------------------------------------------


@dataclass(frozen=True)
class UnknownSigner:
    """A signature whose certificate this copy does not know yet."""

    side: str
    signer: str
    fingerprint: str
    certificate_pem: bytes


class UnknownSigners(ValidationError):
    """The minutes are signed by certificates this copy does not know: the user can confirm
    their fingerprints with their holders (or trust a certificate file) and import again."""

    def __init__(self, signers: Sequence[UnknownSigner]) -> None:
        self.signers = list(signers)
        listed = "; ".join(
            f"{s.signer} ({s.side}), certificate SHA-256 {s.fingerprint}" for s in signers
        )
        super().__init__(
            "certificate",
            f"These minutes are signed by certificates this copy does not know: {listed}. "
            "Confirm each fingerprint with its holder, then import again confirming it "
            "(--fingerprint HEX), or trust their certificate (--trust CERT).",
        )


@dataclass(frozen=True)
class ImportResult:
    meeting: Meeting
    partnership: str
    already_present: bool
    new_partnership: bool = False
    added: dict[str, int] = dataclasses.field(default_factory=dict)
    updated: int = 0
    signers: tuple[str, ...] = ()
    registered: tuple[str, ...] = ()
    starts_here: tuple[str, ...] = ()

    def describe(self) -> str:
        label = f"meeting {self.meeting.number}"
        if self.meeting.revision > 1:
            label += f" (revision {self.meeting.revision})"
        when = self.meeting.date.isoformat()
        if self.already_present:
            return (
                f"The signed minutes of {label} of {when} ({self.partnership}) are in this "
                "copy already, identical: nothing to import."
            )
        counts = ", ".join(_count(n, kind) for kind, n in self.added.items() if n)
        lines = [
            f"Imported {label} of {when} ({self.partnership}"
            + (", new in this copy" if self.new_partnership else "")
            + f"), signed by {' and '.join(self.signers)}: {counts or 'no new rows'}"
            + (f"; {_count(self.updated, 'row')} brought up to date" if self.updated else "")
            + "."
        ]
        if self.starts_here:
            lines.append(
                "This copy's history of the partnership starts with these minutes: the earlier "
                f"meetings they refer to ({'; '.join(self.starts_here)}) are not in it. To fill "
                "it in, import their signed minutes, oldest first."
            )
        lines += [f"Registered the certificate of {name}." for name in self.registered]
        return "\n".join(lines)


_COUNTED = {
    "Action": "action",
    "Decision": "decision",
    "ActionReview": "review",
    "Reading": "reading",
    "Person": "person",
}


def _count(n: int, kind: str) -> str:
    plural = "people" if kind == "person" else kind + "s"
    return f"{n} {kind if n == 1 else plural}"


def counted_kind(row: Any) -> str | None:
    """What an imported row counts as in the summary (action, decision...), if anything."""
    return _COUNTED.get(type(row).__name__)


class ImportRefused(ValidationError):
    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__("minutes", plan.refusal())


@dataclass(frozen=True)
class LocalRows:
    """What a copy already holds of the rows a record names (storage gathers it)."""

    partnership: Partnership | None = None
    namesake: Partnership | None = None  # another partnership of the same name
    meeting: Meeting | None = None  # the record's meeting, by id
    same_number: Meeting | None = None  # another meeting with its number and revision
    meetings: frozenset[str] = frozenset()  # the referenced meetings present
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)  # present ids per list
    actions: Mapping[str, Action] = field(default_factory=dict)
    readings: Mapping[str, Reading] = field(default_factory=dict)
    reading_slots: Mapping[tuple[str, str], Reading] = field(default_factory=dict)
    kpi_names: Mapping[str, str] = field(default_factory=dict)  # casefolded name -> KPI id
    milestones: Mapping[str, Milestone] = field(default_factory=dict)
    newest_signed: dt.datetime | None = None  # of the copy's signed meetings (not amendments)


@dataclass(frozen=True)
class ImportPlan:
    """What importing a record does to a copy: nothing (it is there already), or inserts and
    updates, or nothing at all because of `missing` meetings or `conflicts`."""

    record: MeetingRecord
    already_present: bool = False
    new_partnership: bool = False
    inserts: tuple[Any, ...] = ()
    updates: tuple[Any, ...] = ()
    missing: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    # The earlier meetings a copy's first minutes of a partnership point at, which it lacks.
    starts_here: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return bool(self.missing or self.conflicts)

    def refusal(self) -> str:
        """Why nothing was imported, in lines a user can act on."""
        lines = [f"Nothing was imported from the minutes of {self.record.label}:"]
        if self.missing:
            lines.append(
                "this copy lacks earlier minutes these depend on; import them first: "
                + "; ".join(self.missing)
                + "."
            )
        lines += [f"- {c}" for c in self.conflicts]
        return "\n".join(lines)


_ACTION_FIXED = ("title", "owner_id", "side", "original_due", "raised_in_id", "raised_on")
_ACTION_STATE = ("current_due", "state", "closed_in_id", "closed_on")


def plan_import(record: MeetingRecord, local: LocalRows) -> ImportPlan:
    """Decide what importing `record` does: every row by its id; a meeting already present
    and signed over the same content is a no-op; anything this copy holds differently is never
    overwritten: it is listed, and nothing is imported."""
    meeting = record.meeting
    if local.meeting is not None:
        if local.meeting.status is MeetingStatus.SIGNED:
            if local.meeting.content_hash == record.content_hash:
                return ImportPlan(record, already_present=True)
            return ImportPlan(
                record,
                conflicts=(
                    f"This copy holds {record.label} signed over other minutes "
                    f"(content hash {local.meeting.content_hash}).",
                ),
            )
        return ImportPlan(
            record,
            conflicts=(
                f"This copy holds {record.label} {local.meeting.status.value}, not signed, "
                "with its own changes; they are kept. If these are minutes you sent for "
                "signature, use Receive signed instead.",
            ),
        )
    missing = _missing_meetings(record, local)
    conflicts = list(_conflicts(record, local))
    starts_here: tuple[str, ...] = ()
    if local.partnership is None and missing and meeting.amends_id is None:
        # The copy's first minutes of this partnership: its history starts here; what they
        # point at from before is left unlinked until those minutes are imported.
        starts_here, missing = tuple(missing), []
        record = _unlinked(record, local.meetings)
    if missing or conflicts:
        return ImportPlan(record, missing=tuple(missing), conflicts=tuple(conflicts))
    inserts: list[Any] = []
    if local.partnership is None:
        inserts.append(record.partnership)
    references: tuple[Any, ...] = (
        *record.parties,
        *record.people,
        *record.kpis,
        *record.kpi_targets,
    )
    inserts += [row for row in references if row.id not in _present(local, row)]
    inserts += [r for r in record.readings if r.id not in local.readings]
    inserts += [row for row in record.initiatives if row.id not in _present(local, row)]
    inserts += [m for m in record.milestones if m.id not in local.milestones]
    inserts.append(meeting)
    inserts += [*record.items, *record.attendance]
    inserts += [a for a in record.actions if a.id not in local.actions]
    known_raci = local.ids.get("RaciAssignment", frozenset())
    inserts += [r for r in record.raci if _raci_key(r) not in known_raci]
    inserts += [
        *record.reviews,
        *record.decisions,
        *record.reading_reviews,
        *record.initiative_progress,
    ]
    newest = meeting.amends_id is None and (
        local.newest_signed is None or meeting.scheduled_start >= local.newest_signed
    )
    updates: list[Any] = []
    for action in record.actions:
        held = local.actions.get(action.id)
        if held is None:
            continue
        merged = held
        if held.raised_in_id is None and action.raised_in_id is not None:
            merged = dataclasses.replace(merged, raised_in_id=action.raised_in_id)  # filled in
        if newest:
            merged = dataclasses.replace(
                merged, **{name: getattr(action, name) for name in _ACTION_STATE}
            )
        if merged != held:
            updates.append(merged)
    for milestone in record.milestones:
        held_milestone = local.milestones.get(milestone.id)
        if held_milestone is not None and held_milestone.done_on is None and milestone.done_on:
            updates.append(milestone)
    return ImportPlan(
        record,
        new_partnership=local.partnership is None,
        inserts=tuple(inserts),
        updates=tuple(updates),
        starts_here=starts_here,
    )


def _unlinked(record: MeetingRecord, present: frozenset[str]) -> MeetingRecord:
    """The record with its actions' links to meetings this copy lacks taken off."""
    known = present | {record.meeting.id}

    def unlinked(action: Action) -> Action:
        raised = action.raised_in_id if action.raised_in_id in known else None
        closed = action.closed_in_id if action.closed_in_id in known else None
        return dataclasses.replace(action, raised_in_id=raised, closed_in_id=closed)

    return dataclasses.replace(record, actions=tuple(unlinked(a) for a in record.actions))


def _raci_key(row: RaciAssignment) -> str:
    return f"{row.action_id}/{row.person_id}/{row.role.value}"


def _present(local: LocalRows, row: Any) -> frozenset[str]:
    return local.ids.get(type(row).__name__, frozenset())


def _missing_meetings(record: MeetingRecord, local: LocalRows) -> list[str]:
    """The earlier meetings the record points at that this copy does not hold."""
    return [
        ref.label
        + (" (the revision these minutes amend)" if ref.id == record.meeting.amends_id else "")
        for ref in sorted(record.referenced, key=lambda r: (r.date, r.number, r.revision))
        if ref.id not in local.meetings
    ]


def _conflicts(record: MeetingRecord, local: LocalRows) -> Iterable[str]:
    if local.partnership is None and local.namesake is not None:
        yield (
            f"This copy has a partnership of its own named {local.namesake.name!r}, made here "
            "rather than from imported minutes: import into a new file (or rename yours)."
        )
    if local.same_number is not None:
        other = local.same_number
        yield (
            f"This copy has its own meeting {other.number} (revision {other.revision}, "
            f"{other.status.value}, {other.date.isoformat()}), not the one these minutes record."
        )
    for action in record.actions:
        held = local.actions.get(action.id)
        if held is None:
            continue
        changed = [
            n
            for n in _ACTION_FIXED
            if getattr(held, n) != getattr(action, n)
            and not (n == "raised_in_id" and held.raised_in_id is None)
        ]
        if changed:
            yield (
                f"The action {held.title!r} differs in this copy ({', '.join(changed)}); "
                "this copy's version is kept."
            )
    for kpi in record.kpis:
        owner = local.kpi_names.get(kpi.name.casefold())
        if owner is not None and owner != kpi.id:
            yield f"This copy has its own KPI named {kpi.name!r}, not the partnership's."
    names = {k.id: k.name for k in record.kpis}
    for reading in record.readings:
        kept = local.readings.get(reading.id) or local.reading_slots.get(
            (reading.kpi_id, reading.period)
        )
        if kept is None or (kept.id, kept.value, kept.period) == (
            reading.id,
            reading.value,
            reading.period,
        ):
            continue
        name = names.get(reading.kpi_id, "A KPI")
        yield (
            f"{name} for {reading.period}: this copy holds {kept.value:g}"
            + (", entered here" if kept.id != reading.id else "")
            + f", the signed minutes {reading.value:g}; this copy's is kept."
        )
