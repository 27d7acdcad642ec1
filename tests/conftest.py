"""Test set-up shared by every suite: Qt offscreen before any Qt import."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
