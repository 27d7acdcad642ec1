"""The portfolio: every partnership of the file, one row each (core/portfolio.py)."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from core.dashboard import tiles
from core.model import MeetingStatus, Rag
from core.portfolio import PortfolioRow, portfolio_row
from storage import repository
from storage.dashboard import dashboard_data


def portfolio(db: Database, today: dt.date) -> list[PortfolioRow]:
    """A row for each partnership of the file, in the order they were made."""
    rows = []
    for partnership in repository.partnerships(db):
        pid = partnership.id
        meetings = repository.meetings(db, pid)
        held = [
            m
            for m in meetings
            if m.amends_id is None and m.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED)
        ]
        last = max(held, key=lambda m: m.scheduled_start) if held else None
        period = repository.latest_period(db, pid)
        red = 0
        if period is not None:
            kpis, targets, readings = dashboard_data(db, pid)
            red = sum(1 for t in tiles(kpis, targets, readings, period) if t.rag is Rag.RED)
        rows.append(
            portfolio_row(
                partnership,
                repository.parties(db, pid),
                meetings,
                repository.actions(db, pid),
                repository.sign_offs(db, last.id) if last else [],
                red,
                today,
            )
        )
    return rows
