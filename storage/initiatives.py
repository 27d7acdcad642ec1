"""Strategic initiatives read for a meeting, and each meeting's progress on them written,
one transaction each, with the audit log."""

from __future__ import annotations

from collections import defaultdict

from sqlite_utils import Database

from core.initiatives import check_progress
from core.model import Initiative, InitiativeProgress, Milestone
from storage import repository
from storage.rows import from_row, to_value

_OF_PARTNERSHIP = "initiative_id IN (SELECT id FROM initiative WHERE partnership_id = ?)"


def initiatives_data(
    db: Database, partnership_id: str
) -> tuple[list[Initiative], dict[str, list[Milestone]], dict[str, list[InitiativeProgress]]]:
    """The partnership's initiatives, and their milestones and progress by initiative id."""
    initiatives = repository.initiatives(db, partnership_id)
    milestones: dict[str, list[Milestone]] = defaultdict(list)
    cursor = db.execute(
        f"SELECT * FROM milestone WHERE {_OF_PARTNERSHIP} ORDER BY due, title", [partnership_id]
    )
    columns = [c[0] for c in cursor.description]
    for row in cursor:
        milestone = from_row(Milestone, dict(zip(columns, row, strict=True)))
        milestones[milestone.initiative_id].append(milestone)
    progress: dict[str, list[InitiativeProgress]] = defaultdict(list)
    cursor = db.execute(
        f"SELECT * FROM initiative_progress WHERE {_OF_PARTNERSHIP} ORDER BY rowid",
        [partnership_id],
    )
    columns = [c[0] for c in cursor.description]
    for row in cursor:
        found = from_row(InitiativeProgress, dict(zip(columns, row, strict=True)))
        progress[found.initiative_id].append(found)
    return initiatives, dict(milestones), dict(progress)


def progress_in(db: Database, initiative_id: str, meeting_id: str) -> InitiativeProgress | None:
    """What a meeting recorded of an initiative's progress, if anything."""
    for found in repository.initiative_progress(db, initiative_id):
        if found.meeting_id == meeting_id:
            return found
    return None


def record_progress(
    db: Database, progress: InitiativeProgress, by: str = ""
) -> InitiativeProgress | None:
    """Record a meeting's progress on an initiative, replacing what the same meeting recorded
    before (which is returned, for undo); a signed meeting, a percentage outside 0–100 or an
    over-long comment are refused. Each changed figure goes to the audit log."""
    with repository.writes(db):
        checked = check_progress(progress, repository.meeting(db, progress.meeting_id))
        before = progress_in(db, checked.initiative_id, checked.meeting_id)
        if before is not None:
            db.execute("DELETE FROM initiative_progress WHERE id = ?", [before.id])
        repository.insert(db, [checked])
        for name in ("percent_complete", "rag", "comment"):
            old = None if before is None else to_value(getattr(before, name))
            new = to_value(getattr(checked, name))
            if old != new:
                repository.audit(
                    db, "initiative", checked.initiative_id, name, old, new, checked.meeting_id, by
                )
    return before


def remove_progress(db: Database, initiative_id: str, meeting_id: str, by: str = "") -> None:
    """Take back a meeting's progress on an initiative (undo); a signed meeting refuses."""
    with repository.writes(db):
        before = progress_in(db, initiative_id, meeting_id)
        if before is None:
            return
        db.execute("DELETE FROM initiative_progress WHERE id = ?", [before.id])
        repository.audit(
            db,
            "initiative",
            initiative_id,
            "progress",
            before.percent_complete,
            None,
            meeting_id,
            by,
        )
