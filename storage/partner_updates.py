"""The partner's updates: what a workbook coming back is checked against, and the proposals
the facilitator accepted written in one transaction, each from the partner in the audit log.

Where each kind of proposal goes: an action's status, comment and new due date become this
meeting's review of the action (as the action review screen records it, replacing an earlier
review of this meeting); a KPI figure becomes the partner's reading for its period (as typed
readings are entered); a confirmation or dispute becomes this meeting's review of the
enterprise's reading, by the partner's side; an item to raise becomes a discussion item of
the meeting's agenda, before "any other business", its details in the item's notes. An item
on the agenda is what the room goes through and the minutes keep, with its own notes and
timebox; a line in another item's notes would be neither timed nor seen as the partner's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlite_utils import Database

from core import agenda, lifecycle
from core.errors import LifecycleError, ReviewError
from core.ids import new_id
from core.kpis import ReadingEntry, reviewing_side
from core.model import (
    Action,
    ActionReview,
    AgendaItemKind,
    MeetingItem,
    MeetingStatus,
    Reading,
    ReadingReview,
    ReviewStatus,
    Side,
)
from core.partner_updates import (
    ITEM_MINUTES,
    KnownAction,
    KnownKpi,
    KnownReading,
    PartnerUpdates,
    Proposal,
    ProposalKind,
    ReceivedWorkbook,
    WorkbookContext,
    WorkbookRefused,
    check_proposal,
    edit,
    read_file,
    workbook_meeting,
)
from core.periods import period_of
from storage import kpis, repository
from storage.rows import row_reader

# What the audit log's entry of each accepted proposal is filed under.
AUDIT_FIELD = "partner update"
_EDITABLE = (MeetingStatus.DRAFT, MeetingStatus.LIVE)


def workbook_context(db: Database, meeting_id: str) -> WorkbookContext:
    """What a workbook coming back for this meeting is checked against: the partner's open
    actions (and those this meeting closed), the partner's KPIs with their readings, the
    enterprise's figures of the meeting's period for the partner to confirm (and any still
    disputed), and every workbook already received."""
    meeting = repository.meeting(db, meeting_id)
    pid = meeting.partnership_id
    names = {p.id: p.name for p in repository.people(db, pid)}
    return WorkbookContext(
        partnership_id=pid,
        meeting_id=meeting.id,
        meeting_number=meeting.number,
        period=meeting.period,
        actions=_partner_actions(db, pid, meeting.id, names),
        kpis=_partner_kpis(db, pid),
        readings=_readings_to_confirm(db, pid, meeting.period),
        received=_received(db),
    )


def _partner_actions(
    db: Database, pid: str, meeting_id: str, names: dict[str, str]
) -> dict[str, KnownAction]:
    where = "partnership_id = ? AND side = 'partner' AND (state = 'open' OR closed_in_id = ?)"
    columns = [
        "id", "partnership_id", "title", "owner_id", "side", "original_due", "raised_in_id",
        "raised_on", "current_due", "state", "closed_in_id", "closed_on",
    ]  # fmt: skip
    read = row_reader(Action, columns)
    found = [
        read(row)
        for row in db.execute(
            f"SELECT {', '.join(columns)} FROM action WHERE {where} ORDER BY current_due, rowid",
            [pid, meeting_id],
        )
    ]
    last_status: dict[str, str] = {}
    for action_id, status in db.execute(
        "SELECT r.action_id, r.status FROM action_review r JOIN meeting m ON m.id = r.meeting_id "
        f"WHERE r.action_id IN (SELECT id FROM action WHERE {where}) "
        "ORDER BY m.scheduled_start, r.rowid",
        [pid, meeting_id],
    ):
        last_status[action_id] = status
    return {
        a.id: KnownAction(
            a.id,
            a.title,
            names.get(a.owner_id, ""),
            a.due,
            ReviewStatus(last_status[a.id]) if a.id in last_status else None,
        )
        for a in found
    }


def _partner_kpis(db: Database, pid: str) -> dict[str, KnownKpi]:
    owned = [k for k in repository.kpis(db, pid) if k.owner_side is Side.PARTNER]
    readings: dict[str, dict[str, tuple[float, str]]] = {k.id: {} for k in owned}
    for kpi_id, period, value, comment in db.execute(
        "SELECT r.kpi_id, r.period, r.value, r.comment FROM reading r JOIN kpi k "
        "ON k.id = r.kpi_id WHERE k.partnership_id = ? AND k.owner_side = 'partner'",
        [pid],
    ):
        readings[kpi_id][period] = (value, comment)
    return {k.id: KnownKpi(k.id, k.name, k.unit, readings[k.id]) for k in owned}


def _readings_to_confirm(db: Database, pid: str, period: str) -> dict[str, KnownReading]:
    by_id = {k.id: k for k in repository.kpis(db, pid)}
    columns = ["id", "kpi_id", "period", "value", "comment", "entered_by", "confirmation"]
    read = row_reader(Reading, columns)
    found: dict[str, KnownReading] = {}
    for row in db.execute(
        f"SELECT {', '.join('r.' + c for c in columns)} FROM reading r JOIN kpi k "
        "ON k.id = r.kpi_id WHERE k.partnership_id = ? "
        "AND (r.period = ? OR (r.confirmation = 'disputed' AND r.period <= ?)) "
        "ORDER BY r.period, k.name",
        [pid, period, period],
    ):
        reading = read(row)
        kpi = by_id[reading.kpi_id]
        if reviewing_side(kpi, reading) is Side.PARTNER:
            found[reading.id] = KnownReading(
                reading.id,
                kpi.id,
                kpi.name,
                kpi.unit,
                reading.period,
                reading.value,
                reading.confirmation,
            )
    return found


def _received(db: Database) -> dict[str, dt.datetime]:
    received: dict[str, dt.datetime] = {}
    for workbook_id, digest, at in db.execute(
        "SELECT workbook_id, file_sha256, received_at FROM received_workbook"
    ):
        received[workbook_id] = received[digest] = dt.datetime.fromisoformat(at)
    return received


def received_workbooks(db: Database, meeting_id: str) -> list[ReceivedWorkbook]:
    """The workbooks (and CSV files) whose updates were taken for a meeting, oldest first."""
    cursor = db.execute(
        "SELECT workbook_id, meeting_id, received_at, file_sha256 FROM received_workbook "
        "WHERE meeting_id = ? ORDER BY received_at, rowid",
        [meeting_id],
    )
    read = row_reader(ReceivedWorkbook, [c[0] for c in cursor.description])
    return [read(row) for row in cursor]


def meeting_for_file(db: Database, data: bytes, name: str) -> str:
    """The meeting a file of updates is for: the one its About sheet names (a workbook), or
    the meeting to work on next of the file's first partnership (a CSV file)."""
    if name.lower().endswith(".csv") and not data.startswith(b"PK\x03\x04"):
        partnerships = repository.partnerships(db)
        if not partnerships:
            raise ReviewError("This database holds no partnership to receive updates for.")
        upcoming = lifecycle.next_meeting(repository.meetings(db, partnerships[0].id))
        if upcoming is None:
            raise ReviewError("Every meeting is signed: prepare the next meeting first.")
        return upcoming.id
    meeting_id = workbook_meeting(data)
    found = db.execute("SELECT id FROM meeting WHERE id = ?", [meeting_id]).fetchone()
    if found is None:
        raise WorkbookRefused(
            "This workbook is for a meeting this database does not hold: is it the right file?"
        )
    return str(found[0])


def read_updates(db: Database, meeting_id: str, data: bytes, name: str) -> PartnerUpdates:
    """A file of updates (workbook or CSV, by `name`) read into proposals for a meeting."""
    return read_file(data, name, workbook_context(db, meeting_id))


def accept_proposals(
    db: Database,
    updates: PartnerUpdates,
    accepted: Sequence[tuple[Proposal, str | None]],
    now: dt.datetime,
) -> int:
    """Write the accepted proposals of one file (each with the value the facilitator typed
    instead, or None) in one transaction, and record the file as received. Every proposal is
    checked first, against the database as it is now; if one fails, nothing is written.
    Returns how many were written; none accepted writes nothing at all."""
    if not accepted:
        return 0
    by = updates.by
    with repository.writes(db):
        meeting = repository.meeting(db, updates.meeting_id)
        if meeting.status not in _EDITABLE:
            raise LifecycleError(
                f"Meeting {meeting.number} is {meeting.status}: the partner's updates are taken "
                "before the meeting or during it."
            )
        known = workbook_context(db, meeting.id)
        when = known.received.get(updates.workbook_id) or known.received.get(updates.file_sha256)
        if when is not None:
            raise WorkbookRefused(
                f"This file was already received on {when:%Y-%m-%d at %H:%M}: nothing was written."
            )
        checked: list[Proposal] = []
        for proposal, typed in accepted:
            if typed is not None and typed.strip() != proposal.proposed:
                proposal = edit(proposal, typed)
            check_proposal(proposal, known)
            checked.append(proposal)
        reviewed_on = meeting.actual_start.date() if meeting.actual_start else meeting.date
        items: list[Proposal] = []
        for proposal in checked:
            if proposal.kind is ProposalKind.ACTION:
                assert proposal.status is not None
                review = ActionReview(
                    new_id(),
                    proposal.target_id,
                    meeting.id,
                    proposal.status,
                    proposal.comment,
                    proposal.new_due,
                    reviewed_on,
                )
                repository.record_review(db, review, by=by)
                _audit(db, "action", proposal.target_id, proposal, meeting.id, by)
            elif proposal.kind is ProposalKind.READING:
                assert proposal.value is not None
                entry = ReadingEntry(
                    proposal.target_id, proposal.period, proposal.value, proposal.comment
                )
                kpis.enter_readings(
                    db, meeting.partnership_id, [entry], Side.PARTNER, period_of(now.date()), by
                )
                (reading_id,) = db.execute(
                    "SELECT id FROM reading WHERE kpi_id = ? AND period = ?",
                    [proposal.target_id, proposal.period],
                ).fetchone()
                _audit(db, "reading", reading_id, proposal, meeting.id, by)
            elif proposal.kind is ProposalKind.CONFIRMATION:
                assert proposal.verdict is not None
                verdict = ReadingReview(
                    new_id(),
                    proposal.target_id,
                    meeting.id,
                    Side.PARTNER,
                    proposal.verdict,
                    proposal.comment,
                    now.replace(microsecond=0),
                )
                kpis.review_reading(db, verdict, by=by)
                _audit(db, "reading", proposal.target_id, proposal, meeting.id, by)
            else:
                items.append(proposal)
        _add_items(db, meeting.id, items, by)
        repository.insert(
            db,
            [
                ReceivedWorkbook(
                    updates.workbook_id, meeting.id, now.replace(microsecond=0), updates.file_sha256
                )
            ],
        )
    return len(checked)


def _add_items(db: Database, meeting_id: str, proposals: Sequence[Proposal], by: str) -> None:
    """The items to raise as discussion items of the meeting, before any other business."""
    if not proposals:
        return
    existing = repository.meeting_items(db, meeting_id)
    at = next(
        (i.position for i in existing if i.kind in (AgendaItemKind.AOB, AgendaItemKind.CLOSING)),
        max((i.position for i in existing), default=-1) + 1,
    )
    db.execute(
        "UPDATE meeting_item SET position = position + ? WHERE meeting_id = ? AND position >= ?",
        [len(proposals), meeting_id, at],
    )
    for offset, proposal in enumerate(proposals):
        details = proposal.comment
        notes = f"Raised by the partner: {details}" if details else "Raised by the partner."
        item = MeetingItem(
            new_id(),
            meeting_id,
            at + offset,
            agenda.check_title(proposal.proposed),
            AgendaItemKind.DISCUSSION,
            ITEM_MINUTES,
            notes,
        )
        repository.insert(db, [item])
        _audit(db, "meeting_item", item.id, proposal, meeting_id, by)


def partner_said(db: Database, meeting_id: str) -> dict[str, str]:
    """What the partner's accepted updates said of each action for this meeting (the latest
    if several), by action id: shown in the action review's row."""
    rows = db.execute(
        "SELECT entity_id, new FROM audit_log WHERE entity = 'action' AND field = ? "
        "AND meeting_id = ? ORDER BY at, id",
        [AUDIT_FIELD, meeting_id],
    ).fetchall()
    return {action_id: str(said) for action_id, said in rows}


def _audit(
    db: Database, entity: str, entity_id: str, proposal: Proposal, meeting_id: str, by: str
) -> None:
    """The accepted proposal in the audit log: what it replaced, what it proposed and why."""
    new = proposal.proposed if not proposal.comment else f"{proposal.proposed} — {proposal.comment}"
    repository.audit(db, entity, entity_id, AUDIT_FIELD, proposal.current, new, meeting_id, by)
