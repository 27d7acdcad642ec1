"""Every colour the screens use, by what it means: one place to read or change them.

Colours pass WCAG AA for their text on white (or, for the RAG pills, their text colour on
them); the RAG colours are ColorBrewer's diverging red-yellow-green, distinct for the common
colour-vision deficiencies, and never the only sign (a shape and a word go with them).
"""

from __future__ import annotations

# Text
INK = "#14213d"  # names, headings, summaries
TEXT = "#333333"  # chart labels
DETAIL = "#4a5563"  # secondary lines
MUTED = "#6b7280"  # previous values, "no note yet"
FAINT = "#8a94a3"  # no reading, periods not yet open
WHITE = "#ffffff"

# Lines and surfaces
AXIS = "#555555"  # chart axes, table rules on the projector
RULE = "#dde3ea"  # tile borders, separators
PANEL = "#f7f9fc"
FOCUS_BACKGROUND = "#f4f8fd"
ACCENT = "#1f5fa8"  # focus, the selected row, a target line, the enterprise
PARTNER = "#c2570c"  # the partner, in charts
LINE = "#2b3a55"  # a chart's data line

# Meaning
ERROR = "#b3261e"  # a refusal, overdue, a live meeting
ERROR_BACKGROUND = "#fff6f5"
ERROR_DARK = "#8c1d18"  # a refused cell's text
GOOD = "#1b5e20"  # done, better, a timer within its box
WORSE = "#9c1c2b"
WARNING = "#8a5a00"  # to confirm, amber in text, a timer near its end, a slip
ON_TRACK = "#1f3b63"
DROPPED = "#5f6b76"

# RAG: pills and their text
RAG_RED = "#b2182b"
RAG_AMBER = "#e08214"
RAG_GREEN = "#1b7837"
RAG_AMBER_TEXT = "#1a1a1a"
RAG_AMBER_DARK = "#a35400"  # amber as a line on white

# Row backgrounds by state
DONE_BACKGROUND = "#e3f1e6"
ON_TRACK_BACKGROUND = "#e8eef7"
AT_RISK_BACKGROUND = "#fdf1d8"
LATE_BACKGROUND = "#f7dcdc"
DROPPED_BACKGROUND = "#eceff1"
NOTED_BACKGROUND = "#f3f0e6"  # a comment without a judgement: a quiet paper tone
PENDING_BACKGROUND = "#fff4c2"  # typed, not saved yet
PROBLEM_BACKGROUND = "#fde2e1"
FUTURE_BACKGROUND = "#f1f3f6"

# The projector's two themes: light text on dark for a dim room, dark on white for a bright one
PROJECTOR_THEMES = {
    "dark": {
        "bg": "#101418",
        "fg": "#f5f7fa",
        "muted": "#aab4c0",
        "normal": "#7ee2a8",
        "amber": "#ffd166",
        "red": "#ff6b6b",
        "rule": "#4a5562",  # between rows
        "rule_strong": "#aab4c0",  # under the header row
        "header_bg": "#1d252e",
        "panel": "#18212b",  # the decisions' box
        "selection": "#2f6fb8",
    },
    "light": {
        "bg": WHITE,
        "fg": "#111111",
        "muted": DETAIL,
        "normal": GOOD,
        "amber": WARNING,
        "red": ERROR,
        "rule": "#b9c2cc",
        "rule_strong": "#4a5563",
        "header_bg": "#eef2f6",
        "panel": "#eef2f6",
        "selection": ACCENT,
    },
}
PROJECTOR_RULE = "#888888"
