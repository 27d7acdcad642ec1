"""Every item model of the screens keeps Qt's model contract (pytest-qt's model tester), filled
as its screen fills it from the demo."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from core.model import MeetingStatus
from ui.action_review import ActionReviewView
from ui.agenda_editor import StandingAgendaModel
from ui.initiatives import InitiativesView
from ui.kpi_setup import KpiSetupDialog
from ui.models import AgendaRailModel, MeetingsModel
from ui.readings import ReadingsDialog
from ui.session import Session


def _draft_id(session: Session) -> str:
    return next(m.id for m in session.meetings() if m.status is MeetingStatus.DRAFT)


def test_the_meetings_and_the_agenda_rail(
    qtmodeltester: ModelTester, demo_session: Session
) -> None:
    meetings = MeetingsModel()
    meetings.set_meetings(demo_session.meetings())
    qtmodeltester.check(meetings)
    rail = AgendaRailModel()
    rail.set_items(demo_session.items(_draft_id(demo_session)))
    qtmodeltester.check(rail)
    rail.set_seconds(0, 125)
    qtmodeltester.check(rail)


def test_the_action_review(qtbot: QtBot, qtmodeltester: ModelTester, demo_session: Session) -> None:
    view = ActionReviewView(demo_session, QUndoStack())
    qtbot.addWidget(view)
    view.show_meeting(_draft_id(demo_session))
    assert view.model.rowCount() > 0
    qtmodeltester.check(view.model)


def test_the_initiatives(qtbot: QtBot, qtmodeltester: ModelTester, demo_session: Session) -> None:
    view = InitiativesView(demo_session, QUndoStack())
    qtbot.addWidget(view)
    view.show_meeting(_draft_id(demo_session))
    assert view.model.rowCount() > 0
    qtmodeltester.check(view.model)
    view.release()


def test_the_readings_grid_and_the_kpi_list(
    qtbot: QtBot, qtmodeltester: ModelTester, demo_session: Session
) -> None:
    grid = ReadingsDialog(demo_session, interactive=False)
    qtbot.addWidget(grid)
    assert grid.model.rowCount() > 0
    qtmodeltester.check(grid.model)
    kpis = KpiSetupDialog(demo_session)
    qtbot.addWidget(kpis)
    assert kpis.model.rowCount() > 0
    qtmodeltester.check(kpis.model)


def test_the_standing_agenda(qtmodeltester: ModelTester, demo_session: Session) -> None:
    model = StandingAgendaModel(demo_session.standing_agenda(), demo_session.partnership_id or "")
    qtmodeltester.check(model)
