"""Write to a database through the app's session, as fast as it goes, reporting each write.

Run by tests/reliability/test_concurrency.py, two at a time on the same file:
`writer_run.py DB NAME ITEM_INDEXES COUNT` opens the file as the app does, then alternates
notes on its own agenda items, reviews of its own actions and new commitments, printing one
JSON line per acknowledged write (`{"key": ..., "value": ...}`), flushed.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.errors import ReviewError  # noqa: E402
from core.model import ReviewStatus  # noqa: E402
from core.register import ActionFilter  # noqa: E402
from ui.session import Session  # noqa: E402


def main(db: Path, name: str, item_indexes: list[int], count: int) -> None:
    session = Session.open(db)
    meeting = session.next_meeting()
    assert meeting is not None
    items = [session.items(meeting.id)[i] for i in item_indexes]
    actions = [
        row.action
        for row in session.action_rows(ActionFilter(open_at_meeting_id=meeting.id))
        if (row.action.id < "8") == (name == "first")  # each writer reviews its own half
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


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], [int(i) for i in sys.argv[3].split(",")], int(sys.argv[4]))
