"""The accountability record shows both sides' figures, the same as core computes."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from core import accountability
from core.model import MeetingStatus, Side
from storage import repository
from ui.accountability import FIGURES, WINDOWS, AccountabilityDialog, figure_text
from ui.session import Session


def test_record_shows_both_sides_figures_from_core(qtbot: QtBot, demo_session: Session) -> None:
    """Each cell is core's figure for that side and window; the chart has a line per side."""
    signed = [m for m in demo_session.meetings() if m.status is MeetingStatus.SIGNED]
    upto = signed[-1]
    dialog = AccountabilityDialog(demo_session, upto.id)
    qtbot.addWidget(dialog)
    actions = repository.actions(demo_session._db, demo_session.partnership_id or "")
    for column, (side, size) in enumerate((s, w) for s in Side for w in WINDOWS):
        expected = accountability.accountability(signed, actions, upto, size)[side]
        for row, (_, figure) in enumerate(FIGURES):
            assert dialog.table.item(row, column).text() == figure_text(expected, figure)
    assert len(dialog.series[Side.ENTERPRISE]) >= 12
    assert len(dialog.series[Side.PARTNER]) >= 12
    say_do = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert all(text.endswith(")") or text == "—" for text in say_do)
    dialog.release()


def test_figure_text_says_dash_when_nothing_counts(tmp_path: Path) -> None:
    """With nothing due, the say/do reads '—', not 0%."""
    import datetime as dt

    window = accountability.Window(dt.date(2026, 1, 1), dt.date(2026, 2, 1), 1)
    record = accountability.side_record([], Side.PARTNER, window)
    assert figure_text(record, "say_do") == "—"
    assert figure_text(record, "dropped") == "0"


def test_one_dialog_is_refilled_for_another_meeting(qtbot: QtBot, demo_session: Session) -> None:
    """The same dialog (and its one chart) shows the record up to another meeting."""
    signed = [m for m in demo_session.meetings() if m.status is MeetingStatus.SIGNED]
    dialog = AccountabilityDialog(demo_session, signed[-1].id)
    qtbot.addWidget(dialog)
    chart = dialog.chart
    dialog.show_record(signed[11].id)
    assert f"meeting {signed[11].number}" in dialog.title.text()
    assert dialog.chart is chart
    assert max(x for x, _ in dialog.series[Side.PARTNER]) == signed[11].number
    dialog.release()
