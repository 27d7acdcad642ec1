"""Text typed or pasted by a user, made fit to keep: on one line, without control characters.

A pasted name can carry invisible control characters (a NUL byte among them): kept, they
would make SQLite's checks see an empty name ("length(trim(name))" stops at a NUL) and the
write fail with an error that is not the user's to understand.
"""

from __future__ import annotations

import unicodedata


def one_line(text: str) -> str:
    """`text` with control characters dropped and every run of spaces folded into one."""
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(visible.split())
