"""Stable text ids (UUIDs), so that two partners' records can one day be merged."""

from __future__ import annotations

import random
import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def seeded_ids(rng: random.Random) -> IdSource:
    """Deterministic UUIDs drawn from `rng`: the demo gives the same ids for the same seed."""
    return IdSource(rng)


class IdSource:
    """A callable that returns a fresh UUID text drawn from its own random generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
