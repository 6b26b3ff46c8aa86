"""``local_week(instant, zone)``: the ISO week key (``2026-W49``, ``WeekKey``'s stored form) of a
stored UTC instant on the calendar of a time zone, in SQL.

A week counted in a program's zone (a resolution's day against a mentee's low weeks) can then
be compared in a query, by the keys' text order, without reading the rows into Python.
PostgreSQL converts with its own zone database; SQLite has none, so the app registers
``waypoint_local_week`` on each of its connections (``register``), computed by ``game.weeks``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from game.weeks import local_date, week_of

SQLITE_NAME = "waypoint_local_week"


class local_week(GenericFunction):  # noqa: N801 (an SQL function's name)
    type = sa.String()
    inherit_cache = True


@compiles(local_week, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    return f"{SQLITE_NAME}({compiler.process(element.clauses, **kw)})"


@compiles(local_week, "postgresql")
def _postgresql(element, compiler, **kw) -> str:
    instant, zone = element.clauses
    return (
        f"to_char(timezone({compiler.process(zone, **kw)}, "
        f"timezone('UTC', {compiler.process(instant, **kw)})), 'IYYY-\"W\"IW')"
    )


def _week_key(stored: str | None, zone: str) -> str | None:
    """SQLite's twin: ``stored`` is a naive UTC instant as SQLAlchemy writes it."""
    if stored is None:
        return None
    instant = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return str(week_of(local_date(instant, zone)))


def register(dbapi_connection) -> None:
    dbapi_connection.create_function(SQLITE_NAME, 2, _week_key, deterministic=True)
