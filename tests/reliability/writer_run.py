"""Write to a database through the app's session, as fast as it goes, reporting each write.

Run by tests/reliability/test_concurrency.py, two at a time on the same file:
`writer_run.py DB NAME INDEX TOTAL ITEM_INDEXES COUNT` opens the file as the command line
does (no claim to be its one window), then alternates notes on its own agenda items, reviews
of its own share of the actions (INDEX of TOTAL) and new commitments, printing one JSON line
per acknowledged write (`{"key": ..., "value": ...}`), flushed. It leaves as the app does,
without tearing the interpreter down.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.errors import ReviewError  # noqa: E402
from core.model import ReviewStatus  # noqa: E402
from core.register import ActionFilter  # noqa: E402
from storage import repository  # noqa: E402
from storage.database import open_database  # noqa: E402
from ui.session import Session  # noqa: E402


def main(db: Path, name: str, index: int, total: int, item_indexes: list[int], count: int) -> None:
    # Opened as the command line opens it: a program sharing the file on purpose, not a
    # second window (that one only reads: test_concurrency.py).
    found = open_database(db)
    session = Session(found, db, repository.partnerships(found)[0].id)
    meeting = session.next_meeting()
    assert meeting is not None
    items = [session.items(meeting.id)[i] for i in item_indexes]
    actions = [
        row.action
        for row in session.action_rows(ActionFilter(open_at_meeting_id=meeting.id))
        if int(row.action.id[0], 16) % total == index  # each writer reviews its own share
    ]
    people = session.people()
    rng = random.Random(name)
    notes = {item.id: item.notes for item in items}
    for n in range(count):
        choice = n % 3
        try:
            if choice == 0:
                item = rng.choice(items)
                notes[item.id] = f"{notes[item.id]} {name}-{n}".strip()
                session.save_notes(item.id, notes[item.id])
                ack = (f"notes:{item.id}", notes[item.id])
            elif choice == 1 and actions:
                action = rng.choice(actions)
                status = rng.choice(list(ReviewStatus))
                session.review_action(meeting.id, action.id, status)
                ack = (f"review:{action.id}", status.value)
            else:
                title = f"Commitment {name} {n}"
                owner = rng.choice(people)
                session.add_commitment(
                    meeting.id, title, owner, meeting.date.replace(year=meeting.date.year + 1)
                )
                ack = (f"commitment:{title}", 1)
        except ReviewError as error:
            print(json.dumps({"refused": error.message}), flush=True)
            continue
        print(json.dumps({"key": ack[0], "value": ack[1]}), flush=True)
    session.close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    db, name, index, total, items, count = sys.argv[1:7]
    main(Path(db), name, int(index), int(total), [int(i) for i in items.split(",")], int(count))
