"""Command-line fixtures: one demo made through the command line per run, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once through the command line; tests copy it or only read it."""
    path = tmp_path_factory.mktemp("cli-demo") / "demo.db"
    result = run("demo", "--db", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo, in a folder of its own."""
    path = tmp_path / "db" / "demo.db"
    path.parent.mkdir()
    shutil.copy(demo_master, path)
    return path
