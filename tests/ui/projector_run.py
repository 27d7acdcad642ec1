"""Drive the projector on a two-screen offscreen platform; print what it showed as JSON.

Run by tests/ui/test_projector.py in its own process: the screens are fixed when Qt starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def main(db: Path, settings_file: Path) -> None:
    app = create_application()
    window = MainWindow(
        QSettings(str(settings_file), QSettings.Format.IniFormat), interactive=False
    )
    window.open_database(db)
    window.show()
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None
    projector = window.open_projector()
    assert projector is not None
    app.processEvents()
    seen = {
        "screens": [s.name() for s in QApplication.screens()],
        "projector_screen": projector.screen().name(),
        "projector_geometry": projector.geometry().getRect(),
        "full_screen": projector.isFullScreen(),
        "first_title": projector.item_title.text(),
        "first_item": page.current_item.title if page.current_item else None,
    }
    page.go_to(page.rail_model.rowCount() - 1)  # a notes item: the closing
    page.notes.setFocus()
    page.notes.insertPlainText("Shown to the room as it is typed")
    app.processEvents()
    seen["second_title"] = projector.item_title.text()
    seen["second_item"] = page.current_item.title if page.current_item else None
    seen["content"] = projector.content.toPlainText()
    seen["has_editing_controls"] = bool(
        [
            w
            for w in projector.findChildren(object)
            if type(w).__name__ in ("QLineEdit", "QTextEdit", "QPushButton")
        ]
    )
    window.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
