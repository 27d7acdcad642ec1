"""What the KPI dashboard needs of one partnership, in three queries (not one per KPI)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlite_utils import Database

from core.model import Kpi, KpiTarget, Reading, ReadingConfirmation, Side
from storage import repository
from storage.rows import row_reader

T = TypeVar("T")

_OF_PARTNERSHIP = "kpi_id IN (SELECT id FROM kpi WHERE partnership_id = ?)"
_READING_COLUMNS = "id, kpi_id, period, value, comment, entered_by, confirmation"

DashboardData = tuple[list[Kpi], dict[str, list[KpiTarget]], dict[str, list[Reading]]]


def _rows(db: Database, cls: type[T], sql: str, params: Sequence[Any]) -> list[T]:
    cursor = db.execute(sql, list(params))
    read = row_reader(cls, [c[0] for c in cursor.description])
    return [read(row) for row in cursor]


_SIDES = {side.value: side for side in Side}
_CONFIRMATIONS = {state.value: state for state in ReadingConfirmation}


def _readings(db: Database, sql: str, params: Sequence[Any]) -> list[Reading]:
    """The readings a query selecting `_READING_COLUMNS` finds, their sides and states looked up
    in a dict: calling the enums for hundreds of readings costs as much as the query itself."""
    return [
        Reading(
            id,
            kpi_id,
            period,
            value,
            comment,
            None if entered_by is None else _SIDES[entered_by],
            _CONFIRMATIONS[confirmation],
        )
        for id, kpi_id, period, value, comment, entered_by, confirmation in db.execute(
            sql, list(params)
        )
    ]


def _by_kpi(found: list[T]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in found:
        grouped[item.kpi_id].append(item)  # type: ignore[attr-defined]
    return dict(grouped)


def _targets(db: Database, partnership_id: str) -> dict[str, list[KpiTarget]]:
    return _by_kpi(
        _rows(
            db,
            KpiTarget,
            f"SELECT * FROM kpi_target WHERE {_OF_PARTNERSHIP} ORDER BY kpi_id, effective_from",
            [partnership_id],
        )
    )


def dashboard_data(db: Database, partnership_id: str) -> DashboardData:
    """The partnership's KPIs, and their targets and every reading by KPI id, oldest first."""
    readings = _readings(
        db,
        f"SELECT {_READING_COLUMNS} FROM reading WHERE {_OF_PARTNERSHIP} ORDER BY kpi_id, period",
        [partnership_id],
    )
    return repository.kpis(db, partnership_id), _targets(db, partnership_id), _by_kpi(readings)


def dashboard_window(db: Database, partnership_id: str, first: str, last: str) -> DashboardData:
    """What the tiles of one period show: the KPIs, all their targets (a reading is judged by
    the target in force in its own period), the readings of the periods `first` to `last`,
    and every reading before `first` still disputed (a dispute stays in view until confirmed),
    by KPI id, oldest first. Readings outside the window are never read: a KPI's drill-down
    reads its own history (`repository.readings`) when it is opened."""
    readings = _readings(
        db,
        f"SELECT {_READING_COLUMNS} FROM reading WHERE {_OF_PARTNERSHIP}"
        " AND period BETWEEN ? AND ?"
        f" UNION ALL SELECT {_READING_COLUMNS} FROM reading WHERE {_OF_PARTNERSHIP}"
        " AND period < ? AND confirmation = 'disputed'"
        " ORDER BY kpi_id, period",
        [partnership_id, first, last, partnership_id, first],
    )
    return repository.kpis(db, partnership_id), _targets(db, partnership_id), _by_kpi(readings)
