"""New commitments typed on one line, read back, corrected, committed; all of it kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt
from pytestqt.qtbot import QtBot

from core.model import AgendaItemKind, RaciRole, Side
from storage import repository
from storage.database import open_database
from tests.ui.drive import live_meeting_at
from ui.commitments import CommitmentForm
from ui.main_window import MainWindow


def _commitments_item(qtbot: QtBot, settings: QSettings, path: Path) -> MainWindow:
    return live_meeting_at(qtbot, settings, path, AgendaItemKind.COMMITMENTS)


def _form(window: MainWindow) -> CommitmentForm:
    form = window.meeting_page.commitments_view.form  # type: ignore[union-attr]
    assert form is not None
    return form


def _type(qtbot: QtBot, form: CommitmentForm, line: str) -> None:
    """Type as a keyboard would; QTest types ASCII only, so other letters are inserted."""
    form.line.setFocus()
    if line.isascii():
        qtbot.keyClicks(form.line, line)
    else:
        form.line.insert(line)


def _type_and_commit(qtbot: QtBot, form: CommitmentForm, line: str) -> None:
    _type(qtbot, form, line)
    form.read_line()
    qtbot.keyClick(form.line, Qt.Key.Key_Return)


def test_three_commitments_with_three_date_forms_are_kept(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Typed with a weekday, '+2w' and 'end of quarter', each is read, committed and reopened."""
    window = _commitments_item(qtbot, settings, demo_path)
    form = _form(window)
    page = window.meeting_page
    assert page is not None and page.meeting is not None
    meeting_id = page.meeting.id
    today = page.meeting.actual_start.date()  # type: ignore[union-attr]
    lines = {
        "Share the DR test results @EC fri": ("Emre Çelik", Side.PARTNER),
        "Sign off the broker portal requirements @Margaret +2w": (
            "Margaret Okafor",
            Side.ENTERPRISE,
        ),
        "Publish the patching calendar @Дмитрий end of quarter": (
            "Дмитрий Смирнов",
            Side.PARTNER,
        ),
    }
    for line in lines:
        _type_and_commit(qtbot, form, line)
        assert form.problems.text() == "", form.problems.text()
        assert form.line.text() == ""
    readout = page.commitments_view.readout.text()
    assert "Commitments (3)" in readout and "Share the DR test results" in readout
    window.close()

    db = open_database(demo_path)
    try:
        raised = repository.actions_raised_in(db, meeting_id)
        people = {p.id: p for p in repository.people(db, raised[0].partnership_id)}
        found = {a.title: a for a in raised}
        assert set(found) == {
            "Share the DR test results",
            "Sign off the broker portal requirements",
            "Publish the patching calendar",
        }
        for line, (owner, side) in lines.items():
            action = found[line.split(" @")[0]]
            assert people[action.owner_id].name == owner and action.side is side
            assert action.due > today
            roles = {r.role for r in repository.raci(db, action.id)}
            assert RaciRole.RESPONSIBLE in roles
        two_weeks = today + dt.timedelta(weeks=2)  # on a weekend, the Monday after
        two_weeks += dt.timedelta(
            days=(7 - two_weeks.weekday()) % 7 if two_weeks.weekday() > 4 else 0
        )
        assert found["Sign off the broker portal requirements"].due == two_weeks
        assert found["Share the DR test results"].due.weekday() == 4
    finally:
        db.close()


def test_understood_fields_can_be_corrected_before_committing(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """What the line said is shown; the owner and the date can be changed, RACI added."""
    window = _commitments_item(qtbot, settings, demo_path)
    form = _form(window)
    session = window.session
    assert session is not None
    qtbot.keyClicks(form.line, "Review monitoring thresholds @Kenji fri")
    understood = form.read_line()
    assert understood.owner is not None and understood.owner.name == "Kenji Watanabe"
    assert form.side.text() == "Partner"
    nadia = next(p for p in session.people() if p.name == "Nadia Haddad")
    form.owner.setCurrentIndex(form.owner.findData(nadia.id))
    form.due.setDate(QDate(2027, 1, 15))
    helen = next(p for p in session.people() if p.name == "Helen Achterberg")
    form.accountable.setCurrentIndex(form.accountable.findData(helen.id))
    form.consulted.item(0).setCheckState(Qt.CheckState.Checked)
    assert form.commit()
    action = session.commitments(window.meeting_page.meeting.id)[-1]  # type: ignore[union-attr]
    assert action.owner_id == nadia.id and action.due == dt.date(2027, 1, 15)
    roles = {(r.role, r.person_id) for r in session.raci(action.id)}
    assert (RaciRole.ACCOUNTABLE, helen.id) in roles
    assert any(role is RaciRole.CONSULTED for role, _ in roles)


def test_bad_commitments_are_refused_at_the_field_and_nothing_is_written(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """An unknown owner, an empty title, an unreadable date, a refused past date: each says
    why and commits nothing."""
    window = _commitments_item(qtbot, settings, demo_path)
    form = _form(window)
    session = window.session
    assert session is not None
    meeting_id = window.meeting_page.meeting.id  # type: ignore[union-attr]
    for line, words in (
        ("Fix the backup job @Nobody fri", "owner"),
        ("@EC fri", "title"),
        ("Fix the backup job @EC by 2026-13-45", "due"),
    ):
        form.clear()
        qtbot.keyClicks(form.line, line)
        form.read_line()
        assert not form.commit(), line
        assert form.problems.text(), line
        assert words.split()[0] in form.problems.text().lower() or form.problems.text()
    form.clear()
    qtbot.keyClicks(form.line, "Settle the invoices @Daniel 2020-01-31")
    form.read_line()
    form.confirm_past = lambda due: False  # type: ignore[method-assign]
    assert not form.commit()
    assert "past" in form.problems.text()
    assert session.commitments(meeting_id) == []
    form.confirm_past = lambda due: True  # type: ignore[method-assign]
    assert form.commit()
    assert [a.title for a in session.commitments(meeting_id)] == ["Settle the invoices"]


def test_commitment_undo_removes_it_and_redo_brings_it_back(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Undo takes back a commitment just made; redo raises it again with the same id."""
    window = _commitments_item(qtbot, settings, demo_path)
    form = _form(window)
    session = window.session
    assert session is not None
    meeting_id = window.meeting_page.meeting.id  # type: ignore[union-attr]
    _type_and_commit(qtbot, form, "Book the joint security workshop @grace next month")
    (made,) = session.commitments(meeting_id)
    window.undo_stack.undo()
    assert session.commitments(meeting_id) == []
    window.undo_stack.redo()
    assert [a.id for a in session.commitments(meeting_id)] == [made.id]


def test_ctrl_n_opens_the_quick_add_from_anywhere_in_the_meeting(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The New commitment action carries Ctrl+N and is available on any item of the meeting."""
    window = _commitments_item(qtbot, settings, demo_path)
    window.meeting_page.go_to(0)  # type: ignore[union-attr]
    window._update_actions()
    assert window.commitment_action.shortcut().toString() == "Ctrl+N"
    assert window.commitment_action.isEnabled()


def test_a_misspelled_owner_names_the_nearest_and_choosing_them_clears_the_problem(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """'@Watanbe' says who was probably meant; once the owner is chosen in the list, the line's
    complaint about the owner goes away and the others stay."""
    window = _commitments_item(qtbot, settings, demo_path)
    form = _form(window)
    session = window.session
    assert session is not None
    qtbot.keyClicks(form.line, "Review monitoring thresholds @Watanbe fri")
    form.read_line()
    assert "Did you mean Kenji Watanabe?" in form.problems.text()
    kenji = next(p for p in session.people() if p.name == "Kenji Watanabe")
    index = form.owner.findData(kenji.id)
    form.owner.setCurrentIndex(index)
    form.owner.activated.emit(index)
    assert form.problems.text() == ""
    assert form.commit()
