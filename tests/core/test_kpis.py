"""core/kpis.py: KPI rules, and a spreadsheet's CSV of readings read into an all-or-nothing plan."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cells import read_period
from core.errors import LifecycleError, ReviewError, ValidationError
from core.kpis import (
    ReadingEntry,
    check_kpi,
    check_kpi_change,
    check_new_target,
    check_reading_entry,
    check_reading_review,
    check_target,
    confirmation_after_entry,
    confirmation_of,
    disputed_readings,
    latest_dispute,
    read_value,
    reviewing_side,
)
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingStatus,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    Side,
)
from core.readings_csv import (
    MAX_LISTED_PROBLEMS,
    ImportPlan,
    ImportProblem,
    PlannedReading,
    ReadingsImportError,
    parse_readings_csv,
)

PID = "partnership"
HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def _kpi(id: str, name: str, unit: str, direction: Direction, owner: Side = Side.PARTNER) -> Kpi:
    return Kpi(id, PID, name, unit, direction, owner, KpiCategory.SERVICE)


AVAILABILITY = _kpi("k-avail", "Core platform availability", "%", HIGHER)
P1 = _kpi("k-p1", "P1 incidents", "count", LOWER)
MTTR = _kpi("k-mttr", "Mean time to restore (P1/P2)", "hours", LOWER)
COST = _kpi("k-cost", "Run cost (k€)", "k€", LOWER, Side.ENTERPRISE)
KPIS = (AVAILABILITY, P1, MTTR, COST)
THIS_MONTH = "2026-11"


def plan_of(
    text: str | bytes, existing: dict[str, set[str]] | None = None, encoding: str = "utf-8"
) -> ImportPlan:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return parse_readings_csv(data, KPIS, existing or {}, THIS_MONTH)


def problems_of(text: str | bytes) -> dict[int, str]:
    plan = plan_of(text)
    assert plan.rows == [], "a plan with problems holds no rows"
    return {p.line: p.message for p in plan.problems}


def values_of(text: str | bytes) -> list[float]:
    plan = plan_of(text)
    assert plan.problems == [], plan.problems
    return [row.value for row in plan.rows]


# --- check_kpi -------------------------------------------------------------------------------


def _target(kpi: Kpi, target: float, red: float, start: str = "2026-01") -> KpiTarget:
    return KpiTarget(f"t-{kpi.id}", kpi.id, start, target, red)


def test_check_kpi_cleans_name_and_unit() -> None:
    """A new KPI's name has its spaces folded and its unit is trimmed."""
    new = _kpi("k-new", "  Change   success rate ", " % ", HIGHER)
    checked = check_kpi(new, _target(new, 98, 93), KPIS)
    assert (checked.name, checked.unit) == ("Change success rate", "%")


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_check_kpi_refuses_empty_name(name: str) -> None:
    """A KPI needs a name."""
    new = _kpi("k-new", name, "%", HIGHER)
    with pytest.raises(ValidationError) as raised:
        check_kpi(new, _target(new, 98, 93), KPIS)
    assert raised.value.field == "name"


@pytest.mark.parametrize(
    "name", ["core platform availability", "  CORE  Platform availability ", "P1 INCIDENTS"]
)
def test_check_kpi_refuses_name_used_twice(name: str) -> None:
    """A name the partnership already uses, in any case or spacing, is refused."""
    new = _kpi("k-new", name, "%", HIGHER)
    with pytest.raises(ValidationError, match="already a KPI") as raised:
        check_kpi(new, _target(new, 98, 93), KPIS)
    assert raised.value.field == "name"


def test_check_kpi_allows_its_own_name_and_other_partnerships() -> None:
    """The KPI itself, and KPIs of another partnership, do not count as duplicates."""
    elsewhere = Kpi("k-x", "other", "P1 incidents", "", LOWER, Side.PARTNER, KpiCategory.SERVICE)
    assert check_kpi(P1, _target(P1, 1, 4), [*KPIS, elsewhere]) == P1


@pytest.mark.parametrize(
    ("kpi", "target", "red", "field"),
    [
        (AVAILABILITY, 99.9, 99.95, "red"),  # red better than the target
        (AVAILABILITY, 99.9, 99.9, "red"),  # red equal to the target: no amber band
        (P1, 2, 1, "red"),  # lower is better: red below the target
        (P1, 2, 2, "red"),
        (AVAILABILITY, float("nan"), 99.5, "target"),
        (AVAILABILITY, 99.9, float("nan"), "red"),
    ],
)
def test_check_kpi_refuses_contradicting_thresholds(
    kpi: Kpi, target: float, red: float, field: str
) -> None:
    """A red threshold equal to or better than the target (for the KPI's direction) is
    refused, naming the field."""
    new = _kpi("k-new", "New measure", kpi.unit, kpi.direction)
    with pytest.raises(ValidationError) as raised:
        check_kpi(new, _target(new, target, red), KPIS)
    assert raised.value.field == field


@pytest.mark.parametrize("start", ["2026-13", "March", "", "2026-3-1"])
def test_check_kpi_refuses_bad_effective_period(start: str) -> None:
    """The first target starts in a period written YYYY-MM."""
    new = _kpi("k-new", "New measure", "%", HIGHER)
    with pytest.raises(ValidationError) as raised:
        check_kpi(new, _target(new, 98, 93, start), KPIS)
    assert raised.value.field == "effective_from"


def test_check_target_canonical_period_and_own_kpi() -> None:
    """A target's period is made canonical; a target of another KPI is refused."""
    assert check_target(_target(P1, 1, 4, " 2026-03 "), P1).effective_from == "2026-03"
    with pytest.raises(ValidationError):
        check_target(_target(P1, 1, 4), AVAILABILITY)


# --- reading a file: encodings, separators, numbers -------------------------------------------

COMMA_FILE = (
    "KPI,Period,Value,Comment\n"
    "Core platform availability,2026-09,99.91,\n"
    "P1 incidents,2026-09,2,Two on the same weekend\n"
    'Mean time to restore (P1/P2),2026-09,4.5,"Slow, then fixed"\n'
)


def test_comma_file() -> None:
    """A comma-separated file with a header gives one reading a line, quoted commas kept."""
    plan = plan_of(COMMA_FILE)
    assert plan.problems == []
    assert plan.rows == [
        PlannedReading("k-avail", "2026-09", 99.91, ""),
        PlannedReading("k-p1", "2026-09", 2.0, "Two on the same weekend"),
        PlannedReading("k-mttr", "2026-09", 4.5, "Slow, then fixed"),
    ]
    assert plan.replaced == 0


def test_semicolon_file_with_decimal_comma() -> None:
    """A semicolon-separated file reads its values with a decimal comma."""
    plan = plan_of(
        "KPI;Period;Value;Comment\n"
        "Core platform availability;2026-09;99,91;\n"
        "Mean time to restore (P1/P2);2026-09;4,5;Lent, puis corrigé\n"
    )
    assert [(r.value, r.comment) for r in plan.rows] == [(99.91, ""), (4.5, "Lent, puis corrigé")]


def test_semicolon_sniffed_outside_quotes() -> None:
    """Commas inside quotes do not make a semicolon file look comma-separated."""
    plan = plan_of('"Mean time to restore (P1/P2)";"2026-09";"4,5";"Slow, then, fixed"\n')
    assert plan.rows == [PlannedReading("k-mttr", "2026-09", 4.5, "Slow, then, fixed")]


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no BOM", "BOM"])
def test_utf8_with_or_without_bom(bom: bytes) -> None:
    """UTF-8 is read with or without its byte-order mark (which is no part of the first name)."""
    data = bom + "Run cost (k€),2026-09,812.5,Über Budget – Q3\n".encode()
    assert plan_of(data).rows == [PlannedReading("k-cost", "2026-09", 812.5, "Über Budget – Q3")]


def test_cp1252_file() -> None:
    """A file saved by Windows Excel (cp1252) is read: the euro sign and accents survive."""
    data = "Run cost (k€);2026-09;812,5;Dépassement – licences\n".encode("cp1252")
    assert plan_of(data).rows == [
        PlannedReading("k-cost", "2026-09", 812.5, "Dépassement – licences")
    ]


def test_latin1_fallback() -> None:
    """Bytes that are neither UTF-8 nor cp1252 are read as Latin-1 rather than refused."""
    data = b"P1 incidents,2026-09,2,ok \x81\x8d\n"
    assert plan_of(data).rows == [PlannedReading("k-p1", "2026-09", 2.0, "ok \x81\x8d")]


def test_utf16_with_bom() -> None:
    """A UTF-16 file with its mark (Excel's 'Unicode text') is read."""
    data = "P1 incidents,2026-09,2,é\r\n".encode("utf-16")
    assert plan_of(data).rows == [PlannedReading("k-p1", "2026-09", 2.0, "é")]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings(ending: str) -> None:
    """Unix, Windows and old Mac line endings all count lines the same way."""
    text = ending.join(["KPI,Period,Value", "P1 incidents,2026-09,2", "", "Nope,2026-09,1"])
    assert list(problems_of(text)) == [4]


def test_header_is_optional() -> None:
    """Without a header, the first line is a reading."""
    assert values_of("P1 incidents,2026-09,2\nP1 incidents,2026-08,3\n") == [2.0, 3.0]


@pytest.mark.parametrize(
    "header", ["KPI,Period,Value", "Indicator;Month;Figure;Note", "kpi,period", "Readings"]
)
def test_header_detected(header: str) -> None:
    """A first line with no known KPI, no period and no number is a header, skipped."""
    separator = ";" if ";" in header else ","
    data = f"{header}\nP1 incidents{separator}2026-09{separator}2\n"
    assert values_of(data) == [2.0]


def test_first_line_with_a_period_is_not_taken_for_a_header() -> None:
    """A wrong first reading (unknown KPI, no number) is named, not skipped as a header."""
    assert problems_of("Availabilty,2026-09,n/a\nP1 incidents,2026-09,2\n").keys() == {1}


@pytest.mark.parametrize(
    ("cell", "period"),
    [
        ("2026-03", "2026-03"),
        ("2026/03", "2026-03"),
        ("03/2026", "2026-03"),
        ("3/2026", "2026-03"),
        ("2026-3", "2026-03"),
        ("Mar 2026", "2026-03"),
        ("mar 2026", "2026-03"),
        ("March 2026", "2026-03"),
        ("Sept 2026", "2026-09"),
        ("Mar-2026", "2026-03"),
        ("2026-03-31", "2026-03"),
        (" 2026-03 ", "2026-03"),
    ],
)
def test_period_formats(cell: str, period: str) -> None:
    """Every period format a spreadsheet may give is read to its canonical YYYY-MM."""
    assert read_period(cell) == period
    assert plan_of(f"P1 incidents,{cell},2\n").rows[0].period == period


@pytest.mark.parametrize(
    "cell",
    ["2026-13", "13/2026", "00/2026", "0000-05", "Mar 26", "Marc 2026", "26-03", "2026-02-30"],
)
def test_bad_periods(cell: str) -> None:
    """A period that is not one is refused, saying so."""
    with pytest.raises(ValidationError):
        read_period(cell)
    assert "not a" in problems_of(f"P1 incidents,{cell},2\n")[1]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("P1 incidents;2026-09;2", 2.0),
        ("P1 incidents;2026-09;-2", -2.0),
        ("P1 incidents;2026-09;+2", 2.0),
        ("P1 incidents;2026-09;0,5", 0.5),
        ("P1 incidents;2026-09;,5", 0.5),
        ("P1 incidents,2026-09,0.5", 0.5),
        ("P1 incidents;2026-09;1 234,5", 1234.5),
        ("P1 incidents;2026-09;1\u00a0234,5", 1234.5),
        ("P1 incidents;2026-09;1\u202f234\u202f567", 1234567.0),
        ("P1 incidents;2026-09;1'234.5", 1234.5),
        ('P1 incidents,2026-09,"1,234.5"', 1234.5),
        ("P1 incidents;2026-09;1.234,5", 1234.5),
        ('P1 incidents,2026-09,"1,234,567"', 1234567.0),
        ("P1 incidents;2026-09;1.234.567", 1234567.0),
        ("P1 incidents,2026-09,1.5E+03", 1500.0),
        ("P1 incidents;2026-09;1,5E+03", 1500.0),
        ("P1 incidents;2026-09;12,3456", 12.3456),
        ("P1 incidents,2026-09,0.123", 0.123),  # no thousands group starts with 0
        ("Core platform availability,2026-09,99.9%", 99.9),
        ("Core platform availability,2026-09,99.9 %", 99.9),
    ],
)
def test_numbers(line: str, value: float) -> None:
    """Decimal point or comma, thousands by space, comma or point: read without guessing."""
    assert values_of(line + "\n") == [pytest.approx(value)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # The file's own decimal comma shows that "1.234" groups thousands.
        ("P1 incidents;2026-09;99,5\nP1 incidents;2026-08;1.234\n", [99.5, 1234.0]),
        # The file's own decimal point shows that "1,234" groups thousands.
        ('P1 incidents,2026-09,99.5\nP1 incidents,2026-08,"1,234"\n', [99.5, 1234.0]),
        # A semicolon file with nothing else to go by: the comma is its decimal mark.
        ("P1 incidents;2026-09;1,234\n", [1.234]),
        # A comma file with nothing else to go by: the point is its decimal mark.
        ("P1 incidents,2026-09,1.234\n", [1.234]),
    ],
)
def test_three_decimals_resolved_by_the_file(text: str, values: list[float]) -> None:
    """`1,234` or `1.234` is read the way the rest of the file writes its numbers."""
    assert values_of(text) == values


@pytest.mark.parametrize(
    "text",
    [
        'P1 incidents,2026-09,"1,234"\n',  # comma file, no other evidence
        "P1 incidents;2026-09;1.234\n",  # semicolon file, no other evidence
        # The file writes both decimal marks: nothing can settle it.
        'P1 incidents;2026-09;0,5\nP1 incidents;2026-08;0.5\nP1 incidents;2026-07;"1,234"\n',
    ],
)
def test_ambiguous_number_is_a_problem(text: str) -> None:
    """A value that could be a thousand or one with three decimals is refused, never guessed."""
    problems = problems_of(text)
    assert len(problems) == 1
    assert "ambiguous" in next(iter(problems.values()))


@pytest.mark.parametrize(
    "cell",
    ["n/a", "abc", "1.2.3", "1,23,456", "1.234.5", "--2", "2-", "1 23", "0x1F", "½", "inf", "NaN"],
)
def test_unreadable_numbers(cell: str) -> None:
    """A value that is not a number is named with its line."""
    assert problems_of(f'P1 incidents;2026-09;"{cell}"\n')[1].endswith("is not a number")


def test_huge_number_is_a_problem() -> None:
    """A value too large for a float is refused, not stored as infinity."""
    assert "too large" in problems_of("P1 incidents,2026-09,1e9999\n")[1]


def test_percentage_of_a_counted_kpi_is_a_problem() -> None:
    """'5%' for a KPI counted in incidents is refused; for a % KPI it is the number itself."""
    assert "percentage" in problems_of("P1 incidents,2026-09,5%\n")[1]


def test_unquoted_decimal_comma_in_comma_file_is_a_problem() -> None:
    """`99,5` unquoted in a comma file is never read as 99 with a comment '5'."""
    assert "cut in two" in problems_of("Core platform availability,2026-09,99,5\n")[1]


def test_unquoted_comma_in_comment_is_kept() -> None:
    """A comment with an unquoted separator is kept whole."""
    plan = plan_of("P1 incidents,2026-09,2,Slow, then fixed\n")
    assert plan.rows[0].comment == "Slow, then fixed"


def test_kpi_names_match_whatever_the_case_and_spaces() -> None:
    """KPI names are found whatever their case and spacing."""
    plan = plan_of("  core PLATFORM   availability ,2026-09,99.9\n")
    assert plan.rows[0].kpi_id == "k-avail"


# --- bad lines, each named with its line number ----------------------------------------------


def test_each_kind_of_bad_line_is_named_with_its_line() -> None:
    """Unknown KPI (with a suggestion), unreadable number, bad period, future period,
    duplicate, missing cells: each on its own physical line; empty lines are skipped."""
    text = (
        "KPI,Period,Value,Comment\n"  # 1
        "Core platform availability,2026-09,99.91\n"  # 2
        "Availabilty,2026-09,99.9\n"  # 3
        "\n"  # 4
        "P1 incidents,2026-09,two\n"  # 5
        "P1 incidents,Sep,2\n"  # 6
        "P1 incidents,2027-01,2\n"  # 7
        ",,,\n"  # 8: empty cells only, skipped like an empty line
        "Core platform availability,09/2026,99.95\n"  # 9: the same as line 2
        "P1 incidents,2026-08\n"  # 10
        ",2026-08,3\n"  # 11
        "P1 incidents,,3\n"  # 12
        "P1 incidents,2026-07,\n"  # 13
        "P1 incidents,2026-06,1\n"  # 14
    )
    problems = problems_of(text)
    assert problems == {
        3: "unknown KPI 'Availabilty' (did you mean 'Core platform availability'?)",
        5: "'two' is not a number",
        6: "'Sep' is not a period: write it as YYYY-MM, e.g. 2026-03",
        7: "2027-01 is in the future (this month is 2026-11)",
        9: "Core platform availability for 2026-09 is already on line 2",
        10: "expected the KPI name, the period and the value, separated by ',' (found 2 cells)",
        11: "the KPI name is empty",
        12: "the period is empty",
        13: "the value is empty (leave the line out if there is no reading)",
    }


def test_several_problems_of_one_line_are_named_together() -> None:
    """A line wrong in several ways names every way, in one problem."""
    (message,) = problems_of("KPI,Period,Value\nNope,soon,lots\n").values()
    assert message == (
        "unknown KPI 'Nope'; 'soon' is not a period: write it as YYYY-MM, e.g. 2026-03; "
        "'lots' is not a number"
    )


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("P1 incident", "P1 incidents"),
        ("Mean time to restor", "Mean time to restore (P1/P2)"),
        ("availability", "Core platform availability"),
        ("Run cost", "Run cost (k€)"),
    ],
)
def test_unknown_kpi_suggests_the_closest(name: str, suggestion: str) -> None:
    """An unknown KPI name suggests the closest known one."""
    assert f"did you mean '{suggestion}'?" in problems_of(f"{name},2026-09,1\n")[1]


def test_unknown_kpi_far_from_any_has_no_suggestion() -> None:
    """A name like no KPI suggests none."""
    assert problems_of("Quarterly weather,2026-09,1\n")[1] == "unknown KPI 'Quarterly weather'"


def test_no_kpis_yet() -> None:
    """With no KPIs defined, an unknown name says so."""
    plan = parse_readings_csv(b"P1 incidents,2026-09,1\n", [], {}, THIS_MONTH)
    assert "no KPIs yet" in plan.problems[0].message


def test_bad_last_line_fails_the_whole_plan() -> None:
    """One bad line at the very end leaves the plan with no rows at all."""
    good = "".join(f"P1 incidents,{2000 + n // 12}-{n % 12 + 1:02d},{n % 5}\n" for n in range(300))
    assert len(plan_of(good).rows) == 300
    plan = plan_of(good + "P1 incidents,2026-09,oops")
    assert plan.rows == []
    assert [p.line for p in plan.problems] == [301]


def test_multi_line_quoted_comment_keeps_physical_line_numbers() -> None:
    """A quoted comment over several lines counts each physical line."""
    text = 'P1 incidents,2026-09,2,"first\nsecond\nthird"\nNope,2026-09,1\n'
    assert list(problems_of(text)) == [4]
    assert plan_of(text.split("Nope")[0]).rows[0].comment == "first\nsecond\nthird"


def test_unclosed_quote_is_named_where_it_opens() -> None:
    """A quote left open swallowing the next lines is named on the line where it opens."""
    text = 'P1 incidents,2026-09,"2\nP1 incidents,2026-08,3\n'
    assert "closing quote" in problems_of(text)[1]


def test_future_period_is_after_this_month() -> None:
    """This month itself may have a reading; the next one may not."""
    assert values_of("P1 incidents,2026-11,1\n") == [1.0]
    assert "future" in problems_of("P1 incidents,2026-12,1\n")[1]


def test_duplicate_in_other_formats() -> None:
    """The same KPI and period twice is a duplicate, however each is written."""
    text = "P1 incidents,2026-09,1\np1  INCIDENTS,Sep 2026,1\n"
    assert problems_of(text) == {2: "P1 incidents for 2026-09 is already on line 1"}


def test_existing_reading_is_replaced_not_refused() -> None:
    """A period that already has a reading in the database is counted as replaced."""
    plan = plan_of(
        "P1 incidents,2026-09,1\nP1 incidents,2026-10,1\n", existing={"k-p1": {"2026-09"}}
    )
    assert (len(plan.rows), plan.replaced, plan.problems) == (2, 1, [])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04rest of a zip", "workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "workbook"),
        (b"P1 incidents,2026-09,1\nP1\x00 incidents,2026-09,1\n", "NUL"),
        (codecs.BOM_UTF8 + b"P1 incidents,2026-09,1\n\xff\xfe,2026-09,1\n", "not UTF-8"),
    ],
)
def test_files_that_are_not_csv(data: bytes, words: str) -> None:
    """A workbook or binary file is refused with one problem saying what it is."""
    plan = plan_of(data)
    (problem,) = plan.problems
    assert words in problem.message
    assert problem.line == (2 if data.startswith((b"P1", codecs.BOM_UTF8)) else 1)


def test_control_characters_are_not_shown_raw() -> None:
    """A cell with control characters or a very long text is shown tamed in its message."""
    message = problems_of("Bad\x1b[31mname" + "x" * 100 + ",2026-09,1\n")[1]
    assert "\x1b" not in message
    assert len(message) < 100


# --- the error -------------------------------------------------------------------------------


def test_error_message_names_up_to_twenty_lines() -> None:
    """The message's first line counts the wrong lines; 20 are listed, then how many more."""
    text = "".join(f"Nope {n},2026-09,1\n" for n in range(25))
    plan = plan_of(text)
    with pytest.raises(ReadingsImportError) as raised:
        plan.check()
    lines = raised.value.message.splitlines()
    assert lines[0] == "Nothing was imported: 25 lines are wrong."
    assert lines[1] == "line 1: unknown KPI 'Nope 0'"
    assert len(lines) == 1 + MAX_LISTED_PROBLEMS + 1
    assert lines[-1] == "… and 5 more"
    assert len(raised.value.problems) == 25


def test_error_message_for_one_line() -> None:
    """One wrong line is said in the singular."""
    error = ReadingsImportError([ImportProblem(7, "unknown KPI 'Availabilty'")])
    assert str(error) == "Nothing was imported: 1 line is wrong.\nline 7: unknown KPI 'Availabilty'"
    assert isinstance(error, ReviewError)


@pytest.mark.parametrize("text", ["", "\n\n", "KPI,Period,Value\n", ";;;\n"])
def test_file_without_readings_is_refused(text: str) -> None:
    """A file with no readings has no problem lines, but cannot be imported."""
    plan = plan_of(text)
    assert plan.problems == []
    with pytest.raises(ReadingsImportError, match="holds no readings"):
        plan.check()


def test_bad_this_month_is_a_review_error() -> None:
    """A wrong `this_month` is the caller's ValidationError, not a crash."""
    with pytest.raises(ValidationError):
        parse_readings_csv(b"", KPIS, {}, "November")


# --- properties ------------------------------------------------------------------------------


def _physical_lines(data: bytes) -> int:
    """How many lines an editor shows for `data` (an upper bound for UTF-16)."""
    return len(re.findall(rb"\r\n|\r|\n", data.rstrip(b"\r\n"))) + 1 if data else 0


def _assert_sound(plan: ImportPlan, data: bytes) -> None:
    lines = _physical_lines(data)
    for problem in plan.problems:
        assert 1 <= problem.line <= lines, (problem, lines)
        assert "\n" not in problem.message and "\r" not in problem.message
    assert [p.line for p in plan.problems] == sorted({p.line for p in plan.problems})
    if plan.problems:
        assert plan.rows == []
    for row in plan.rows:
        assert re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", row.period)
        assert row.period <= THIS_MONTH


_CELLS = st.one_of(
    st.sampled_from([k.name for k in KPIS] + ["Availabilty", "", "KPI", "p1 incidents"]),
    st.sampled_from(
        ["2026-03", "03/2026", "Mar 2026", "2026/13", "2027-01", "x", "", "2026-02-30"]
    ),
    st.sampled_from(["1", "99.5", "99,5", "1,234", "1 234,5", "1.234,5", "-", "1e9999", "5%"]),
    st.text(max_size=12),
    st.text(alphabet='",;\r\n "\x00\ufeff', max_size=6),
)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@st.composite
def _csv_files(draw: st.DrawFn) -> bytes:
    separator = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(_CELLS, max_size=6), max_size=12))
    text = ending.join(separator.join(cells) for cells in rows)
    if draw(st.booleans()):
        text += ending
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_csv_files())
def test_random_csv_files_never_crash(data: bytes) -> None:
    """Random CSV files (separators, encodings, junk cells) give a plan, each problem on a
    line of the file, or a ReviewError: never any other exception."""
    try:
        plan = plan_of(data)
    except ReviewError:
        return
    _assert_sound(plan, data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    """Any bytes at all give a plan with every problem on a line of the file."""
    try:
        plan = plan_of(data)
    except ReviewError:
        return
    _assert_sound(plan, data)


_VALUES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KPIS), st.integers(0, 600), _VALUES, st.booleans()),
        min_size=1,
        max_size=20,
        unique_by=lambda row: (row[0].id, row[1]),
    ),
    st.sampled_from([",", ";"]),
    _ENCODINGS,
)
def test_well_formed_files_read_back_exactly(
    rows: list[tuple[Kpi, int, float, bool]], separator: str, encoding: str
) -> None:
    """Readings written as a spreadsheet would (decimal comma in ';' files) read back exactly."""
    lines = []
    for kpi, months_back, value, month_first in rows:
        index = 2026 * 12 + 10 - months_back
        year, month = divmod(index, 12)
        period = f"{month + 1:02d}/{year}" if month_first else f"{year}-{month + 1:02d}"
        number = f"{value:.2f}"
        if separator == ";":
            number = number.replace(".", ",")
        lines.append(separator.join([kpi.name, period, number, "note"]))
    plan = plan_of("\n".join(lines).encode(encoding))
    assert plan.problems == []
    assert [(r.kpi_id, r.value) for r in plan.rows] == [(k.id, v) for k, _, v, _ in rows]


# --- editing a KPI, further targets ----------------------------------------------------------


def test_check_kpi_change_refuses_a_direction_its_targets_contradict() -> None:
    """Turning 'higher is better' into 'lower' with targets set for 'higher' is refused at
    the direction, naming the target that no longer fits."""
    flipped = dataclasses.replace(AVAILABILITY, direction=LOWER)
    with pytest.raises(ValidationError, match="from 2026-01") as raised:
        check_kpi_change(flipped, [_target(AVAILABILITY, 99.9, 99.5)], KPIS)
    assert raised.value.field == "direction"


def test_check_kpi_change_keeps_its_own_name_and_refuses_another() -> None:
    """An edited KPI may keep its name; taking another KPI's name is refused."""
    renamed = dataclasses.replace(P1, name="p1  Incidents", unit=" incidents ")
    checked = check_kpi_change(renamed, [_target(P1, 1, 4)], KPIS)
    assert (checked.name, checked.unit) == ("p1 Incidents", "incidents")
    with pytest.raises(ValidationError, match="already a KPI") as raised:
        check_kpi_change(dataclasses.replace(P1, name="core platform AVAILABILITY"), [], KPIS)
    assert raised.value.field == "name"


def test_check_new_target_refuses_a_second_target_from_the_same_period() -> None:
    """One target a period: a second from the same month is refused at its period."""
    earlier = [_target(P1, 1, 4, "2026-01")]
    later = dataclasses.replace(_target(P1, 0, 3, "2026-06"), id="t-2")
    assert check_new_target(later, P1, earlier).effective_from == "2026-06"
    with pytest.raises(ValidationError, match="already has a target") as raised:
        check_new_target(dataclasses.replace(later, effective_from="2026-01"), P1, earlier)
    assert raised.value.field == "effective_from"


# --- readings typed in -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("99.5", 99.5), ("99,5", 99.5), (" 7 ", 7.0), ("1 234", 1234.0), ("-2", -2.0)],
)
def test_read_value_reads_what_people_type(text: str, value: float) -> None:
    """A cell takes a decimal point or comma, spaces between thousands, a sign."""
    assert read_value(text, P1) == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("abc", "is not a number"),
        ("", "Type a number"),
        ("1,234", "ambiguous"),
        ("12%", "percentage"),
        ("1e999", "too large"),
    ],
)
def test_read_value_refuses_what_is_not_a_number(text: str, words: str) -> None:
    """Text, an ambiguous mark, a percentage for a KPI not in % are refused in words."""
    with pytest.raises(ValidationError, match=words) as raised:
        read_value(text, P1)
    assert raised.value.field == "value"


def test_check_reading_entry_refuses_a_future_period_and_cleans_the_comment() -> None:
    """This month is accepted, next month is not; the comment is folded to one line."""
    entry = ReadingEntry(P1.id, "2026-11", 3.0, "  two\n incidents ")
    assert check_reading_entry(entry, P1, THIS_MONTH).comment == "two incidents"
    with pytest.raises(ValidationError, match="is in the future") as raised:
        check_reading_entry(dataclasses.replace(entry, period="2026-12"), P1, THIS_MONTH)
    assert raised.value.field == "period"
    with pytest.raises(ValidationError, match="at most 500"):
        check_reading_entry(dataclasses.replace(entry, comment="x" * 501), P1, THIS_MONTH)


@pytest.mark.parametrize(
    ("entered_by", "previous", "expected"),
    [
        (Side.PARTNER, None, ReadingConfirmation.CONFIRMED),  # P1 is the partner's
        (Side.ENTERPRISE, None, ReadingConfirmation.TO_BE_CONFIRMED),
        (Side.ENTERPRISE, ReadingConfirmation.CONFIRMED, ReadingConfirmation.TO_BE_CONFIRMED),
        (Side.PARTNER, ReadingConfirmation.DISPUTED, ReadingConfirmation.DISPUTED),
        (Side.ENTERPRISE, ReadingConfirmation.DISPUTED, ReadingConfirmation.DISPUTED),
    ],
)
def test_confirmation_after_entry(
    entered_by: Side, previous: ReadingConfirmation | None, expected: ReadingConfirmation
) -> None:
    """The owner's figure stands, the other side's waits; a dispute outlives a correction."""
    assert confirmation_after_entry(P1, entered_by, previous) is expected


# --- confirming and disputing ----------------------------------------------------------------

MEETING = Meeting(
    "m-25", PID, 25, "Review", dt.datetime(2026, 12, 1, 10), "", None, "2026-11",
    MeetingStatus.LIVE,
)  # fmt: skip
# Invoices (the enterprise's KPI) reported by the partner: the enterprise confirms it.
INVOICES = _kpi("k-inv", "Invoices paid within terms", "%", HIGHER, Side.ENTERPRISE)
TO_CONFIRM = Reading(
    "r-1", INVOICES.id, "2026-11", 87.0, "", Side.PARTNER, ReadingConfirmation.TO_BE_CONFIRMED
)


def _review(
    verdict: ReadingVerdict, comment: str = "", side: Side = Side.ENTERPRISE
) -> ReadingReview:
    return ReadingReview(
        "rr-1", TO_CONFIRM.id, MEETING.id, side, verdict, comment, dt.datetime(2026, 12, 1, 10)
    )


def test_the_side_that_did_not_enter_a_reading_reviews_it() -> None:
    """The partner entered the enterprise's figure: the enterprise confirms or disputes it;
    a figure its owner entered is open to the other side's dispute."""
    assert reviewing_side(INVOICES, TO_CONFIRM) is Side.ENTERPRISE
    owned = dataclasses.replace(TO_CONFIRM, entered_by=Side.ENTERPRISE)
    assert reviewing_side(INVOICES, owned) is Side.PARTNER
    assert reviewing_side(INVOICES, dataclasses.replace(TO_CONFIRM, entered_by=None)) is (
        Side.PARTNER
    )


def test_a_side_cannot_review_a_reading_it_entered() -> None:
    """The partner cannot confirm its own figure."""
    with pytest.raises(ValidationError, match="not the side that reported it") as raised:
        check_reading_review(
            _review(ReadingVerdict.CONFIRMED, side=Side.PARTNER), INVOICES, TO_CONFIRM, MEETING, []
        )
    assert raised.value.field == "side"


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_a_dispute_needs_its_reason(comment: str) -> None:
    """'We don't agree' goes on the record with why."""
    with pytest.raises(ValidationError, match="needs its reason") as raised:
        check_reading_review(
            _review(ReadingVerdict.DISPUTED, comment), INVOICES, TO_CONFIRM, MEETING, []
        )
    assert raised.value.field == "comment"


def test_a_dispute_with_its_reason_and_a_confirmation_are_accepted() -> None:
    """The reason is kept on one line; a confirmation needs no comment."""
    checked = check_reading_review(
        _review(ReadingVerdict.DISPUTED, " Excludes the\nweekend outage "),
        INVOICES,
        TO_CONFIRM,
        MEETING,
        [],
    )
    assert checked.comment == "Excludes the weekend outage"
    assert check_reading_review(
        _review(ReadingVerdict.CONFIRMED), INVOICES, TO_CONFIRM, MEETING, []
    ).verdict is (ReadingVerdict.CONFIRMED)
    assert confirmation_of(ReadingVerdict.DISPUTED) is ReadingConfirmation.DISPUTED


def test_a_confirmed_reading_is_not_confirmed_again_but_a_disputed_one_is() -> None:
    """Confirming resolves a dispute; confirming a confirmed figure is refused."""
    confirmed = dataclasses.replace(TO_CONFIRM, confirmation=ReadingConfirmation.CONFIRMED)
    with pytest.raises(ValidationError, match="already confirmed"):
        check_reading_review(_review(ReadingVerdict.CONFIRMED), INVOICES, confirmed, MEETING, [])
    disputed = dataclasses.replace(TO_CONFIRM, confirmation=ReadingConfirmation.DISPUTED)
    check_reading_review(_review(ReadingVerdict.CONFIRMED), INVOICES, disputed, MEETING, [])


def test_no_review_in_a_signed_meeting_nor_of_a_later_period() -> None:
    """A signed meeting's record is frozen; a meeting reviews readings up to its period."""
    signed = dataclasses.replace(MEETING, status=MeetingStatus.SIGNED)
    with pytest.raises(LifecycleError, match="signed off"):
        check_reading_review(_review(ReadingVerdict.CONFIRMED), INVOICES, TO_CONFIRM, signed, [])
    later = dataclasses.replace(TO_CONFIRM, period="2026-12")
    with pytest.raises(ValidationError, match="after the period"):
        check_reading_review(_review(ReadingVerdict.CONFIRMED), INVOICES, later, MEETING, [])


def test_disputes_stay_in_view_until_confirmed() -> None:
    """Every disputed reading up to the period, of any earlier period too, oldest first."""
    old = dataclasses.replace(
        TO_CONFIRM, id="r-0", period="2026-09", confirmation=ReadingConfirmation.DISPUTED
    )
    now = dataclasses.replace(TO_CONFIRM, confirmation=ReadingConfirmation.DISPUTED)
    later = dataclasses.replace(now, id="r-2", period="2026-12")
    found = disputed_readings({INVOICES.id: [old, now, later], P1.id: []}, "2026-11")
    assert [r.id for r in found] == ["r-0", "r-1"]
    reviews = [
        _review(ReadingVerdict.DISPUTED, "first"),
        _review(ReadingVerdict.CONFIRMED),
        _review(ReadingVerdict.DISPUTED, "again"),
    ]
    dispute = latest_dispute(reviews)
    assert dispute is not None and dispute.comment == "again"


def test_a_review_in_the_same_second_as_the_last_one_comes_after_it() -> None:
    """Reviews are read back by time: a confirmation right after a dispute stays after it."""
    first = _review(ReadingVerdict.DISPUTED, "Too high")
    disputed = dataclasses.replace(TO_CONFIRM, confirmation=ReadingConfirmation.DISPUTED)
    then = check_reading_review(
        _review(ReadingVerdict.CONFIRMED), INVOICES, disputed, MEETING, [first]
    )
    assert then.reviewed_at == first.reviewed_at + dt.timedelta(seconds=1)
