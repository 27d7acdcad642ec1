"""The real app window, doing one by one every operation that opens another connection to its
file while notes are typed between them; run by tests/reliability/test_combinations.py.

`combination_run.py DB SETTINGS LOG OPS` opens the window on DB, starts its next meeting,
then for each operation named in OPS (comma-separated): types notes (saved, acknowledged),
performs the operation, types again, saves, and prints `done OP` on stdout; it then waits for
a line on stdin (the test runs a command on the same file meanwhile) before the next one.
After the last, it waits to be killed. What the test checks is written to LOG, one line per
`os.write`, as live_meeting_run.py does:

    {"op": "ack", "key": "notes:<item id>", "value": V}   the indicator said V is saved
    {"op": "baseline", "key": ..., "value": V}            the file holds V after a restore
    {"op": "raw-open", "path": P}                         Python opened the database, its
                                                          -wal or -shm itself: never allowed
    {"op": "error", "message": M}                         the window did not do as it should

Operations: import (Import readings… with its worker's own connection), tamper-check (the
file opened again, which checks its signed
meetings in a thread), backups (File ▸ Restore a backup… listed, then cancelled),
restore (File ▸ Restore a backup…, the newest put back), export (the minutes' PDF exported
from the dialog), second-window (another window on the file, read-only, then closed), sign
(the meeting ended and both sides' demo signatories sign it in the minutes dialog).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.model import AttendanceStatus, MeetingStatus, Side  # noqa: E402
from core.signatures import (  # noqa: E402
    certificate_fingerprint,
    create_identity,
    load_identity,
)
from tests.reliability.live_meeting_run import Log  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.minutes import MinutesDialog  # noqa: E402
from ui.readings_import import ImportReadingsDialog  # noqa: E402
from ui.recovery import RestoreBackupDialog  # noqa: E402
from ui.session import KeyChoice  # noqa: E402

DEMO_PASSPHRASE = "demo-passphrase"
PARTNER_PASSPHRASE = "velvet harbour quietly sixteen"
WORDS = ("the partner agreed", "RCA by Friday", "Łukasz to follow up", "SLA credit €12 400")


def watch_raw_opens(db: Path, log: Log) -> None:
    """Log every open by Python of the database, its -wal or its -shm (SQLite's own opens,
    made in C, are not seen: those are the only ones allowed)."""
    watched = {str(db.resolve()) + suffix for suffix in ("", "-wal", "-shm", "-journal")}

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
            name = os.path.abspath(os.fsdecode(args[0]))
            if name in watched:
                log.write("raw-open", path=name)

    sys.addaudithook(audit)


def answer(dialog_type: type, act: Any) -> None:
    """Once a modal `dialog_type` shows, do `act` to it (choose, press a button)."""

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, dialog_type) and widget.isVisible():
                act(widget)
                return
        QTimer.singleShot(20, look)

    QTimer.singleShot(20, look)


class Run:
    def __init__(self, db: Path, settings: Path, log: Log, seed: int) -> None:
        self.db = db
        self.log = log
        self.rng = random.Random(seed)
        self.out = db.with_name("window-out")
        self.out.mkdir(exist_ok=True)
        self.window = MainWindow(QSettings(str(settings), QSettings.Format.IniFormat), False)
        if not self.window.open_database(db):
            raise SystemExit(f"could not open {db}")
        self.window.show()
        self.meeting_id = ""
        self._open_meeting(start=True)

    @property
    def session(self) -> Any:
        assert self.window.session is not None
        return self.window.session

    def _open_meeting(self, start: bool) -> None:
        meeting = (
            self.session.meeting(self.meeting_id)
            if self.meeting_id
            else self.session.next_meeting()
        )
        assert meeting is not None
        self.meeting_id = meeting.id
        self.window.open_meeting(meeting.id)
        page = self.window.meeting_page
        assert page is not None
        if start and meeting.status is MeetingStatus.DRAFT:
            page.start_meeting()
        page.notes.text_saved.connect(self._on_saved)

    def _on_saved(self, item_id: str, text: str) -> None:
        page = self.window.meeting_page
        assert page is not None
        if not page.saved_indicator.text().startswith("✓ saved"):
            self.log.write("error", message=f"saved, but it says {page.saved_indicator.text()}")
        self.log.write("ack", key=f"notes:{item_id}", value=text)

    def type_notes(self) -> None:
        """Type into two items as a facilitator does; leaving an item saves it."""
        page = self.window.meeting_page
        assert page is not None
        rows = list(range(page.rail_model.rowCount()))
        for row in self.rng.sample(rows, 2):
            page.go_to(row)
            if page.notes.isReadOnly():
                continue
            page.notes.moveCursor(page.notes.textCursor().MoveOperation.End)
            words = " " + self.rng.choice(WORDS)
            if words.isascii():
                QTest.keyClicks(page.notes, words)
            else:  # QTest types ASCII only: pasted, as a facilitator's copied name would be
                page.notes.insertPlainText(words)
            QTest.qWait(self.rng.choice((0, 700)))  # sometimes the editor saves by itself
        if not page.notes.flush():
            self.log.write("error", message=f"notes not saved: {page.banner.text()}")

    # --- the operations --------------------------------------------------------------------

    def do_import(self) -> None:
        csv = self.out / "readings.csv"
        kpi = self.session.kpis()[0].name
        month = self.session.latest_period() or self.session.this_month()
        csv.write_text(f"{kpi},{month},{self.rng.randint(1, 9)}\n", encoding="utf-8")
        dialog = ImportReadingsDialog(self.session, self.window, interactive=False)
        dialog.path.setText(str(csv))
        dialog.set_side(Side.PARTNER)
        if not dialog.run_import():
            self.log.write("error", message=f"import failed: {dialog.failure or dialog.problems}")
        dialog.deleteLater()

    def do_tamper_check(self) -> None:
        """The file opened again (File ▸ Open recent), which checks its signed meetings in a
        thread on a connection of its own."""
        page = self.window.meeting_page
        assert page is not None
        page.notes.flush()
        if not self.window.open_database(self.db):
            self.log.write("error", message="the file did not open again")
        home = self.window.home
        assert home is not None
        done: list[object] = []
        home.integrity_checked.connect(done.append)
        for _ in range(3000):
            if done:
                break
            QTest.qWait(10)
        else:
            self.log.write("error", message="the tamper check did not finish")
        self._open_meeting(start=False)

    def do_backups(self) -> None:
        answer(RestoreBackupDialog, lambda d: d.reject())
        self.window.restore_backup()
        self._open_meeting(start=False)

    def do_restore(self) -> None:
        def newest(dialog: RestoreBackupDialog) -> None:
            dialog.choices.setCurrentRow(0)
            dialog.restore_button.click()

        answer(RestoreBackupDialog, newest)
        self.window.restore_backup()
        self._open_meeting(start=True)
        for item in self.session.items(self.meeting_id):
            self.log.write("baseline", key=f"notes:{item.id}", value=item.notes)

    def do_export(self) -> None:
        signed = [m for m in self.session.meetings() if m.status is MeetingStatus.SIGNED]
        dialog = MinutesDialog(self.session, signed[-1].id, self.window)
        if not dialog.export_to(self.out / "minutes.pdf"):
            self.log.write("error", message="the export failed")
        dialog.deleteLater()

    def do_second_window(self) -> None:
        second = MainWindow(
            QSettings(str(self.out / "second.ini"), QSettings.Format.IniFormat), False
        )
        if not second.open_database(self.db):
            self.log.write("error", message="the second window did not open the file")
        second.show()
        QTest.qWait(50)
        second.close()
        second.deleteLater()
        QTest.qWait(10)

    def do_sign(self) -> None:
        page = self.window.meeting_page
        assert page is not None
        meeting = self.session.meeting(self.meeting_id)
        if meeting.status is MeetingStatus.SIGNED:
            return
        # The enterprise's signatory signs with the facilitator's own key (the demo's), the
        # partner's with a key file of their own, its certificate registered first.
        mine = self.session.my_certificate()
        assert mine is not None
        fingerprint = certificate_fingerprint(mine)
        registered = self.session.signatory_certificates()
        enterprise = self.session.person(
            next(c.person_id for c in registered if c.fingerprint == fingerprint)
        )
        partner = next(p for p in self.session.people() if p.side is Side.PARTNER)
        key_path = self.out / f"partner-{partner.id}.p12"
        if not key_path.exists():
            data = create_identity(
                partner.name, "p@partner.example", "partner", "Partner", PARTNER_PASSPHRASE
            )
            key_path.write_bytes(data)
            self.session.register_certificate(
                partner.id, load_identity(data, PARTNER_PASSPHRASE).certificate_pem
            )
        keys = {
            enterprise.id: KeyChoice("mine", DEMO_PASSPHRASE),
            partner.id: KeyChoice("file", PARTNER_PASSPHRASE, str(key_path)),
        }
        for person in [*self.session.people()[:4], enterprise, partner]:
            self.session.set_attendance(self.meeting_id, person.id, AttendanceStatus.PRESENT)
        if meeting.status is MeetingStatus.DRAFT:
            page.start_meeting()
        page.end_meeting()

        def sign(dialog: MinutesDialog) -> int:
            for person_id, key in keys.items():
                dialog.sign_with(person_id, key)
            return 0

        MinutesDialog.exec = sign  # type: ignore[method-assign]
        self.window.minutes_action.trigger()
        if self.session.meeting(self.meeting_id).status is not MeetingStatus.SIGNED:
            self.log.write("error", message="the meeting was not signed")
        if not page.notes.isReadOnly():
            self.log.write("error", message="the signed meeting's notes can still be typed")


OPERATIONS = {
    "import": Run.do_import,
    "tamper-check": Run.do_tamper_check,
    "backups": Run.do_backups,
    "restore": Run.do_restore,
    "export": Run.do_export,
    "second-window": Run.do_second_window,
    "sign": Run.do_sign,
}


def main() -> None:
    db, settings, log_path, ops, seed = sys.argv[1:6]
    app = create_application()  # noqa: F841
    log = Log(Path(log_path))
    watch_raw_opens(Path(db), log)
    run = Run(Path(db), Path(settings), log, int(seed))
    for op in ops.split(","):
        run.type_notes()
        OPERATIONS[op](run)
        run.type_notes()
        print(f"done {op}", flush=True)
        sys.stdin.readline()  # the test runs a command on the same file meanwhile
    run.type_notes()
    print("finished", flush=True)
    sys.stdin.readline()
    os._exit(0)


if __name__ == "__main__":
    main()
