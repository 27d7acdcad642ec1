"""Exporting the minutes, and signing them, each against its floor.

Export: a closed meeting of the demo with 60 reviewed actions and 16 KPIs. The app's path is
what `export-minutes` and the preview run: read the meeting from the database, build the
minutes document, render the PDF, attach its JSON and add the two signature fields. The floor
builds the same tables and charts with reportlab from the minutes already in memory (the same
flowables: `render_minutes` on the built document), so the ratio is the app's cost over
reportlab's own.

Signing: the app's `core.signatures.sign` of the prepared PDF (one side's signature, with its
visible stamp) against pyHanko's `sign_pdf` on the same bytes with the same key, field and
stamp: what signing adds over the signature's own cost.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

from benchmarks.harness import Benchmark, Context, Result, compare, timed

EXPORT = "export the minutes"
SIGN = "sign the minutes (one side)"
EXPORT_GOAL = 1.2
SIGN_GOAL = 1.2
REVIEWED = 60
KPIS = 16


def closed_meeting(ctx: Context, reviewed: int, kpis: int) -> tuple[Path, str]:
    """A copy of the demo whose draft meeting was held: `reviewed` open actions reviewed, the
    partnership at `kpis` KPIs, the meeting ended."""
    from core import lifecycle
    from core.ids import new_id
    from core.model import (
        Action,
        ActionReview,
        ActionState,
        Attendance,
        AttendanceStatus,
        Direction,
        Kpi,
        KpiCategory,
        KpiTarget,
        MeetingStatus,
        ReviewStatus,
        Side,
    )
    from storage import repository
    from storage.database import open_database
    from storage.kpis import add_kpi
    from storage.repository import writes

    path = ctx.work / f"minutes-{reviewed}x{kpis}.db"
    path.unlink(missing_ok=True)
    shutil.copy(ctx.demo(4), path)
    db = open_database(path, automatic_backups=False)
    try:
        pid = repository.partnerships(db)[0].id
        meeting = next(m for m in repository.meetings(db, pid) if m.status is MeetingStatus.DRAFT)
        for person in repository.people(db, pid):
            repository.set_attendance(
                db, Attendance(new_id(), meeting.id, AttendanceStatus.PRESENT, person.id)
            )
        open_actions = [a for a in repository.actions(db, pid) if a.state is ActionState.OPEN]
        people = repository.people(db, pid)
        extra = [
            Action(
                new_id(),
                pid,
                f"Benchmark action {index + 1}: restate the runbook for the batch window",
                people[index % len(people)].id,
                people[index % len(people)].side,
                meeting.date - dt.timedelta(days=index % 20),
                None,
                meeting.date - dt.timedelta(days=60),
            )
            for index in range(max(0, reviewed - len(open_actions)))
        ]
        with writes(db):
            repository.insert(db, extra)
        open_actions += extra
        statuses = [ReviewStatus.ON_TRACK, ReviewStatus.AT_RISK, ReviewStatus.LATE]
        for index, action in enumerate(open_actions[:reviewed]):
            late = statuses[index % 3] is ReviewStatus.LATE
            repository.record_review(
                db,
                ActionReview(
                    new_id(),
                    action.id,
                    meeting.id,
                    statuses[index % 3],
                    "Reviewed in the room" if index % 2 else "",
                    meeting.date + dt.timedelta(days=30) if late else None,
                    meeting.date,
                ),
            )
        existing = len(repository.kpis(db, pid))
        for index in range(existing, kpis):
            kpi = Kpi(
                new_id(),
                pid,
                f"Benchmark KPI {index + 1}",
                "%",
                Direction.HIGHER_IS_BETTER,
                Side.PARTNER,
                KpiCategory.SERVICE,
            )
            add_kpi(db, kpi, KpiTarget(new_id(), kpi.id, "2020-01", 99.0, 97.0), by="bench")
        started = lifecycle.start(meeting, meeting.scheduled_start)
        repository.update_meeting(db, started)
        repository.update_meeting(
            db, lifecycle.close(started, meeting.scheduled_start + dt.timedelta(minutes=95))
        )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path, meeting.id
    finally:
        db.close()


def run_export(ctx: Context, reviewed: int, kpis: int) -> Result:
    from core.minutes import build_minutes, content_hash
    from core.pdf import render_minutes
    from storage.database import open_database
    from storage.minutes import minutes_source
    from storage.sign_off import minutes_pdf

    path, meeting_id = closed_meeting(ctx, reviewed, kpis)
    db = open_database(path, automatic_backups=False)
    try:
        minutes = build_minutes(minutes_source(db, meeting_id))
        digest = content_hash(minutes)
        assert len(minutes.action_review) >= min(reviewed, 20), "too few reviews to measure"

        def app() -> float:
            return timed(lambda: minutes_pdf(db, meeting_id))

        def floor() -> float:
            return timed(lambda: render_minutes(minutes, digest))

        return compare(
            EXPORT,
            app,
            floor,
            EXPORT_GOAL,
            pairs=ctx.pairs,
            warmup=ctx.warmup,
            detail=f"{len(minutes.action_review)} reviewed actions, {len(minutes.dashboard)} KPIs",
        )
    finally:
        db.close()
        path.unlink(missing_ok=True)


def run_sign(ctx: Context) -> Result:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from core.signatures import _field_size, _stamp_style, create_identity, load_identity, sign
    from storage.database import open_database
    from storage.minutes import latest_with_minutes
    from storage.sign_off import current_minutes, unsigned_pdf

    passphrase = "benchmark passphrase"
    identity = load_identity(
        create_identity("Alice Martin", "alice@example.org", "enterprise", "E", passphrase),
        passphrase,
    )
    db = open_database(ctx.demo(1), automatic_backups=False)
    try:
        minutes, digest = current_minutes(db, latest_with_minutes(db).id)
    finally:
        db.close()
    prepared = unsigned_pdf(minutes, digest)
    reason = f"Approves the minutes (SHA-256 {digest})"

    def app() -> float:
        return timed(lambda: sign(prepared, identity, "enterprise", reason=reason))

    def floor() -> float:
        def bare() -> None:
            writer = IncrementalPdfFileWriter(io.BytesIO(prepared))
            meta = signers.PdfSignatureMetadata(
                field_name="enterprise", reason=reason, md_algorithm="sha256"
            )
            # the same appearance as the app's (name, side, time, fingerprint in DejaVu)
            size = _field_size(writer.prev, "enterprise")
            style = _stamp_style(identity, "enterprise", dt.datetime.now(dt.UTC), size)
            signer = signers.PdfSigner(meta, identity._signer, stamp_style=style)
            signer.sign_pdf(writer, existing_fields_only=True, output=io.BytesIO())

        return timed(bare)

    return compare(
        SIGN,
        app,
        floor,
        SIGN_GOAL,
        pairs=ctx.pairs,
        warmup=ctx.warmup,
        detail=f"{len(prepared) // 1024} KiB PDF",
    )


def _export(ctx: Context) -> list[Result]:
    return [run_export(ctx, 12 if ctx.quick else REVIEWED, KPIS)]


def _sign(ctx: Context) -> list[Result]:
    return [run_sign(ctx)]


BENCHMARKS = (
    Benchmark("minutes-export", run=_export),
    Benchmark("minutes-sign", run=_sign),
)
