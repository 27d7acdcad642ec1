"""An unexpected error is never silent: a report beside the log, a message, and the app goes on."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from ui.crash import CrashReporter
from ui.main_window import MainWindow


@pytest.fixture
def reporter(tmp_path: Path) -> Iterator[CrashReporter]:
    """A reporter writing into this test's folder; the hooks it takes are given back after."""
    hooks = sys.excepthook, threading.excepthook
    crash = CrashReporter(tmp_path / "log")
    crash.install()
    try:
        yield crash
    finally:
        crash.close()
        sys.excepthook, threading.excepthook = hooks


def _reports(folder: Path) -> list[Path]:
    return sorted(folder.glob("crash-*.txt"))


def test_an_error_in_a_slot_is_reported_with_the_last_steps_and_shown(
    qtbot: QtBot,
    settings: QSettings,
    demo_path: Path,
    reporter: CrashReporter,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Menu commands are kept by title and changes by kind (never typed text); an exception in
    a slot writes a report with its traceback and those steps, prints one line, and shows a
    message; the window is still there and still works."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    window.step_taken.connect(reporter.record)
    assert window.open_database(demo_path)
    window.show()
    qtbot.waitExposed(window)
    window.home_action.trigger()
    session = window.session
    assert session is not None
    meeting = session.next_meeting()
    assert meeting is not None
    window.open_meeting(meeting.id)
    page = window.meeting_page
    assert page is not None
    window.start_action.trigger()
    assert page.is_live
    qtbot.keyClicks(page.notes, "Confidential: the partner's margin is 4%")
    assert page.notes.flush()

    def broken_slot() -> None:
        raise RuntimeError("a bug nobody expected")

    with qtbot.captureExceptions() as caught:
        QTimer.singleShot(0, broken_slot)
        qtbot.wait(50)
    for kind, error, tb in caught:  # pytest-qt caught it first: give it to the app's hook
        reporter.handle(kind, error, tb)
    qtbot.waitUntil(lambda: reporter.message is not None and reporter.message.isVisible())
    (report,) = _reports(tmp_path_of(reporter))
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: a bug nobody expected" in text and "broken_slot" in text
    assert "File ▸ Meetings overview" in text and "changed: meetings" in text
    assert f"▸ {window.start_action.text().replace('&', '')}" in text
    assert "margin" not in text and "Confidential" not in text
    assert reporter.message is not None and str(report) in reporter.message.informativeText()
    assert "unexpected error: RuntimeError" in capsys.readouterr().err
    log = (tmp_path_of(reporter) / "app.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and "margin" not in log
    reporter.message.close()
    assert window.isVisible() and window.session is not None
    assert window.session.meeting(meeting.id).id == meeting.id


def test_an_error_in_a_worker_thread_is_reported_on_the_window_thread(
    qtbot: QtBot, reporter: CrashReporter, tmp_path: Path
) -> None:
    """A thread's uncaught exception writes its report at once; the message is shown by the
    window's thread (a widget made in a worker would crash Qt)."""

    def work() -> None:
        raise ValueError("failed in the import worker")

    worker = threading.Thread(target=work, name="import-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.message is not None and reporter.message.isVisible())
    (report,) = _reports(tmp_path / "log")
    text = report.read_text(encoding="utf-8")
    assert "thread: import-worker" in text and "ValueError: failed in the import worker" in text
    assert reporter.message is not None
    assert threading.current_thread() is threading.main_thread()
    reporter.message.close()


def test_an_unwritable_folder_still_tells_the_user(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No report can be written: the traceback goes to the terminal and the message says so."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be", encoding="utf-8")
    crash = CrashReporter(blocked / "log")
    try:
        raise KeyError("x")
    except KeyError as error:
        crash.handle(KeyError, error, error.__traceback__)
    qtbot.waitUntil(lambda: crash.message is not None and crash.message.isVisible())
    assert crash.message is not None
    assert "No report could be written" in crash.message.informativeText()
    assert "Traceback" in capsys.readouterr().err
    crash.message.close()


def tmp_path_of(reporter: CrashReporter) -> Path:
    return reporter.folder
