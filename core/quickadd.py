"""Quick add: read a whole new commitment typed on one line, to show the room before committing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from core.actions import check_title
from core.errors import ValidationError
from core.model import Person


@dataclass(frozen=True)
class Understood:
    """What was read from one typed line; the UI shows it and lets the room correct each field."""

    title: str
    owner: Person | None
    candidates: tuple[Person, ...]
    due: dt.date | None
    due_phrase: str
    problems: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Due dates

_WEEKDAYS = {
    "mon": MO,
    "monday": MO,
    "tue": TU,
    "tues": TU,
    "tuesday": TU,
    "wed": WE,
    "wednesday": WE,
    "thu": TH,
    "thur": TH,
    "thurs": TH,
    "thursday": TH,
    "fri": FR,
    "friday": FR,
    "sat": SA,
    "saturday": SA,
    "sun": SU,
    "sunday": SU,
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_OFFSET = re.compile(r"\+\s*(\d{1,5})\s*(d|days?|w|weeks?|m|months?)", re.ASCII | re.IGNORECASE)
_INTRODUCERS = ("by", "due")
_MAX_DUE_WORDS = 4  # "end of the quarter"
# Words that say the text after "by"/"due" was meant as a date, even though it cannot be read.
_DATE_WORDS = frozenset(
    {
        "next",
        "end",
        "this",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "quarter",
        "year",
        "eom",
        "eoq",
        "eoy",
        "tomorow",
        "tommorow",
        "tommorrow",
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        *_WEEKDAYS,
    }
)
_DATE_LIKE_TOKEN = re.compile(
    r"\+.*|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?|\d{1,2}(?:st|nd|rd|th)", re.ASCII | re.IGNORECASE
)
_EDGE_PUNCTUATION = " ,;:-–—·|"


def parse_due(text: str, today: dt.date) -> dt.date:
    """One due phrase ("fri", "+2w", "end of quarter", "2026-12-15") as a date after `today`."""
    phrase = " ".join(text.casefold().split()).strip(",;.")
    for introducer in ("due by ", "by ", "due "):
        if phrase.startswith(introducer):
            phrase = phrase[len(introducer) :].strip()
            break
    try:
        due = _due(phrase, today)
    except (ValueError, OverflowError):
        raise ValidationError(
            "due", f"'{_shown(text)}' is too far away to be a due date."
        ) from None
    if due is None:
        raise ValidationError("due", f"Cannot read '{_shown(text)}' as a due date.")
    return due


def _due(phrase: str, today: dt.date) -> dt.date | None:
    """The date a folded phrase names, or None when it names none."""
    if _ISO.fullmatch(phrase):
        try:
            return dt.date.fromisoformat(phrase)
        except ValueError:
            return None
    offset = _OFFSET.fullmatch(phrase)
    if offset:
        count, unit = int(offset.group(1)), offset.group(2)[0]
        step = {"d": relativedelta(days=count), "w": relativedelta(weeks=count)}.get(
            unit, relativedelta(months=count)
        )
        moved: dt.date = today + step
        return _working_day(moved)
    if phrase in _WEEKDAYS:
        # strictly after today: "fri" said on a Friday is the Friday of next week
        following: dt.date = today + relativedelta(days=1, weekday=_WEEKDAYS[phrase])
        return following
    return _named_due(phrase.removeprefix("the "), today)


def _working_day(day: dt.date, *, backwards: bool = False) -> dt.date:
    """A computed due date never falls on a weekend: "+2w" or "next month" moves on to the
    Monday, an "end of" back to the Friday before. A date or a weekday typed is kept as it is."""
    if day.weekday() < 5:
        return day
    if backwards:
        return day - dt.timedelta(days=day.weekday() - 4)
    return day + dt.timedelta(days=7 - day.weekday())


def _named_due(phrase: str, today: dt.date) -> dt.date | None:
    """The fixed phrases: today, tomorrow, next week/month, end of month/quarter/year."""
    phrase = phrase.replace("end of the ", "end of ")
    named: dt.date
    if phrase == "today":
        named = today
    elif phrase == "tomorrow":
        named = _working_day(today + dt.timedelta(days=1))
    elif phrase == "next week":
        named = today + relativedelta(days=1, weekday=MO)
    elif phrase == "next month":
        named = _working_day(today + relativedelta(months=1))
    elif phrase == "end of month":
        named = _working_day(today + relativedelta(day=31), backwards=True)
    elif phrase == "end of quarter":
        last_month = (today.month - 1) // 3 * 3 + 3
        named = _working_day(today + relativedelta(month=last_month, day=31), backwards=True)
    elif phrase == "end of year":
        named = _working_day(dt.date(today.year, 12, 31), backwards=True)
    else:
        return None
    return named


def _shown(text: str, limit: int = 60) -> str:
    """Text as quoted back in a message: spaces folded, cut short when long."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _trailing_due(
    words: list[str], today: dt.date
) -> tuple[int, dt.date | None, str, str | None] | None:
    """The due phrase ending `words`: (index it starts at, date, phrase, problem), or None."""
    if not words:
        return None
    for size in range(min(_MAX_DUE_WORDS, len(words)), 0, -1):
        start = len(words) - size
        if words[start].casefold() in _INTRODUCERS:
            continue  # a shorter phrase is the date itself; the introducer is taken with it
        phrase = " ".join(words[start:])
        try:
            due = parse_due(phrase, today)
        except ValidationError as error:
            if size == 1 and _DATE_LIKE_TOKEN.fullmatch(phrase.rstrip(",;.")):
                return _with_introducer(words, start), None, phrase, error.message
            continue
        return _with_introducer(words, start), due, phrase, None
    # "by end of sprint": an introducer followed by date words that cannot be read
    for start in range(len(words) - 2, max(-1, len(words) - 2 - _MAX_DUE_WORDS), -1):
        rest = words[start + 1 :]
        if words[start].casefold() in _INTRODUCERS and _looks_like_date(rest[0]):
            phrase = " ".join(rest)
            return start, None, phrase, f"Cannot read '{_shown(phrase)}' as a due date."
    return None


def _with_introducer(words: list[str], start: int) -> int:
    """Move a due phrase's start back over "by", "due" or "due by" just before it."""
    for _ in range(2):
        if start > 0 and words[start - 1].casefold() in _INTRODUCERS:
            start -= 1
    return start


def _looks_like_date(word: str) -> bool:
    folded = word.casefold().strip(",;.")
    return (
        folded in _DATE_WORDS
        or any("0" <= char <= "9" for char in folded)
        or bool(_DATE_LIKE_TOKEN.fullmatch(folded))
    )


# ---------------------------------------------------------------------------------------------
# Owners

_LATIN_EXTRA = {
    "ı": "i",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
}
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
}
_GREEK_PAIRS = {"ου": "ou", "αυ": "av", "ευ": "ev", "γγ": "ng"}
# letters whose accent is part of the letter: read before accents are dropped
_PRECOMPOSED = {"й": "y", "ї": "yi", "ё": "yo"}
_GREEK = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}
_SCRIPTS = {**_LATIN_EXTRA, **_CYRILLIC, **_GREEK}
_MAX_NAME_WORDS = 8


def _fold(text: str) -> str:
    """Case and accents folded, punctuation dropped, Greek and Cyrillic written in Latin letters."""
    composed = unicodedata.normalize("NFC", text.casefold())
    for letter, latin in _PRECOMPOSED.items():
        composed = composed.replace(letter, latin)
    decomposed = unicodedata.normalize("NFKD", composed)
    letters = "".join(
        char
        for char in decomposed
        if char.isspace() or (char.isalnum() and not unicodedata.combining(char))
    )
    for pair, latin in _GREEK_PAIRS.items():
        letters = letters.replace(pair, latin)
    return "".join(_SCRIPTS.get(char, char) for char in letters)


def _skeleton(word: str) -> str:
    """A looser spelling to compare when nothing matched: Dmitry, Dmitriy, Dmitrij all agree."""
    loose = word.replace("y", "i").replace("j", "i")
    return "".join(char for i, char in enumerate(loose) if i == 0 or loose[i - 1] != char)


@dataclass(frozen=True)
class _Keys:
    """One person's name as it is matched: folded words, their skeletons, and initials."""

    person: Person
    words: tuple[str, ...]
    skeletons: tuple[str, ...]
    initials: frozenset[str]


def _keys(person: Person) -> _Keys:
    parts = person.name.split()
    words = tuple(w for w in (_fold(part) for part in re.split(r"[\s\-‐]+", person.name)) if w)
    spaced = [_fold(part) for part in parts]
    by_space = "".join(w[0] for w in spaced if w)
    by_hyphen = "".join(w[0] for w in words)
    return _Keys(
        person, words, tuple(_skeleton(w) for w in words), frozenset({by_space, by_hyphen} - {""})
    )


def _run_matches(query: list[str], name: tuple[str, ...], exact: bool) -> bool:
    """Whether the query words begin (or equal) a run of consecutive name words."""
    for start in range(len(name) - len(query) + 1):
        pairs = zip(query, name[start : start + len(query)], strict=True)
        if all(n == q if exact else n.startswith(q) for q, n in pairs):
            return True
    return False


def _matching(query: str, keys: Sequence[_Keys]) -> tuple[list[Person], list[Person]]:
    """People a typed name fits: (exactly, at all); the looser spelling only if nothing fits."""
    words = _fold(query).split()
    if not words:
        return [], []
    joined = "".join(words)
    exact = [k.person for k in keys if joined in k.initials or _run_matches(words, k.words, True)]
    fits = [k.person for k in keys if k.person in exact or _run_matches(words, k.words, False)]
    if not fits:
        loose = [_skeleton(w) for w in words]
        exact = [k.person for k in keys if _run_matches(loose, k.skeletons, True)]
        fits = [k.person for k in keys if _run_matches(loose, k.skeletons, False)]
    return exact, fits


def _nearest(typed: str, keys: Sequence[_Keys], most: int = 2) -> list[Person]:
    """The people whose name (or one of its words) is spelled closest to a misspelled one:
    "Grase" -> Grace; none when nothing is close (at least 75% alike)."""
    folded = _fold(typed).replace(" ", "")
    if len(folded) < 3:
        return []
    scored = []
    for key in keys:
        candidates = [*key.words, "".join(key.words)]
        best = max(difflib.SequenceMatcher(None, folded, word).ratio() for word in candidates)
        if best >= 0.75:
            scored.append((-best, _fold(key.person.name), key.person))
    return [person for _, _, person in sorted(scored, key=lambda s: s[:2])[:most]]


def _by_name(people: Sequence[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (_fold(p.name), p.name, p.id))


def owners_matching(prefix: str, people: Sequence[Person]) -> list[Person]:
    """For the completer: people whose name words or initials start with `prefix`, by name."""
    typed = prefix.strip().removeprefix("@")
    if not typed.strip():
        return _by_name(people)
    words = _fold(typed).split()
    if not words:
        return []
    joined = "".join(words)
    keys = [_keys(p) for p in people]
    found = [
        k.person
        for k in keys
        if any(i.startswith(joined) for i in k.initials) or _run_matches(words, k.words, False)
    ]
    if not found:
        loose = [_skeleton(w) for w in words]
        found = [k.person for k in keys if _run_matches(loose, k.skeletons, False)]
    return _by_name(found)


@dataclass(frozen=True)
class _Owner:
    """The outcome of one "@name": who, or who it could be, and how many words it took."""

    owner: Person | None
    candidates: tuple[Person, ...]
    used: int
    problem: str | None


def _owner(name_words: list[str], keys: Sequence[_Keys]) -> _Owner:
    """The longest run of words after "@" that names exactly one person."""
    if not name_words or not _fold(name_words[0]).split():
        shown = _shown(name_words[0]) if name_words else ""
        problem = f"No one called '{shown}' in either party." if shown else "No name after '@'."
        return _Owner(None, (), min(1, len(name_words)), problem)
    widest: tuple[int, list[Person]] | None = None
    for size in range(min(len(name_words), _MAX_NAME_WORDS), 0, -1):
        exact, fits = _matching(" ".join(name_words[:size]), keys)
        if len(exact) == 1:
            return _Owner(exact[0], (), size, None)
        if len(fits) == 1:
            return _Owner(fits[0], (), size, None)
        if widest is None and fits:
            widest = (size, exact if len(exact) > 1 else fits)
    if widest is None:
        typed = _shown(name_words[0]).rstrip(".,;:!?")
        nearest = _nearest(typed, keys)
        hint = f" Did you mean {' or '.join(p.name for p in nearest)}?" if nearest else ""
        return _Owner(None, (), 1, f"No one called '{typed}' in either party.{hint}")
    size, candidates = widest
    ordered = tuple(_by_name(candidates))
    names = ", ".join(p.name for p in ordered)
    typed = _shown(" ".join(name_words[:size]))
    return _Owner(None, ordered, size, f"'{typed}' could be {names}: choose one.")


# ---------------------------------------------------------------------------------------------
# The whole line


def understand(text: str, people: Sequence[Person], today: dt.date) -> Understood:
    """Read "title @owner due" typed on one line; never raises, reports what it could not read."""
    words = text.split()
    keys = [_keys(p) for p in people]
    problems: list[str] = []

    at = next((i for i, w in enumerate(words) if w.startswith("@")), None)
    owner: Person | None = None
    candidates: tuple[Person, ...] = ()
    if at is None:
        problems.append("No owner: type @ and a name.")
        rest = words
    else:
        # the owner's name cannot run into a due phrase that ends the line
        end = len(words)
        trailing = _trailing_due(words, today)
        if trailing is not None and trailing[1] is not None and trailing[0] > at:
            end = trailing[0]
        first = words[at][1:]
        name_words = ([first] if first else []) + words[at + 1 : end]
        found = _owner(name_words, keys)
        owner, candidates = found.owner, found.candidates
        if found.problem:
            problems.append(found.problem)
        used = found.used + (0 if first else 1)
        rest = words[:at] + words[at + max(used, 1) :]
        others = [w for w in rest if w.startswith("@")]
        if others:
            problems.append(
                f"Only one owner per action: '{_shown(others[0])}' was left in the title."
            )

    due: dt.date | None = None
    due_phrase = ""
    trailing = _trailing_due(rest, today)
    if trailing is None:
        problems.append("No due date: end the line with one, e.g. 'fri' or '+2w'.")
    else:
        start, due, due_phrase, problem = trailing
        rest = rest[:start]
        if problem:
            problems.append(problem)
        elif due is not None and due < today:
            problems.append(f"The due date {due.isoformat()} is in the past.")

    title = " ".join(rest).strip(_EDGE_PUNCTUATION)
    try:
        title = check_title(title)
    except ValidationError as error:
        problems.insert(0, error.message)
    return Understood(title, owner, candidates, due, due_phrase, tuple(problems))


def check_commitment(
    title: str,
    owner: Person | None,
    due: dt.date | None,
    people: Sequence[Person],
    today: dt.date,
    past_confirmed: bool = False,
) -> str:
    """The last check before a commitment is recorded; returns its cleaned title."""
    cleaned = check_title(title)
    if owner is None:
        raise ValidationError("owner", "An action needs an owner: choose a person.")
    if not any(p.id == owner.id and p.side is owner.side for p in people):
        raise ValidationError("owner", "The owner must be a person of one of the two parties.")
    if due is None:
        raise ValidationError("due", "An action needs a due date.")
    if due < today and not past_confirmed:
        raise ValidationError(
            "due", f"The due date {due.isoformat()} is in the past: confirm to record it anyway."
        )
    return cleaned
