"""Test set-up shared by every suite: Qt offscreen before any Qt import."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Keys, demo databases and settings the code keeps in the user data folder go to a folder of
# the test run's own, never into the home folder of whoever runs the tests.
if "REVIEW_TESTS_DATA_HOME" not in os.environ:
    import tempfile

    os.environ["REVIEW_TESTS_DATA_HOME"] = tempfile.mkdtemp(prefix="review-tests-data-")
os.environ["XDG_DATA_HOME"] = os.environ["REVIEW_TESTS_DATA_HOME"]
os.environ["XDG_STATE_HOME"] = os.environ["REVIEW_TESTS_DATA_HOME"]  # the log, crash reports
