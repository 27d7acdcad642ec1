"""The colours of the active scheme, by what they mean (their values: `ui.design.COLOURS`).

Read them where they are used (`palette.ERROR` in a model's data(), a chart's pen), never
copied into a constant at import: `use` rebinds them when the scheme changes, and whatever
reads them afterwards paints in the new scheme.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

from ui.design import COLOURS, Scheme

Key = TypeVar("Key")

# Surfaces
WINDOW = ""
SURFACE = ""
SURFACE_ALT = ""
RAISED = ""
HOVER = ""
PRESSED = ""
PANEL = ""
FOCUS_BACKGROUND = ""
# Text
INK = ""
TEXT = ""
DETAIL = ""
MUTED = ""
FAINT = ""
WHITE = ""
# Lines
RULE = ""
BORDER = ""
AXIS = ""
# Accent and sides
ACCENT = ""
ACCENT_FILL = ""
ACCENT_FILL_HOVER = ""
ACCENT_SOFT = ""
PARTNER = ""
LINE = ""
# Meaning
ERROR = ""
ERROR_BACKGROUND = ""
ERROR_BORDER = ""
ERROR_DARK = ""
GOOD = ""
WORSE = ""
WARNING = ""
ON_TRACK = ""
DROPPED = ""
# RAG
RAG_RED = ""
RAG_AMBER = ""
RAG_GREEN = ""
RAG_AMBER_TEXT = ""
RAG_AMBER_DARK = ""
# Chips and row backgrounds by state
LIVE_BACKGROUND = ""
LIVE_TEXT = ""
DONE_BACKGROUND = ""
ON_TRACK_BACKGROUND = ""
AT_RISK_BACKGROUND = ""
LATE_BACKGROUND = ""
DROPPED_BACKGROUND = ""
NOTED_BACKGROUND = ""
PENDING_BACKGROUND = ""
PROBLEM_BACKGROUND = ""
FUTURE_BACKGROUND = ""

scheme = Scheme.LIGHT
COLOUR_NAMES = frozenset(
    name for name, value in dict(globals()).items() if name.isupper() and value == ""
)


def use(chosen: Scheme) -> None:
    """Make `chosen`'s colours the ones every screen reads from now on."""
    global scheme
    values = COLOURS[chosen]
    if values.keys() != COLOUR_NAMES:
        raise ValueError(f"the {chosen} scheme does not name the palette's colours")
    globals().update(values)
    scheme = chosen


class ByMeaning(Mapping[Key, str]):
    """A table from things (a RAG, a status) to colours named here, read when asked: the
    table made at import paints in whatever scheme is active when it is used."""

    def __init__(self, names: Mapping[Key, str]) -> None:
        unknown = set(names.values()) - COLOUR_NAMES
        if unknown:
            raise ValueError(f"no colour called {sorted(unknown)}")
        self._names = dict(names)

    def __getitem__(self, key: Key) -> str:
        value: str = globals()[self._names[key]]
        return value

    def __iter__(self) -> Iterator[Key]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


use(Scheme.LIGHT)
