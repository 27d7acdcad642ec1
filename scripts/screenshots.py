"""Take the README's screenshots of the real windows on a demo database.

Run under a real X server for the true look: `xvfb-run -s "-screen 0 1920x1080x24" \
.venv/bin/python scripts/screenshots.py resources/screenshots`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.model import AgendaItemKind, AttendanceStatus, ReviewStatus  # noqa: E402
from storage.demo import create_demo  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.attendance import AttendanceDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    QTimer.singleShot(ms, app.quit)
    app.exec()


def shoot(widget: QWidget, out: Path) -> None:
    widget.grab().save(str(out))
    print(out)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = create_application()
    work = Path(tempfile.mkdtemp())
    db = work / "demo.db"
    create_demo(db)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, interactive=False)
    window.resize(1440, 900)
    window.show_welcome()
    window.show()
    settle(app)
    shoot(window, out_dir / "welcome.png")
    window.open_database(db)
    settle(app)
    shoot(window, out_dir / "home.png")
    session = window.session
    assert session is not None
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
    page.go_to(dashboard)
    settle(app, 500)
    shoot(window, out_dir / "dashboard.png")
    dialog = AttendanceDialog(session, draft.id, window.undo_stack)
    dialog.show()
    settle(app)
    shoot(dialog, out_dir / "attendance.png")
    dialog.close()
    projector = window.open_projector()
    if projector is not None:
        projector.resize(1920, 1080)
        settle(app, 1200)
        shoot(projector, out_dir / "projector.png")
        projector.close()
    window.show_register()
    settle(app, 500)
    shoot(window, out_dir / "register.png")
    from ui.accountability import AccountabilityDialog

    record = AccountabilityDialog(session, draft.id)
    record.show()
    settle(app, 600)
    shoot(record, out_dir / "accountability.png")
    record.release()
    window.close()
    settle(app)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots")
