"""The Qt binding keeps None and True counted: the canary for PySide6 6.12's leak on CPython 3.11.

PySide6 6.12.0 on CPython 3.11 dropped a reference to None on every void Qt call (and to True
while pyqtgraph painted) until the interpreter aborted; the lock file gives Python < 3.12 a
PySide6 without the leak (README, "Development notes"). This test catches the next binding
upgrade that brings it back, the day it lands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Counts may move a little as caches fill or empty; the leak took one reference per call.
ALLOWED_FALL = 100


def _immortal(obj: object) -> bool:
    """Whether `obj`'s reference count no longer moves (CPython 3.12+ makes None immortal)."""
    before = sys.getrefcount(obj)
    held = [obj] * 1000
    moved = sys.getrefcount(obj) != before
    del held
    return not moved


@pytest.mark.skipif(
    _immortal(None) and _immortal(True),
    reason="None and True are immortal on this Python (3.12+): a dropped reference cannot "
    "free them, so there is no count to watch",
)
def test_none_and_true_keep_their_references_across_qt_calls_and_charts() -> None:
    """10,000 void Qt calls, a chart redraw loop and 50 PlotWidgets created and destroyed
    leave None's and True's reference counts where they were (in a child process: a leaking
    binding aborts it, not the suite)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("refcount_canary_run.py"))],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    ended = [line for line in lines if "after" in line]
    figures = "; ".join(
        f"{p['phase']}: None {p['before']['none']} → {p['after']['none']}, "
        f"True {p['before']['true']} → {p['after']['true']}"
        for p in ended
    )
    if done.returncode != 0:
        aborted_in = lines[-1]["phase"] if lines else "start-up"
        pytest.fail(
            f"the Qt process died during {aborted_in} (exit {done.returncode}), as a binding "
            f"that drops references makes it; counts so far: {figures or 'none'}\n"
            + done.stderr[-1500:]
        )
    assert [p["phase"] for p in ended] == ["void_calls", "redraw_loop", "plot_cycles"]
    for phase in ended:
        for name in ("none", "true"):
            fell = phase["before"][name] - phase["after"][name]
            assert fell <= ALLOWED_FALL, (
                f"{name.title()} lost {fell} references during {phase['phase']}: the Qt "
                f"binding drops references ({figures})"
            )
