"""Several short lists read in one statement.

A page that shows many small things (a home's notices, goals, next meeting, kudos...) would
otherwise send a statement for each, and most of its time goes into SQLAlchemy building,
executing and reading each one rather than into the database. ``Lists`` sends them as one
``UNION ALL``: each list keeps its own SELECT, written by the module that owns its subject, with
its own filter, order and limit; it gets columns of its own in the union (typed NULLs in the
other lists' rows), and every row says which list it belongs to and where it stands in that
list's order. The answer splits the rows back into one list of named rows per SELECT.

Build it once, at import, with ``sa.bindparam`` for whatever changes per request, and run it
with the values: the statement and its compiled form are then made once per process. Lists
share a parameter by giving it the same name (``user_id`` means the same person everywhere).

SQLAlchemy finds a statement's compiled SQL by its cache key, a tuple describing the whole
statement, hashed again on every execution; a home's union runs to thousands of elements. A
``Lists`` never changes once built, so it runs under a key of its own, a serial number
(``_keyed_alone``): the mentee's home took 2.6 % fewer instructions per request.
"""

from __future__ import annotations

from collections import namedtuple
from itertools import count

import sqlalchemy as sa
from sqlalchemy.sql.lambdas import StatementLambdaElement

from .extensions import db

LIST, RANK = "list_no", "list_rank"
_serials = count()


def _keyed_alone(statement: sa.Executable) -> StatementLambdaElement:
    """``statement`` run as is, found in the compiled cache by a serial number of its own: a
    lambda statement tracking no variables (nothing is extracted from it per call; the values
    still go in as parameters). Each call makes a new key: only for a statement built once."""
    return sa.lambda_stmt(
        lambda: statement, track_closure_variables=False, track_on=[next(_serials)]
    )


def _places(selects: list[sa.Select]) -> tuple[list[sa.types.TypeEngine], list[list[int]]]:
    """The union's column types, and for each SELECT the union's column of each of its own:
    lists share columns of the same type (a list's n-th column of a type takes the union's
    n-th column of that type), so the union is only as wide as its widest list needs."""
    types: list[sa.types.TypeEngine] = []
    places = []
    for select in selects:
        mine: list[int] = []
        for column in select.selected_columns:
            key = repr(column.type)
            free = (n for n, t in enumerate(types) if repr(t) == key and n not in mine)
            place = next(free, len(types))
            if place == len(types):
                types.append(column.type)
            mine.append(place)
        places.append(mine)
    return types, places


class Lists:
    """Named SELECTs read together: ``run(**values)`` answers ``{name: [row, ...]}``, each
    list in its SELECT's own order (a SELECT without ORDER BY: in any order)."""

    def __init__(self, **selects: sa.Select) -> None:
        self.names = list(selects)
        self._rows = [
            namedtuple(name, [c.key for c in select.selected_columns], rename=True)  # noqa: PYI024
            for name, select in selects.items()
        ]
        types, places = _places(list(selects.values()))
        branches = []
        for number, (select, mine) in enumerate(zip(selects.values(), places, strict=True)):
            ranked = select.add_columns(
                sa.func.row_number().over(order_by=select._order_by_clauses).label(RANK)
            ).subquery(f"list_{number}")
            own = dict(zip(mine, ranked.c, strict=False))  # the rank, last, left out
            branches.append(
                sa.select(
                    sa.literal_column(str(number)).label(LIST),
                    ranked.c[RANK],
                    *(
                        own.get(n, sa.cast(sa.null(), type_)).label(f"c{n}")
                        for n, type_ in enumerate(types)
                    ),
                )
            )
        self.statement = sa.union_all(*branches).order_by(
            sa.literal_column(LIST), sa.literal_column(RANK)
        )
        self._columns = [[2 + place for place in mine] for mine in places]
        self._runnable = _keyed_alone(self.statement)

    def run(self, **values) -> dict[str, list[tuple]]:
        found: dict[str, list[tuple]] = {name: [] for name in self.names}
        for row in db.session.execute(self._runnable, values):
            number = row[0]
            own = [row[column] for column in self._columns[number]]
            found[self.names[number]].append(self._rows[number]._make(own))
        return found
