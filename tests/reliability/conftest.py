"""Reliability fixtures: the demo built once per run, copied for each test that damages it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from storage.demo import create_demo

DEMO_TODAY = dt.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("RELIABILITY_SOAK", "") not in ("", "0")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built once; tests copy it and never open this file itself."""
    return create_demo(tmp_path_factory.mktemp("reliability-demo") / "demo.db", today=DEMO_TODAY)


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo that a test may change or damage."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a file of the test's own, so tests never share or touch the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def record_figures(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Show a test's figures (kills survived, inputs tried...) and keep them for the README
    in the file RELIABILITY_FIGURES names, if any."""
    with capsys.disabled():
        print(f"\n{line}")
    out = os.environ.get("RELIABILITY_FIGURES")
    if out:
        with open(out, "a", encoding="utf-8") as file:
            file.write(line + "\n")


def main_py(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python main.py ARGS` from the project's folder, as a user would."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "main.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
