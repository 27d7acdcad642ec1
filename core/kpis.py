"""Rules about KPIs and their readings: set-up and targets, readings typed in, and the other
side confirming or disputing them in a meeting (importing a CSV is core/readings_csv.py)."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from core.cells import read_number, shown
from core.errors import LifecycleError, ValidationError
from core.model import (
    Direction,
    Kpi,
    KpiTarget,
    Meeting,
    MeetingStatus,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    Side,
)
from core.people import clean_name
from core.periods import parse_period
from core.rag import check_thresholds
from core.text import one_line

# A reading's comment, and the reason given for a confirmation or a dispute.
MAX_COMMENT = 500


# --- KPIs and targets ------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The form in which two KPI names are the same: case, spaces and Unicode forms folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def check_kpi(kpi: Kpi, target: KpiTarget, existing: Sequence[Kpi]) -> Kpi:
    """The KPI with its name and unit cleaned; refuse a name already used in the partnership,
    thresholds that contradict the direction, or a first target with no valid period."""
    checked = _check_name(kpi, existing)
    check_target(target, checked)
    return checked


def check_kpi_change(kpi: Kpi, targets: Sequence[KpiTarget], existing: Sequence[Kpi]) -> Kpi:
    """An edited KPI cleaned; refuse a name used by another KPI, or a direction that one of
    its targets (each judging the readings of its months) would contradict."""
    checked = _check_name(kpi, existing)
    for target in targets:
        try:
            check_target(target, checked)
        except ValidationError as error:
            better = "higher" if checked.direction is Direction.HIGHER_IS_BETTER else "lower"
            raise ValidationError(
                "direction",
                f"The target from {target.effective_from} ({target_text(target)}) does not fit "
                f"a KPI where {better} is better: {error.message} Add a target that fits first.",
            ) from None
    return checked


def _check_name(kpi: Kpi, existing: Sequence[Kpi]) -> Kpi:
    name = clean_name(kpi.name)
    key = name_key(name)
    for other in existing:
        if (
            other.id != kpi.id
            and other.partnership_id == kpi.partnership_id
            and name_key(other.name) == key
        ):
            raise ValidationError("name", f"There is already a KPI named '{other.name}'.")
    unit = kpi.unit.strip()
    if len(unit) > 20:
        raise ValidationError("unit", "A unit is at most 20 characters (e.g. %, hours, k€).")
    return replace(kpi, name=name, unit=unit)


def check_target(target: KpiTarget, kpi: Kpi) -> KpiTarget:
    """The target with its period in canonical form; refuse contradicting thresholds."""
    if target.kpi_id != kpi.id:
        raise ValidationError("kpi", f"This target belongs to another KPI than '{kpi.name}'.")
    check_thresholds(kpi.direction, target.target, target.red)
    return replace(target, effective_from=parse_period(target.effective_from, "effective_from"))


def check_new_target(target: KpiTarget, kpi: Kpi, earlier: Iterable[KpiTarget]) -> KpiTarget:
    """A further target of a KPI: checked, and refused when one already starts that period."""
    checked = check_target(target, kpi)
    for other in earlier:
        if other.effective_from == checked.effective_from:
            raise ValidationError(
                "effective_from",
                f"{kpi.name} already has a target from {checked.effective_from} "
                f"({target_text(other)}).",
            )
    return checked


def target_text(target: KpiTarget) -> str:
    """A target and its thresholds in one line, as the audit log and messages show it."""
    return f"target {target.target:g}, red {target.red:g}"


# --- readings typed in -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingEntry:
    """A reading typed in for one KPI and period, before it is written."""

    kpi_id: str
    period: str
    value: float
    comment: str = ""


def clean_comment(text: str, field: str = "comment") -> str:
    """A comment on one line, its spaces folded; refuse one over 500 characters."""
    cleaned = one_line(text)
    if len(cleaned) > MAX_COMMENT:
        raise ValidationError(
            field, f"A comment is at most {MAX_COMMENT} characters (this one has {len(cleaned)})."
        )
    return cleaned


def read_value(text: str, kpi: Kpi | None = None) -> float:
    """The number typed in a cell (99.5, 99,5, 1 234, 12%); raise a ValidationError saying
    why it is not one."""
    cell = text.strip()
    if not cell:
        raise ValidationError("value", "Type a number.")
    number = read_number(cell)
    if number is None:
        raise ValidationError(
            "value", f"{shown(cell)} is not a number: type digits, e.g. 99.5 or 99,5."
        )
    if number.ambiguous_mark is not None:
        raise ValidationError(
            "value",
            f"{shown(cell)} is ambiguous: it could be {number.grouped:g} or {number.value:g}; "
            "write it without a thousands separator.",
        )
    if not math.isfinite(number.value):
        raise ValidationError("value", f"{shown(cell)} is too large a number.")
    if number.percent and kpi is not None and kpi.unit.strip() != "%":
        unit = f"in {kpi.unit.strip()}" if kpi.unit.strip() else "without a unit"
        raise ValidationError(
            "value", f"{shown(cell)} is a percentage, but {kpi.name} is measured {unit}."
        )
    return number.value


def check_period_not_future(period: str, this_month: str) -> str:
    """The period in canonical form; refuse a month that has not begun."""
    checked = parse_period(period)
    if checked > parse_period(this_month, "this_month"):
        raise ValidationError(
            "period",
            f"{checked} is in the future (this month is {this_month}): "
            "a reading is entered once its month has begun.",
        )
    return checked


def check_reading_entry(entry: ReadingEntry, kpi: Kpi, this_month: str) -> ReadingEntry:
    """A typed reading with its period and comment cleaned; refuse a future period, a value
    that is not a finite number, a comment too long, or a reading of another KPI."""
    if entry.kpi_id != kpi.id:
        raise ValidationError("kpi", f"This reading belongs to another KPI than '{kpi.name}'.")
    period = check_period_not_future(entry.period, this_month)
    if not math.isfinite(entry.value):
        raise ValidationError("value", f"The value of {kpi.name} for {period} must be a number.")
    return replace(entry, period=period, comment=clean_comment(entry.comment))


def confirmation_after_entry(
    kpi: Kpi, entered_by: Side, previous: ReadingConfirmation | None = None
) -> ReadingConfirmation:
    """Whether a reading needs confirming once `entered_by` has entered (or corrected) it.

    The owner's own figure stands; the other side's waits for the owner. A dispute stays
    open through corrections: only a confirmation ends it.
    """
    if previous is ReadingConfirmation.DISPUTED:
        return ReadingConfirmation.DISPUTED
    if entered_by is kpi.owner_side:
        return ReadingConfirmation.CONFIRMED
    return ReadingConfirmation.TO_BE_CONFIRMED


# --- confirming and disputing readings in a meeting -----------------------------------------


def reviewing_side(kpi: Kpi, reading: Reading) -> Side:
    """The side that confirms or disputes a reading: the one that did not enter it (a reading
    of unknown origin counts as its owner's)."""
    return (reading.entered_by or kpi.owner_side).other


def can_confirm(reading: Reading) -> bool:
    """A reading waiting for confirmation, or disputed, can be confirmed."""
    return reading.confirmation is not ReadingConfirmation.CONFIRMED


def check_reading_review(
    review: ReadingReview,
    kpi: Kpi,
    reading: Reading,
    meeting: Meeting,
    earlier: Sequence[ReadingReview],
) -> ReadingReview:
    """A meeting's confirmation or dispute of a reading, its reason cleaned.

    Refused: in a signed meeting; for a reading of a later period than the meeting reviews;
    by the side that entered the reading (the other side confirms it); a dispute without its
    reason; confirming a reading already confirmed; disputing twice in one meeting. A review
    made within the same second as the reading's last one is dated a second after it.
    """
    if review.reading_id != reading.id:
        raise ValidationError("reading", "This review is of another reading.")
    if review.meeting_id != meeting.id:
        raise ValidationError("meeting", "This review is of another meeting.")
    if meeting.status is MeetingStatus.SIGNED:
        raise LifecycleError(
            f"Meeting {meeting.number} is signed off: its record cannot change. "
            "Make an amendment instead."
        )
    what = f"{kpi.name} for {reading.period}"
    if reading.period > meeting.period:
        raise ValidationError(
            "reading",
            f"{what} is after the period this meeting reviews ({meeting.period}).",
        )
    entered = reading.entered_by or kpi.owner_side
    if review.side is entered:
        raise ValidationError(
            "side",
            f"The {entered.label} side entered {what}: the {entered.other.label} side confirms "
            "or disputes it, not the side that reported it.",
        )
    comment = clean_comment(review.comment)
    if review.verdict is ReadingVerdict.DISPUTED:
        if not comment:
            raise ValidationError(
                "comment",
                f"A dispute needs its reason: say what the {review.side.label} side does not "
                f"accept in {what}.",
            )
        if (
            any(
                e.meeting_id == meeting.id and e.verdict is ReadingVerdict.DISPUTED
                for e in earlier
                if e.reading_id == reading.id
            )
            and reading.confirmation is ReadingConfirmation.DISPUTED
        ):
            raise ValidationError(
                "verdict", f"{what} is already disputed in this meeting: confirm it or undo."
            )
    elif not can_confirm(reading):
        raise ValidationError("verdict", f"{what} is already confirmed.")
    # Reviews are read back in time order (to the second): a later one stays later.
    reviewed_at = review.reviewed_at.replace(microsecond=0)
    times = [e.reviewed_at for e in earlier if e.reading_id == reading.id]
    if times and reviewed_at <= max(times):
        reviewed_at = max(times) + dt.timedelta(seconds=1)
    return replace(review, comment=comment, reviewed_at=reviewed_at)


def confirmation_of(verdict: ReadingVerdict) -> ReadingConfirmation:
    """A reading's confirmation once a meeting has given this verdict on it."""
    if verdict is ReadingVerdict.CONFIRMED:
        return ReadingConfirmation.CONFIRMED
    return ReadingConfirmation.DISPUTED


def disputed_readings(readings_by_kpi: Mapping[str, Sequence[Reading]], upto: str) -> list[Reading]:
    """Every reading still disputed, of any period up to `upto`: disputes stay in view until
    the other side confirms, oldest first."""
    found = [
        r
        for readings in readings_by_kpi.values()
        for r in readings
        if r.confirmation is ReadingConfirmation.DISPUTED and r.period <= upto
    ]
    return sorted(found, key=lambda r: (r.period, r.kpi_id))


def latest_dispute(reviews: Iterable[ReadingReview]) -> ReadingReview | None:
    """The last dispute among a reading's reviews (oldest first), if any."""
    found = None
    for review in reviews:
        if review.verdict is ReadingVerdict.DISPUTED:
            found = review
    return found
