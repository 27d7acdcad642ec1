"""The home page lists a long history a page at a time (issue 18): the newest meetings when
the window opens, older ones as the table is scrolled to its end."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.home import HomePage, MeetingHistory
from ui.session import Session


def test_the_history_is_read_a_page_at_a_time_newest_first(demo_session: Session) -> None:
    everything = sorted(
        demo_session.meetings(), key=lambda m: (m.scheduled_start, m.revision), reverse=True
    )
    model = MeetingHistory(demo_session, page=10)
    model.reload()
    assert model.total == len(everything) > 20
    assert model.rowCount() == 10 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(everything)
    assert [model.meeting_at(row).id for row in range(model.rowCount())] == [
        m.id for m in everything
    ]


def test_the_home_page_selects_the_next_meeting_among_the_first_page(
    qtbot: QtBot, demo_session: Session
) -> None:
    home = HomePage(demo_session)
    qtbot.addWidget(home)
    upcoming = demo_session.next_meeting()
    assert upcoming is not None
    assert upcoming == demo_session.next_meeting(demo_session.meetings())
    assert home.model.meeting_at(home.table.currentIndex().row()).id == upcoming.id
    assert str(upcoming.number) in home.next_button.text()
