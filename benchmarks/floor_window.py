"""The floor for cold start: import PySide6 and pyqtgraph, show an empty main window, quit.

It leaves the way the app does (without tearing the interpreter down), so that both sides
measure start to window shown and idle, not the cost of exit.
"""

from __future__ import annotations

import os
import sys

import pyqtgraph  # noqa: F401
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 820)
window.show()
QTimer.singleShot(0, app.quit)
code = app.exec()
sys.stdout.flush()
os._exit(code)
