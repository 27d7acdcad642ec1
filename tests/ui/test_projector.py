"""The projector view on a second screen, following the facilitator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from ui.projector import ProjectorWindow

SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1440, "height": 900, "logicalDpi": 96},
        {"name": "room", "x": 1440, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96},
    ]
}


def test_projector_opens_full_screen_on_the_other_screen_and_follows(
    demo_path: Path, tmp_path: Path
) -> None:
    """With two screens, the projector fills the one that is not the facilitator's and
    shows the current item and its notes as they are typed."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("projector_run.py")),
            str(demo_path),
            str(tmp_path / "settings.ini"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screens"] == ["laptop", "room"]
    assert seen["projector_screen"] == "room"
    assert seen["full_screen"]
    assert seen["projector_geometry"] == [1440, 0, 1920, 1080]
    assert seen["first_title"] == seen["first_item"]
    assert seen["second_title"] == seen["second_item"] != seen["first_title"]
    assert "Shown to the room as it is typed" in seen["content"]
    assert not seen["has_editing_controls"]


def test_projector_remembers_the_chosen_screen(qtbot: QtBot, settings: QSettings) -> None:
    """A screen picked once is the projector's screen next time."""
    from ui.main_window import MainWindow

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    window.choose_projector_screen("room-that-is-not-here")
    assert window.projector_screen_name() != "room-that-is-not-here"  # unknown screens fall back
    name = window.projector_screen_name()
    window.choose_projector_screen(name)
    assert settings.value("projector/screen") == name
    again = MainWindow(settings, interactive=False)
    qtbot.addWidget(again)
    assert again.projector_screen_name() == name


def test_projector_font_scale_and_theme(qtbot: QtBot) -> None:
    """Ctrl+Plus and Ctrl+Minus change the projector's type size within bounds; themes switch."""
    projector = ProjectorWindow("Halden – Brightline", "dark", 1.0)
    qtbot.addWidget(projector)
    projector.zoom_in()
    assert projector.scale > 1.0
    for _ in range(30):
        projector.zoom_out()
    assert projector.scale == 0.6
    projector.set_theme("light")
    assert "#ffffff" in projector.styleSheet()


def test_ctrl_plus_minus_and_zero_size_the_projector_text_from_either_window(
    qtbot: QtBot, settings: QSettings, demo_path: Path, qtlog: Any
) -> None:
    """Real key presses in the projector window and in the main window: Ctrl+Plus (and
    Ctrl+=) larger, Ctrl+Minus smaller, Ctrl+0 back to the usual size, and Qt never reports an
    ambiguous shortcut (which would make it drop the key)."""
    from ui.main_window import MainWindow

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    window.show()
    qtbot.waitExposed(window)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    projector = window.open_projector()
    assert projector is not None
    qtbot.waitExposed(projector)
    for target in (projector, window):
        target.activateWindow()
        qtbot.waitUntil(target.isActiveWindow)
        start = projector.scale
        qtbot.keySequence(target, QKeySequence("Ctrl++"))
        assert projector.scale > start
        bigger = projector.scale
        qtbot.keySequence(target, QKeySequence("Ctrl+="))
        assert projector.scale > bigger
        qtbot.keySequence(target, QKeySequence("Ctrl+-"))
        assert projector.scale < projector.scale * 1.15 and projector.scale > start
        qtbot.keySequence(target, QKeySequence("Ctrl+0"))
        assert projector.scale == 1.0
    messages = [record.message for record in qtlog.records]
    assert not [m for m in messages if "Ambiguous shortcut" in m], messages
    projector.close()
