"""storage/dashboard.py: the dashboard reads its 12 months (and older disputes), not every
reading, and its tiles come out the same as from every reading."""

from __future__ import annotations

import dataclasses

from sqlite_utils import Database

from core.dashboard import first_period_shown, tiles
from core.kpis import disputed_readings
from core.model import Reading, ReadingConfirmation
from core.periods import add_months
from storage import repository
from storage.dashboard import dashboard_data, dashboard_window


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _dispute(db: Database, reading: Reading) -> Reading:
    disputed = dataclasses.replace(reading, confirmation=ReadingConfirmation.DISPUTED)
    repository.save_reading(db, disputed, by="test")
    return disputed


def _periods(db: Database) -> list[str]:
    return sorted({m.period for m in repository.meetings(db, _pid(db))})


def test_the_window_holds_its_months_and_older_disputes_only(demo_db: Database) -> None:
    """Readings of the months shown, and every older reading still disputed: nothing else."""
    pid = _pid(demo_db)
    last = _periods(demo_db)[-1]
    first = first_period_shown(last)
    _, _, every = dashboard_data(demo_db, pid)
    kpi_id, history = next(iter(every.items()))
    old = next(r for r in history if r.period < add_months(first, -6))
    old = _dispute(demo_db, old)
    kpis, targets, window = dashboard_window(demo_db, pid, first, last)
    _, all_targets, every = dashboard_data(demo_db, pid)
    assert [k.id for k in kpis] == [k.id for k in repository.kpis(demo_db, pid)]
    assert targets == all_targets
    expected = {
        kpi: [
            r
            for r in readings
            if first <= r.period <= last
            or (r.period < first and r.confirmation is ReadingConfirmation.DISPUTED)
        ]
        for kpi, readings in every.items()
    }
    assert window == {kpi: readings for kpi, readings in expected.items() if readings}
    assert old in window[kpi_id]
    assert sum(map(len, window.values())) < sum(map(len, every.values())) / 2


def test_tiles_and_disputes_from_the_window_match_those_from_every_reading(
    demo_db: Database,
) -> None:
    """For every meeting's period: the same tiles (values, changes, sparklines, RAG) and the
    same open disputes as when every reading is read, an old dispute included."""
    pid = _pid(demo_db)
    _, _, every = dashboard_data(demo_db, pid)
    periods = _periods(demo_db)
    for readings in list(every.values())[:2]:
        _dispute(demo_db, readings[0])
    kpis, targets, every = dashboard_data(demo_db, pid)
    assert len(periods) > 3
    for period in periods:
        _, _, window = dashboard_window(demo_db, pid, first_period_shown(period), period)
        assert tiles(kpis, targets, window, period) == tiles(kpis, targets, every, period)
        assert disputed_readings(window, period) == disputed_readings(every, period)
    assert disputed_readings(every, periods[-1])


def test_dashboard_data_reads_every_reading_with_its_states(demo_db: Database) -> None:
    """The whole history, as the repository reads it reading by reading."""
    pid = _pid(demo_db)
    kpis, targets, every = dashboard_data(demo_db, pid)
    for kpi in kpis:
        assert every.get(kpi.id, []) == repository.readings(demo_db, kpi.id)
        assert targets.get(kpi.id, []) == repository.kpi_targets(demo_db, kpi.id)
