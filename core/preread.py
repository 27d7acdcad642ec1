"""The pre-read that goes out before a meeting: what both sides read, and what the partner
fills in, built from what storage gathered (a `PreReadSource` of core objects).

Four files, each for a reader of its own: the pre-read PDF (core/pdf/preread.py: the agenda
with planned times, every open action of both sides, the period's KPIs with the figures
awaiting the other side's confirmation, the initiatives, last meeting's decisions), a calendar
invitation (.ics, METHOD:REQUEST, one stable UID per meeting so a re-send updates the same
event, and a SEQUENCE that grows with each send), the partner update workbook (.xlsx, in the
shape of core.workbook_format) and an e-mail draft (.eml) carrying the three to everyone of
both sides with an e-mail address. No Qt, no SQL: storage/preread.py gathers the source.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event, vCalAddress
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import (  # type: ignore[import-untyped]
    Alignment,
    Font,
    PatternFill,
    Protection,
)
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.workbook.protection import WorkbookProtection  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from core import workbook_format as shape
from core.actions import days_overdue
from core.agenda import planned_minutes
from core.distribution import attach, body, draft_message, partnership_slug
from core.errors import LifecycleError, ReviewError, ValidationError
from core.exports import UID_DOMAIN, write_atomically
from core.figures import figure_with_unit
from core.initiatives import initiative_statuses, milestones_due, next_meeting_date
from core.kpis import disputed_readings, reviewing_side
from core.minutes import (
    DecisionEntry,
    Header,
    InitiativeEntry,
    KpiEntry,
    MilestoneEntry,
    decision_entries,
    kpi_entries,
)
from core.model import (
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
    Reading,
    ReadingConfirmation,
    Side,
)
from core.register import ActionRow

PRODID = "-//Review Facilitator//Pre-read//EN"
ITEM_ROWS = 20  # empty rows of "Items to raise"

# --- what storage gathers ---------------------------------------------------------------


@dataclass(frozen=True)
class PreReadSource:
    """Every core object the pre-read of one meeting is built from."""

    partnership: Partnership
    parties: Mapping[Side, Party]
    people: Sequence[Person]
    meeting: Meeting
    items: Sequence[MeetingItem]
    meetings: Sequence[Meeting]  # all of the partnership's
    open_actions: Sequence[ActionRow]  # of both sides
    kpis: Sequence[Kpi]
    targets: Mapping[str, Sequence[KpiTarget]]
    readings: Mapping[str, Sequence[Reading]]
    initiatives: Sequence[Initiative]
    milestones: Mapping[str, Sequence[Milestone]]
    progress: Mapping[str, Sequence[InitiativeProgress]]
    last_meeting: Meeting | None  # the meeting held before this one (previous_meeting)
    last_items: Sequence[MeetingItem]
    last_decisions: Sequence[Decision]
    last_decisions_before: int  # the decisions of earlier meetings in the last one's month
    earlier_sends: int  # how many times this meeting's pre-read went out before


def previous_meeting(meeting: Meeting, meetings: Sequence[Meeting]) -> Meeting | None:
    """The meeting held before `meeting` (ended or signed; its newest revision), if any."""
    held = [
        m
        for m in meetings
        if m.scheduled_start < meeting.scheduled_start
        and m.number != meeting.number
        and m.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED)
    ]
    return max(held, key=lambda m: (m.scheduled_start, m.number, m.revision), default=None)


def check_can_send(meeting: Meeting) -> None:
    """A pre-read goes out before a meeting: only for a prepared (draft) one."""
    if meeting.status is not MeetingStatus.DRAFT:
        raise LifecycleError(
            f"Meeting {meeting.number} is {meeting.status}: a pre-read goes out before a "
            "meeting, for one prepared and not yet started."
        )


# --- the document -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedItem:
    """An agenda item with the time it is planned to start (the timeboxes before it added up)."""

    position: int
    title: str
    kind: str
    start: str  # HH:MM
    minutes: int


@dataclass(frozen=True)
class OpenActionEntry:
    title: str
    owner: str
    side: str
    raised: str
    original_due: str
    due: str  # the due date in force
    slips: int  # how many times its due date moved
    days_overdue: int  # on the meeting's date
    last_status: str | None
    last_comment: str


@dataclass(frozen=True)
class AwaitingEntry:
    """A figure one side reported for a KPI, waiting for the other side to confirm it."""

    kpi: str
    period: str
    value: str  # with its unit
    reported_by: str  # side
    to_confirm_by: str  # side
    disputed: bool


@dataclass(frozen=True)
class PreRead:
    """The pre-read of one meeting, in the order it is read."""

    header: Header
    agenda: tuple[PlannedItem, ...]
    actions: tuple[OpenActionEntry, ...]
    dashboard: tuple[KpiEntry, ...]
    awaiting: tuple[AwaitingEntry, ...]
    initiatives: tuple[InitiativeEntry, ...]
    last_meeting: str | None  # "Meeting 24, 2026-11-10"
    decisions: tuple[DecisionEntry, ...]


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _month(period: str) -> str:
    """'2026-11' as 'November 2026'."""
    try:
        return dt.date.fromisoformat(f"{period}-01").strftime("%B %Y")
    except ValueError:
        return period


def _names(people: Sequence[Person]) -> Callable[[str], str]:
    by_id = {p.id: p.name for p in people}
    return lambda person_id: by_id.get(person_id or "", "")


def build_preread(source: PreReadSource) -> PreRead:
    """The pre-read of `source.meeting`; refused unless the meeting is a draft."""
    meeting = source.meeting
    check_can_send(meeting)
    name = _names(source.people)
    items = sorted(source.items, key=lambda i: i.position)
    end = meeting.scheduled_start + dt.timedelta(minutes=planned_minutes(items))
    header = Header(
        partnership=source.partnership.name,
        enterprise=source.parties[Side.ENTERPRISE].name,
        partner=source.parties[Side.PARTNER].name,
        number=meeting.number,
        revision=meeting.revision,
        amends_revision=None,
        title=meeting.title,
        date=meeting.date.isoformat(),
        period=meeting.period,
        planned_start=meeting.scheduled_start.isoformat(timespec="minutes"),
        planned_end=end.isoformat(timespec="minutes"),
        actual_start=None,
        actual_end=None,
        location=meeting.location,
        facilitator=name(meeting.facilitator_id or ""),
    )
    agenda = []
    start = meeting.scheduled_start
    for index, item in enumerate(items, start=1):
        agenda.append(
            PlannedItem(index, item.title, item.kind.value, _clock(start), item.timebox_minutes)
        )
        start += dt.timedelta(minutes=item.timebox_minutes)
    last = source.last_meeting
    return PreRead(
        header=header,
        agenda=tuple(agenda),
        actions=_open_actions(source),
        dashboard=kpi_entries(source.kpis, source.targets, source.readings, meeting.period),
        awaiting=_awaiting(source),
        initiatives=_initiatives(source, name),
        last_meeting=f"Meeting {last.number}, {last.date.isoformat()}" if last else None,
        decisions=(
            decision_entries(
                source.last_decisions, source.last_items, name, last, source.last_decisions_before
            )
            if last
            else ()
        ),
    )


def _originals(meetings: Sequence[Meeting]) -> list[Meeting]:
    return [m for m in meetings if m.amends_id is None]


def _open_actions(source: PreReadSource) -> tuple[OpenActionEntry, ...]:
    on = source.meeting.date
    entries = [
        OpenActionEntry(
            title=row.action.title,
            owner=row.owner_name,
            side=row.action.side.value,
            raised=(
                f"Meeting {row.raised_number}"
                if row.raised_number is not None
                else row.raised_on.isoformat()
            ),
            original_due=row.action.original_due.isoformat(),
            due=row.action.due.isoformat(),
            slips=row.slips,
            days_overdue=days_overdue(row.action, on),
            last_status=row.last_status.value if row.last_status else None,
            last_comment=row.last_comment,
        )
        for row in source.open_actions
    ]
    order = [s.value for s in Side]
    entries.sort(key=lambda e: (order.index(e.side), e.due, e.title.casefold()))
    return tuple(entries)


def _awaiting(source: PreReadSource) -> tuple[AwaitingEntry, ...]:
    """The period's figures not yet confirmed, and earlier ones still disputed."""
    period = source.meeting.period
    kpis = {k.id: k for k in source.kpis}
    waiting = [
        r
        for readings in source.readings.values()
        for r in readings
        if r.period == period and r.confirmation is not ReadingConfirmation.CONFIRMED
    ]
    waiting += [r for r in disputed_readings(source.readings, period) if r.period != period]
    entries = []
    for reading in waiting:
        kpi = kpis.get(reading.kpi_id)
        if kpi is None:
            continue
        entries.append(
            AwaitingEntry(
                kpi=kpi.name,
                period=reading.period,
                value=figure_with_unit(reading.value, kpi.unit),
                reported_by=(reading.entered_by or kpi.owner_side).value,
                to_confirm_by=reviewing_side(kpi, reading).value,
                disputed=reading.confirmation is ReadingConfirmation.DISPUTED,
            )
        )
    entries.sort(key=lambda e: (e.period, e.kpi.casefold()))
    return tuple(entries)


def _initiatives(source: PreReadSource, name: Callable[[str], str]) -> tuple[InitiativeEntry, ...]:
    """Each initiative begun by the meeting's date, with its latest progress (the last meeting's:
    a draft has none of its own) and the milestones due before the meeting after this one."""
    meeting = source.meeting
    meetings = _originals(source.meetings)
    names = {p.id: p.name for p in source.people}
    statuses = initiative_statuses(meeting, meetings, source.initiatives, source.progress, names)
    horizon = next_meeting_date(meeting, meetings)
    due = milestones_due([s.initiative for s in statuses], source.milestones, meeting.date, horizon)
    entries = []
    for status in statuses:
        initiative, shown = status.initiative, status.shown
        entries.append(
            InitiativeEntry(
                name=initiative.name,
                owner_side=initiative.owner_side.value,
                sponsor=name(initiative.sponsor_id or ""),
                start=initiative.start_date.isoformat(),
                target_date=initiative.target_date.isoformat(),
                percent_complete=shown.percent_complete if shown else None,
                rag=shown.rag.value if shown else None,
                comment=shown.comment if shown else "",
                milestones_due=tuple(
                    MilestoneEntry(d.milestone.title, d.milestone.due.isoformat(), None)
                    for d in due
                    if d.initiative.id == initiative.id
                ),
                # a draft has no progress of its own: what it shows is the last meeting's
                previous_percent=None,
                previous_rag=None,
            )
        )
    return tuple(entries)


# --- the invitation ---------------------------------------------------------------------


def addressed(people: Sequence[Person]) -> list[Person]:
    """Everyone of both sides with an e-mail address: the enterprise first, then the partner."""
    order = list(Side)
    return sorted((p for p in people if p.email), key=lambda p: order.index(p.side))


def organiser(meeting: Meeting, people: Sequence[Person]) -> Person:
    """Who sends the invitation: the facilitator if of the enterprise with an e-mail address,
    else the first person of the enterprise with one."""
    facilitator = next((p for p in people if p.id == meeting.facilitator_id), None)
    if facilitator is not None and facilitator.side is Side.ENTERPRISE and facilitator.email:
        return facilitator
    found = next((p for p in people if p.side is Side.ENTERPRISE and p.email), None)
    if found is None:
        raise ValidationError(
            "email",
            "No one of the enterprise has an e-mail address to send the invitation from: "
            "add one to the facilitator.",
        )
    return found


def event_uid(meeting: Meeting) -> str:
    """The invitation's UID: the same for every send of one meeting, so a re-send updates it."""
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    # A parameter value cannot hold a double quote (RFC 5545 3.2).
    address.params["CN"] = " ".join(person.name.replace('"', "'").split())
    address.params.update(params)
    return address


def agenda_text(preread: PreRead) -> str:
    """The agenda as lines of text: planned start, title, minutes."""
    lines = [f"{item.start}  {item.title} ({item.minutes} min)" for item in preread.agenda]
    return "\n".join(lines)


def invitation(source: PreReadSource, preread: PreRead, sequence: int, now: dt.datetime) -> bytes:
    """An iCalendar request inviting everyone with an e-mail address to the meeting."""
    meeting = source.meeting
    people = addressed(source.people)
    if not people:
        raise ValidationError("email", "No one has an e-mail address to invite.")
    start = meeting.scheduled_start
    end = dt.datetime.fromisoformat(preread.header.planned_end)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", sequence)
    # Times in UTC: a naive time is the facilitator's local time, which every reader converts.
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", end.astimezone(dt.UTC))
    event.add("summary", f"{source.partnership.name}: {meeting.title} (meeting {meeting.number})")
    if meeting.location:
        event.add("location", meeting.location)
    event.add(
        "description",
        f"Partnership review, meeting {meeting.number}: the dashboard reviews "
        f"{_month(meeting.period)}.\n\nAgenda\n{agenda_text(preread)}\n\n"
        "The pre-read and the partner update workbook come with the invitation's e-mail.",
    )
    event.add("organizer", _address(organiser(meeting, source.people)))
    for person in people:
        event.add(
            "attendee",
            _address(
                person,
                CUTYPE="INDIVIDUAL",
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="TRUE",
            ),
        )
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


# --- the partner update workbook ----------------------------------------------------------


def workbook_rows(source: PreReadSource) -> dict[str, list[list[Any]]]:
    """The data rows of each sheet of the partner update workbook, by sheet name."""
    meeting = source.meeting
    period = meeting.period
    actions = [
        [row.action.id, row.action.title, row.owner_name, row.action.due, None, None, None]
        for row in sorted(
            source.open_actions, key=lambda r: (r.action.due, r.action.title.casefold())
        )
        if row.action.side is Side.PARTNER
    ]
    ours, theirs = [], []
    for kpi in sorted(source.kpis, key=lambda k: k.name.casefold()):
        reading = next((r for r in source.readings.get(kpi.id, ()) if r.period == period), None)
        if kpi.owner_side is Side.PARTNER:
            ours.append(
                [
                    kpi.id,
                    kpi.name,
                    kpi.unit,
                    period,
                    reading.value if reading else None,
                    (reading.comment or None) if reading else None,
                ]
            )
        # The enterprise's figures the partner is the side to confirm (it did not enter them).
        elif reading is not None and reviewing_side(kpi, reading) is Side.PARTNER:
            theirs.append([reading.id, kpi.name, reading.period, reading.value, None, None])
    items = [[number, None, None] for number in range(1, ITEM_ROWS + 1)]
    return {
        shape.ACTIONS.name: actions,
        shape.READINGS.name: ours,
        shape.CONFIRMATIONS.name: theirs,
        shape.ITEMS.name: items,
    }


_WIDTHS = {
    "Action": 52,
    "Owner": 22,
    "Due": 12,
    "Status": 12,
    "Comment": 40,
    "Proposed new due date": 14,
    "KPI": 40,
    "Unit": 10,
    "Period": 10,
    "Value": 12,
    "Verdict": 12,
    "Reason": 40,
    "Row": 6,
    "Title": 48,
    "Details": 60,
}
_DATE_COLUMNS = frozenset({"Due", "Proposed new due date"})
_DATE_FORMAT = "yyyy-mm-dd"


def partner_workbook(source: PreReadSource, workbook_id: str) -> bytes:
    """The partner update workbook (.xlsx) in the shape of core.workbook_format: an About sheet
    naming the partnership, the meeting and this workbook, then one protected sheet a
    `SHEETS` entry, only its editable cells unlocked, drop-downs for status and verdict."""
    meeting = source.meeting
    book = Workbook()
    book.properties.creator = "Review Facilitator"
    book.properties.title = f"Partner update for meeting {meeting.number}"
    about = book.active
    about.title = shape.ABOUT
    values = {
        "format": shape.FORMAT,
        "workbook": workbook_id,
        "partnership": source.partnership.id,
        "partnership_name": source.partnership.name,
        "meeting": meeting.id,
        "meeting_number": meeting.number,
    }
    for key in shape.ABOUT_KEYS:
        about.append([key, values[key]])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 44
    about.protection.sheet = True

    bold = Font(bold=True)
    editable_fill = PatternFill("solid", fgColor="FFF8E1")
    unlocked = Protection(locked=False)
    rows_by_sheet = workbook_rows(source)
    lists = {"Status": shape.STATUSES, "Verdict": shape.VERDICTS}
    for sheet in shape.SHEETS:
        ws = book.create_sheet(sheet.name)
        last_column = get_column_letter(len(sheet.columns))
        ws.cell(row=1, column=1, value=sheet.explanation)
        ws.merge_cells(f"A1:{last_column}1")  # the identifier column is hidden: span the rest
        ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[1].height = 48
        for column, heading in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=2, column=column, value=heading)
            cell.font = bold
            ws.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(heading, 38)
        rows = rows_by_sheet[sheet.name]
        for offset, values_of_row in enumerate(rows):
            for column, value in enumerate(values_of_row, start=1):
                heading = sheet.columns[column - 1]
                cell = ws.cell(row=3 + offset, column=column, value=value)
                if heading in _DATE_COLUMNS:
                    cell.number_format = _DATE_FORMAT
                if heading in sheet.editable:
                    cell.protection = unlocked
                    cell.fill = editable_fill
        last_row = 2 + len(rows)
        for heading, choices in lists.items():
            if heading not in sheet.columns or not rows:
                continue
            letter = get_column_letter(sheet.columns.index(heading) + 1)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                errorTitle=f"Choose a {heading.lower()}",
                error=f"Choose one of: {', '.join(choices)}; or leave it empty.",
                promptTitle=heading,
                prompt=", ".join(choices),
            )
            ws.add_data_validation(validation)
            validation.add(f"{letter}3:{letter}{last_row}")
        ws.column_dimensions["A"].hidden = True
        ws.freeze_panes = "A3"
        ws.protection.sheet = True  # no password: it keeps the shape, it is not a secret
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 1  # open on the partner's actions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the e-mail -------------------------------------------------------------------------

_MIME = {
    ".pdf": ("application", "pdf", {}),
    ".ics": ("text", "calendar", {"method": "REQUEST", "charset": "utf-8"}),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet", {}),
}


def preread_email(source: PreReadSource, attachments: Sequence[tuple[str, bytes]]) -> bytes:
    """An unsent e-mail draft to everyone of both sides with an e-mail address, from the
    invitation's organiser, the pre-read, the invitation and the workbook attached."""
    meeting = source.meeting
    name = source.partnership.name
    people = addressed(source.people)
    if not people:
        raise ValidationError("recipients", "No one has an e-mail address to send the pre-read to.")
    sender = organiser(meeting, source.people)
    partner = source.parties[Side.PARTNER].name
    message = draft_message(
        f"{name}: pre-read for meeting {meeting.number}, {meeting.date.isoformat()}",
        people,
        sender,
    )
    where = f" at {meeting.location}" if meeting.location else ""
    message.set_content(
        body(
            "Dear all,",
            f"Meeting {meeting.number} of the {name} partnership review is on "
            f"{meeting.date:%A} {meeting.date.day} {meeting.date:%B %Y} at "
            f"{_clock(meeting.scheduled_start)}{where}; the invitation is attached.",
            "The pre-read (PDF) has the agenda, the open actions of both sides, the dashboard "
            f"of {_month(meeting.period)}, the initiatives and the decisions of the last "
            "meeting.",
            f"For {partner}: the workbook lists your open actions and KPIs. Please fill in the "
            "unlocked cells (a status for each action, your figures, confirmations or disputes "
            "of ours, items to raise) and send it back before the meeting.",
        )
    )
    for file_name, data in attachments:
        suffix = file_name[file_name.rfind(".") :].lower()
        maintype, subtype, params = _MIME[suffix]
        attach(message, data, maintype, subtype, file_name, params)
    return bytes(message)


# --- all four ---------------------------------------------------------------------------


def preread_stem(partnership: str, meeting: Meeting) -> str:
    """`halden-brightline-meeting-025-2026-12-08`: the files' common beginning."""
    slug = partnership_slug(partnership, "partnership")
    return f"{slug}-meeting-{meeting.number:03d}-{meeting.date.isoformat()}"


@dataclass(frozen=True)
class PreReadFiles:
    """The four files of one send, by name, in the order written: PDF, invitation, workbook,
    e-mail; and what identifies the send (the invitation's sequence, the workbook's id)."""

    meeting: Meeting
    sequence: int
    workbook_id: str
    files: tuple[tuple[str, bytes], ...]


def make_preread(source: PreReadSource, now: dt.datetime, workbook_id: str) -> PreReadFiles:
    """Every file of the pre-read of `source.meeting`, sent at `now`."""
    from core.pdf.preread import render_preread

    preread = build_preread(source)
    stem = preread_stem(source.partnership.name, source.meeting)
    sequence = source.earlier_sends
    attachments = (
        (f"{stem}-pre-read.pdf", render_preread(preread, created=now)),
        (f"{stem}-pre-read.ics", invitation(source, preread, sequence, now)),
        (f"{stem}-partner-update.xlsx", partner_workbook(source, workbook_id)),
    )
    email = (f"{stem}-pre-read.eml", preread_email(source, attachments))
    return PreReadFiles(source.meeting, sequence, workbook_id, (*attachments, email))


def write_files(sent: PreReadFiles, folder: Path) -> list[Path]:
    """Write the files of one send into an existing `folder`, each whole or not at all."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReviewError(f"{folder} is not a folder: choose an existing folder for the pre-read.")
    paths = []
    for name, data in sent.files:
        path = folder / name
        write_atomically(path, data)
        paths.append(path)
    return paths
