"""A believable partnership with years of history, built deterministically from a seed.

An insurer and its IT services partner, meeting monthly: people of both sides, the standing
agenda, signed meetings with notes, attendance and decisions, actions kept and broken by both
sides, KPI readings drifting around their targets (one target changed mid-history), strategic
initiatives, and the next meeting ready as a draft. Its catalogue (names, KPIs, phrases) is
data: resources/demo/catalogue.json. The generator stays one module: each part of the history
(meetings, actions, readings, minutes) draws on the ones before it through one random stream.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateutil.relativedelta import TU, relativedelta

from core import agenda
from core.ids import IdSource
from core.model import (
    Action,
    ActionReview,
    ActionState,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Decision,
    Direction,
    History,
    Initiative,
    InitiativeProgress,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Milestone,
    Partnership,
    Party,
    Person,
    RaciAssignment,
    RaciRole,
    Rag,
    Reading,
    ReadingConfirmation,
    ReviewStatus,
    Side,
    SignOff,
    StandingAgendaItem,
)
from core.periods import add_months, months_between, period_of
from core.record import content_hash, meeting_record

DEFAULT_SEED = 20240601
MONTHS_PER_SCALE = 24
STALLED_DAYS = 270

CATALOGUE = Path(__file__).resolve().parent.parent / "resources" / "demo" / "catalogue.json"


@dataclass(frozen=True)
class _KpiSpec:
    name: str
    unit: str
    direction: Direction
    owner: Side
    category: KpiCategory
    target: float
    red: float
    spread: float
    decimals: int


def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


_DATA = _catalogue()
ENTERPRISE_NAME: str = _DATA["enterprise"]
PARTNER_NAME: str = _DATA["partner"]
_PEOPLE: dict[Side, list[tuple[str, str]]] = {
    Side(side): [(p["name"], p["role"]) for p in people] for side, people in _DATA["people"].items()
}
_AGENDA: tuple[tuple[str, AgendaItemKind, int], ...] = tuple(
    (a["title"], AgendaItemKind(a["kind"]), int(a["minutes"])) for a in _DATA["standing_agenda"]
)
_KPIS: tuple[_KpiSpec, ...] = tuple(
    _KpiSpec(
        k["name"],
        k["unit"],
        Direction(k["direction"]),
        Side(k["owner"]),
        KpiCategory(k["category"]),
        k["target"],  # as written: a count's target stays a whole number
        k["red"],
        k["spread"],
        k["decimals"],
    )
    for k in _DATA["kpis"]
)
_ACTION_TITLES: dict[Side, tuple[str, ...]] = {
    Side(side): tuple(titles) for side, titles in _DATA["action_titles"].items()
}
_NOTE_LINES: dict[AgendaItemKind, tuple[str, ...]] = {
    AgendaItemKind(kind): tuple(lines) for kind, lines in _DATA["note_lines"].items()
}
_DECISIONS: tuple[str, ...] = tuple(_DATA["decisions"])
_INITIATIVES: tuple[tuple[str, Side, tuple[str, ...]], ...] = tuple(
    (i["name"], Side(i["owner"]), tuple(i["milestones"])) for i in _DATA["initiatives"]
)


# The last meetings held get real signed minutes when storage writes the demo.
RECENT_SIGNED_WITH_PDF = 3


@dataclass(frozen=True)
class PartnerSpec:
    """Another partner of the same enterprise, for the portfolio: who they are, how long they
    have been reviewed, and how healthy the partnership is (`health`: how many spreads below
    target its KPIs hover; `late_bias`: how much likelier its actions run late)."""

    name: str
    domain: str
    location: str
    people: tuple[tuple[str, str], ...]
    months: int
    health: float = 0.0
    late_bias: float = 0.0


MAIN_PARTNER = PartnerSpec(
    PARTNER_NAME,
    "brightline.example",
    "Brightline Hub, Room Atlas",
    tuple(_PEOPLE[Side.PARTNER]),
    MONTHS_PER_SCALE,
)
OTHER_PARTNERS: tuple[PartnerSpec, ...] = tuple(
    PartnerSpec(
        o["name"],
        o["domain"],
        o["location"],
        tuple((name, role) for name, role in o["people"]),
        o["months"],
        o["health"],
        o["late_bias"],
    )
    for o in _DATA["other_partners"]
)
# The other partnerships' last review was this many days before the main one's, and their
# next is not prepared yet: the main partnership's meetings stay the file's latest and next.
OTHERS_EARLIER_DAYS = 14


def build_demo(seed: int = DEFAULT_SEED, scale: int = 1, today: dt.date | None = None) -> History:
    """The demo partnership: the same seed, scale and day give the same content, ids included."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    today = today or dt.date.today()
    return _DemoBuilder(seed, scale, today).build()


def build_other_partnerships(
    seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> list[History]:
    """The enterprise's other partnerships of the demo, smaller and of other health, for the
    portfolio (fixed sizes: --scale grows the main one only)."""
    today = today or dt.date.today()
    return [
        _DemoBuilder(seed + 1000 * (index + 1), 1, today, spec).build()
        for index, spec in enumerate(OTHER_PARTNERS)
    ]


class _DemoBuilder:
    def __init__(
        self, seed: int, scale: int, today: dt.date, partner: PartnerSpec | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.new_id = IdSource(random.Random(seed + 1))
        self.scale = scale
        self.today = today
        self.partner = partner or MAIN_PARTNER
        self.main = partner is None
        count = MONTHS_PER_SCALE * scale if self.main else self.partner.months
        created = dt.datetime.combine(today, dt.time(9, 0)) - relativedelta(months=count + 1)
        # Monthly meetings on a Tuesday, the last held about three weeks ago, the next ahead.
        last_held = dt.datetime.combine(
            today - dt.timedelta(days=20) + relativedelta(weekday=TU(-1)), dt.time(10, 0)
        )
        if not self.main:
            last_held -= dt.timedelta(days=OTHERS_EARLIER_DAYS)
        self.starts = [
            agenda.nth_weekday(last_held - relativedelta(months=count - 1 - index), last_held)
            for index in range(count)
        ]
        self.next_start = agenda.month_after(last_held)
        self.history = History(
            Partnership(self.new_id(), f"{ENTERPRISE_NAME} – {self.partner.name}", created)
        )

    # -- the parts ----------------------------------------------------------------------

    def build(self) -> History:
        self._parties_and_people()
        self._standing_agenda()
        self._kpis()
        self._initiatives()
        self._meetings()
        if self.main:
            self._leave_recent_to_sign()
            self._draft_next()
        else:
            self._settle_actions()
        return self.history

    def _leave_recent_to_sign(self) -> None:
        """The most recent meetings are left closed, their sign-offs out: storage signs them
        for real (a PDF with two digital signatures), so a new user can export and verify one.
        The older ones keep sign-off records over their frozen rows' hash, without a PDF."""
        recent = {m.id for m in self.history.meetings[-RECENT_SIGNED_WITH_PDF:]}
        self.history.meetings = [
            dataclasses.replace(m, status=MeetingStatus.CLOSED, content_hash=None, record_hash=None)
            if m.id in recent
            else m
            for m in self.history.meetings
        ]
        self.history.sign_offs = [s for s in self.history.sign_offs if s.meeting_id not in recent]

    def _parties_and_people(self) -> None:
        h = self.history
        people = {Side.ENTERPRISE: _PEOPLE[Side.ENTERPRISE], Side.PARTNER: self.partner.people}
        for side, name in ((Side.ENTERPRISE, ENTERPRISE_NAME), (Side.PARTNER, self.partner.name)):
            h.parties.append(Party(self.new_id(), h.partnership.id, side, name))
            domain = "halden-mutual.example" if side is Side.ENTERPRISE else self.partner.domain
            for full_name, role in people[side]:
                h.people.append(
                    Person(
                        self.new_id(),
                        h.partnership.id,
                        side,
                        full_name,
                        role,
                        _email(full_name, domain),
                    )
                )
        self.by_side = {side: [p for p in h.people if p.side is side] for side in Side}
        # The first person of each side signs off; the enterprise's PMO lead facilitates.
        self.signatory = {side: self.by_side[side][0] for side in Side}
        self.facilitator = self.by_side[Side.ENTERPRISE][6]

    def _standing_agenda(self) -> None:
        h = self.history
        for position, (title, kind, minutes) in enumerate(_AGENDA):
            h.standing_agenda.append(
                StandingAgendaItem(self.new_id(), h.partnership.id, position, title, kind, minutes)
            )

    def _kpis(self) -> None:
        h = self.history
        # Readings cover every period reviewed so far and the one the next meeting reviews.
        self.first_period = add_months(period_of(self.starts[0].date()), -1)
        self.last_period = add_months(period_of(self.next_start.date()), -1)
        months = months_between(self.first_period, self.last_period) + 1
        change_period = add_months(self.first_period, months // 2)
        for spec in _KPIS:
            kpi = Kpi(
                self.new_id(),
                h.partnership.id,
                spec.name,
                spec.unit,
                spec.direction,
                spec.owner,
                spec.category,
            )
            h.kpis.append(kpi)
            h.kpi_targets.append(
                KpiTarget(self.new_id(), kpi.id, self.first_period, spec.target, spec.red)
            )
            if spec.name == "Core platform availability":
                # The target was raised mid-history once the new platform bedded in.
                h.kpi_targets[-1] = KpiTarget(self.new_id(), kpi.id, self.first_period, 99.7, 99.0)
                h.kpi_targets.append(
                    KpiTarget(self.new_id(), kpi.id, change_period, spec.target, spec.red)
                )
            # a partnership in poorer health hovers below its targets
            worse = -1 if spec.direction is Direction.HIGHER_IS_BETTER else 1
            aim = spec.target + worse * self.partner.health * spec.spread
            level = aim
            for index in range(months):
                period = add_months(self.first_period, index)
                level = aim + 0.7 * (level - aim) + self.rng.gauss(0, spec.spread)
                value = round(level, spec.decimals)
                if spec.unit in ("%",):
                    value = min(value, 100.0)
                value = max(value, 0.0)
                comment = ""
                if abs(level - spec.target) > 1.8 * spec.spread:
                    comment = self.rng.choice(
                        (
                            "Weekend incident on the storage array.",
                            "Seasonal peak in claims.",
                            "Staff shortage during the holidays.",
                            "One-off licence true-up.",
                            "Recovered after the fix in week 3.",
                        )
                    )
                latest = index == months - 1
                entered_by = spec.owner
                confirmation = ReadingConfirmation.CONFIRMED
                if latest and spec.owner is Side.ENTERPRISE and self.rng.random() < 0.7:
                    # The partner reported a figure for an enterprise-owned KPI: to be confirmed.
                    entered_by = Side.PARTNER
                    confirmation = ReadingConfirmation.TO_BE_CONFIRMED
                h.readings.append(
                    Reading(
                        self.new_id(),
                        kpi.id,
                        period,
                        float(value),
                        comment,
                        entered_by,
                        confirmation,
                    )
                )

    def _initiatives(self) -> None:
        h = self.history
        start = h.partnership.created_at.date()
        end = self.today + relativedelta(months=9)
        span = (end - start).days
        self.initiative_plans: list[tuple[Initiative, int, int]] = []
        for index, (name, side, stones) in enumerate(_INITIATIVES):
            begin = start + dt.timedelta(days=int(span * index / 12))
            target = end - dt.timedelta(days=int(span * (4 - index) / 20))
            initiative = Initiative(
                self.new_id(),
                h.partnership.id,
                name,
                side,
                self.by_side[side][self.rng.randrange(1, 4)].id,
                begin,
                target,
                f"Joint initiative led by the {side.value} side.",
            )
            h.initiatives.append(initiative)
            length = (target - begin).days
            for number, title in enumerate(stones, 1):
                due = begin + dt.timedelta(days=length * number // len(stones))
                done = due + dt.timedelta(days=self.rng.randrange(-10, 25))
                h.milestones.append(
                    Milestone(
                        self.new_id(),
                        initiative.id,
                        title,
                        due,
                        done if done < self.today else None,
                    )
                )
            self.initiative_plans.append((initiative, begin.toordinal(), target.toordinal()))

    def _meetings(self) -> None:
        h = self.history
        self.meetings: list[Meeting] = []
        for index, start in enumerate(self.starts):
            day = start.date()
            meeting = Meeting(
                self.new_id(),
                h.partnership.id,
                index + 1,
                f"Partnership review {start:%B %Y}",
                start,
                "Halden House, Board Room 3" if index % 3 else self.partner.location,
                self.facilitator.id,
                add_months(period_of(day), -1),
                MeetingStatus.CLOSED,
            )
            self.meetings.append(meeting)
        self.open_actions: list[_ActionPlan] = []
        for index, meeting in enumerate(self.meetings):
            self._hold(meeting, index)

    def _hold(self, meeting: Meeting, index: int) -> None:
        h = self.history
        first_attendance = len(h.attendance)
        rng = self.rng
        present: list[Person] = []
        for person in h.people:
            roll = rng.random()
            if person in self.signatory.values() or person is self.facilitator or roll < 0.78:
                status = AttendanceStatus.PRESENT
                present.append(person)
            elif roll < 0.95:
                status = AttendanceStatus.APOLOGIES
            else:
                status = AttendanceStatus.ABSENT
            h.attendance.append(Attendance(self.new_id(), meeting.id, status, person.id))
        guest = None
        if index % 5 == 2:
            guest = rng.choice(("Ines Kowalski (auditor)", "Marc Dubois (cloud architect)"))
            h.attendance.append(
                Attendance(
                    self.new_id(), meeting.id, AttendanceStatus.PRESENT, None, guest, Side.PARTNER
                )
            )

        reviews = self._review_open_actions(meeting)
        late = sum(1 for r in reviews if r.status is ReviewStatus.LATE)

        items: list[MeetingItem] = []
        elapsed = 0
        for position, (title, kind, minutes) in enumerate(_AGENDA):
            seconds = int(minutes * 60 * rng.uniform(0.6, 1.35))
            elapsed += seconds
            lines = rng.sample(_NOTE_LINES[kind], k=min(2, len(_NOTE_LINES[kind])))
            notes = "\n".join(
                "- "
                + line.format(
                    prev=meeting.number - 1 or "zero",
                    late=late,
                    guest=guest or "A guest",
                    next=(meeting.scheduled_start + relativedelta(months=1)).strftime("%d %B"),
                )
                for line in lines
            )
            items.append(
                MeetingItem(
                    self.new_id(), meeting.id, position, title, kind, minutes, notes, seconds
                )
            )
        h.meeting_items.extend(items)

        self._raise_actions(meeting, present)
        decisions: list[Decision] = []
        for _ in range(rng.randrange(1, 4)):
            agreed = tuple(rng.choice([p for p in present if p.side is side]).id for side in Side)
            item = rng.choice(
                [
                    i
                    for i in items
                    if i.kind
                    in (
                        AgendaItemKind.DISCUSSION,
                        AgendaItemKind.DASHBOARD,
                        AgendaItemKind.INITIATIVES,
                    )
                ]
            )
            decisions.append(
                Decision(self.new_id(), meeting.id, rng.choice(_DECISIONS), item.id, agreed)
            )
        h.decisions.extend(decisions)
        self._progress(meeting)

        actual_start = meeting.scheduled_start + dt.timedelta(minutes=rng.randrange(0, 8))
        signed = Meeting(
            meeting.id,
            meeting.partnership_id,
            meeting.number,
            meeting.title,
            meeting.scheduled_start,
            meeting.location,
            meeting.facilitator_id,
            meeting.period,
            MeetingStatus.SIGNED,
            actual_start,
            actual_start + dt.timedelta(seconds=elapsed),
        )
        attendance = h.attendance[first_attendance:]
        digest = content_hash(meeting_record(signed, items, attendance, reviews, decisions))
        signed_at = (signed.actual_end or actual_start) + dt.timedelta(minutes=20)
        for side in Side:
            h.sign_offs.append(
                SignOff(
                    self.new_id(),
                    meeting.id,
                    self.signatory[side].id,
                    side,
                    signed_at + dt.timedelta(minutes=5 * (side is Side.PARTNER)),
                    digest,
                )
            )
        h.meetings.append(
            Meeting(
                signed.id,
                signed.partnership_id,
                signed.number,
                signed.title,
                signed.scheduled_start,
                signed.location,
                signed.facilitator_id,
                signed.period,
                signed.status,
                signed.actual_start,
                signed.actual_end,
                content_hash=digest,
                record_hash=digest,
            )
        )

    def _raise_actions(self, meeting: Meeting, present: list[Person]) -> list[_ActionPlan]:
        rng = self.rng
        raised: list[_ActionPlan] = []
        for _ in range(rng.choice((6, 7, 8, 8, 9, 9, 10, 11))):
            side = Side.PARTNER if rng.random() < 0.55 else Side.ENTERPRISE
            owner = rng.choice(self.by_side[side])
            templates = _ACTION_TITLES[side]
            start = templates.index(rng.choice(templates))
            n = rng.randrange(2, 6)
            # one commitment of a title per meeting: the next template when it is taken
            taken = {plan.action.title for plan in raised}
            for step in range(len(templates)):
                title = templates[(start + step) % len(templates)].format(
                    month=(meeting.date - relativedelta(months=1)).strftime("%B"),
                    quarter=(meeting.date.month - 1) // 3 + 1,
                    n=n,
                )
                if title not in taken:
                    break
            due = meeting.date + dt.timedelta(days=rng.randrange(14, 80))
            roll = min(0.999, rng.random() + self.partner.late_bias)
            fate = (
                "on_time"
                if roll < 0.52
                else "late"
                if roll < 0.72
                else "slipped"
                if roll < 0.86
                else "dropped"
                if roll < 0.93
                else "stalled"
            )
            if fate == "on_time":
                finish = due - dt.timedelta(days=rng.randrange(0, 12))
            elif fate == "late":
                finish = due + dt.timedelta(days=rng.randrange(3, 45))
            elif fate == "slipped":
                finish = due + dt.timedelta(days=rng.randrange(20, 50))
            else:
                finish = due + dt.timedelta(days=rng.randrange(20, 90))
            finish = max(finish, meeting.date + dt.timedelta(days=1))
            action = Action(
                self.new_id(),
                self.history.partnership.id,
                title,
                owner.id,
                side,
                due,
                meeting.id,
                meeting.date,
                due,
            )
            plan = _ActionPlan(action, fate, finish)
            self.history.actions.append(action)
            accountable = self.by_side[side][rng.randrange(0, 3)]
            consulted = rng.choice(self.by_side[side.other])
            # the other side's lead is kept informed of what is not theirs to consult on
            informed = next(p for p in self.by_side[side.other] if p != consulted)
            self.history.raci.extend(
                [
                    RaciAssignment(action.id, owner.id, RaciRole.RESPONSIBLE),
                    RaciAssignment(action.id, accountable.id, RaciRole.ACCOUNTABLE),
                    RaciAssignment(action.id, consulted.id, RaciRole.CONSULTED),
                    RaciAssignment(action.id, informed.id, RaciRole.INFORMED),
                ]
            )
            self.open_actions.append(plan)
            raised.append(plan)
        return raised

    def _review_open_actions(self, meeting: Meeting) -> list[ActionReview]:
        reviews: list[ActionReview] = []
        still_open: list[_ActionPlan] = []
        for plan in self.open_actions:
            review = plan.review_at(meeting, self.rng, self.new_id)
            reviews.append(review)
            if not review.status.closes:
                still_open.append(plan)
        self.open_actions = still_open
        self.history.reviews.extend(reviews)
        return reviews

    def _progress(self, meeting: Meeting) -> None:
        day = meeting.date.toordinal()
        for initiative, begin, target in self.initiative_plans:
            if day < begin:
                continue
            share = min(1.0, (day - begin) / max(1, target - begin))
            percent = round(100 * share * self.rng.uniform(0.85, 1.0))
            rag = (
                Rag.GREEN
                if percent >= 100 * share - 8
                else (Rag.AMBER if percent >= 100 * share - 14 else Rag.RED)
            )
            self.history.initiative_progress.append(
                InitiativeProgress(
                    self.new_id(),
                    initiative.id,
                    meeting.id,
                    min(percent, 100),
                    rag,
                    _progress_comment(rag),
                )
            )

    def _draft_next(self) -> None:
        h = self.history
        meeting, items = agenda.prepare_next(
            h.partnership.id,
            h.standing_agenda,
            h.meetings,
            self.facilitator.id,
            self.new_id,
            self.today,
        )
        h.meetings.append(meeting)
        h.meeting_items.extend(items)
        self._settle_actions()

    def _settle_actions(self) -> None:
        """Fold each action's reviews into its current due date and state."""
        h = self.history
        latest: dict[str, ActionReview] = {}
        due: dict[str, dt.date] = {}
        for review in h.reviews:
            latest[review.action_id] = review
            if review.new_due is not None:
                due[review.action_id] = review.new_due
        settled = []
        for action in h.actions:
            last = latest.get(action.id)
            state = ActionState.OPEN
            closed_in = closed_on = None
            if last is not None and last.status.closes:
                state = ActionState(last.status.value)
                closed_in, closed_on = last.meeting_id, last.completed_on or last.reviewed_on
            settled.append(
                Action(
                    action.id,
                    action.partnership_id,
                    action.title,
                    action.owner_id,
                    action.side,
                    action.original_due,
                    action.raised_in_id,
                    action.raised_on,
                    due.get(action.id, action.original_due),
                    state,
                    closed_in,
                    closed_on,
                )
            )
        h.actions = settled


@dataclass
class _ActionPlan:
    """How one demo action's story unfolds: its fate and the day its owner finishes it."""

    action: Action
    fate: str
    finish: dt.date
    due: dt.date | None = None
    slipped: bool = False

    def review_at(self, meeting: Meeting, rng: random.Random, new_id: IdSource) -> ActionReview:
        due = self.due or self.action.original_due
        day = meeting.date
        new_due = None
        comment = ""
        if self.fate == "dropped" and day > due:
            status, comment = ReviewStatus.DROPPED, "No longer needed after the re-plan."
        elif self.fate == "stalled" and day > due + dt.timedelta(days=STALLED_DAYS):
            # Nobody keeps a stalled promise open for ever: the room drops it in the end.
            status, comment = ReviewStatus.DROPPED, "Stalled for months: dropped by both sides."
        elif self.fate != "stalled" and self.finish <= day:
            status = ReviewStatus.DONE
            comment = "Completed." if self.finish <= due else "Completed after the due date."
        elif self.fate == "slipped" and not self.slipped and day >= due - dt.timedelta(days=10):
            self.slipped = True
            new_due = self.finish + dt.timedelta(days=rng.randrange(-5, 6))
            self.due = new_due
            status, comment = ReviewStatus.AT_RISK, "Dependency delayed: new date agreed."
        elif day > due:
            status, comment = ReviewStatus.LATE, "Behind plan; owner to recover."
        elif day >= due - dt.timedelta(days=10):
            status = ReviewStatus.AT_RISK
        else:
            status = ReviewStatus.ON_TRACK
        completed = self.finish if status is ReviewStatus.DONE else None
        return ActionReview(
            new_id(), self.action.id, meeting.id, status, comment, new_due, day, completed
        )


def _email(name: str, domain: str) -> str:
    ascii_name = {
        "Łukasz Nowak": "lukasz.nowak",
        "Ζωή Papadopoulou": "zoi.papadopoulou",
        "Дмитрий Смирнов": "dmitry.smirnov",
        "Emre Çelik": "emre.celik",
        "Grace O'Neill": "grace.oneill",
    }.get(name, name.lower().replace(" ", "."))
    return f"{ascii_name}@{domain}"


def _progress_comment(rag: Rag) -> str:
    return {
        Rag.GREEN: "On plan.",
        Rag.AMBER: "Slightly behind; recovery plan in place.",
        Rag.RED: "Off track: re-plan requested.",
    }[rag]
