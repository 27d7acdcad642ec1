"""What an automatic backup holds, to choose one by: when and why it was taken, and its latest
meeting. Storage reads it from the backup; the restore dialog shows `describe`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

# Why a backup was taken, as its file name says, in words.
REASONS = {
    "daily": "first opening of the day",
    "before-migration": "before an update of the file",
    "meeting-ended": "when a meeting ended",
    "signed": "when minutes were signed",
    "minutes-imported": "when signed minutes were imported",
}


@dataclasses.dataclass(frozen=True)
class BackupContents:
    """A backup: when and why it was taken, how many meetings it holds, and its latest
    meeting held (number, title, day and status), or None when it holds no meeting."""

    path: Path
    taken: dt.datetime | None
    reason: str
    meetings: int
    latest: tuple[int, str, dt.date, str] | None

    def describe(self) -> str:
        """Two lines: when and why; the latest meeting it holds."""
        when = f"{self.taken:%a %d %b %Y, %H:%M}" if self.taken else self.path.name
        why = REASONS.get(self.reason, self.reason)
        line = f"{when}  ·  {why}" if why else when
        if self.latest is None:
            return f"{line}\n    no meeting yet"
        number, title, day, status = self.latest
        return f"{line}\n    latest meeting: {number}, {title} ({day:%d %b %Y}, {status})"
