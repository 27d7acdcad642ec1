"""Quick add: one typed line becomes a title, an owner (and side), and a due date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ValidationError
from core.model import Person, Side
from core.quickadd import (
    Understood,
    check_commitment,
    owners_matching,
    parse_due,
    understand,
)

D = dt.date.fromisoformat
TODAY = D("2026-11-23")  # a Monday

PEOPLE = tuple(
    Person(id=f"p{number}", partnership_id="p", side=side, name=name)
    for number, (name, side) in enumerate(
        [
            ("Emre Çelik", Side.PARTNER),
            ("Дмитрий Смирнов", Side.PARTNER),
            ("Ζωή Papadopoulou", Side.ENTERPRISE),
            ("Margaret Okafor", Side.ENTERPRISE),
            ("Grace O'Neill", Side.PARTNER),
            ("Sophie Marchand", Side.PARTNER),
            ("Stefan Lindqvist", Side.PARTNER),
        ]
    )
)
EMRE, DMITRY, ZOI, MARGARET, GRACE, SOPHIE, STEFAN = PEOPLE


def names(people: tuple[Person, ...] | list[Person]) -> list[str]:
    return [p.name for p in people]


# ---------------------------------------------------------------------------------------------
# Whole lines


@pytest.mark.parametrize(
    ("text", "title", "owner", "due", "phrase"),
    [
        (
            "Share the DR test results @EC fri",
            "Share the DR test results",
            EMRE,
            "2026-11-27",
            "fri",
        ),
        (
            "Root-cause report for the October outage @dmitry +2w",
            "Root-cause report for the October outage",
            DMITRY,
            "2026-12-07",
            "+2w",
        ),
        (
            "Approve budget change @Margaret Okafor by end of quarter",
            "Approve budget change",
            MARGARET,
            "2026-12-31",
            "end of quarter",
        ),
        (
            "Nominate business testers @ZP 2026-12-15",
            "Nominate business testers",
            ZOI,
            "2026-12-15",
            "2026-12-15",
        ),
        (
            "Book the joint security workshop @grace next month",
            "Book the joint security workshop",
            GRACE,
            "2026-12-23",
            "next month",
        ),
        # the owner anywhere on the line
        ("Share results fri @EC", "Share results", EMRE, "2026-11-27", "fri"),
        ("@EC share results fri", "share results", EMRE, "2026-11-27", "fri"),
        ("Share @EC the results by fri", "Share the results", EMRE, "2026-11-27", "fri"),
        ("Share results by @EC fri", "Share results", EMRE, "2026-11-27", "fri"),
        # initials, first, last, full name, prefix: case, accents and scripts folded
        ("Share results @ec tomorrow", "Share results", EMRE, "2026-11-24", "tomorrow"),
        ("Share results @celik tomorrow", "Share results", EMRE, "2026-11-24", "tomorrow"),
        ("Share results @Çelik tomorrow", "Share results", EMRE, "2026-11-24", "tomorrow"),
        ("Share results @emre çelik tomorrow", "Share results", EMRE, "2026-11-24", "tomorrow"),
        ("Share results @Дмитрий tomorrow", "Share results", DMITRY, "2026-11-24", "tomorrow"),
        ("Share results @смирнов tomorrow", "Share results", DMITRY, "2026-11-24", "tomorrow"),
        ("Share results @smirnov tomorrow", "Share results", DMITRY, "2026-11-24", "tomorrow"),
        ("Share results @dmitriy tomorrow", "Share results", DMITRY, "2026-11-24", "tomorrow"),
        ("Share results @Ζωή tomorrow", "Share results", ZOI, "2026-11-24", "tomorrow"),
        ("Share results @ζωη tomorrow", "Share results", ZOI, "2026-11-24", "tomorrow"),
        ("Share results @zoi tomorrow", "Share results", ZOI, "2026-11-24", "tomorrow"),
        ("Share results @ΖP tomorrow", "Share results", ZOI, "2026-11-24", "tomorrow"),
        ("Share results @papa tomorrow", "Share results", ZOI, "2026-11-24", "tomorrow"),
        ("Share results @okafor tomorrow", "Share results", MARGARET, "2026-11-24", "tomorrow"),
        ("Share results @marg tomorrow", "Share results", MARGARET, "2026-11-24", "tomorrow"),
        ("Share results @oneill tomorrow", "Share results", GRACE, "2026-11-24", "tomorrow"),
        ("Share results @O'Neill tomorrow", "Share results", GRACE, "2026-11-24", "tomorrow"),
        ("Share results @st tomorrow", "Share results", STEFAN, "2026-11-24", "tomorrow"),
        ("Share results @SOPH, tomorrow", "Share results", SOPHIE, "2026-11-24", "tomorrow"),
        ("Share results @Stefan Lindqvist", "Share results", STEFAN, "", ""),
        # the due phrase, introduced or not, in any case
        ("Send the plan @EC due by FRIDAY", "Send the plan", EMRE, "2026-11-27", "FRIDAY"),
        (
            "Send the plan @EC due end of the month",
            "Send the plan",
            EMRE,
            "2026-11-30",
            "end of the month",
        ),
        ("Send the plan @EC +10 days", "Send the plan", EMRE, "2026-12-03", "+10 days"),
        # spaces folded, separators left behind trimmed
        ("  Send   the\tplan,  @EC   next week ", "Send the plan", EMRE, "2026-11-30", "next week"),
        ("Send the plan - @EC next week", "Send the plan", EMRE, "2026-11-30", "next week"),
        # words that are not dates stay in the title
        ("Upgrade to Windows 11 @EC fri", "Upgrade to Windows 11", EMRE, "2026-11-27", "fri"),
        (
            "Approve the change by the board @EC fri",
            "Approve the change by the board",
            EMRE,
            "2026-11-27",
            "fri",
        ),
        (
            "Plan the team day @EC by team in Q1 fri",
            "Plan the team day by team in Q1",
            EMRE,
            "2026-11-27",
            "fri",
        ),
    ],
)
def test_lines_are_understood(text: str, title: str, owner: Person, due: str, phrase: str) -> None:
    """A typed line gives its title, its owner and side, and its due date as written."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.title == title
    assert understood.owner == owner
    assert understood.candidates == ()
    assert understood.due == (D(due) if due else None)
    assert understood.due_phrase == phrase
    if due:
        assert understood.problems == ()


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Share the DR test results @EC fri", Side.PARTNER),
        ("Approve budget change @Margaret Okafor by end of quarter", Side.ENTERPRISE),
        ("Nominate business testers @ZP 2026-12-15", Side.ENTERPRISE),
    ],
)
def test_side_follows_from_the_owner(text: str, side: Side) -> None:
    """The side of a commitment is the side of its owner."""
    owner = understand(text, PEOPLE, TODAY).owner
    assert owner is not None
    assert owner.side is side


@pytest.mark.parametrize(
    ("text", "candidates", "title"),
    [
        ("Share results @s fri", [DMITRY, SOPHIE, STEFAN], "Share results"),
        ("Share results @ma fri", [MARGARET, SOPHIE], "Share results"),
        ("Share results @O fri", [GRACE, MARGARET], "Share results"),
    ],
)
def test_ambiguous_owner_lists_the_candidates(
    text: str, candidates: list[Person], title: str
) -> None:
    """A name that fits several people sets no owner and lists them, by name."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.owner is None
    assert list(understood.candidates) == candidates
    assert understood.title == title
    assert understood.due == D("2026-11-27")
    (problem,) = understood.problems
    assert all(p.name in problem for p in candidates)


def test_exact_name_wins_over_a_longer_one() -> None:
    """Typing one person's whole name is not ambiguous because another name starts with it."""
    anna = Person(id="a1", partnership_id="p", side=Side.PARTNER, name="Anna Berg")
    annika = Person(id="a2", partnership_id="p", side=Side.ENTERPRISE, name="Anna Bergström")
    people = (anna, annika)
    assert understand("Call @Anna Berg fri", people, TODAY).owner == anna
    assert understand("Call @anna bergs fri", people, TODAY).owner == annika
    assert understand("Call @anna fri", people, TODAY).candidates == (anna, annika)


@pytest.mark.parametrize(
    ("text", "problem", "title"),
    [
        ("Share results @xyz fri", "No one called 'xyz' in either party.", "Share results"),
        ("Share results @Nobody, fri", "No one called 'Nobody' in either party.", "Share results"),
        ("Share results @🙂 fri", "No one called '🙂' in either party.", "Share results"),
        ("Share results @ fri", "No name after '@'.", "Share results"),
    ],
)
def test_unknown_owner_is_named_in_a_problem(text: str, problem: str, title: str) -> None:
    """A name that fits no one sets no owner and says so."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.owner is None
    assert understood.candidates == ()
    assert understood.problems == (problem,)
    assert understood.title == title


def test_no_people_means_no_owner() -> None:
    """With no people yet, every name is unknown."""
    understood = understand("Share results @EC fri", [], TODAY)
    assert understood.owner is None
    assert understood.problems == ("No one called 'EC' in either party.",)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "@EC fri", "@EC", " , @EC by fri", "-- @EC next week", "fri", "@Margaret Okafor"],
)
def test_empty_title_is_a_problem(text: str) -> None:
    """A line with nothing left for the title says the action needs one."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.title == ""
    assert understood.problems[0] == "An action needs a title."


def test_over_long_title_is_a_problem() -> None:
    """A title over 500 characters is reported, not cut."""
    understood = understand("word " * 200 + "@EC fri", PEOPLE, TODAY)
    assert len(understood.title) == 999
    assert understood.problems == ("An action's title is at most 500 characters.",)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("Share results", ["No owner: type @ and a name.", "No due date"]),
        ("Share results @EC", ["No due date"]),
        ("Share results fri", ["No owner"]),
        ("Share results @EC @grace fri", ["Only one owner per action: '@grace'"]),
        ("Share results @EC 2026-01-31", ["The due date 2026-01-31 is in the past."]),
    ],
)
def test_missing_or_doubtful_parts_are_problems(text: str, problems: list[str]) -> None:
    """What the room must still settle is listed before committing."""
    understood = understand(text, PEOPLE, TODAY)
    assert len(understood.problems) == len(problems)
    for found, expected in zip(understood.problems, problems, strict=True):
        assert found.startswith(expected)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Share results @EC 2026-13-45", "2026-13-45"),
        ("Share results @EC by 2026-02-30", "2026-02-30"),
        ("Share results @EC +3x", "+3x"),
        ("Share results @EC due +99999m", "+99999m"),
        ("Share results @EC 15/12", "15/12"),
        ("Share results @EC by end of sprint", "end of sprint"),
        ("Share results @EC by next fortnight", "next fortnight"),
        ("Share results @EC due 15 December", "15 December"),
        ("Share results @EC by Dec 24", "Dec 24"),
        ("Share results @EC by 3pm", "3pm"),
    ],
)
def test_unreadable_due_is_named_in_a_problem(text: str, phrase: str) -> None:
    """Date-like text that cannot be read leaves no due date and a problem quoting it."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.title == "Share results"
    assert understood.owner == EMRE
    assert understood.due is None
    assert understood.due_phrase == phrase
    (problem,) = understood.problems
    assert f"'{phrase}'" in problem


# ---------------------------------------------------------------------------------------------
# Due phrases


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("2026-12-15", "2026-12-15"),
        ("2027-02-28", "2027-02-28"),
        ("today", "2026-11-23"),
        ("tomorrow", "2026-11-24"),
        ("Tomorrow", "2026-11-24"),
        ("mon", "2026-11-30"),  # today is a Monday: strictly after, so next week's
        ("monday", "2026-11-30"),
        ("tue", "2026-11-24"),
        ("tuesday", "2026-11-24"),
        ("wed", "2026-11-25"),
        ("wednesday", "2026-11-25"),
        ("thu", "2026-11-26"),
        ("thursday", "2026-11-26"),
        ("fri", "2026-11-27"),
        ("FRI", "2026-11-27"),
        ("friday", "2026-11-27"),
        ("sat", "2026-11-28"),
        ("saturday", "2026-11-28"),
        ("sun", "2026-11-29"),
        ("sunday", "2026-11-29"),
        ("next week", "2026-11-30"),
        ("next month", "2026-12-23"),
        ("+3d", "2026-11-26"),
        ("+2w", "2026-12-07"),
        ("+1m", "2026-12-23"),
        ("+0d", "2026-11-23"),
        ("+45d", "2027-01-07"),
        ("+2 weeks", "2026-12-07"),
        ("end of month", "2026-11-30"),
        ("end of quarter", "2026-12-31"),
        ("end of year", "2026-12-31"),
        ("End  of  the  Quarter", "2026-12-31"),
        ("by fri", "2026-11-27"),
        ("due tomorrow", "2026-11-24"),
        ("due by next week", "2026-11-30"),
        ("fri.", "2026-11-27"),
    ],
)
def test_due_phrases(phrase: str, due: str) -> None:
    """Every due phrase form, said on Monday 23 November 2026."""
    assert parse_due(phrase, TODAY) == D(due)


@pytest.mark.parametrize(
    ("phrase", "today", "due"),
    [
        ("fri", "2026-11-27", "2026-12-04"),  # said on a Friday: next week's Friday
        ("friday", "2026-11-26", "2026-11-27"),
        ("sun", "2026-11-29", "2026-12-06"),
        ("next week", "2026-11-29", "2026-11-30"),  # said on a Sunday: the next day
        ("next week", "2026-12-31", "2027-01-04"),
        ("tomorrow", "2026-12-31", "2027-01-01"),
        ("+1m", "2027-01-31", "2027-03-01"),  # 28 February 2027 is a Sunday: the Monday
        ("+1m", "2028-01-31", "2028-02-29"),
        ("+1m", "2026-12-15", "2027-01-15"),
        ("next month", "2027-01-31", "2027-03-01"),
        ("+1w", "2026-12-28", "2027-01-04"),
        ("end of month", "2028-02-03", "2028-02-29"),
        ("end of month", "2026-04-30", "2026-04-30"),
        ("end of quarter", "2026-01-01", "2026-03-31"),
        ("end of quarter", "2026-03-31", "2026-03-31"),
        ("end of quarter", "2026-04-01", "2026-06-30"),
        ("end of quarter", "2026-08-15", "2026-09-30"),
        ("end of quarter", "2026-10-01", "2026-12-31"),
        ("end of year", "2026-12-31", "2026-12-31"),
        ("end of year", "2027-01-01", "2027-12-31"),
    ],
)
def test_due_phrases_across_weeks_months_and_years(phrase: str, today: str, due: str) -> None:
    """Weekdays, months and quarters count from the day they are said."""
    assert parse_due(phrase, D(today)) == D(due)


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("2026-13-45", "Cannot read '2026-13-45' as a due date."),
        ("2026-02-30", "Cannot read '2026-02-30' as a due date."),
        ("someday", "Cannot read 'someday' as a due date."),
        ("", "Cannot read '' as a due date."),
        ("+3x", "Cannot read '+3x' as a due date."),
        ("+d", "Cannot read '+d' as a due date."),
        ("next fortnight", "Cannot read 'next fortnight' as a due date."),
        ("fri fri", "Cannot read 'fri fri' as a due date."),
        ("by", "Cannot read 'by' as a due date."),
        ("٢٠٢٦-١٢-١٥", "Cannot read '٢٠٢٦-١٢-١٥' as a due date."),
        ("+99999m", "'+99999m' is too far away to be a due date."),
    ],
)
def test_unreadable_due_phrases_are_refused(phrase: str, message: str) -> None:
    """A phrase that names no date is refused on the due field, quoting it."""
    with pytest.raises(ValidationError) as refused:
        parse_due(phrase, TODAY)
    assert refused.value.field == "due"
    assert refused.value.message == message


def test_due_past_the_calendar_is_refused() -> None:
    """A phrase running past the last representable day is refused, not crashed on."""
    with pytest.raises(ValidationError) as refused:
        parse_due("tomorrow", dt.date.max)
    assert refused.value.field == "due"


# ---------------------------------------------------------------------------------------------
# The completer


@pytest.mark.parametrize(
    ("prefix", "found"),
    [
        # by name as read in Latin letters: Dmitry before Emre, Zoi last
        (
            "",
            [
                "Дмитрий Смирнов",
                "Emre Çelik",
                "Grace O'Neill",
                "Margaret Okafor",
                "Sophie Marchand",
                "Stefan Lindqvist",
                "Ζωή Papadopoulou",
            ],
        ),
        (
            "@",
            [
                "Дмитрий Смирнов",
                "Emre Çelik",
                "Grace O'Neill",
                "Margaret Okafor",
                "Sophie Marchand",
                "Stefan Lindqvist",
                "Ζωή Papadopoulou",
            ],
        ),
        ("s", ["Дмитрий Смирнов", "Sophie Marchand", "Stefan Lindqvist"]),
        ("@st", ["Stefan Lindqvist"]),
        ("e", ["Emre Çelik"]),
        ("EC", ["Emre Çelik"]),
        ("ç", ["Emre Çelik"]),
        ("cel", ["Emre Çelik"]),
        ("ζω", ["Ζωή Papadopoulou"]),
        ("zo", ["Ζωή Papadopoulou"]),
        ("zp", ["Ζωή Papadopoulou"]),
        ("дми", ["Дмитрий Смирнов"]),
        ("dmitry", ["Дмитрий Смирнов"]),
        ("o", ["Grace O'Neill", "Margaret Okafor"]),
        ("o'n", ["Grace O'Neill"]),
        ("margaret ok", ["Margaret Okafor"]),
        ("okafor margaret", []),
        ("x", []),
        ("🙂", []),
    ],
)
def test_owners_matching_prefix(prefix: str, found: list[str]) -> None:
    """The completer offers people whose name words or initials start with what was typed."""
    assert names(owners_matching(prefix, PEOPLE)) == found


# ---------------------------------------------------------------------------------------------
# The final check


@pytest.mark.parametrize(
    ("title", "owner", "due", "confirmed", "field", "message"),
    [
        ("", EMRE, "2026-11-27", False, "title", "An action needs a title."),
        ("   ", EMRE, "2026-11-27", False, "title", "An action needs a title."),
        ("x" * 501, EMRE, "2026-11-27", False, "title", "at most 500 characters"),
        ("Share results", None, "2026-11-27", False, "owner", "needs an owner"),
        (
            "Share results",
            Person(id="stranger", partnership_id="p", side=Side.PARTNER, name="Emre Çelik"),
            "2026-11-27",
            False,
            "owner",
            "The owner must be a person of one of the two parties.",
        ),
        (
            "Share results",
            Person(id="p0", partnership_id="p", side=Side.ENTERPRISE, name="Emre Çelik"),
            "2026-11-27",
            False,
            "owner",
            "The owner must be a person of one of the two parties.",
        ),
        ("Share results", EMRE, "", False, "due", "An action needs a due date."),
        ("Share results", EMRE, "2026-11-22", False, "due", "is in the past"),
        ("Share results", EMRE, "2020-01-01", False, "due", "confirm"),
    ],
)
def test_check_commitment_refusals(
    title: str,
    owner: Person | None,
    due: str,
    confirmed: bool,
    field: str,
    message: str,
) -> None:
    """A commitment without title, owner of the parties, or a due date (not past) is refused."""
    with pytest.raises(ValidationError) as refused:
        check_commitment(title, owner, D(due) if due else None, PEOPLE, TODAY, confirmed)
    assert refused.value.field == field
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("title", "due", "confirmed", "cleaned"),
    [
        ("  Share   the results ", "2026-11-27", False, "Share the results"),
        ("Share results", "2026-11-23", False, "Share results"),  # today is not in the past
        ("Share results", "2026-11-22", True, "Share results"),
        ("Share results", "2020-01-01", True, "Share results"),
    ],
)
def test_check_commitment_accepts(title: str, due: str, confirmed: bool, cleaned: str) -> None:
    """A complete commitment passes, a past due date only once confirmed; the title is cleaned."""
    assert (
        check_commitment(title, GRACE, D(due), PEOPLE, TODAY, past_confirmed=confirmed) == cleaned
    )


def test_understood_line_passes_the_final_check() -> None:
    """What understand() reads from a clean line is accepted as it is."""
    understood = understand("Nominate business testers @ZP 2026-12-15", PEOPLE, TODAY)
    assert understood.owner is not None and understood.due is not None
    title = check_commitment(understood.title, understood.owner, understood.due, PEOPLE, TODAY)
    assert title == "Nominate business testers"


# ---------------------------------------------------------------------------------------------
# Any input at all

LONG_LINES = [
    "x" * 10_000,
    "@" * 10_000,
    "@EC " * 2_500,
    "🙂" * 10_000 + " @EC fri",
    "Share " * 1_700 + "@EC fri",
    "שתף את התוצאות @EC " + "מחר " * 2_000,
    "مشاركة النتائج @EC ‏" * 500,
    "+" + "9" * 10_000,
    "@" + "a" * 10_000 + " " + "2026-" * 2_000,
    "by " * 3_000 + "fri",
    "\u0301\u200f\u202e\ufeff @ \x00 \u2028 end of" * 400,
]


@pytest.mark.parametrize("text", LONG_LINES, ids=[f"long-{n}" for n in range(len(LONG_LINES))])
def test_long_and_strange_lines_are_read(text: str) -> None:
    """Ten-thousand-character lines, emoji, right-to-left text and control characters are read."""
    assert isinstance(understand(text, PEOPLE, TODAY), Understood)


WORDS = st.sampled_from(
    [
        "@EC",
        "@s",
        "@",
        "@Margaret",
        "Okafor",
        "by",
        "due",
        "end",
        "of",
        "quarter",
        "next",
        "month",
        "fri",
        "+2w",
        "+1m",
        "2026-12-15",
        "2026-13-45",
        "today",
        "Share",
        "🙂",
        "Ζωή",
    ]
)
LINES = st.one_of(
    st.text(),
    st.text(max_size=200).map(lambda s: s * 60),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=30).map(" ".join),
)


@settings(deadline=None, max_examples=300)
@given(text=LINES, today=st.dates())
def test_understand_never_raises(text: str, today: dt.date) -> None:
    """Any text is understood somehow: a clean title, a known owner or none, a date or none."""
    understood = understand(text, PEOPLE, today)
    assert understood.title == " ".join(understood.title.split())
    assert understood.owner is None or understood.owner in PEOPLE
    assert set(understood.candidates) <= set(PEOPLE)
    assert understood.owner is None or not understood.candidates
    assert understood.due is None or isinstance(understood.due, dt.date)


@settings(deadline=None, max_examples=300)
@given(text=LINES, today=st.dates())
def test_parse_due_raises_only_validation_errors(text: str, today: dt.date) -> None:
    """A due phrase is either a date or refused on the due field: nothing else escapes."""
    try:
        due = parse_due(text, today)
    except ValidationError as refused:
        assert refused.field == "due"
    else:
        assert isinstance(due, dt.date)


@settings(deadline=None)
@given(prefix=LINES)
def test_owners_matching_never_raises(prefix: str) -> None:
    """The completer offers only people of the parties, whatever is typed."""
    assert set(owners_matching(prefix, PEOPLE)) <= set(PEOPLE)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("Call @Grase fri", "Grace O'Neill"),
        ("Call @Margret fri", "Margaret Okafor"),
        ("Call @Okafr fri", "Margaret Okafor"),
        ("Call @Lindkvist fri", "Stefan Lindqvist"),
    ],
)
def test_a_misspelled_owner_gets_the_nearest_name(text: str, meant: str) -> None:
    """A typo sets no owner (the room decides) but the problem names who was probably meant."""
    understood = understand(text, PEOPLE, TODAY)
    assert understood.owner is None and understood.candidates == ()
    (problem,) = understood.problems
    assert problem.endswith(f"Did you mean {meant}?"), problem


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("+2w", "2026-12-21"),  # a Sunday two weeks on: the Monday after
        ("+6d", "2026-12-14"),  # a Saturday: the Monday after
        ("tomorrow", "2026-12-07"),
        ("next month", "2027-01-06"),  # a Wednesday already
        ("end of january", None),
        ("end of month", "2026-12-31"),
        ("2026-12-20", "2026-12-20"),  # typed as a date: kept, even on a Sunday
        ("sat", "2026-12-12"),  # a weekday named: kept
    ],
)
def test_a_computed_due_date_never_falls_on_a_weekend(phrase: str, due: str | None) -> None:
    """Said on a Sunday (6 December 2026), relative dates land on working days."""
    sunday = D("2026-12-06")
    understood = understand(f"Send the plan @Margaret {phrase}", PEOPLE, sunday)
    assert understood.due == (D(due) if due else None)


def test_an_end_of_month_on_a_weekend_is_the_friday_before() -> None:
    """January 2027 ends on a Sunday: "end of month" is Friday the 29th."""
    assert understand("Close the books @Margaret end of month", PEOPLE, D("2027-01-10")).due == D(
        "2027-01-29"
    )
