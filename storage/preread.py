"""What the pre-read of a meeting is built from, and each send of it kept in the audit log
(how many went out gives the invitation its SEQUENCE; each names the workbook it carried)."""

from __future__ import annotations

from sqlite_utils import Database

from core.errors import ValidationError
from core.lifecycle import next_draft
from core.model import ActionState, Meeting
from core.preread import PreReadFiles, PreReadSource, previous_meeting
from core.register import ActionFilter
from storage import repository
from storage.dashboard import dashboard_data
from storage.initiatives import initiatives_data
from storage.minutes import decisions_before, find_meeting
from storage.register import action_rows

SENT = "pre-read sent"  # the audit log's field for one send; its new value: the workbook's id


def preread_source(db: Database, meeting_id: str) -> PreReadSource:
    """Every object the pre-read of one meeting needs."""
    meeting = repository.meeting(db, meeting_id)
    pid = meeting.partnership_id
    meetings = repository.meetings(db, pid)
    kpis, targets, readings = dashboard_data(db, pid)
    initiatives, milestones, progress = initiatives_data(db, pid)
    last = previous_meeting(meeting, meetings)
    return PreReadSource(
        partnership=repository.partnership(db, pid),
        parties={p.side: p for p in repository.parties(db, pid)},
        people=repository.people(db, pid),
        meeting=meeting,
        items=repository.meeting_items(db, meeting_id),
        meetings=meetings,
        open_actions=action_rows(db, pid, ActionFilter(state=ActionState.OPEN)),
        kpis=kpis,
        targets=targets,
        readings=readings,
        initiatives=initiatives,
        milestones=milestones,
        progress=progress,
        last_meeting=last,
        last_items=repository.meeting_items(db, last.id) if last else [],
        last_decisions=repository.decisions(db, last.id) if last else [],
        last_decisions_before=decisions_before(db, last) if last else 0,
        earlier_sends=len(workbooks_sent(db, meeting_id)),
    )


def workbooks_sent(db: Database, meeting_id: str) -> list[str]:
    """The ids of the workbooks each send of a meeting's pre-read carried, oldest first."""
    cursor = db.execute(
        "SELECT new FROM audit_log WHERE entity = 'meeting' AND entity_id = ? AND field = ? "
        "ORDER BY id",
        [meeting_id, SENT],
    )
    return [row[0] for row in cursor]


def record_send(db: Database, sent: PreReadFiles, by: str = "") -> None:
    """Keep one send of the pre-read in the audit log, with the workbook it carried."""
    with repository.writes(db):
        repository.audit(
            db, "meeting", sent.meeting.id, SENT, None, sent.workbook_id, sent.meeting.id, by
        )


def find_preread_meeting(
    db: Database, reference: str, partnership_id: str | None = None
) -> Meeting:
    """A meeting by its id or its number, or `next`: the earliest prepared (draft) one; of one
    partnership when given."""
    if reference != "next":
        return find_meeting(db, reference, partnership_id)
    drafts = [
        draft
        for partnership in repository.partnerships(db)
        if partnership_id in (None, partnership.id)
        and (draft := next_draft(repository.meetings(db, partnership.id))) is not None
    ]
    found = next_draft(drafts)
    if found is None:
        raise ValidationError(
            "meeting",
            "No meeting is prepared: prepare the next meeting first, then send its pre-read.",
        )
    return found
