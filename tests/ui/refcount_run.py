"""Make many more void Qt calls than None has references, with the guard; print the counts.

Run by tests/ui/test_refcounts.py in its own process: without the guard it would abort.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from ui import refcounts  # noqa: E402


def main() -> None:
    app = QApplication([])
    refcounts.install()
    label = QLabel()
    calls = 3 * sys.getrefcount(None) + 50_000
    lowest = sys.getrefcount(None)
    for done in range(calls):
        label.setText("x")
        if done % 20_000 == 0:
            app.processEvents()
            refcounts.top_up()
            lowest = min(lowest, sys.getrefcount(None))
    print(json.dumps({"calls": calls, "lowest": lowest, "needed": refcounts.needed()}))


if __name__ == "__main__":
    main()
