"""Queries behind the action register and the meeting's action review: fetched a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from core.actions import slip_count
from core.model import Action, ActionReview, ActionState, ReviewStatus, Side
from core.register import ActionFilter, ActionRow
from storage.rows import from_row

_SELECT = """
SELECT a.*, p.name AS owner_name, m.number AS raised_number,
       (SELECT r.status FROM action_review r JOIN meeting rm ON rm.id = r.meeting_id
         WHERE r.action_id = a.id ORDER BY rm.scheduled_start DESC LIMIT 1) AS last_status,
       (SELECT r.comment FROM action_review r JOIN meeting rm ON rm.id = r.meeting_id
         WHERE r.action_id = a.id ORDER BY rm.scheduled_start DESC LIMIT 1) AS last_comment
FROM action a
JOIN person p ON p.id = a.owner_id
LEFT JOIN meeting m ON m.id = a.raised_in_id
"""


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
    if spec.open_at_meeting_id is not None:
        # Open when the meeting began: still open, or closed by this very meeting.
        clauses.append(
            "(a.state = 'open' OR a.closed_in_id = ?) AND a.raised_in_id IS NOT ? "
            "AND a.raised_on <= (SELECT date(scheduled_start) FROM meeting WHERE id = ?)"
        )
        params += [spec.open_at_meeting_id] * 3
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
    """One page of the register, by current due date; with this meeting's review if asked."""
    where, params = _where(partnership_id, spec)
    cursor = db.execute(
        f"{_SELECT} WHERE {where} "
        "ORDER BY coalesce(a.current_due, a.original_due), a.rowid LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    columns = [c[0] for c in cursor.description]
    raw = [dict(zip(columns, row, strict=True)) for row in cursor]
    actions = [from_row(Action, row) for row in raw]
    reviews = _reviews(db, [a.id for a in actions])
    rows = []
    for action, row in zip(actions, raw, strict=True):
        own = reviews.get(action.id, [])
        here = next((r for r in own if r.meeting_id == review_meeting_id), None)
        rows.append(
            ActionRow(
                action=action,
                owner_name=row["owner_name"],
                raised_number=row["raised_number"],
                raised_on=action.raised_on,
                slips=slip_count(action, own),
                last_status=ReviewStatus(row["last_status"]) if row["last_status"] else None,
                last_comment=row["last_comment"] or "",
                review_here=here,
            )
        )
    return rows


def _reviews(db: Database, action_ids: Sequence[str]) -> dict[str, list[ActionReview]]:
    found: dict[str, list[ActionReview]] = {}
    for start in range(0, len(action_ids), 500):
        chunk = list(action_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        cursor = db.execute(
            "SELECT r.* FROM action_review r JOIN meeting m ON m.id = r.meeting_id "
            f"WHERE r.action_id IN ({marks}) ORDER BY m.scheduled_start, r.rowid",
            chunk,
        )
        columns = [c[0] for c in cursor.description]
        for values in cursor:
            review = from_row(ActionReview, dict(zip(columns, values, strict=True)))
            found.setdefault(review.action_id, []).append(review)
    return found
