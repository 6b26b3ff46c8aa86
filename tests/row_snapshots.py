"""Rows that many tests start from, built once and written back whole for the next test.

The ``world`` and the access matrix's probe rows take dozens of ORM inserts and commits each:
most of a short web test's time. A ``Snapshots`` builds them once, reads every table back,
and gives later tests the same rows in one INSERT per table, with the same ids and the same
returned value. It only does so when that is what building them would give:

- the tables hold exactly what the snapshot started from: nothing was written since the test
  began (for the world: the tables are then empty, as every test leaves them), or since the
  snapshot it builds on was written back (for the probe rows: the bare world);
- the clock reads the same: pinned to the same instant, or, on the real clock, the same day
  and at most ``FRESH_SECONDS`` later (no more than a slow test's own build lags behind).

Otherwise the rows are built as usual. Every statement through SQLAlchemy counts as a write
but plain reads, whichever engine sends it.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app import clock
from app.extensions import db

FRESH_SECONDS = 20
_READS = ("SELECT", "PRAGMA", "SHOW", "BEGIN", "COMMIT", "ROLLBACK", "RELEASE", "SAVEPOINT")


@dataclass
class _Saved:
    moment: object
    taken: float
    rows: dict[str, list[dict]]
    value: Any
    base: _Saved | None


class Snapshots:
    def __init__(self) -> None:
        self._saved: dict[str, _Saved] = {}
        self._writes = 0
        self._state: tuple[_Saved | None, int] = (None, 0)
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement: str, *_args) -> None:
        if not statement.lstrip()[:9].upper().startswith(_READS):
            self._writes += 1

    def test_starts(self) -> None:
        """Call once the tables are empty, before the test's own fixtures write anything."""
        self._state = (None, self._writes)

    def build(self, name: str, make: Callable[[], Any], on: str | None = None) -> Any:
        """``make()``'s value, from the snapshot ``name`` when it may be written back, else
        by calling it (and keeping its rows for next time). ``on`` names the snapshot that
        ``make`` builds on (it must be in place, untouched), or None for empty tables."""
        base = self._saved.get(on) if on else None
        current, writes = self._state
        untouched = writes == self._writes and current is base and (on is None or base)
        if not untouched:
            return make()
        saved = self._saved.get(name)
        if saved is not None and saved.base is base and self._fresh(saved):
            self._write_back(saved, replacing=base)
            return copy.deepcopy(saved.value)
        value = make()
        saved = _Saved(self._moment(), time.monotonic(), self._read(), copy.deepcopy(value), base)
        self._saved[name] = saved
        self._state = (saved, self._writes)
        return value

    @staticmethod
    def _moment() -> object:
        return clock._fixed or clock.utcnow().date()

    def _fresh(self, saved: _Saved) -> bool:
        if saved.moment != self._moment():
            return False
        return clock._fixed is not None or time.monotonic() - saved.taken <= FRESH_SECONDS

    @staticmethod
    def _read() -> dict[str, list[dict]]:
        rows = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                found = connection.execute(sa.select(table)).mappings().all()
                if found:
                    rows[table.name] = [dict(row) for row in found]
        return rows

    def _write_back(self, saved: _Saved, replacing: _Saved | None) -> None:
        with db.engine.begin() as connection:
            if replacing is not None:
                tables = db.metadata.sorted_tables
                delete_rows(connection, [t for t in tables if t.name in replacing.rows])
            for table in db.metadata.sorted_tables:
                if table.name in saved.rows:
                    connection.execute(table.insert(), saved.rows[table.name])
        self._state = (saved, self._writes)


def delete_rows(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Empty ``tables`` (in foreign key order), on PostgreSQL in one round trip to the server:
    per test that is one wait instead of one per table."""
    tables = list(reversed(tables))
    if connection.dialect.name == "postgresql":
        statements = (str(table.delete().compile(connection)) for table in tables)
        connection.exec_driver_sql("; ".join(statements))
        return
    for table in tables:
        connection.execute(table.delete())
