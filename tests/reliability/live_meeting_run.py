"""Drive the real app through a live meeting, forever, reporting each write it acknowledged.

Run by tests/reliability/test_kill.py, which kills it with SIGKILL at random moments. Every
line is written with one `os.write` to the log file given, so a line the test reads was out
of the process before the kill:

    {"op": "opened", "read_only": ...}          the file is open (why only for reading, if so)
    {"op": "meeting", "id": ...}               the meeting is open on the screen
    {"op": "try", "key": K, "value": V}        about to write V under K (it may or may not land)
    {"op": "ack", "key": K, "value": V}        the app said V is saved: it must survive any kill
    {"op": "refused", "key": K, "value": V}    the app refused V in words: nothing written

Keys: `notes:<item id>` (the Markdown the notes editor saved, acknowledged when the "saved"
indicator shows), `review:<action id>` (this meeting's review status of an action),
`commitment:<title>` (1 once the new action was committed), `status` (the meeting's status).

Two ways to start: `live_meeting_run.py DB SETTINGS LOG SEED` runs one app from a cold start;
`live_meeting_run.py --serve` imports everything once, then forks one app per JSON line read
on stdin (`{"db", "settings", "log", "seed"}`), prints `pid N`, and after `reap` prints how it
ended. The forked app is the same code from `QApplication` on; forking only skips the ~0.6 s
of imports, so that a minute holds hundreds of kills. With RELIABILITY_ONE_WRITER set, the
file is opened as a second window must open it (read-only while another window writes it).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pyqtgraph  # noqa: E402, F401  (as ui.app.run: the dashboard's charts need it)
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

import ui.meeting  # noqa: E402, F401  (imported once, before the forks, as a cold start would)
from core.model import AgendaItemKind, MeetingStatus, ReviewStatus  # noqa: E402
from storage.database import open_database  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

RUN_LIMIT_S = 120  # a run the test forgot to kill ends by itself, with a non-zero status
STATUS_KEYS = {
    ReviewStatus.DONE: Qt.Key.Key_D,
    ReviewStatus.ON_TRACK: Qt.Key.Key_T,
    ReviewStatus.AT_RISK: Qt.Key.Key_R,
    ReviewStatus.LATE: Qt.Key.Key_L,
    ReviewStatus.DROPPED: Qt.Key.Key_X,
}
WORDS = (
    "the partner agreed",
    "incident P1-2231 closed",
    "Łukasz asked for the RCA",
    "SLA credits: €12 400",
    "DR test moved",
    "Zoë will check",
    "backlog down 14%",
    "two escalations",
    "naïve capacity plan",
    "Ørsted site",
)


class Log:
    """One line per `os.write`: what the test reads was out of the process before the kill."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, op: str, **fields: Any) -> None:
        line = json.dumps({"op": op, **fields}, ensure_ascii=False) + "\n"
        os.write(self._fd, line.encode("utf-8"))


def run(db: Path, settings_file: Path, log_path: Path, seed: int) -> None:
    """Open the app on `db` and run its live meeting until killed."""
    rng = random.Random(seed)
    log = Log(log_path)
    app = create_application()  # noqa: F841  (kept alive while the meeting runs)
    if os.environ.get("RELIABILITY_ONE_WRITER"):
        _one_writer()
    window = MainWindow(
        QSettings(str(settings_file), QSettings.Format.IniFormat), interactive=False
    )
    if not window.open_database(db):
        raise SystemExit(f"could not open {db}")
    window.show()
    session = window.session
    assert session is not None
    log.write("opened", read_only=session.read_only_reason)
    meeting = session.next_meeting()
    assert meeting is not None
    window.open_meeting(meeting.id)
    page = window.meeting_page
    assert page is not None
    log.write("meeting", id=meeting.id)
    if meeting.status is MeetingStatus.DRAFT:
        log.write("try", key="status", value="live")
        page.start_meeting()
        assert page.is_live, page.banner.text()
        log.write("ack", key="status", value="live")
    items = page.rail_model.items()
    rows = {kind: i for i, item in reversed(list(enumerate(items))) for kind in [item.kind]}
    notes_rows = [i for i, item in enumerate(items) if item.kind is not AgendaItemKind.COMMITMENTS]

    def on_saved(item_id: str, text: str) -> None:
        # The page's own slot ran first (on `saved`, before this signal): the indicator shows it.
        if not page.saved_indicator.text().startswith("✓ saved"):
            log.write(
                "error", message=f"saved without the indicator: {page.saved_indicator.text()}"
            )
            os._exit(4)
        log.write("ack", key=f"notes:{item_id}", value=text)

    page.notes.text_saved.connect(on_saved)
    people = session.people()
    counter = 0
    started = time.monotonic()
    while time.monotonic() - started < RUN_LIMIT_S:
        choice = rng.random()
        if choice < 0.6:
            page.go_to(rng.choice(notes_rows))  # leaving an item saves its notes
            item = page.current_item
            assert item is not None
            burst = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
            page.notes.moveCursor(page.notes.textCursor().MoveOperation.End)
            if rng.random() < 0.5:
                QTest.keyClicks(page.notes, f" {burst}".encode("ascii", "replace").decode())
            else:
                page.notes.insertPlainText(f" {burst}")
            log.write("try", key=f"notes:{item.id}", value=page.notes.markdown())
            if rng.random() < 0.1:
                QTest.qWait(700)  # the editor saves by itself once typing pauses
        elif choice < 0.85:
            page.go_to(rows[AgendaItemKind.ACTION_REVIEW])
            view = page.review_view
            if view.model.rowCount() == 0:
                continue
            view.table.selectRow(rng.randrange(view.model.rowCount()))
            row = view.current_row()
            assert row is not None
            status = rng.choice(list(STATUS_KEYS))
            key = f"review:{row.action.id}"
            log.write("try", key=key, value=status.value)
            QTest.keyClick(view.table, STATUS_KEYS[status])
            after = view.model.rows()[view.model.row_of(row.action.id)]
            if after.review_here is not None and after.review_here.status is status:
                log.write("ack", key=key, value=status.value)
            else:
                log.write("refused", key=key, value=status.value, notice=view.notice.text())
        else:
            page.go_to(rows[AgendaItemKind.COMMITMENTS])
            form = page.commitments_view.form
            assert form is not None
            counter += 1
            owner = rng.choice(people)
            form.line.setText(
                f"Send the evidence pack {seed}-{counter} @{owner.name} +{rng.randint(1, 8)}w"
            )
            form.read_line()
            key = f"commitment:{form.title.text()}"
            log.write("try", key=key, value=1)
            QTest.keyClick(form.line, Qt.Key.Key_Return)
            if form.line.text() == "":
                log.write("ack", key=key, value=1)
            else:
                log.write("refused", key=key, value=1, notice=form.problems.text())
        QTest.qWait(rng.randint(5, 40))  # a brisk facilitator, not a busy loop
    raise SystemExit(3)


def _one_writer() -> None:
    """Open as a window should: read-only if another window writes the file. (Session.open
    is to pass one_writer=True itself; until it does, this makes it so.)"""
    import functools

    import ui.session

    ui.session.open_database = functools.partial(open_database, one_writer=True)


def serve() -> None:
    """Fork one app per request on stdin; everything is imported once, here."""
    import gc

    gc.freeze()  # the imported modules stay shared with the forks instead of being copied
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(f"pid {pid}", flush=True)
        for command in sys.stdin:
            if command.strip() == "reap":
                break
        _, status = os.waitpid(pid, 0)
        print(f"status {os.waitstatus_to_exitcode(status)}", flush=True)


def _child(request: dict[str, Any]) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    err = os.open(request["log"] + ".err", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err, 2)
    code = 0
    try:
        run(Path(request["db"]), Path(request["settings"]), Path(request["log"]), request["seed"])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 5
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 6
    os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        db, settings, log, seed = sys.argv[1:5]
        run(Path(db), Path(settings), Path(log), int(seed))
