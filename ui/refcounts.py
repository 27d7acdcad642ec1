"""A guard against a reference leak of PySide6 6.12 on CPython 3.11, which aborts the app.

Every call of a Qt method that returns nothing (QLabel.setText, QPainter.setPen, update...)
hands Python's None back without counting the reference: the wheel is built for the stable
ABI of CPython 3.12 and later, where None, True and False are immortal and this is harmless.
pyqtgraph's painting also drops references to True. On 3.11 each such call lowers the count
by one, and when a count reaches zero the interpreter aborts ("deallocating None"): about
twenty redraws of a 24-month chart were enough. The guard holds spare references to the three
singletons, topped up every second, and never gives them back, not even at exit (freeing
them then would bring the counts to zero after all).
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication, QTimer

# Spare references kept for each singleton: a million void calls between two top-ups.
HEADROOM: dict[object, int] = {None: 1_000_000, True: 200_000, False: 200_000}
TOP_UP_MS = 1000

_spare: list[object] = []
_timer: QTimer | None = None


def needed() -> bool:
    """Whether this interpreter needs the guard: before 3.12 the singletons are mortal."""
    return sys.version_info < (3, 12)


def top_up() -> None:
    """Bring each singleton's count back up to its headroom."""
    for singleton, headroom in HEADROOM.items():
        missing = headroom - sys.getrefcount(singleton)
        if missing > 0:
            _spare.extend([singleton] * missing)


def install() -> None:
    """Start the guard once per process (a no-op where it is not needed)."""
    global _timer
    if not needed() or _timer is not None:
        return
    top_up()
    # The list of spares is itself never freed, so its references are never given back.
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(_spare))
    _timer = QTimer(QCoreApplication.instance())
    _timer.setInterval(TOP_UP_MS)
    _timer.timeout.connect(top_up)
    _timer.start()
