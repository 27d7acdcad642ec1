"""What the KPI dashboard needs of one partnership, in three queries (not one per KPI)."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from sqlite_utils import Database

from core.model import Kpi, KpiTarget, Reading
from storage import repository
from storage.rows import from_row

T = TypeVar("T")

_OF_PARTNERSHIP = "kpi_id IN (SELECT id FROM kpi WHERE partnership_id = ?)"


def _rows(db: Database, cls: type[T], sql: str, partnership_id: str) -> list[T]:
    cursor = db.execute(sql, [partnership_id])
    columns = [c[0] for c in cursor.description]
    return [from_row(cls, dict(zip(columns, row, strict=True))) for row in cursor]


def dashboard_data(
    db: Database, partnership_id: str
) -> tuple[list[Kpi], dict[str, list[KpiTarget]], dict[str, list[Reading]]]:
    """The partnership's KPIs, and their targets and readings by KPI id, oldest first."""
    kpis = repository.kpis(db, partnership_id)
    targets: dict[str, list[KpiTarget]] = defaultdict(list)
    for target in _rows(
        db,
        KpiTarget,
        f"SELECT * FROM kpi_target WHERE {_OF_PARTNERSHIP} ORDER BY kpi_id, effective_from",
        partnership_id,
    ):
        targets[target.kpi_id].append(target)
    readings: dict[str, list[Reading]] = defaultdict(list)
    for reading in _rows(
        db,
        Reading,
        f"SELECT * FROM reading WHERE {_OF_PARTNERSHIP} ORDER BY kpi_id, period",
        partnership_id,
    ):
        readings[reading.kpi_id].append(reading)
    return kpis, dict(targets), dict(readings)
