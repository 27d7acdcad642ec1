"""Test set-up shared by every suite: Qt offscreen before any Qt import."""

from __future__ import annotations

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Keys, demo databases and settings the code keeps in the user data folder go to a folder of
# the test run's own, never into the home folder of whoever runs the tests.
if "REVIEW_TESTS_DATA_HOME" not in os.environ:
    import tempfile

    os.environ["REVIEW_TESTS_DATA_HOME"] = tempfile.mkdtemp(prefix="review-tests-data-")
os.environ["XDG_DATA_HOME"] = os.environ["REVIEW_TESTS_DATA_HOME"]
os.environ["XDG_STATE_HOME"] = os.environ["REVIEW_TESTS_DATA_HOME"]  # the log, crash reports

# hypothesis: CI and `make test` draw the same examples every run (derandomized, no example
# database), so a run cannot fail on a draw that passed before; RELIABILITY_SOAK=1 draws new
# ones, ten times as many (as tests/reliability scales its own counts), remembering failures.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.register_profile("soak", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(
    "soak" if os.environ.get("RELIABILITY_SOAK", "") not in ("", "0") else "repeatable"
)
