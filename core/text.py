"""Text typed or pasted by a user, made fit to keep: without control characters.

A pasted name can carry invisible control characters (a NUL byte among them): kept, they
would make SQLite's checks see an empty name ("length(trim(name))" stops at a NUL) and the
write fail with an error that is not the user's to understand. Most texts are kept on one
line (`one_line`); notes and a few others keep their lines and tabs (`many_lines`).
`MULTI_LINE_FIELDS` says which: storage cleans every text it writes by it.
"""

from __future__ import annotations

import re
import unicodedata

from core.model import Initiative, MeetingItem, Reading, SignatoryCertificate, SigningAuthority

# Unicode's control characters (category Cc) are exactly these two ranges.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE_CONTROL = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85]")

# The texts kept over several lines; every other text field is one line.
MULTI_LINE_FIELDS: frozenset[tuple[type, str]] = frozenset(
    {
        (MeetingItem, "notes"),
        (Reading, "comment"),  # a CSV file's quoted comment may run over lines
        (Initiative, "description"),
        (SignatoryCertificate, "certificate_pem"),
        (SigningAuthority, "certificate_pem"),
    }
)


def one_line(text: str) -> str:
    """`text` with control characters dropped and every run of spaces folded into one."""
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(visible.split())


def many_lines(text: str) -> str:
    """`text` with its line breaks as "\\n" and any control character but tab and line
    break dropped; spaces, tabs and blank lines stay as typed."""
    if _CONTROL.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_BUT_TAB_AND_NEWLINE.sub("", text)


def without_controls(text: str) -> str:
    """`text` on one line with nothing else changed: a line break or tab becomes a space, any
    other control character goes (what storage does to a one-line text it is given)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", _WHITESPACE_CONTROL.sub(" ", text))
