"""Searching everything a partnership recorded: what a query means, and how a hit reads.

The index (storage/search.py, SQLite FTS5 with the `unicode61 remove_diacritics 2`
tokenizer) folds case in every script and strips Latin accents; `fold` does the rest, the same
way on the indexed text and on the query: Latin letters with no accent to strip (Ł, Ø, Đ, ß,
Æ, Œ...) and Greek vowels' tonos, so that "Lukasz" finds "Łukasz" and "ζωη" finds "Ζωή". (The
index folds them with nested SQL replace() calls, which any program writing the file runs; so
the list stays short.) A user's query is never handed to FTS5 as syntax: `parse_query` quotes
every word (a trailing * asks for a prefix, "double quotes" for a phrase), so nothing a user
types can make the query fail.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Letters that FTS5's unicode61 tokenizer does not fold, with what they fold to: Latin letters
# without a decomposition and Greek vowels with tonos. The index (migration 0006, which keeps
# its own copy: never edit it once released) and the query use this table.
FOLDS: tuple[tuple[str, str], ...] = (
    ("Ł", "L"), ("ł", "l"), ("Ø", "O"), ("ø", "o"), ("Đ", "D"), ("đ", "d"), ("ı", "i"),
    ("ß", "ss"), ("Æ", "AE"), ("æ", "ae"), ("Œ", "OE"), ("œ", "oe"),
    ("ά", "α"), ("έ", "ε"), ("ή", "η"), ("ί", "ι"), ("ό", "ο"), ("ύ", "υ"), ("ώ", "ω"),
)  # fmt: skip
_FOLD_TABLE = {ord(a): b for a, b in FOLDS}
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


class HitKind(StrEnum):
    """What a hit is, in the order results are grouped."""

    DECISION = "decision"
    ACTION = "action"
    NOTE = "note"
    REVIEW = "review"
    INITIATIVE = "initiative"
    MILESTONE = "milestone"
    READING = "reading"
    DISPUTE = "dispute"

    @property
    def heading(self) -> str:
        return {
            HitKind.DECISION: "Decisions",
            HitKind.ACTION: "Actions",
            HitKind.NOTE: "Meeting notes",
            HitKind.REVIEW: "Action review comments",
            HitKind.INITIATIVE: "Initiatives",
            HitKind.MILESTONE: "Milestones",
            HitKind.READING: "KPI notes",
            HitKind.DISPUTE: "Confirmations and disputes",
        }[self]


class Order(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


@dataclass(frozen=True)
class Hit:
    """One thing found: what it is, where it belongs, and its text as recorded."""

    kind: HitKind
    partnership_id: str
    partnership: str
    text: str  # the matched text as recorded, on one line
    context: str  # what it belongs to: "Meeting 24 · Risks", an action's title, a KPI
    when: dt.date | None
    meeting_id: str | None  # the meeting to open at this hit, if any
    item_id: str | None  # the agenda item, for notes and decisions
    action_id: str | None  # the action whose history to open, for actions and reviews
    rank: float = 0.0


def fold(text: str) -> str:
    """Text as the index compares it: the letters unicode61 keeps folded to plain ones."""
    return text.translate(_FOLD_TABLE)


def _plain(text: str) -> str:
    """For highlighting: folded, lower case, accents stripped (what the index does, all of it)."""
    decomposed = unicodedata.normalize("NFKD", fold(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    """A user's query, understood: its words and phrases, and the FTS5 text to run."""

    fts: str  # "" when there is nothing to look for
    terms: tuple[tuple[str, bool], ...]  # (folded word, is a prefix) for highlighting

    @property
    def empty(self) -> bool:
        return not self.fts


def parse_query(text: str) -> Query:
    """The FTS5 query for what a user typed: each word quoted (so `-`, `:`, `(`, `NEAR` or
    `*` inside a word are text, never syntax), a trailing `*` a prefix, "a phrase" a phrase;
    all must match. Nothing to search for gives an empty query."""
    parts: list[str] = []
    terms: list[tuple[str, bool]] = []
    for phrase, word in _TOKEN.findall(text[:500]):
        if phrase:
            words = _WORD.findall(fold(phrase))
            if words:
                parts.append('"' + " ".join(words) + '"')
                terms += [(_plain(w), False) for w in words]
            continue
        prefix = word.endswith("*")
        for index, piece in enumerate(_WORD.findall(fold(word))):
            last = index == len(_WORD.findall(fold(word))) - 1
            star = prefix and last
            parts.append(f'"{piece}"' + ("*" if star else ""))
            terms.append((_plain(piece), star))
    return Query(" ".join(parts), tuple(terms))


def highlight(text: str, query: Query, mark: tuple[str, str] = ("«", "»")) -> str:
    """`text` with each word the query matched wrapped in `mark` (compared as the index does:
    case, accents and the folded letters ignored)."""
    if not query.terms:
        return text
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = _plain(match.group())
        if any(word.startswith(t) if prefix else word == t for t, prefix in query.terms):
            out += [text[last : match.start()], mark[0], match.group(), mark[1]]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def excerpt(text: str, query: Query, width: int = 160) -> str:
    """The part of a long text around its first matched word, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    first = next(
        (
            m.start()
            for m in _WORD.finditer(flat)
            if any(
                _plain(m.group()).startswith(t) if p else _plain(m.group()) == t
                for t, p in query.terms
            )
        ),
        0,
    )
    start = max(0, first - width // 3)
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def grouped(hits: list[Hit], order: Order) -> list[tuple[HitKind, list[Hit]]]:
    """Hits by kind (in HitKind's order), newest first or most relevant first in each."""
    groups: list[tuple[HitKind, list[Hit]]] = []
    for kind in HitKind:
        mine = [h for h in hits if h.kind is kind]
        if not mine:
            continue
        if order is Order.NEWEST:
            mine.sort(key=lambda h: h.when or dt.date.min, reverse=True)
        else:
            mine.sort(key=lambda h: h.rank)
        groups.append((kind, mine))
    return groups
