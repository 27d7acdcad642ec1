"""When something unexpected happens: say so, write a crash report, never vanish in silence.

The app keeps a short trail of what the facilitator did (menu commands by their titles, and
what each change touched: "notes", "reviews"), never what was typed. An exception nobody
caught, in the window or in a worker thread, writes a report beside the app's log (the
traceback and that trail) and shows a message on the window's thread; the app goes on, since
every change was written in one transaction. A fatal error of the interpreter (a crash in a
library) is written to `fatal.log` in the same folder by `faulthandler`.
"""

from __future__ import annotations

import collections
import datetime as dt
import faulthandler
import logging
import platform
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

TRAIL_LENGTH = 40
LOG_NAME = "app.log"
FATAL_NAME = "fatal.log"

_log = logging.getLogger("review")


class CrashReporter(QObject):
    """Writes crash reports into `folder` and tells the user, on the window's thread."""

    reported = Signal(str, str)  # the report's path, the exception in one line

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.trail: collections.deque[str] = collections.deque(maxlen=TRAIL_LENGTH)
        self.message: QMessageBox | None = None
        self._fatal: IO[str] | None = None
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def record(self, what: str) -> None:
        """Add one step to the trail (a title or the kind of a change, never typed text)."""
        line = f"{dt.datetime.now():%H:%M:%S} {what}"
        self.trail.append(line)
        _log.info(what)

    def write_report(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
        thread: str | None = None,
    ) -> Path | None:
        """The report: when, where, versions, the traceback and the trail; None if the folder
        cannot be written (the message then says so)."""
        now = dt.datetime.now()
        lines = [
            f"Partnership review: unexpected error at {now:%Y-%m-%d %H:%M:%S}",
            f"thread: {thread or threading.current_thread().name}",
            f"Python {platform.python_version()}, PySide6 {PYSIDE_VERSION}, {platform.platform()}",
            "",
            "".join(traceback.format_exception(kind, error, tb)).rstrip(),
            "",
            "Last steps (titles and kinds of change only):",
            *(f"  {step}" for step in self.trail),
        ]
        _log.error("unexpected error: %s", _one_line(error))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"crash-{now:%Y%m%d-%H%M%S-%f}.txt"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError:
            print("\n".join(lines), file=sys.stderr)
            return None
        return path

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
        thread: str | None = None,
    ) -> None:
        """sys.excepthook and threading.excepthook: report, and tell the user."""
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        path = self.write_report(kind, error, tb, thread)
        print(f"main.py: unexpected error: {_one_line(error)}", file=sys.stderr)
        self.reported.emit(str(path) if path is not None else "", _one_line(error))

    @Slot(str, str)
    def _show(self, path: str, summary: str) -> None:
        where = (
            f"A report was written to {path}: please send it to whoever supports the app."
            if path
            else "No report could be written (its folder is not writable); see the terminal."
        )
        text = (
            "Something went wrong that the app did not expect. Everything shown as saved is "
            "saved; the last change may not have been made: check it, then carry on."
        )
        parent = _active_window()
        if self.message is None:
            self.message = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error", text)
            self.message.setParent(parent, self.message.windowFlags())
        self.message.setText(text)
        self.message.setInformativeText(f"{summary}\n\n{where}")
        self.message.open()

    def install(self) -> None:
        """Take over uncaught exceptions of every thread, and fatal errors into fatal.log."""
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                self.folder / LOG_NAME, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
        except OSError:
            return
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.INFO)
        _log.propagate = False
        self._fatal = (self.folder / FATAL_NAME).open("a", encoding="utf-8")
        faulthandler.enable(self._fatal)

    def close(self) -> None:
        """Give the hooks back and close fatal.log (tests; the app keeps them to its end)."""
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
        faulthandler.enable(sys.__stderr__ or sys.stderr)
        if self._fatal is not None:
            self._fatal.close()
            self._fatal = None
        for handler in list(_log.handlers):
            _log.removeHandler(handler)
            handler.close()

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else None
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, name)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _active_window() -> QWidget | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    return app.activeWindow() or next(
        (w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()), None
    )
