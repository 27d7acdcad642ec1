"""The minutes PDF reads back: every section, person and action, page numbers, hash, sign-off."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from core.minutes import (
    AccountabilityEntry,
    AgendaEntry,
    Attendee,
    Commitment,
    DecisionEntry,
    DisputeEntry,
    Header,
    InitiativeEntry,
    KpiEntry,
    MilestoneEntry,
    Minutes,
    RaciEntry,
    ReviewedAction,
    SideAttendance,
    SignOffEntry,
)
from core.pdf import RenderedMinutes, markdown_flowables, render_minutes

HASH = hashlib.sha256(b"the minutes of meeting 24").hexdigest()
CREATED = dt.datetime(2026, 11, 4, 9, 30, tzinfo=dt.UTC)
SECTIONS = (
    "1 Attendance",
    "2 Agenda",
    "3 Notes",
    "4 Action review",
    "5 New commitments",
    "6 Decisions",
    "7 Dashboard",
    "Red and amber KPIs over time",
    "8 KPI disputes",
    "9 Initiatives",
    "10 Accountability record",
    "11 Sign-off",
)
MONTHS = tuple(f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(12))


# --- realistic minutes ------------------------------------------------------------------


def _header(**changes: object) -> Header:
    header = Header(
        partnership="Halden Mutual Insurance – Brightline IT Services",
        enterprise="Halden Mutual Insurance",
        partner="Brightline IT Services",
        number=24,
        revision=1,
        amends_revision=None,
        title="Partnership review November 2026",
        date="2026-11-03",
        period="2026-10",
        planned_start="2026-11-03T10:00",
        planned_end="2026-11-03T11:35",
        actual_start="2026-11-03T10:01",
        actual_end="2026-11-03T11:34",
        location="Halden House, Board Room 3",
        facilitator="Tom Whitfield",
    )
    return replace(header, **changes)  # type: ignore[arg-type]


def _attendance() -> tuple[SideAttendance, ...]:
    return (
        SideAttendance(
            side="enterprise",
            party="Halden Mutual Insurance",
            present=(
                Attendee("Margaret Okafor", "Chief Information Officer"),
                Attendee("Tom Whitfield", "PMO Lead"),
                Attendee("Łukasz Nowak", "Head of Vendor Management"),
                Attendee("Ζωή Papadopoulou", "Service Owner, Claims Platforms"),
            ),
            apologies=(Attendee("Helen Achterberg", "Information Security Officer"),),
            absent=(),
            guests=("Ingrid Baptiste (independent)",),
        ),
        SideAttendance(
            side="partner",
            party="Brightline IT Services",
            present=(
                Attendee("Emre Çelik", "Head of Infrastructure Operations"),
                Attendee("Дмитрий Соколов", "Service Delivery Manager"),
                Attendee("Sophie Marchand", "Delivery Director"),
            ),
            apologies=(),
            absent=(Attendee("Nadia Haddad", "Security Operations Lead"),),
            guests=(),
        ),
    )


def _kpi(name: str, rag: str, index: int = 0) -> KpiEntry:
    history = tuple((period, 90.0 + ((i * 7 + index) % 9)) for i, period in enumerate(MONTHS))
    targets = tuple((p, 95.0 if i < 6 else 96.5) for i, (p, _) in enumerate(history))
    value = {"red": 88.5, "amber": 94.0, "green": 97.5}[rag]
    return KpiEntry(
        name=name,
        unit="%",
        category="service",
        owner_side="partner" if index % 2 else "enterprise",
        direction="higher",
        target=96.5,
        red=90.0,
        bands="green ≥ 96.5% · amber ≥ 90% · red < 90%",
        value=value,
        rag=rag,
        previous_value=history[-2][1],
        trend="down" if index % 3 else "up",
        improved=bool(index % 3 == 0),
        confirmation=("confirmed", "to_be_confirmed", "disputed")[index % 3],
        comment="Weekend outage in the payments gateway." if index == 1 else "",
        history=(*history[:-1], (history[-1][0], value)),
        targets=targets,
    )


def _unrated_kpi(name: str) -> KpiEntry:
    """A KPI without a target or a reading yet."""
    return KpiEntry(
        name=name,
        unit="count",
        category="commercial",
        owner_side="enterprise",
        direction="lower",
        target=None,
        red=None,
        bands="",
        value=None,
        rag=None,
        previous_value=None,
        trend="none",
        improved=None,
        confirmation=None,
        comment="",
        history=(),
        targets=(),
    )


def _action(number: int, *, side: str = "partner", closed: bool = False) -> ReviewedAction:
    slips = number % 3
    return ReviewedAction(
        title=f"Action {number:02d}: review the monitoring thresholds for service line {number}",
        owner=("Emre Çelik", "Дмитрий Соколов", "Łukasz Nowak", "Ζωή Papadopoulou")[number % 4],
        side=side,
        raised=f"Meeting {20 + number % 4}",
        original_due="2026-10-07",
        due="2026-11-03" if slips else "2026-10-07",
        status="done" if closed else ("on_track", "at_risk", "late")[number % 3],
        comment="Dependency delayed: new date agreed with both sides." if number % 5 == 0 else "",
        new_due="2026-12-19" if number % 7 == 0 else None,
        slips=slips,
        closed=closed,
    )


def _accountability() -> tuple[AccountabilityEntry, ...]:
    return tuple(
        AccountabilityEntry(
            side=side,
            party="Halden Mutual Insurance" if side == "enterprise" else "Brightline IT Services",
            window_meetings=window,
            due=window * 3,
            done_on_time=window * 2,
            say_do_pct=66.7,
            on_time_pct=None if window == 3 and side == "partner" else 77.3,
            open_overdue=1,
            mean_slip_days=4.2,
            dropped=0,
        )
        for window in (3, 6, 12)
        for side in ("enterprise", "partner")
    )


def small_minutes() -> Minutes:
    """One ordinary meeting: a few of everything, names in four scripts."""
    return Minutes(
        header=_header(),
        attendance=_attendance(),
        agenda=(
            AgendaEntry(1, "Welcome and minutes of last meeting", "opening", 5, 4, "- Quorum."),
            AgendaEntry(
                2,
                "Operational performance dashboard",
                "dashboard",
                20,
                27,
                "# Availability\n- **Availability** held above target.\n"
                "- Backlog *trending down* for the third month.\n\n"
                "1. Restore the weekend cover\n2. Report back next month",
            ),
            AgendaEntry(3, "Any other business", "aob", 5, 5, ""),
        ),
        action_review=(
            _action(1, side="enterprise"),
            _action(2, side="enterprise", closed=True),
            _action(3),
            _action(5, closed=True),
            _action(7),
        ),
        commitments=(
            Commitment(
                "Book the joint security workshop",
                "Helen Achterberg",
                "enterprise",
                "2026-12-03",
                (
                    RaciEntry("accountable", "Margaret Okafor"),
                    RaciEntry("consulted", "Дмитрий Соколов"),
                    RaciEntry("responsible", "Helen Achterberg"),
                    RaciEntry("informed", "Łukasz Nowak"),
                ),
                True,
            ),
        ),
        decisions=(
            DecisionEntry(
                "D-2026-11-01",
                "Retire the legacy reporting server by the end of the quarter.",
                "Operational performance dashboard",
                ("Emre Çelik", "Łukasz Nowak"),
            ),
        ),
        dashboard=(
            _kpi("Core platform availability", "red", 0),
            _kpi("SLA attainment", "amber", 1),
            _kpi("Change success rate", "green", 2),
            _unrated_kpi("New KPI without target"),
        ),
        disputes=(
            DisputeEntry(
                kpi="SLA attainment",
                period="2026-10",
                value=94.0,
                side="enterprise",
                verdict="disputed",
                comment="Two tickets were counted twice.",
                at="2026-11-03T10:40",
                in_this_meeting=True,
                resolved=False,
            ),
        ),
        initiatives=(
            InitiativeEntry(
                name="Security operations uplift",
                owner_side="partner",
                sponsor="Sophie Marchand",
                start="2025-07-08",
                target_date="2027-07-03",
                percent_complete=61,
                rag="amber",
                comment="Recruitment behind plan.",
                milestones_due=(MilestoneEntry("24x7 SOC cover", "2026-11-20", None),),
                previous_percent=48,
                previous_rag="green",
            ),
            InitiativeEntry(
                name="Claims platform rebuild",
                owner_side="enterprise",
                sponsor="Ζωή Papadopoulou",
                start="2025-01-17",
                target_date="2027-03-21",
                percent_complete=None,
                rag=None,
                comment="",
                milestones_due=(),
                previous_percent=None,
                previous_rag=None,
            ),
        ),
        accountability=_accountability(),
    )


LONG_NOTE = "\n".join(
    [
        "# Discussion",
        "The partner presented the **quarterly service review**; the enterprise asked for "
        "*weekly* figures until the trend recovers. " * 12,
        "",
        *(f"- Point {i}: agreed that the runbook covers case {i} & escalation." for i in range(25)),
        "  - a nested remark under the last point",
        "",
        "1. first",
        "1. second",
        "1. third",
    ]
)


def large_minutes() -> Minutes:
    """A heavy meeting: 60 reviewed actions, 16 KPIs (8 red or amber), long notes."""
    small = small_minutes()
    rags = ["red", "amber"] * 4 + ["green"] * 8
    return replace(
        small,
        agenda=tuple(
            AgendaEntry(i, f"Agenda item {i}", "discussion", 10, 9 + i % 4, LONG_NOTE)
            for i in range(1, 9)
        ),
        action_review=tuple(
            _action(i, side="enterprise" if i % 2 else "partner", closed=i % 4 == 0)
            for i in range(1, 61)
        ),
        commitments=small.commitments * 12,
        decisions=small.decisions * 6,
        dashboard=tuple(_kpi(f"KPI number {i:02d}", rag, i) for i, rag in enumerate(rags)),
    )


# --- reading back -----------------------------------------------------------------------


def _pages(rendered: RenderedMinutes) -> list[str]:
    reader = PdfReader(io.BytesIO(rendered.pdf))
    return [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def small() -> RenderedMinutes:
    return render_minutes(small_minutes(), HASH, created=CREATED)


@pytest.fixture(scope="module")
def large() -> RenderedMinutes:
    return render_minutes(large_minutes(), HASH, created=CREATED)


def test_every_section_heading_and_person_reads_back(small: RenderedMinutes) -> None:
    """Each section is there, in order, and every attendee's name extracts as typed."""
    text = _flat(" ".join(_pages(small)))
    positions = [text.find(title) for title in SECTIONS]
    assert -1 not in positions, [t for t, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    for side in small_minutes().attendance:
        for person in side.present + side.apologies + side.absent:
            assert person.name in text
        for guest in side.guests:
            assert guest in text
    for name in ("Łukasz Nowak", "Emre Çelik", "Ζωή Papadopoulou", "Дмитрий Соколов"):
        assert name in text


def test_the_header_says_what_meeting_and_revision(small: RenderedMinutes) -> None:
    first = _flat(_pages(small)[0])
    assert "Meeting 24 — Partnership review November 2026" in first
    assert "Revision 1" in first
    assert "Tuesday 3 November 2026" in first
    amended = render_minutes(
        replace(small_minutes(), header=_header(revision=2, amends_revision=1)), HASH
    )
    assert "Revision 2, amending revision 1" in _flat(_pages(amended)[0])


def test_every_page_is_numbered_and_the_last_carries_the_full_hash(
    small: RenderedMinutes,
) -> None:
    pages = _pages(small)
    assert small.pages == len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Content SHA-256:" in text
    assert HASH in pages[-1].replace("\n", "")
    assert sum(HASH in _flat(page) for page in pages) >= 1


def test_the_sign_off_block_prints_the_hash_and_names_the_attachment(
    small: RenderedMinutes,
) -> None:
    last = _flat(_pages(small)[-1])
    sign_off = last[last.index("Sign-off") :]
    assert HASH in sign_off
    assert "JSON is attached to this PDF" in sign_off
    assert "SHA-256 is the content hash" in sign_off


def test_metadata_and_outline(small: RenderedMinutes) -> None:
    reader = PdfReader(io.BytesIO(small.pdf))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Minutes of meeting 24: Partnership review November 2026"
    assert meta.author == "Halden Mutual Insurance – Brightline IT Services"
    assert meta.subject == "Minutes of meeting 24"
    assert meta.creator == "Review Facilitator"
    assert meta.creation_date is not None
    assert meta.creation_date.astimezone(dt.UTC) == CREATED
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    assert [str(item.title) for item in top] == [
        f"{number}. {title}"
        for number, title in enumerate(
            [s.split(" ", 1)[1] for s in SECTIONS if s[0].isdigit()], start=1
        )
    ]
    notes = outline[outline.index(top[2]) + 1]
    assert isinstance(notes, list)
    assert [str(n.title) for n in notes if not isinstance(n, list)] == [
        "1. Welcome and minutes of last meeting",
        "2. Operational performance dashboard",
        "3. Any other business",
    ]
    # Each bookmark leads to the page its section's heading is on.
    pages = [_flat(text) for text in _pages(small)]
    for item, heading in zip(top, [s for s in SECTIONS if s[0].isdigit()], strict=True):
        page = reader.get_destination_page_number(item)
        assert page is not None
        assert heading in pages[page]


def test_the_last_page_carries_one_full_hash_only() -> None:
    """A sign-off that approved other minutes shows that hash shortened, not as a second one."""
    minutes = replace(
        small_minutes(),
        sign_offs=(
            SignOffEntry(
                "enterprise", "Halden", "Łukasz Nowak", "Head", "2026-11-04T09:12", HASH, None
            ),
            SignOffEntry(
                "partner", "Brightline", "Emre Çelik", "Ops", "2026-11-04T10:00", "0" * 64, None
            ),
        ),
    )
    last = _flat(_pages(render_minutes(minutes, HASH))[-1])
    assert set(re.findall(r"\b[0-9a-f]{64}\b", last)) == {HASH}
    assert "Signed by Łukasz Nowak, Head at 2026-11-04 09:12" in last
    assert "Approved another content hash: 00000000…00000000" in last


def test_signature_boxes_sit_apart_on_the_last_page(small: RenderedMinutes) -> None:
    reader = PdfReader(io.BytesIO(small.pdf))
    width, height = float(reader.pages[-1].mediabox.width), float(reader.pages[-1].mediabox.height)
    boxes = {b.field_name: b for b in small.signature_boxes}
    assert list(boxes) == ["enterprise", "partner"]
    for box in boxes.values():
        x1, y1, x2, y2 = box.box
        assert box.page == small.pages - 1
        assert 0 < x1 < x2 < width
        assert 0 < y1 < y2 < height
        assert x2 - x1 > 150
        assert y2 - y1 > 40
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = boxes["enterprise"].box, boxes["partner"].box
    assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1


def test_a_large_meeting_lists_every_action_and_repeats_table_headers(
    large: RenderedMinutes,
) -> None:
    pages = [_flat(p) for p in _pages(large)]
    text = " ".join(pages)
    for action in large_minutes().action_review:
        assert action.title in text
    assert f"Page 1 of {large.pages}" in pages[0]
    assert f"Page {large.pages} of {large.pages}" in pages[-1]
    assert HASH in pages[-1]
    # The action review spans pages; each page it continues on repeats its header row.
    action_pages = [i for i, page in enumerate(pages) if "Action 0" in page or "Action 5" in page]
    assert len(action_pages) > 1
    for index in action_pages[1:]:
        assert "Owner" in pages[index] and "New due" in pages[index]
    assert all(b.page == large.pages - 1 for b in large.signature_boxes)


def _bare_minutes() -> Minutes:
    """A meeting where nothing was recorded beyond who came."""
    return replace(
        small_minutes(),
        agenda=(),
        action_review=(),
        commitments=(),
        decisions=(),
        dashboard=(),
        disputes=(),
        initiatives=(),
        accountability=(),
    )


def test_empty_sections_say_so() -> None:
    text = _flat(" ".join(_pages(render_minutes(_bare_minutes(), HASH))))
    for sentence in (
        "No agenda was recorded.",
        "No actions were reviewed.",
        "No new commitments were made.",
        "No decisions were recorded.",
        "No KPIs were reported for this period.",
        "No KPI reading was disputed or reviewed.",
        "No initiatives were reported.",
        "No accountability record is available yet.",
    ):
        assert sentence in text


@pytest.mark.parametrize(
    "notes",
    [
        "a <b is not a tag & neither is <i> or </b> here",
        "**unbalanced bold and *unbalanced italic",
        "**bold *crossed** italic*",
        "x" * 10_000,
        ("word " * 2_000).strip(),
        "- " + "y" * 10_000,
        "# \n- \n1. \n*\n**\n***\n---\n```\ncode & <tags>\n```",
        "control \x00\x07 characters and a lone surrogate \ud800 and tabs\tand 中文",
        "<para><font color='red'>injected</font></para> &amp; &lt;",
    ],
)
def test_markdown_edge_cases_render(notes: str) -> None:
    """No note the user can type breaks the PDF; what they typed is printed, escaped."""
    minutes = replace(
        _bare_minutes(), agenda=(AgendaEntry(1, "Edge <case> & more", "discussion", 5, 5, notes),)
    )
    text = _flat(" ".join(_pages(render_minutes(minutes, HASH))))
    assert "Edge <case> & more" in text
    if notes.startswith("a <b"):
        assert "a <b is not a tag & neither is <i> or </b> here" in text
    if notes.startswith("<para>"):
        assert "<para><font color='red'>injected</font></para> &amp; &lt;" in text


def test_a_comment_taller_than_a_page_still_renders() -> None:
    """A table row too tall for a page splits rather than failing the whole document."""
    minutes = replace(
        _bare_minutes(),
        action_review=(replace(_action(1), comment="A very long comment. " * 400),),
    )
    rendered = render_minutes(minutes, HASH)
    assert rendered.pages > 2
    assert HASH in _flat(_pages(rendered)[-1])


def test_markdown_keeps_lists_bold_and_italics() -> None:
    flowables = markdown_flowables(
        "# Title\nSome **bold** and *italic*.\n\n- one\n  - two\n3. three"
    )
    texts = [f.getPlainText() for f in flowables]
    assert texts == ["Title", "Some bold and italic.", "one", "two", "three"]
    fonts = {frag.fontName for frag in flowables[1].frags}
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"} <= fonts
    assert [f.bulletText for f in flowables[2:]] == ["•", "◦", "3."]
    assert flowables[3].style.leftIndent > flowables[2].style.leftIndent


def test_invariant_output_is_byte_identical() -> None:
    minutes = small_minutes()
    first = render_minutes(minutes, HASH, invariant=True)
    second = render_minutes(minutes, HASH, invariant=True)
    assert first.pdf == second.pdf
    assert first.signature_boxes == second.signature_boxes


def test_the_agenda_prints_when_each_item_was_planned_to_start(small: RenderedMinutes) -> None:
    """From the planned start (10:00) and the timeboxes before each item: 10:00, 10:05, 10:25."""
    text = _flat(" ".join(_pages(small)))
    agenda = text[text.index("2 Agenda") : text.index("3 Notes")]
    assert "Starts" in agenda
    for start in ("10:00", "10:05", "10:25"):
        assert start in agenda, start
