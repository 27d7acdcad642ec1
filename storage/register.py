"""Queries behind the action register and the meeting's action review: fetched a page at a time."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.model import Action, ActionReview, ActionState, ReviewStatus, Side
from core.register import ActionFilter, ActionRow
from storage.rows import from_row, row_reader

_SELECT = """
SELECT a.*, p.name AS owner_name, m.number AS raised_number,
       last.status AS last_status, last.comment AS last_comment,
       (SELECT count(*) FROM action_review s
         WHERE s.action_id = a.id AND s.new_due IS NOT NULL) AS slips,
       here.id AS here_id, here.status AS here_status, here.comment AS here_comment,
       here.new_due AS here_new_due, here.reviewed_on AS here_reviewed_on,
       here.completed_on AS here_completed_on
FROM action a
JOIN person p ON p.id = a.owner_id
LEFT JOIN meeting m ON m.id = a.raised_in_id
LEFT JOIN action_review here ON here.action_id = a.id AND here.meeting_id = ?
LEFT JOIN action_review last ON last.id = (
    SELECT r.id FROM action_review r JOIN meeting rm ON rm.id = r.meeting_id
    WHERE r.action_id = a.id AND r.meeting_id IS NOT ?
    ORDER BY rm.scheduled_start DESC LIMIT 1)
"""
_HERE = {
    "id": "here_id",
    "status": "here_status",
    "comment": "here_comment",
    "new_due": "here_new_due",
    "reviewed_on": "here_reviewed_on",
    "completed_on": "here_completed_on",
}


def _where(partnership_id: str, spec: ActionFilter) -> tuple[str, list[Any]]:
    clauses = ["a.partnership_id = ?"]
    params: list[Any] = [partnership_id]
    if spec.side is not None:
        clauses.append("a.side = ?")
        params.append(Side(spec.side).value)
    if spec.owner_id is not None:
        clauses.append("a.owner_id = ?")
        params.append(spec.owner_id)
    if spec.state is not None:
        clauses.append("a.state = ?")
        params.append(ActionState(spec.state).value)
    if spec.overdue_on is not None:
        clauses.append("a.state = 'open' AND coalesce(a.current_due, a.original_due) < ?")
        params.append(spec.overdue_on.isoformat())
    if spec.text.strip():
        clauses.append("(a.title LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\')")
        pattern = "%" + _escape(spec.text.strip()) + "%"
        params += [pattern, pattern]
    if spec.action_id is not None:
        clauses.append("a.id = ?")
        params.append(spec.action_id)
    if spec.open_at_meeting_id is not None:
        # Open when the meeting began: raised before it, and still open, or closed by this
        # meeting or a later one (so an old meeting shows what it really had to review).
        clauses.append(
            "a.raised_in_id IS NOT ? "
            "AND a.raised_on <= (SELECT date(scheduled_start) FROM meeting WHERE id = ?) "
            "AND (a.state = 'open' OR a.closed_in_id = ? OR "
            "(SELECT scheduled_start FROM meeting WHERE id = a.closed_in_id) >= "
            "(SELECT scheduled_start FROM meeting WHERE id = ?))"
        )
        params += [spec.open_at_meeting_id] * 4
    return " AND ".join(clauses), params


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count_actions(db: Database, partnership_id: str, spec: ActionFilter) -> int:
    where, params = _where(partnership_id, spec)
    row = db.execute(
        f"SELECT count(*) FROM action a JOIN person p ON p.id = a.owner_id WHERE {where}", params
    ).fetchone()
    return int(row[0])


def action_rows(
    db: Database,
    partnership_id: str,
    spec: ActionFilter,
    offset: int = 0,
    limit: int = -1,
    review_meeting_id: str | None = None,
) -> list[ActionRow]:
    """One page of the register, by current due date; with this meeting's review if asked,
    and then the last review is the last one of an earlier meeting.

    One query: the slips are the reviews that set a new due date (a review that repeats the
    due date in force records none, see core.actions.normalise_review).
    """
    where, params = _where(partnership_id, spec)
    cursor = db.execute(
        f"{_SELECT} WHERE {where} "
        "ORDER BY coalesce(a.current_due, a.original_due), a.rowid LIMIT ? OFFSET ?",
        # this meeting's review, and the last one before it (the review screen shows both)
        [review_meeting_id, review_meeting_id, *params, limit, offset],
    )
    columns = [c[0] for c in cursor.description]
    read_action = row_reader(Action, columns)
    at = {name: index for index, name in enumerate(columns)}
    here_at = [(name, at[column]) for name, column in _HERE.items()]
    owner, number, status, comment, slips, here_id = (
        at[c]
        for c in ("owner_name", "raised_number", "last_status", "last_comment", "slips", "here_id")
    )
    rows = []
    for values in cursor:
        action = read_action(values)
        here = None
        if values[here_id] is not None:
            here = from_row(
                ActionReview,
                {"action_id": action.id, "meeting_id": review_meeting_id}
                | {name: values[index] for name, index in here_at},
            )
        rows.append(
            ActionRow(
                action,
                values[owner],
                values[number],
                action.raised_on,
                values[slips],
                ReviewStatus(values[status]) if values[status] else None,
                values[comment] or "",
                here,
            )
        )
    return rows
