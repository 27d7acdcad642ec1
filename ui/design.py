"""The design tokens: every spacing, type size, radius and colour the screens use, in one place.

Screens never write a colour or a size of their own. Sizes come from SPACE, TYPE and RADIUS;
colours from `ui.palette`, which holds the active scheme's values of the COLOURS below (light
or dark, following the system unless the user chose one in View ▸ Appearance). The one style
sheet, resources/style.qss, is written with these names ($space_m, $ink, …) and filled in by
`ui.theme`.

Colours pass WCAG AA for their text on their scheme's surface (or, for the RAG pills, their
text colour on them); the RAG colours are ColorBrewer's diverging red-yellow-green, distinct
for the common colour-vision deficiencies, and never the only sign (a shape and a word go with
them).
"""

from __future__ import annotations

from enum import StrEnum


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


class Appearance(StrEnum):
    """What the user chose: follow the system, or one scheme whatever the system says."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


# Spacing scale, in pixels: margins, gaps and paddings are one of these.
SPACE = {"xxs": 2, "xs": 4, "s": 8, "m": 12, "l": 16, "xl": 24, "xxl": 32}

# Type scale, in points: body text and the steps above and below it.
TYPE = {
    "caption": 9.5,  # hints under a table, key legends
    "body": 10.5,  # everything else
    "emphasis": 11.5,  # section titles, the agenda rail
    "notes": 12.5,  # the live notes, read from across the room
    "heading": 15.0,  # an agenda item's title
    "title": 16.0,  # a meeting's title
    "display": 20.0,  # a page's title, the item timer
}

# Corner radii, in pixels.
RADIUS = {"s": 4, "m": 6, "l": 10, "pill": 11}

# Every colour by what it means, for each scheme. Both schemes have exactly the same names.
COLOURS: dict[Scheme, dict[str, str]] = {
    Scheme.LIGHT: {
        # Surfaces
        "WINDOW": "#f7f8fa",  # behind everything: a paper tone, not Qt's grey
        "SURFACE": "#ffffff",  # tables, editors, tiles
        "SURFACE_ALT": "#f9fafb",  # alternate rows
        "RAISED": "#ffffff",  # buttons
        "HOVER": "#eef1f5",
        "PRESSED": "#e2e7ee",
        "PANEL": "#f3f5f8",  # a drill-down's side panel, header rows
        "FOCUS_BACKGROUND": "#f1f6fd",
        # Text
        "INK": "#14213d",  # names, headings, summaries
        "TEXT": "#1f2937",  # body text, chart labels
        "DETAIL": "#4a5563",  # secondary lines
        "MUTED": "#6b7280",  # previous values, "no note yet"
        "FAINT": "#8a94a3",  # no reading, periods not yet open
        "WHITE": "#ffffff",  # text on a filled accent or RAG pill, in either scheme
        # Lines
        "RULE": "#e4e8ee",  # row separators, tile borders
        "BORDER": "#cdd4dd",  # inputs and buttons
        "AXIS": "#555f6d",  # chart axes
        # Accent and sides
        "ACCENT": "#1f5fa8",  # focus, links, a target line, the enterprise
        "ACCENT_FILL": "#1f5fa8",  # the primary button, the selected row (white text on it)
        "ACCENT_FILL_HOVER": "#174d8a",
        "ACCENT_SOFT": "#e3edf9",  # a selected row when its table has no focus
        "PARTNER": "#c2570c",  # the partner, in charts
        "LINE": "#2b3a55",  # a chart's data line
        # Meaning
        "ERROR": "#b3261e",  # a refusal, overdue, a live meeting
        "ERROR_BACKGROUND": "#fff6f5",
        "ERROR_BORDER": "#f2b8b5",
        "ERROR_DARK": "#8c1d18",  # a refused cell's text
        "GOOD": "#1b5e20",  # done, better, a timer within its box
        "WORSE": "#9c1c2b",
        "WARNING": "#8a5a00",  # to confirm, amber in text, a timer near its end, a slip
        "ON_TRACK": "#1f3b63",
        "DROPPED": "#5f6b76",
        # RAG: pills and their text
        "RAG_RED": "#b2182b",
        "RAG_AMBER": "#e08214",
        "RAG_GREEN": "#1b7837",
        "RAG_AMBER_TEXT": "#1a1a1a",
        "RAG_AMBER_DARK": "#a35400",  # amber as a line on the surface
        # Chips and row backgrounds by state
        "LIVE_BACKGROUND": "#fde7e7",
        "LIVE_TEXT": "#a11b1b",
        "DONE_BACKGROUND": "#e3f1e6",
        "ON_TRACK_BACKGROUND": "#e8eef7",
        "AT_RISK_BACKGROUND": "#fdf1d8",
        "LATE_BACKGROUND": "#f7dcdc",
        "DROPPED_BACKGROUND": "#eceff1",
        "NOTED_BACKGROUND": "#f3f0e6",  # a comment without a judgement: a quiet paper tone
        "PENDING_BACKGROUND": "#fff4c2",  # typed, not saved yet
        "PROBLEM_BACKGROUND": "#fde2e1",
        "FUTURE_BACKGROUND": "#f1f3f6",
    },
    Scheme.DARK: {
        "WINDOW": "#15171c",
        "SURFACE": "#1c1f26",
        "SURFACE_ALT": "#20242c",
        "RAISED": "#262a33",
        "HOVER": "#2c313b",
        "PRESSED": "#343a46",
        "PANEL": "#21252d",
        "FOCUS_BACKGROUND": "#1d2838",
        "INK": "#eef1f6",
        "TEXT": "#d7dce3",
        "DETAIL": "#a9b2be",
        "MUTED": "#8f99a6",
        "FAINT": "#6f7987",
        "WHITE": "#ffffff",
        "RULE": "#2c313b",
        "BORDER": "#3d4450",
        "AXIS": "#9aa4b1",
        "ACCENT": "#74a9f0",
        "ACCENT_FILL": "#2f6fb8",
        "ACCENT_FILL_HOVER": "#3b7dc8",
        "ACCENT_SOFT": "#233450",
        "PARTNER": "#f08c3c",
        "LINE": "#c8d3e4",
        "ERROR": "#ff8a80",
        "ERROR_BACKGROUND": "#341c1e",
        "ERROR_BORDER": "#6e2f2f",
        "ERROR_DARK": "#ffb4ab",
        "GOOD": "#7ad49a",
        "WORSE": "#ff8f9b",
        "WARNING": "#f2bf5b",
        "ON_TRACK": "#a8c8f5",
        "DROPPED": "#9aa4ae",
        "RAG_RED": "#c62f3f",
        "RAG_AMBER": "#e08214",
        "RAG_GREEN": "#23853f",
        "RAG_AMBER_TEXT": "#1a1a1a",
        "RAG_AMBER_DARK": "#f0a040",
        "LIVE_BACKGROUND": "#4a2124",
        "LIVE_TEXT": "#ffb4ab",
        "DONE_BACKGROUND": "#1d3526",
        "ON_TRACK_BACKGROUND": "#1e2b40",
        "AT_RISK_BACKGROUND": "#3b3120",
        "LATE_BACKGROUND": "#432326",
        "DROPPED_BACKGROUND": "#2a2f36",
        "NOTED_BACKGROUND": "#333026",
        "PENDING_BACKGROUND": "#423a12",
        "PROBLEM_BACKGROUND": "#4d2427",
        "FUTURE_BACKGROUND": "#23272e",
    },
}

# The projector's two themes, chosen in the room for the room (a dim room wants light text on
# dark, a bright one dark text on white), whatever the facilitator's own window shows.
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
        "selection_fg": "#ffffff",
    },
    "light": {
        "bg": "#ffffff",
        "fg": "#111111",
        "muted": "#4a5563",
        "normal": "#1b5e20",
        "amber": "#8a5a00",
        "red": "#b3261e",
        "rule": "#b9c2cc",
        "rule_strong": "#4a5563",
        "header_bg": "#eef2f6",
        "panel": "#eef2f6",
        "selection": "#1f5fa8",
        "selection_fg": "#ffffff",
    },
}


# The row the room is looking at, in the projector's tables (white text on it, either theme).
PROJECTOR_FOCUS = "#1f5fa8"
PROJECTOR_FOCUS_TEXT = "#ffffff"


def tokens(scheme: Scheme) -> dict[str, str]:
    """The style sheet's names for `scheme`: colours in lower case, sizes with their units."""
    named = {name.lower(): value for name, value in COLOURS[scheme].items()}
    named.update({f"space_{k}": f"{v}px" for k, v in SPACE.items()})
    named.update({f"type_{k}": f"{v}pt" for k, v in TYPE.items()})
    named.update({f"radius_{k}": f"{v}px" for k, v in RADIUS.items()})
    return named
