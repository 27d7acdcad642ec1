"""Where the user's files live by default: the platform's user data folder."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "review-facilitator"


def user_data_folder() -> Path:
    from platformdirs import user_data_path

    return Path(user_data_path(APP_NAME, appauthor=False))


def default_database() -> Path:
    """The database opened when no other is named or remembered."""
    return user_data_folder() / "partnership.db"


def demo_database() -> Path:
    """Where "Open the demo" creates (once) and opens the demo partnership."""
    return user_data_folder() / "demo.db"


def log_folder() -> Path:
    """Where the app's log, its crash reports and fatal errors are written."""
    from platformdirs import user_log_path

    return Path(user_log_path(APP_NAME, appauthor=False))
