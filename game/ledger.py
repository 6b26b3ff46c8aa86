"""The reference ledger: append-only rows keyed for idempotence, kept in memory.

It behaves as the database table must: a row whose key is already present is skipped
(insert-or-ignore); a reversal must name an existing award of the same user, negate it exactly
and be the only reversal of it; nothing is ever edited or deleted. A batch is checked whole
before any row is written, as a transaction would be. The property tests run the rules against
it, and ``flask game rebuild`` replays the recorded facts into it to know which rows should
exist. It keeps small indexes as rows arrive, so answering ``view_for`` costs the same for a
million rows as for ten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from game.events import CheckIn, Event, MeetingHeld, MilestoneConfirmed, MilestoneSentBack
from game.keys import milestone_key, milestone_reversal_key
from game.points import Award, Entry, LedgerView, Reason, Reversal
from game.streaks import StreakState


class LedgerError(ValueError):
    """A row that would break the ledger's rules; nothing of its batch is written."""


class Ledger:
    def __init__(self, rows: Iterable[Entry] = ()) -> None:
        self._rows: dict[str, Entry] = {}
        self._balances: dict[int, int] = {}
        self._reversed: set[str] = set()
        self._comebacks: set[tuple[int, int | None]] = set()  # (user, program) paid one
        self._meetings: Counter[tuple[int, object]] = Counter()  # (user, week) -> awards
        self._standing: Counter[int | None] = Counter()  # goal -> unreversed milestone awards
        self.apply(rows)

    def apply(self, entries: Iterable[Entry]) -> tuple[Entry, ...]:
        """Write the rows whose keys are new; returns them (what is worth celebrating)."""
        staged: dict[str, Entry] = {}
        staged_targets: set[str] = set()  # awards reversed by this batch
        for entry in entries:
            if entry.key in self._rows or entry.key in staged:
                continue
            if isinstance(entry, Reversal):
                self._check_reversal(entry, staged, staged_targets)
                staged_targets.add(entry.target_key)
            staged[entry.key] = entry
        for entry in staged.values():
            self._rows[entry.key] = entry
            self._balances[entry.user_id] = self.balance(entry.user_id) + entry.amount
            self._index(entry)
        return tuple(staged.values())

    def _index(self, entry: Entry) -> None:
        if isinstance(entry, Reversal):
            self._reversed.add(entry.target_key)
            target = self._rows[entry.target_key]
            if target.reason is Reason.MILESTONE:
                self._standing[target.goal_id] -= 1
        elif entry.reason is Reason.COMEBACK:
            self._comebacks.add((entry.user_id, entry.program_id))
        elif entry.reason is Reason.MEETING:
            self._meetings[entry.user_id, entry.week] += 1
        elif entry.reason is Reason.MILESTONE:
            self._standing[entry.goal_id] += 1

    def _check_reversal(
        self, reversal: Reversal, staged: dict[str, Entry], staged_targets: set[str]
    ) -> None:
        target = self._rows.get(reversal.target_key) or staged.get(reversal.target_key)
        if not isinstance(target, Award):
            raise LedgerError(f"{reversal.key}: no award {reversal.target_key} to reverse")
        if target.user_id != reversal.user_id or target.amount != -reversal.amount:
            raise LedgerError(f"{reversal.key} does not negate {target.key} exactly")
        if target.key in self._reversed or target.key in staged_targets:
            raise LedgerError(f"{target.key} is already reversed")

    def balance(self, user_id: int) -> int:
        return self._balances.get(user_id, 0)

    def balances(self) -> Mapping[int, int]:
        """Every user's total; ``Ledger(stored_rows).balances()`` is what a rebuild must match."""
        return MappingProxyType(self._balances)

    def rows(self) -> tuple[Entry, ...]:
        """Every row in the order it was written."""
        return tuple(self._rows.values())

    def get(self, key: str) -> Entry | None:
        return self._rows.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def view_for(self, event: Event, streak: StreakState | None = None) -> LedgerView:
        """The view ``decide`` needs, answered from these rows as the app answers it by query."""
        match event:
            case CheckIn():
                return LedgerView(
                    comeback_paid_in_program=(event.user_id, event.program_id) in self._comebacks,
                    streak=streak,
                )
            case MeetingHeld():
                return LedgerView(
                    meeting_awards_in_week={
                        user: self._meetings[user, event.week] for user in event.participant_ids
                    }
                )
            case MilestoneConfirmed() | MilestoneSentBack():
                reversals = 0
                while milestone_reversal_key(event.milestone_id, reversals + 1) in self._rows:
                    reversals += 1
                standing = self._rows.get(milestone_key(event.milestone_id, reversals + 1))
                return LedgerView(
                    milestone_awards_in_goal=self._standing[event.goal_id],
                    milestone_reversals=reversals,
                    standing_milestone_amount=None if standing is None else standing.amount,
                )
        return LedgerView()
