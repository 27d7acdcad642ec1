"""Shared fixtures of the storage tests: one demo database built per session, copied per test."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage.database import open_database
from storage.demo import create_demo

DEMO_TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_today() -> dt.date:
    """The day the demo is built on: fixed, so that its dates and ids never vary."""
    return DEMO_TODAY


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory, demo_today: dt.date) -> Path:
    """The demo database, built once: create_demo checkpoints and closes it, so a copy is whole.

    Tests never open this file itself: they copy it (`demo_db_path`) or use `demo_read`.
    """
    folder = tmp_path_factory.mktemp("demo-master")
    return create_demo(folder / "demo.db", today=demo_today)


@pytest.fixture(scope="session")
def demo_read(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One shared copy of the demo, open for reading only: tests must not write to it."""
    path = tmp_path_factory.mktemp("demo-read") / "demo.db"
    shutil.copy(demo_master, path)
    db = open_database(path, automatic_backups=False)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def demo_db_path(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database that a test may change or damage."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_master, path)
    return path


@pytest.fixture
def demo_db(demo_db_path: Path) -> Iterator[Database]:
    """The copied demo database, open as the app opens it (no automatic backup)."""
    db = open_database(demo_db_path, automatic_backups=False)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def new_db(tmp_path: Path) -> Iterator[Database]:
    """A new, empty database of this app in its own folder."""
    db = open_database(tmp_path / "new.db")
    try:
        yield db
    finally:
        db.close()
