"""What a user's action changed, announced by the operations layer to every view.

A view refreshes from this value alone (Anki's OpChanges): it asks whether the kinds it shows
are among those changed, and no screen refreshes another by hand. Flags combine: an operation
that changes two kinds of record announces both at once.
"""

from __future__ import annotations

import enum


class Change(enum.Flag):
    """The kinds of record an operation changed."""

    PARTNERSHIP = enum.auto()  # the partnership itself, its parties
    PEOPLE = enum.auto()
    AGENDA = enum.auto()  # the standing agenda
    MEETINGS = enum.auto()  # a meeting's schedule, status or items
    ATTENDANCE = enum.auto()
    DECISIONS = enum.auto()
    REVIEWS = enum.auto()  # action reviews in a meeting
    ACTIONS = enum.auto()  # commitments: actions raised, their RACI
    KPIS = enum.auto()  # KPI definitions and targets
    READINGS = enum.auto()  # readings and their confirmations or disputes
    INITIATIVES = enum.auto()
    MINUTES = enum.auto()  # sign-offs; a meeting signed
    FILE = enum.auto()  # the whole file: restored from a backup, another file opened

    @property
    def words(self) -> str:
        """The kinds by name, for logs and crash reports ("readings, kpis")."""
        return ", ".join((member.name or "").lower() for member in self)
