"""What the minutes of a meeting are built from, and the signed PDF kept with a meeting."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from core.errors import ValidationError
from core.minutes import MinutesSource
from core.model import ActionReview, InitiativeProgress, Meeting, RaciAssignment, ReadingReview
from storage import repository
from storage.dashboard import dashboard_data
from storage.rows import row_reader


def minutes_source(db: Database, meeting_id: str) -> MinutesSource:
    """Every object the minutes of one meeting need, read in a handful of queries."""
    meeting = repository.meeting(db, meeting_id)
    pid = meeting.partnership_id
    meetings = repository.meetings(db, pid)
    reviews = repository.reviews_in_meeting(db, meeting_id)
    kpis, targets, readings = dashboard_data(db, pid)
    initiatives = repository.initiatives(db, pid)
    return MinutesSource(
        partnership=repository.partnership(db, pid),
        parties={p.side: p for p in repository.parties(db, pid)},
        people=repository.people(db, pid),
        meeting=meeting,
        items=repository.meeting_items(db, meeting_id),
        attendance=repository.attendance(db, meeting_id),
        decisions=repository.decisions(db, meeting_id),
        reviews=reviews,
        earlier_reviews=_earlier_reviews(db, meeting, [r.action_id for r in reviews]),
        actions=repository.actions(db, pid),
        raci=_raci_of_raised(db, meeting_id),
        meetings=meetings,
        kpis=kpis,
        targets=targets,
        readings=readings,
        reading_reviews=_reading_reviews(db, pid),
        initiatives=initiatives,
        milestones={i.id: repository.milestones(db, i.id) for i in initiatives},
        progress=[
            p
            for i in initiatives
            for p in repository.initiative_progress(db, i.id)
            if p.meeting_id == meeting_id
        ],
        sign_offs=repository.sign_offs(db, meeting_id),
        reviews_then=_reviews_then(db, meeting),
        decisions_before=decisions_before(db, meeting),
        progress_before=_progress_before(db, meeting),
    )


def _earlier_reviews(db: Database, meeting: Meeting, action_ids: list[str]) -> list[ActionReview]:
    """Reviews of these actions in meetings held before this one, oldest first."""
    if not action_ids:
        return []
    cursor = db.execute(
        "SELECT r.* FROM action_review r JOIN meeting m ON m.id = r.meeting_id "
        "WHERE m.scheduled_start < ? AND r.action_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY m.scheduled_start, r.id",
        [meeting.scheduled_start.isoformat(timespec="seconds"), _json_list(action_ids)],
    )
    read = row_reader(ActionReview, [c[0] for c in cursor.description])
    return [read(row) for row in cursor]


def _progress_before(db: Database, meeting: Meeting) -> list[InitiativeProgress]:
    """Each initiative's progress as the latest earlier meeting of the partnership recorded
    it (the latest revision of that meeting)."""
    cursor = db.execute(
        "SELECT p.* FROM initiative_progress p JOIN meeting m ON m.id = p.meeting_id "
        "WHERE m.partnership_id = ? AND m.scheduled_start < ? AND m.revision = ("
        "SELECT max(revision) FROM meeting o WHERE o.partnership_id = m.partnership_id "
        "AND o.number = m.number) ORDER BY m.scheduled_start",
        [meeting.partnership_id, meeting.scheduled_start.isoformat(timespec="seconds")],
    )
    read = row_reader(InitiativeProgress, [c[0] for c in cursor.description])
    latest: dict[str, InitiativeProgress] = {}
    for row in cursor:
        progress = read(row)
        latest[progress.initiative_id] = progress
    return list(latest.values())


def decisions_before(db: Database, meeting: Meeting) -> int:
    """How many decisions the partnership's meetings earlier in `meeting`'s month took, as
    first signed (a later correction of one does not renumber the decisions after it)."""
    month = meeting.scheduled_start.strftime("%Y-%m")
    row = db.execute(
        "SELECT count(*) FROM decision d JOIN meeting m ON m.id = d.meeting_id "
        "WHERE m.partnership_id = ? AND substr(m.scheduled_start, 1, 7) = ? "
        "AND m.scheduled_start < ? AND m.amends_id IS NULL",
        [meeting.partnership_id, month, meeting.scheduled_start.isoformat(timespec="seconds")],
    ).fetchone()
    return int(row[0])


def _reviews_then(db: Database, meeting: Meeting) -> dict[str, list[ActionReview]]:
    """For each action reviewed again after `meeting`: its reviews up to and including that
    meeting (not another revision's), in meeting order; none at all for the newest meeting."""
    start = meeting.scheduled_start.isoformat(timespec="seconds")
    later = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT r.action_id FROM action_review r "
            "JOIN meeting m ON m.id = r.meeting_id "
            "WHERE m.partnership_id = ? AND m.scheduled_start > ?",
            [meeting.partnership_id, start],
        )
    ]
    if not later:
        return {}
    cursor = db.execute(
        "SELECT r.* FROM action_review r JOIN meeting m ON m.id = r.meeting_id "
        "WHERE r.action_id IN (SELECT value FROM json_each(?)) AND m.scheduled_start <= ? "
        "AND (m.number != ? OR m.id = ?) ORDER BY m.scheduled_start, m.revision, r.id",
        [_json_list(later), start, meeting.number, meeting.id],
    )
    read = row_reader(ActionReview, [c[0] for c in cursor.description])
    found: dict[str, list[ActionReview]] = {action_id: [] for action_id in later}
    for row in cursor:
        review = read(row)
        found[review.action_id].append(review)
    return found


def _raci_of_raised(db: Database, meeting_id: str) -> dict[str, list[RaciAssignment]]:
    cursor = db.execute(
        "SELECT x.action_id, x.person_id, x.role FROM action_raci x "
        "JOIN action a ON a.id = x.action_id WHERE a.raised_in_id = ?",
        [meeting_id],
    )
    read = row_reader(RaciAssignment, [c[0] for c in cursor.description])
    found: dict[str, list[RaciAssignment]] = defaultdict(list)
    for row in cursor:
        assignment = read(row)
        found[assignment.action_id].append(assignment)
    return dict(found)


def _reading_reviews(db: Database, partnership_id: str) -> list[ReadingReview]:
    cursor = db.execute(
        "SELECT rr.* FROM reading_review rr JOIN reading r ON r.id = rr.reading_id "
        "JOIN kpi k ON k.id = r.kpi_id WHERE k.partnership_id = ? ORDER BY rr.reviewed_at, rr.id",
        [partnership_id],
    )
    read = row_reader(ReadingReview, [c[0] for c in cursor.description])
    return [read(row) for row in cursor]


def _json_list(values: list[str]) -> str:
    return json.dumps(values)


def latest_with_minutes(db: Database, partnership_id: str | None = None) -> Meeting:
    """The most recent meeting that has minutes (closed or signed), newest revision first."""
    sql = (
        "SELECT id FROM meeting WHERE status IN ('closed', 'signed') "
        + ("AND partnership_id = ? " if partnership_id else "")
        + "ORDER BY scheduled_start DESC, revision DESC LIMIT 1"
    )
    row = db.execute(sql, [partnership_id] if partnership_id else []).fetchone()
    if row is None:
        raise ValidationError("meeting", "No meeting has minutes yet: end a meeting first.")
    return repository.meeting(db, row[0])


def find_meeting(db: Database, reference: str, partnership_id: str | None = None) -> Meeting:
    """A meeting by its id, by its number (the newest revision), or `latest`; of one
    partnership when given (a number alone is ambiguous in a file of several)."""
    if reference == "latest":
        return latest_with_minutes(db, partnership_id)
    if reference.isdigit():
        row = db.execute(
            "SELECT id FROM meeting WHERE number = ? AND (? IS NULL OR partnership_id = ?) "
            "ORDER BY revision DESC LIMIT 1",
            [int(reference), partnership_id, partnership_id],
        ).fetchone()
        if row is None:
            raise ValidationError("meeting", f"There is no meeting number {reference}.")
        return repository.meeting(db, row[0])
    found = db.execute("SELECT id FROM meeting WHERE id = ?", [reference]).fetchone()
    if found is None:
        raise ValidationError("meeting", f"There is no meeting {reference!r}.")
    return repository.meeting(db, reference)


def stored_pdf(db: Database, meeting_id: str) -> bytes | None:
    """The PDF kept with a meeting: the signed minutes, or the partly signed ones."""
    row = db.execute("SELECT minutes_pdf FROM meeting WHERE id = ?", [meeting_id]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def meeting_with_content_hash(db: Database, digest: str) -> Meeting | None:
    """The signed (or newest) meeting whose minutes have this content hash."""
    row = db.execute(
        "SELECT id FROM meeting WHERE content_hash = ? "
        "ORDER BY status = 'signed' DESC, revision DESC LIMIT 1",
        [digest],
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT meeting_id FROM sign_off WHERE content_hash = ? LIMIT 1", [digest]
        ).fetchone()
    return repository.meeting(db, row[0]) if row else None


def known_certificates(db: Database) -> list[bytes]:
    """The PEM certificates of every signatory of every partnership in the file."""
    return [
        pem.encode("ascii")
        for (pem,) in db.execute("SELECT certificate_pem FROM signatory_certificate").fetchall()
    ]
