"""Count the references to None and True across the Qt work the app does; print the counts.

Run by tests/ui/test_refcount_canary.py in its own process: a binding that drops references
(PySide6 6.12 on CPython 3.11 did, one per void Qt call) aborts this process, not the suite.
Three phases, each measured after a garbage collection: 10,000 void Qt calls, one chart
redraw loop as the KPI drill-down draws (curve, scatter, bands, painted each time), and 50
PlotWidgets created and destroyed. Prints one JSON line per phase as it ends (the counts
before and after it), so a run that aborts still shows how far the counts had fallen.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QLabel  # noqa: E402

VOID_CALLS = 10_000
REDRAWS = 100
PLOT_CYCLES = 50


def counts() -> dict[str, int]:
    """None's and True's reference counts once the garbage is collected."""
    gc.collect()
    return {"none": sys.getrefcount(None), "true": sys.getrefcount(True)}


def settle(app: QApplication) -> None:
    """Let deleteLater() and pending paints happen."""
    for _ in range(3):
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def void_calls(app: QApplication) -> None:
    label = QLabel()
    for n in range(VOID_CALLS):
        label.setText("x" if n % 2 else "y")  # returns nothing: a void call
    label.deleteLater()
    settle(app)


def draw(plot: pg.PlotWidget, n: int) -> None:
    """One chart as the drill-down draws it: a line, RAG points, threshold bands."""
    item = plot.getPlotItem()
    item.clear()
    item.showGrid(x=False, y=True, alpha=0.2)
    xs = list(range(24))
    ys = [float((i * 7 + n) % 13) for i in xs]
    item.plot(xs, ys, pen=pg.mkPen("#1f5fa8", width=2))
    item.addItem(pg.ScatterPlotItem(x=xs, y=ys, symbol="o", size=13, brush=pg.mkBrush("#2e7d32")))
    band = QGraphicsRectItem(-0.5, 0.0, 24.0, 3.0)
    band.setBrush(pg.mkBrush(255, 191, 0, 48))
    item.addItem(band)
    item.setYRange(-1, 14, padding=0)


def redraw_loop(app: QApplication) -> None:
    plot = pg.PlotWidget(background="w")
    plot.resize(640, 320)
    plot.show()
    for n in range(REDRAWS):
        draw(plot, n)
        plot.grab()  # painted: pyqtgraph's paint code is where True was dropped
        app.processEvents()
    plot.close()
    plot.deleteLater()
    del plot
    settle(app)


def plot_cycles(app: QApplication) -> None:
    for n in range(PLOT_CYCLES):
        plot = pg.PlotWidget(background="w")
        draw(plot, n)
        plot.close()
        plot.deleteLater()
        del plot
        settle(app)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Everything made once (caches, fonts, pyqtgraph's lazy imports) is made before counting.
    warm = pg.PlotWidget()
    draw(warm, 0)
    warm.grab()
    warm.close()
    warm.deleteLater()
    del warm
    settle(app)
    for name, phase in (
        ("void_calls", void_calls),
        ("redraw_loop", redraw_loop),
        ("plot_cycles", plot_cycles),
    ):
        before = counts()
        print(json.dumps({"phase": name, "started": before}), flush=True)
        phase(app)
        print(json.dumps({"phase": name, "before": before, "after": counts()}), flush=True)


if __name__ == "__main__":
    main()
