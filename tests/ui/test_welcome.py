"""The welcome page and the wizard that creates a partnership."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget, QWizard
from pytestqt.qtbot import QtBot

from core.agenda import DEFAULT_STANDING_AGENDA
from core.model import AgendaItemKind, Side
from ui.agenda_editor import TIMEBOX
from ui.session import Session
from ui.welcome import CreatePartnershipWizard, PartyPeopleEditor, WelcomePage


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    session = Session.open(tmp_path / "p.db")
    yield session
    session.close()


@pytest.fixture
def wizard(qtbot: QtBot) -> CreatePartnershipWizard:
    wizard = CreatePartnershipWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    return wizard


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _next(qtbot: QtBot, wizard: QWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _name_parties(qtbot: QtBot, wizard: CreatePartnershipWizard) -> None:
    qtbot.keyClicks(wizard.parties_page.edits[Side.ENTERPRISE], "Northwind  Retail")
    qtbot.keyClicks(wizard.parties_page.edits[Side.PARTNER], "Contoso Cloud")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.people_page


def _add_person(qtbot: QtBot, party: PartyPeopleEditor, name: str, role: str, email: str) -> None:
    """Add a row and type its cells, Tab between them, as a facilitator would."""
    rows = party.table.rowCount()
    qtbot.mouseClick(party.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(_focused(), name)
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(_focused(), role)
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(_focused(), email)
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: party.table.rowCount() == rows + 1 and party.entries()[-1][2] == email)


def test_welcome_page_offers_three_ways_in_with_focus_on_create(qtbot: QtBot) -> None:
    """The first button has the keyboard focus and each button emits its own request."""
    page = WelcomePage()
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    qtbot.waitUntil(page.create_button.hasFocus)
    assert [
        b.accessibleName() for b in (page.create_button, page.demo_button, page.open_button)
    ] == [
        "Create a partnership",
        "Open the demo",
        "Open a database",
    ]
    with qtbot.waitSignal(page.create_requested):
        qtbot.keyClick(page.create_button, Qt.Key.Key_Space)
    with qtbot.waitSignal(page.demo_requested):
        qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.open_requested):
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)


def test_wizard_refuses_an_empty_party_name_with_a_visible_message(
    qtbot: QtBot, wizard: CreatePartnershipWizard
) -> None:
    """Next stays on the parties page and says that the partner's name is missing."""
    qtbot.keyClicks(wizard.parties_page.edits[Side.ENTERPRISE], "Northwind Retail")
    qtbot.keyClicks(wizard.parties_page.edits[Side.PARTNER], "   ")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.parties_page
    message = wizard.parties_page.message
    assert message.isVisible()
    assert message.text() == "Technology partner: A name cannot be empty."
    assert wizard.parties_page.edits[Side.PARTNER].hasFocus()
    qtbot.keyClicks(wizard.parties_page.edits[Side.PARTNER], "Contoso")
    assert not message.isVisible()


def test_wizard_refuses_a_duplicate_person_in_one_side(
    qtbot: QtBot, wizard: CreatePartnershipWizard
) -> None:
    """The same name twice in one side is refused at Next, with the rule's message."""
    _name_parties(qtbot, wizard)
    page = wizard.people_page
    enterprise, partner = page.parties[Side.ENTERPRISE], page.parties[Side.PARTNER]
    _add_person(qtbot, enterprise, "Ada Lovelace", "CIO", "ada@northwind.example")
    _add_person(qtbot, enterprise, "ada  lovelace", "Deputy", "")
    _add_person(qtbot, partner, "Grace Hopper", "Account lead", "")
    _next(qtbot, wizard)
    assert wizard.currentPage() is page
    assert page.message.isVisible()
    assert page.message.text() == (
        "Enterprise, row 2: ada lovelace is already a person of the enterprise side."
    )
    assert enterprise.table.currentRow() == 1


def test_wizard_needs_one_person_per_side_and_named_people(
    qtbot: QtBot, wizard: CreatePartnershipWizard
) -> None:
    """A side with nobody, or a row with no name, keeps the wizard on the people page."""
    _name_parties(qtbot, wizard)
    page = wizard.people_page
    _add_person(qtbot, page.parties[Side.ENTERPRISE], "Ada Lovelace", "CIO", "")
    _next(qtbot, wizard)
    assert wizard.currentPage() is page
    assert page.message.text() == "Add at least one person of the partner side."
    _add_person(qtbot, page.parties[Side.PARTNER], " ", "Account lead", "")
    _next(qtbot, wizard)
    assert wizard.currentPage() is page
    assert page.message.text() == "Technology partner, row 1: A name cannot be empty."


def test_filled_wizard_creates_a_partnership_that_reads_back(
    qtbot: QtBot, wizard: CreatePartnershipWizard, session: Session
) -> None:
    """The wizard's result creates parties, people and standing agenda read back from the file."""
    _name_parties(qtbot, wizard)
    page = wizard.people_page
    _add_person(
        qtbot, page.parties[Side.ENTERPRISE], "Ada Lovelace", "CIO", "ada@northwind.example"
    )
    _add_person(qtbot, page.parties[Side.ENTERPRISE], "Alan Turing", "Head of IT operations", "")
    _add_person(qtbot, page.parties[Side.PARTNER], "Grace Hopper", "Account lead", "")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.agenda_page

    editor = wizard.agenda_page.editor
    assert editor.total.text() == "Planned total: 1 h 35 min"
    editor.view.setCurrentIndex(editor.model.index(0, TIMEBOX))
    qtbot.keyClick(editor.view, Qt.Key.Key_F2)
    qtbot.keyClick(_focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(_focused(), "300")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.message.isVisible())
    assert editor.message.text() == "A timebox can be at most four hours (240 minutes)."
    qtbot.keyClick(editor.view, Qt.Key.Key_F2)
    qtbot.keyClick(_focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(_focused(), "10")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.total.text() == "Planned total: 1 h 40 min")

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QDialog.DialogCode.Accepted
    session.create_partnership(*wizard.result_data())

    assert session.partnership is not None
    assert session.partnership.name == "Northwind Retail – Contoso Cloud"
    assert {side: party.name for side, party in session.parties().items()} == {
        Side.ENTERPRISE: "Northwind Retail",
        Side.PARTNER: "Contoso Cloud",
    }
    people = {(p.side, p.name, p.role, p.email) for p in session.people()}
    assert people == {
        (Side.ENTERPRISE, "Ada Lovelace", "CIO", "ada@northwind.example"),
        (Side.ENTERPRISE, "Alan Turing", "Head of IT operations", ""),
        (Side.PARTNER, "Grace Hopper", "Account lead", ""),
    }
    agenda = session.standing_agenda()
    assert [(i.title, i.kind, i.timebox_minutes) for i in agenda] == [
        (DEFAULT_STANDING_AGENDA[0][0], AgendaItemKind.OPENING, 10),
        *DEFAULT_STANDING_AGENDA[1:],
    ]
