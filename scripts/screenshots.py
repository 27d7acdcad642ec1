"""Take the README's screenshots of the real windows on a demo database.

Run under a real X server for the true look: `xvfb-run -s "-screen 0 1920x1080x24" \
.venv/bin/python scripts/screenshots.py resources/screenshots [--dark]`.

The app follows the light scheme; `--dark` takes every screen in the dark one instead
(files named *-dark.png), and the projector in its light theme (projector*-light.png) where
the first run shows its dark one.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.model import AgendaItemKind, AttendanceStatus, Rag, ReviewStatus, Side  # noqa: E402
from storage.demo import create_demo  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.attendance import AttendanceDialog  # noqa: E402
from ui.kpi_setup import KpiSetupDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.readings import ReadingsDialog  # noqa: E402
from ui.session import Session  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    """Let the windows lay out and paint for `ms` milliseconds. Not by running app.exec()
    until app.quit(): in Qt 6 quitting hides every window, and a hidden window grabs with
    stale layouts (scroll bars where none are)."""
    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        time.sleep(0.01)


SUFFIX = {"screen": "", "projector": ""}


def shoot(widget: QWidget, out: Path, kind: str = "screen") -> None:
    """Save `widget` as `out`, named for the scheme this run shows."""
    named = out.with_name(f"{out.stem}{SUFFIX[kind]}{out.suffix}")
    widget.grab().save(str(named))
    print(named)


OUT: list[Path] = []


def main(out_dir: Path, dark: bool = False) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    OUT.append(out_dir)
    work = Path(tempfile.mkdtemp())
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("appearance", "dark" if dark else "light")
    settings.setValue("projector/theme", "light" if dark else "dark")
    if dark:
        SUFFIX.update(screen="-dark", projector="-light")
    app = create_application(settings)
    db = work / "demo.db"
    create_demo(db)
    window = MainWindow(settings, interactive=False)
    window.resize(1440, 900)
    window.show_welcome()
    window.show()
    settle(app)
    shoot(window, out_dir / "welcome.png")
    _shoot_wizard(app, out_dir)
    window.open_database(db)
    settle(app)
    shoot(window, out_dir / "home.png")
    session = window.session
    assert session is not None
    window.show_portfolio()
    settle(app)
    shoot(window, out_dir / "portfolio.png")
    _shoot_partner_updates(app, window, work)
    window.show_home()
    from ui.search import SearchDialog

    search = SearchDialog(session, window)
    search.resize(900, 560)
    search.line.setText("freeze")
    search.order.setCurrentIndex(1)
    search.run()
    search.show()
    settle(app)
    shoot(search, out_dir / "search.png")
    search.close()
    draft = session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None
    page.start_meeting()
    for index, person in enumerate(session.people()):
        status = AttendanceStatus.APOLOGIES if index in (3, 12) else AttendanceStatus.PRESENT
        session.set_attendance(draft.id, person.id, status)
    page.notes.insertPlainText("")
    page.notes.setMarkdown(
        "- Minutes of meeting 24 **approved** without change\n"
        "- Łukasz Nowak welcomed Emre Çelik, new Head of Infrastructure Operations\n"
        "- Apologies from Daniel Reyes and Kenji Watanabe\n"
    )
    settle(app, 1200)
    page.next_item()
    page.notes.setMarkdown(
        "- Partner: **3 of 9** actions late; RCA for the October P1 outage delivered\n"
        "- Enterprise: test data for the claims rebuild still outstanding (second slip)\n"
    )
    settle(app, 1200)
    shoot(window, out_dir / "meeting.png")
    view = page.review_view
    view.table.selectRow(0)
    for status in (
        ReviewStatus.DONE,
        ReviewStatus.LATE,
        ReviewStatus.ON_TRACK,
        ReviewStatus.AT_RISK,
    ):
        view.review_current(status)
    settle(app, 300)
    shoot(window, out_dir / "action-review.png")
    commitments = next(
        i
        for i, item in enumerate(page.rail_model.items())
        if item.kind is AgendaItemKind.COMMITMENTS
    )
    page.go_to(commitments)
    form = page.commitments_view.form
    assert form is not None
    form.line.setText("Publish the patching calendar for Q1 @EC end of month")
    form.commit()
    form.line.setText("Share the three-year architecture roadmap @Priya +3w")
    form.read_line()
    settle(app, 300)
    shoot(window, out_dir / "commitments.png")
    dashboard = next(
        i for i, item in enumerate(page.rail_model.items()) if item.kind is AgendaItemKind.DASHBOARD
    )
    # The dashboard and the initiatives are shot as the projector-sized screen shows them.
    window.resize(1920, 1080)
    page.go_to(dashboard)
    settle(app, 500)
    view = page.dashboard_view
    kpis = {k.name: k for k in session.kpis()}
    # The enterprise confirms one of the partner's figures and disputes the other, with why.
    view.open_kpi(kpis["Requirements signed off on time"].id)
    view.confirm_reading()
    view.open_kpi(kpis["Invoices paid within terms"].id)
    view.dispute_reading(
        "Excludes the 14 invoices held for missing purchase orders; our ledger shows 81%."
    )
    page.note_on("Invoices paid within terms")
    page.notes.insertPlainText("Brightline to restate with held invoices by 10 December.")
    settle(app, 700)
    shoot(window, out_dir / "dashboard-review.png")
    view.drill_down.closed.emit()
    settle(app, 500)
    shoot(window, out_dir / "dashboard.png")
    initiatives = next(
        i
        for i, item in enumerate(page.rail_model.items())
        if item.kind is AgendaItemKind.INITIATIVES
    )
    page.go_to(initiatives)
    settle(app, 300)
    board = page.initiatives_view
    for status, (gain, rag, comment) in zip(
        board.model.rows(),
        (
            (4, Rag.GREEN, "Wave 3 migrated on 21 Nov; wave 4 cut-over planned for January."),
            (1, Rag.AMBER, "Test data still outstanding; vendor escalation agreed."),
            (6, Rag.GREEN, "Chatbot live for password resets."),
        ),
        strict=False,
    ):
        last = status.shown.percent_complete if status.shown else 0
        board.record(status.initiative.id, min(100, last + gain), rag, comment)
    board.select(board.model.rows()[1].initiative.id)
    settle(app, 500)
    shoot(window, out_dir / "initiatives.png")
    window.resize(1440, 900)
    dialog = AttendanceDialog(session, draft.id, window.undo_stack)
    dialog.show()
    settle(app)
    shoot(dialog, out_dir / "attendance.png")
    dialog.close()
    projector = window.open_projector()
    if projector is not None:
        projector.resize(1920, 1080)
        settle(app, 1200)
        shoot(projector, out_dir / "projector-initiatives.png", "projector")
        page.go_to(dashboard)
        page.dashboard_view.drill_down.closed.emit()
        settle(app, 1200)
        shoot(projector, out_dir / "projector-dashboard.png", "projector")
        projector.resize(1280, 720)  # a smaller projector: the same page, laid out for it
        settle(app, 1200)
        shoot(projector, out_dir / "projector-dashboard-720.png", "projector")
        projector.resize(1920, 1080)
        page.go_to(dashboard - 1)
        settle(app, 1200)
        shoot(projector, out_dir / "projector.png", "projector")
        projector.resize(1280, 720)
        settle(app, 1200)
        shoot(projector, out_dir / "projector-720.png", "projector")
        projector.close()
    setup = KpiSetupDialog(session, window)
    setup.resize(1500, 860)
    setup.show()
    setup.edit(kpis["Core platform availability"].id)
    setup.new_from.setText("2027-01")
    for field, text in (
        (setup.new_target, "99.95"),
        (setup.new_red, "99.97"),
    ):
        field.setText(text)
    setup.add_target()
    settle(app, 500)
    shoot(setup, out_dir / "kpi-setup.png")
    setup.close()
    grid = ReadingsDialog(session, window, interactive=False)
    grid.resize(1840, 760)
    grid.show()
    grid.set_side(Side.PARTNER)
    grid.move_months(1)
    grid.type_value("Core platform availability", "2026-11", "99,87")
    grid.type_value("P1 incidents", "2026-11", "2")
    grid.type_value("Mean time to restore (P1/P2)", "2026-12", "3.5")
    grid.type_value("Mean time to restore (P1/P2)", "2026-11", "abc")
    grid.type_value("Core platform availability", "2026-11", "99,87")
    grid.comment.setPlainText("Storage firmware patched on 12 Nov; no customer impact.")
    settle(app, 500)
    shoot(grid, out_dir / "readings.png")
    grid.discard()
    grid.close()
    window.show_register()
    settle(app, 500)
    shoot(window, out_dir / "register.png")
    from ui.accountability import AccountabilityDialog

    record = AccountabilityDialog(session, draft.id)
    record.show()
    settle(app, 600)
    shoot(record, out_dir / "accountability.png")
    record.release()
    _shoot_signing(app, window, out_dir)
    window.close()
    settle(app)


def _shoot_wizard(app: QApplication, out_dir: Path) -> None:
    """The new-partnership wizard refusing a person entered twice."""
    from PySide6.QtWidgets import QTableWidgetItem, QWizard

    from ui.welcome import CreatePartnershipWizard

    wizard = CreatePartnershipWizard()
    wizard.resize(900, 640)
    wizard.show()
    wizard.parties_page.edits[Side.ENTERPRISE].setText("Northwind Retail")
    wizard.parties_page.edits[Side.PARTNER].setText("Contoso Cloud")
    wizard.button(QWizard.WizardButton.NextButton).click()
    party = wizard.people_page.parties[Side.ENTERPRISE]
    for name, role, email in (
        ("Ana Lima", "CIO", "ana.lima@northwind.example"),
        ("Ana Lima", "CIO", "ana.lima@northwind.example"),
    ):
        party.add_button.click()
        row = party.table.rowCount() - 1
        for column, text in enumerate((name, role, email)):
            cell = party.table.item(row, column)
            if cell is None:
                party.table.setItem(row, column, QTableWidgetItem(text))
            else:
                cell.setText(text)
    wizard.button(QWizard.WizardButton.NextButton).click()
    settle(app, 400)
    shoot(wizard, OUT[0] / "wizard.png")
    wizard.close()


def _shoot_partner_updates(app: QApplication, window: MainWindow, work: Path) -> None:
    """The partner's filled-in workbook, received as proposals beside the current values."""
    from openpyxl import load_workbook

    from core import workbook_format as shape
    from ui.partner_updates import PartnerUpdatesDialog

    session = window.session
    assert session is not None
    draft = session.next_meeting()
    assert draft is not None
    (work / "pre-read").mkdir()
    sent = session.send_preread(draft.id, work / "pre-read")
    path = next(p for p in sent if p.suffix == ".xlsx")
    book = load_workbook(path)
    page = book[shape.ACTIONS.name]
    status = shape.ACTIONS.columns.index("Status") + 1
    comment = shape.ACTIONS.columns.index("Comment") + 1
    for row, (said, why) in enumerate(
        (("done", "Runbook signed off"), ("on track", "Workshop booked"), ("nearly", "")), start=3
    ):
        page.cell(row, status, said)
        page.cell(row, comment, why or None)
    items = book[shape.ITEMS.name]
    items.cell(3, 1, 1)
    items.cell(3, 2, "Licence renewal")
    items.cell(3, 3, "Before March: the enterprise agreement's terms")
    book.save(path)
    dialog = PartnerUpdatesDialog(session, draft.id, path, window)
    dialog.resize(1300, 640)
    dialog.show()
    settle(app, 500)
    shoot(dialog, OUT[0] / "partner-updates.png")
    dialog.close()


def _shoot_signing(app: QApplication, window: MainWindow, out_dir: Path) -> None:
    """The sign-off dialog, the user's own key, and the register of certificates."""
    from ui.keys import CertificatesDialog, MySigningKeyDialog
    from ui.minutes import MinutesDialog, SignOffDialog

    session = window.session
    assert session is not None
    meeting = window.minutes_meeting()
    assert meeting is not None
    minutes = MinutesDialog(session, meeting.id, window)
    minutes.resize(1200, 860)
    minutes.show()
    settle(app, 600)
    shoot(minutes, out_dir / "minutes.png")
    side = Side.PARTNER
    people = [p for p in session.people() if p.side is side][:3]
    sign_off = SignOffDialog(
        people, side, session.parties()[side].name, minutes._my_key_holder(), window
    )
    sign_off.key.use_file.setChecked(True)
    sign_off.key.file_line.setText("/media/stefan/USB/stefan-lindqvist.p12")
    sign_off.show()
    settle(app, 400)
    shoot(sign_off, out_dir / "sign-off.png")
    sign_off.close()
    minutes.close()
    from ui.keys import SignSentMinutesDialog
    from ui.minutes import my_key_holder

    # minutes awaiting the partner, as the enterprise sends them
    folder = Path(tempfile.mkdtemp())
    other = Session.open(create_demo(folder / "awaiting.db", awaiting_partner=True))
    sent = folder / "Halden - to sign.pdf"
    sent.write_bytes(other.send_for_signature(meeting.id))
    other.close()
    to_sign = SignSentMinutesDialog(my_key_holder(), window)
    to_sign.choose(sent)
    to_sign.key.use_file.setChecked(True)
    to_sign.key.file_line.setText("/home/stefan/keys/stefan-lindqvist.p12")
    to_sign.show()
    settle(app, 400)
    shoot(to_sign, out_dir / "sign-sent.png")
    to_sign.close()
    key = MySigningKeyDialog(session, window)
    key.show()
    settle(app, 400)
    shoot(key, out_dir / "my-signing-key.png")
    key.close()
    register = CertificatesDialog(session, window)
    register.show()
    settle(app, 400)
    shoot(register, out_dir / "certificates.png")
    register.close()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--dark"]
    main(
        Path(arguments[0]) if arguments else ROOT / "resources" / "screenshots",
        dark="--dark" in sys.argv[1:],
    )
