"""The floor for cold start: import PySide6's widgets, show an empty main window, quit.

Nothing more: the app defers the charts' library (pyqtgraph, numpy) until its window is up and
idle, so a floor that imported it would not be a floor. It leaves the way the app does
(without tearing the interpreter down), so that both sides measure start to window shown and
idle, not the cost of exit.
"""

from __future__ import annotations

import os
import sys

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
