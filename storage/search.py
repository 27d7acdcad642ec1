"""Full-text search across everything the partnerships recorded (indexes: migration 0006)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlite_utils import Database

from core.errors import ValidationError
from core.model import Partnership
from core.search import Hit, HitKind, Query
from storage import repository

# Per kind: its index, and the query that joins a matched row back to what it belongs to. Each
# query selects: partnership id and name, text, context, date, meeting id, item id, action id.
_JOINS: dict[HitKind, tuple[str, str]] = {
    HitKind.DECISION: (
        "search_decision",
        "SELECT p.id, p.name, d.text, 'Meeting ' || m.number || ' · ' || coalesce(i.title, ''), "
        "m.scheduled_start, m.id, d.item_id, NULL, bm25(search_decision) "
        "FROM search_decision JOIN decision d ON d.rowid = search_decision.rowid "
        "JOIN meeting m ON m.id = d.meeting_id JOIN partnership p ON p.id = m.partnership_id "
        "LEFT JOIN meeting_item i ON i.id = d.item_id",
    ),
    HitKind.ACTION: (
        "search_action",
        "SELECT p.id, p.name, a.title, o.name || ' · due ' || coalesce(a.current_due, "
        "a.original_due) || ' · ' || a.state, a.raised_on, a.raised_in_id, NULL, a.id, "
        "bm25(search_action) "
        "FROM search_action JOIN action a ON a.rowid = search_action.rowid "
        "JOIN person o ON o.id = a.owner_id JOIN partnership p ON p.id = a.partnership_id",
    ),
    HitKind.NOTE: (
        "search_note",
        "SELECT p.id, p.name, i.title || ': ' || i.notes, 'Meeting ' || m.number || ' · ' || "
        "i.title, m.scheduled_start, m.id, i.id, NULL, bm25(search_note) "
        "FROM search_note JOIN meeting_item i ON i.rowid = search_note.rowid "
        "JOIN meeting m ON m.id = i.meeting_id JOIN partnership p ON p.id = m.partnership_id",
    ),
    HitKind.REVIEW: (
        "search_review",
        "SELECT p.id, p.name, r.comment, 'Meeting ' || m.number || ' · ' || a.title, "
        "m.scheduled_start, m.id, NULL, a.id, bm25(search_review) "
        "FROM search_review JOIN action_review r ON r.rowid = search_review.rowid "
        "JOIN action a ON a.id = r.action_id JOIN meeting m ON m.id = r.meeting_id "
        "JOIN partnership p ON p.id = m.partnership_id",
    ),
    HitKind.INITIATIVE: (
        "search_initiative",
        "SELECT p.id, p.name, n.name || ': ' || n.description, 'Initiative · target ' || "
        "n.target_date, n.start_date, NULL, NULL, NULL, bm25(search_initiative) "
        "FROM search_initiative JOIN initiative n ON n.rowid = search_initiative.rowid "
        "JOIN partnership p ON p.id = n.partnership_id",
    ),
    HitKind.MILESTONE: (
        "search_milestone",
        "SELECT p.id, p.name, s.title, n.name || ' · due ' || s.due, s.due, NULL, NULL, NULL, "
        "bm25(search_milestone) "
        "FROM search_milestone JOIN milestone s ON s.rowid = search_milestone.rowid "
        "JOIN initiative n ON n.id = s.initiative_id JOIN partnership p ON p.id = n.partnership_id",
    ),
    HitKind.READING: (
        "search_reading",
        "SELECT p.id, p.name, r.comment, k.name || ' · ' || r.period, r.period || '-01', "
        "NULL, NULL, NULL, bm25(search_reading) "
        "FROM search_reading JOIN reading r ON r.rowid = search_reading.rowid "
        "JOIN kpi k ON k.id = r.kpi_id JOIN partnership p ON p.id = k.partnership_id",
    ),
    HitKind.DISPUTE: (
        "search_dispute",
        "SELECT p.id, p.name, rr.comment, k.name || ' · ' || r.period || ' · ' || rr.verdict, "
        "m.scheduled_start, m.id, NULL, NULL, bm25(search_dispute) "
        "FROM search_dispute JOIN reading_review rr ON rr.rowid = search_dispute.rowid "
        "JOIN reading r ON r.id = rr.reading_id JOIN kpi k ON k.id = r.kpi_id "
        "JOIN meeting m ON m.id = rr.meeting_id JOIN partnership p ON p.id = k.partnership_id",
    ),
}
LIMIT_PER_KIND = 200


def search(
    db: Database, query: Query, partnership_id: str | None = None, limit: int = LIMIT_PER_KIND
) -> list[Hit]:
    """Every kind's hits for `query`, the most relevant `limit` of each; in one partnership,
    or in all of the file's when `partnership_id` is None."""
    if query.empty:
        return []
    return [hit for kind in HitKind for hit in _hits(db, kind, query, partnership_id, limit)]


def kind_query(
    kind: HitKind, query: Query, partnership_id: str | None, limit: int = LIMIT_PER_KIND
) -> tuple[str, list[object]]:
    """The SQL and parameters that find one kind's hits (the benchmark runs them bare)."""
    index, select = _JOINS[kind]
    where = f" WHERE {index} MATCH ?" + (" AND p.id = ?" if partnership_id else "")
    params: list[object] = [query.fts, *([partnership_id] if partnership_id else []), limit]
    return f"{select}{where} ORDER BY bm25({index}) LIMIT ?", params


def _hits(
    db: Database, kind: HitKind, query: Query, partnership_id: str | None, limit: int
) -> Iterator[Hit]:
    sql, params = kind_query(kind, query, partnership_id, limit)
    for row in db.execute(sql, params):
        pid, name, text, context, when, meeting_id, item_id, action_id, rank = row
        yield Hit(
            kind=kind,
            partnership_id=pid,
            partnership=name,
            text=" ".join(str(text or "").split()),
            context=str(context or ""),
            when=dt.date.fromisoformat(str(when)[:10]) if when else None,
            meeting_id=meeting_id,
            item_id=item_id,
            action_id=action_id,
            rank=float(rank),
        )


def find_partnership(db: Database, reference: str) -> Partnership:
    """A partnership by its id, its exact name, or a part of its name that only it has."""
    partnerships = repository.partnerships(db)
    wanted = reference.strip().casefold()
    for exact in (
        [p for p in partnerships if p.id == reference.strip()],
        [p for p in partnerships if p.name.casefold() == wanted],
        [p for p in partnerships if wanted and wanted in p.name.casefold()],
    ):
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            names = "; ".join(p.name for p in exact)
            raise ValidationError(
                "partnership", f"{reference!r} names several partnerships ({names}): be exact."
            )
    known = "; ".join(p.name for p in partnerships) or "none"
    raise ValidationError(
        "partnership", f"No partnership is called {reference!r} (this file has: {known})."
    )
