"""Starting the app: the application object, its settings and style, and the first page."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


def create_application(settings: QSettings | None = None) -> QApplication:
    """The application, with its look (ui.theme) following `settings`' appearance (the
    user's own settings unless given)."""
    from ui.theme import Theme, installed

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName("review-facilitator")
    app.setApplicationName("Partnership review")
    if installed() is None:
        Theme(app, settings if settings is not None else QSettings())
    return app


def run(db: Path | None, quit_when_ready: bool = False) -> int:
    """Open the app on `db`, else the last database, else the welcome page."""
    from ui.crash import CrashReporter
    from ui.main_window import MainWindow
    from ui.session import log_folder

    app = create_application()
    reporter = CrashReporter(log_folder())
    reporter.install()
    settings = QSettings()
    window = MainWindow(settings, interactive=not quit_when_ready)
    window.step_taken.connect(reporter.record)
    target = db
    if target is None:
        last = settings.value("last_database", "")
        if last and Path(str(last)).is_file():
            target = Path(str(last))
    if target is None or not window.open_database(target):
        window.show_welcome()
    window.show()
    if quit_when_ready:
        QTimer.singleShot(0, app.quit)
    else:
        # The charts' library (~0.5 s to import) is loaded once the window is up and idle, so
        # the facilitator's window appears without waiting for it and the first chart does not.
        QTimer.singleShot(200, _load_charts)
    code = app.exec()
    window.close()
    settings.sync()
    return code


def _load_charts() -> None:
    import pyqtgraph  # noqa: F401
