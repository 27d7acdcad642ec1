"""The schema, grown by ordered migrations (sqlite-utils' `Migrations`), each in one transaction.

A migration, once released, is never edited: a change to the schema is a new step at the end,
with a test of its own (tests/storage/test_migrations.py fails for a step without one).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "review-facilitator"
MIGRATIONS = Migrations(MIGRATION_SET)

# Tables whose rows belong to one meeting and freeze once it is signed.
MEETING_CHILD_TABLES = (
    "meeting_item",
    "attendance",
    "action_review",
    "decision",
    "initiative_progress",
    "sign_off",
)

_SIDE = "CHECK (side IN ('enterprise', 'partner'))"
_KINDS = (
    "'opening', 'action_review', 'dashboard', 'initiatives', "
    "'commitments', 'discussion', 'aob', 'closing'"
)

_INITIAL_SCHEMA = f"""
CREATE TABLE partnership (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE party (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    side TEXT NOT NULL {_SIDE},
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    UNIQUE (partnership_id, side)
);

CREATE TABLE person (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL,
    side TEXT NOT NULL {_SIDE},
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (partnership_id, side) REFERENCES party(partnership_id, side) ON DELETE CASCADE
);
CREATE INDEX person_by_partnership ON person(partnership_id, side, name);

CREATE TABLE standing_agenda_item (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    kind TEXT NOT NULL CHECK (kind IN ({_KINDS})),
    timebox_minutes INTEGER NOT NULL CHECK (timebox_minutes BETWEEN 1 AND 240)
);
CREATE INDEX standing_agenda_by_partnership ON standing_agenda_item(partnership_id, position);

CREATE TABLE meeting (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    scheduled_start TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    facilitator_id TEXT REFERENCES person(id) ON DELETE SET NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'live', 'closed', 'signed')),
    actual_start TEXT,
    actual_end TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    amends_id TEXT REFERENCES meeting(id) ON DELETE RESTRICT,
    content_hash TEXT,
    minutes_pdf BLOB,
    UNIQUE (partnership_id, number, revision)
);
CREATE INDEX meeting_by_date ON meeting(partnership_id, scheduled_start);

CREATE TABLE meeting_item (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({_KINDS})),
    timebox_minutes INTEGER NOT NULL CHECK (timebox_minutes BETWEEN 1 AND 240),
    notes TEXT NOT NULL DEFAULT '',
    actual_seconds INTEGER NOT NULL DEFAULT 0 CHECK (actual_seconds >= 0)
);
CREATE INDEX meeting_item_by_meeting ON meeting_item(meeting_id, position);

CREATE TABLE attendance (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'apologies', 'absent')),
    person_id TEXT REFERENCES person(id) ON DELETE RESTRICT,
    guest_name TEXT NOT NULL DEFAULT '',
    guest_side TEXT CHECK (guest_side IS NULL OR guest_side IN ('enterprise', 'partner')),
    CHECK ((person_id IS NULL) <> (guest_name = '')),
    UNIQUE (meeting_id, person_id)
);
CREATE INDEX attendance_by_meeting ON attendance(meeting_id);

CREATE TABLE action (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    owner_id TEXT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
    side TEXT NOT NULL {_SIDE},
    original_due TEXT NOT NULL,
    raised_in_id TEXT REFERENCES meeting(id) ON DELETE RESTRICT,
    raised_on TEXT NOT NULL,
    current_due TEXT,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'dropped')),
    closed_in_id TEXT REFERENCES meeting(id) ON DELETE RESTRICT,
    closed_on TEXT
);
CREATE INDEX action_by_partnership ON action(partnership_id, state, side);
CREATE INDEX action_by_due ON action(partnership_id, current_due);
CREATE INDEX action_by_owner ON action(owner_id);
CREATE INDEX action_by_raised_in ON action(raised_in_id);
CREATE INDEX action_by_closed_in ON action(closed_in_id);

CREATE TABLE action_raci (
    action_id TEXT NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
    role TEXT NOT NULL CHECK (role IN ('responsible', 'accountable', 'consulted', 'informed')),
    PRIMARY KEY (action_id, person_id, role)
);
CREATE INDEX action_raci_by_person ON action_raci(person_id);

CREATE TABLE action_review (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    status TEXT NOT NULL
        CHECK (status IN ('done', 'on_track', 'at_risk', 'late', 'dropped')),
    comment TEXT NOT NULL DEFAULT '',
    new_due TEXT,
    reviewed_on TEXT,
    completed_on TEXT,
    UNIQUE (action_id, meeting_id)
);
CREATE INDEX action_review_by_meeting ON action_review(meeting_id);

CREATE TABLE decision (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    item_id TEXT REFERENCES meeting_item(id) ON DELETE SET NULL,
    agreed_by TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX decision_by_meeting ON decision(meeting_id);

CREATE TABLE kpi (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    unit TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    owner_side TEXT NOT NULL CHECK (owner_side IN ('enterprise', 'partner')),
    category TEXT NOT NULL
        CHECK (category IN ('service', 'delivery', 'commercial', 'satisfaction'))
);
CREATE UNIQUE INDEX kpi_name ON kpi(partnership_id, name COLLATE NOCASE);

CREATE TABLE kpi_target (
    id TEXT PRIMARY KEY,
    kpi_id TEXT NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
    effective_from TEXT NOT NULL,
    target REAL NOT NULL,
    amber REAL NOT NULL,
    red REAL NOT NULL,
    UNIQUE (kpi_id, effective_from)
);

CREATE TABLE reading (
    id TEXT PRIMARY KEY,
    kpi_id TEXT NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    entered_by TEXT CHECK (entered_by IS NULL OR entered_by IN ('enterprise', 'partner')),
    confirmation TEXT NOT NULL DEFAULT 'confirmed'
        CHECK (confirmation IN ('confirmed', 'to_be_confirmed', 'disputed')),
    UNIQUE (kpi_id, period)
);
CREATE INDEX reading_by_period ON reading(period);

CREATE TABLE initiative (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    owner_side TEXT NOT NULL CHECK (owner_side IN ('enterprise', 'partner')),
    sponsor_id TEXT REFERENCES person(id) ON DELETE SET NULL,
    start_date TEXT NOT NULL,
    target_date TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE milestone (
    id TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX milestone_by_initiative ON milestone(initiative_id, due);

CREATE TABLE initiative_progress (
    id TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    percent_complete INTEGER NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    rag TEXT NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    comment TEXT NOT NULL DEFAULT '',
    UNIQUE (initiative_id, meeting_id)
);
CREATE INDEX initiative_progress_by_meeting ON initiative_progress(meeting_id);

CREATE TABLE sign_off (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
    side TEXT NOT NULL {_SIDE},
    signed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    UNIQUE (meeting_id, side)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    meeting_id TEXT,
    changed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_entity ON audit_log(entity, entity_id, at);
"""

_SIGNED = "RAISE(ABORT, 'signed meeting: its record cannot change')"


def _frozen_child_triggers(table: str) -> str:
    """Triggers that refuse any change to `table`'s rows of a signed meeting."""
    return f"""
CREATE TRIGGER {table}_signed_no_insert BEFORE INSERT ON {table}
WHEN (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER {table}_signed_no_update BEFORE UPDATE ON {table}
WHEN (SELECT status FROM meeting WHERE id = OLD.meeting_id) = 'signed'
  OR (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER {table}_signed_no_delete BEFORE DELETE ON {table}
WHEN (SELECT status FROM meeting WHERE id = OLD.meeting_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
"""


def _frozen_meeting_triggers() -> str:
    """Triggers that make a signed meeting's rows refuse change, whoever runs the SQL."""
    parts = [
        f"""
CREATE TRIGGER meeting_signed_no_update BEFORE UPDATE ON meeting
WHEN OLD.status = 'signed' BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER meeting_signed_no_delete BEFORE DELETE ON meeting
WHEN OLD.status = 'signed' BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER action_signed_no_update
BEFORE UPDATE OF title, owner_id, side, original_due, raised_in_id, raised_on ON action
WHEN (SELECT status FROM meeting WHERE id = OLD.raised_in_id) = 'signed'
 AND (NEW.title IS NOT OLD.title OR NEW.owner_id IS NOT OLD.owner_id
      OR NEW.side IS NOT OLD.side OR NEW.original_due IS NOT OLD.original_due
      OR NEW.raised_in_id IS NOT OLD.raised_in_id OR NEW.raised_on IS NOT OLD.raised_on)
BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER action_signed_no_insert BEFORE INSERT ON action
WHEN (SELECT status FROM meeting WHERE id = NEW.raised_in_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER action_signed_no_move BEFORE UPDATE OF raised_in_id ON action
WHEN NEW.raised_in_id IS NOT OLD.raised_in_id
 AND (SELECT status FROM meeting WHERE id = NEW.raised_in_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
CREATE TRIGGER action_signed_no_delete BEFORE DELETE ON action
WHEN (SELECT status FROM meeting WHERE id = OLD.raised_in_id) = 'signed'
BEGIN SELECT {_SIGNED}; END;
"""
    ]
    parts += [_frozen_child_triggers(table) for table in MEETING_CHILD_TABLES]
    return "".join(parts)


def _run_script(db: Database, script: str) -> None:
    """Run each statement of `script` inside the migration's open transaction."""
    for statement in _statements(script):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    import sqlite3

    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


@MIGRATIONS(name="0001_initial_schema")
def initial_schema(db: Database) -> None:
    """Every table of DESIGN.md, with foreign keys, indexes and the signed-meeting triggers."""
    _run_script(db, _INITIAL_SCHEMA)
    _run_script(db, _frozen_meeting_triggers())


_READING_REVIEWS_AND_SIGNATURES = f"""
CREATE TABLE reading_review (
    id TEXT PRIMARY KEY,
    reading_id TEXT NOT NULL REFERENCES reading(id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    side TEXT NOT NULL {_SIDE},
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'disputed')),
    comment TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT NOT NULL,
    CHECK (verdict = 'confirmed' OR length(trim(comment)) > 0)
);
CREATE INDEX reading_review_by_reading ON reading_review(reading_id, reviewed_at);
CREATE INDEX reading_review_by_meeting ON reading_review(meeting_id);

CREATE TABLE signatory_certificate (
    fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
    person_id TEXT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
    side TEXT NOT NULL {_SIDE},
    certificate_pem TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX signatory_certificate_by_person ON signatory_certificate(person_id);

ALTER TABLE sign_off ADD COLUMN certificate_fingerprint TEXT
    REFERENCES signatory_certificate(fingerprint) ON DELETE RESTRICT;
ALTER TABLE meeting ADD COLUMN minutes_sha256 TEXT;
ALTER TABLE meeting ADD COLUMN record_hash TEXT;
"""


@MIGRATIONS(name="0002_reading_reviews_and_signatures")
def reading_reviews_and_signatures(db: Database) -> None:
    """Confirmations and disputes of readings per meeting; signatories' certificates; the
    fingerprint each sign-off signed with; the SHA-256 of a signed meeting's stored PDF and of
    its frozen rows (to notice a file edited below SQLite)."""
    _run_script(db, _READING_REVIEWS_AND_SIGNATURES)
    _run_script(db, _frozen_child_triggers("reading_review"))


_SIGNING_AUTHORITIES = f"""
CREATE TABLE signing_authority (
    fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
    partnership_id TEXT NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    side TEXT NOT NULL {_SIDE},
    certificate_pem TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX signing_authority_by_partnership ON signing_authority(partnership_id);
"""


@MIGRATIONS(name="0003_signing_authorities")
def signing_authorities(db: Database) -> None:
    """A side's company certificate authority, registered instead of single certificates."""
    _run_script(db, _SIGNING_AUTHORITIES)


_PARTNER_UPDATES = """
CREATE TABLE received_workbook (
    workbook_id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    received_at TEXT NOT NULL,
    file_sha256 TEXT NOT NULL UNIQUE CHECK (length(file_sha256) = 64)
);
CREATE INDEX received_workbook_by_meeting ON received_workbook(meeting_id);
"""


@MIGRATIONS(name="0004_partner_updates")
def partner_updates(db: Database) -> None:
    """The partner's update workbooks (and CSV files) already received, by workbook id and by
    the file's SHA-256: a second copy of one is recognised and refused."""
    _run_script(db, _PARTNER_UPDATES)


_RAG_RULE = "update 0005: green only when the target is met"


@MIGRATIONS(name="0005_rag_from_target")
def rag_from_target(db: Database) -> None:
    """Green means the target is met. The amber threshold, which let a reading that missed
    its target count as green, is retired: every reading whose colour this changes is first
    listed in the audit log (entity "reading", field "rag", old and new colour), then the
    column goes. The rule is written out here, as it stood, so that this step never changes."""
    import datetime as dt

    now = dt.datetime.now().isoformat(timespec="seconds")
    directions = dict(db.execute("SELECT id, direction FROM kpi").fetchall())
    targets: dict[str, list[tuple[str, float, float, float]]] = {}
    for kpi_id, start, target, amber, red in db.execute(
        "SELECT kpi_id, effective_from, target, amber, red FROM kpi_target ORDER BY effective_from"
    ).fetchall():
        targets.setdefault(kpi_id, []).append((start, target, amber, red))

    def colour(value: float, higher: bool, green_from: float, red_below: float) -> str:
        def at_least(a: float, b: float) -> bool:
            return a >= b if higher else a <= b

        if at_least(value, green_from):
            return "green"
        return "amber" if at_least(value, red_below) else "red"

    readings = db.execute("SELECT id, kpi_id, period, value FROM reading ORDER BY period, id")
    for reading_id, kpi_id, period, value in readings.fetchall():
        in_force = [t for t in targets.get(kpi_id, []) if t[0] <= period]
        if not in_force:
            continue
        _, target, amber, red = in_force[-1]
        higher = directions[kpi_id] == "higher"
        before = colour(value, higher, amber, red)
        after = colour(value, higher, target, red)
        if before != after:
            db.execute(
                "INSERT INTO audit_log (at, entity, entity_id, field, old, new, meeting_id, "
                "changed_by) VALUES (?, 'reading', ?, 'rag', ?, ?, NULL, ?)",
                [now, reading_id, before, after, _RAG_RULE],
            )
    db.execute("ALTER TABLE kpi_target DROP COLUMN amber")


def colour_changes(db: Database) -> list[tuple[str, str, str, str, str]]:
    """What 0005_rag_from_target changed: each reading's KPI, period, value, old and new
    colour, from the audit log."""
    return [
        (name, period, f"{value:g}", old, new)
        for name, period, value, old, new in db.execute(
            "SELECT k.name, r.period, r.value, a.old, a.new FROM audit_log a "
            "JOIN reading r ON r.id = a.entity_id JOIN kpi k ON k.id = r.kpi_id "
            "WHERE a.entity = 'reading' AND a.field = 'rag' AND a.changed_by = ? "
            "ORDER BY k.name, r.period",
            [_RAG_RULE],
        ).fetchall()
    ]


# What the search index folds beyond FTS5's unicode61 (a copy, frozen with this step, of
# core.search.FOLDS as it stood; tests/storage/test_migrations.py checks they agree).
_SEARCH_FOLDS = (
    ("Ł", "L"), ("ł", "l"), ("Ø", "O"), ("ø", "o"), ("Đ", "D"), ("đ", "d"), ("ı", "i"),
    ("ß", "ss"), ("Æ", "AE"), ("æ", "ae"), ("Œ", "OE"), ("œ", "oe"),
    ("ά", "α"), ("έ", "ε"), ("ή", "η"), ("ί", "ι"), ("ό", "ο"), ("ύ", "υ"), ("ώ", "ω"),
)  # fmt: skip
# Each searched table: the index's name and the columns it indexes.
SEARCHED = {
    "meeting_item": ("search_note", ("title", "notes")),
    "decision": ("search_decision", ("text",)),
    "action": ("search_action", ("title",)),
    "action_review": ("search_review", ("comment",)),
    "reading": ("search_reading", ("comment",)),
    "reading_review": ("search_dispute", ("comment",)),
    "initiative": ("search_initiative", ("name", "description")),
    "milestone": ("search_milestone", ("title",)),
}


def _folded(expression: str) -> str:
    """`expression` with the letters of _SEARCH_FOLDS replaced, in SQL any connection runs."""
    for letter, plain in _SEARCH_FOLDS:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


@MIGRATIONS(name="0006_search")
def search(db: Database) -> None:
    """Full-text search over notes, decisions, actions, review comments, KPI notes, disputes,
    initiatives and milestones: an FTS5 index per table, external-content over a view of the
    table's folded text (search_*_text), kept by triggers, and filled once here."""
    tokenizer = "unicode61 remove_diacritics 2"
    for table, (index, columns) in SEARCHED.items():
        view = f"{index}_text"
        folded = ", ".join(f"{_folded(c)} AS {c}" for c in columns)
        db.execute(f"CREATE VIEW {view} AS SELECT rowid AS row_key, {folded} FROM {table}")
        db.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(columns)}, "
            f"content='{view}', content_rowid='row_key', tokenize='{tokenizer}')"
        )
        new = ", ".join(_folded(f"new.{c}") for c in columns)
        old = ", ".join(_folded(f"old.{c}") for c in columns)
        names = ", ".join(columns)
        add = f"INSERT INTO {index}(rowid, {names}) VALUES (new.rowid, {new});"
        remove = (
            f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.rowid, {old});"
        )
        db.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END")
        db.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END")
        db.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
            f"BEGIN {remove} {add} END"
        )
        db.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


@MIGRATIONS(name="0007_comment_only_reviews")
def comment_only_reviews(db: Database) -> None:
    """A meeting's comment on an action without a judgement of it: action_review's status may
    be 'noted'. SQLite cannot change a CHECK in place: the table is made anew with its rows,
    index and triggers (the signed-meeting ones and the search index's), which the copy keeps
    as they were; the search index is rebuilt, since the copy's rowids are new."""
    triggers = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'action_review'"
        ).fetchall()
    ]
    table_sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'action_review'"
    ).fetchone()[0]
    statuses = "CHECK (status IN ('done', 'on_track', 'at_risk', 'late', 'dropped'))"
    if statuses not in table_sql:
        raise RuntimeError("action_review is not as 0001 made it: refusing to rebuild it")
    new_sql = table_sql.replace(
        "CREATE TABLE action_review", "CREATE TABLE action_review_new", 1
    ).replace(statuses, statuses.replace("'dropped'", "'dropped', 'noted'"), 1)
    db.execute("DROP VIEW search_review_text")
    db.execute(new_sql)
    db.execute("INSERT INTO action_review_new SELECT * FROM action_review")
    db.execute("DROP TABLE action_review")
    db.execute("ALTER TABLE action_review_new RENAME TO action_review")
    db.execute("CREATE INDEX action_review_by_meeting ON action_review(meeting_id)")
    for sql in triggers:
        db.execute(sql)
    db.execute(
        f"CREATE VIEW search_review_text AS SELECT rowid AS row_key, "
        f"{_folded('comment')} AS comment FROM action_review"
    )
    db.execute("INSERT INTO search_review(search_review) VALUES ('rebuild')")


def rebuild_search(db: Database) -> None:
    """Index every searched table anew: after a VACUUM, which may renumber the rowids the
    indexes refer to."""
    for index, _ in SEARCHED.values():
        db.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def known_migrations() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]
