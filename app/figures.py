"""Figures a page reads as scalar queries, so that one page can ask several read models' worth
of them in a single statement (the coordinator's home asks for its counts, its goals and its
check-in weeks alongside its meeting counts) while each read model still reads alone.

Each read model's queries are built once, at import, with ``sa.bindparam`` for whatever
changes per visit (a program's id, its week keys), and so is each statement that reads them:
a visit only binds values. Building a statement costs SQLAlchemy far more than the database
takes to answer a handful of summary rows. A parameter's name means the same thing in every
read model (``program_id`` is the program's id everywhere), so read models asked together
share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from .extensions import db

T = TypeVar("T")


class Figures:
    """Scalar queries (each selects one value) read in one statement, built once. ``of``
    joins several read models' figures into one statement."""

    def __init__(self, *queries: sa.Select) -> None:
        self.queries = queries
        self.statement = sa.select(*(query.scalar_subquery() for query in queries))

    @classmethod
    def of(cls, *figures: Figures) -> Figures:
        return cls(*(query for part in figures for query in part.queries))

    def read(self, *asked: Asked) -> list:
        """The read model of each of ``asked``, whose figures are these queries in order."""
        if sum(len(each.figures.queries) for each in asked) != len(self.queries):
            raise ValueError("the figures asked are not the figures of this statement")
        params: dict[str, Any] = {}
        for each in asked:
            params.update(each.params)
        values = db.session.execute(self.statement, params).one()
        models, start = [], 0
        for each in asked:
            end = start + len(each.figures.queries)
            models.append(each.build(values[start:end]))
            start = end
        return models


@dataclass(frozen=True)
class Asked(Generic[T]):  # noqa: UP046 (Python 3.11)
    """One visit's ask of a read model's ``figures``: the values of their parameters, and how
    to build the read model from the figures' values in order."""

    figures: Figures
    params: Mapping[str, Any]
    build: Callable[[Sequence[Any]], T]

    def read(self) -> T:
        """The read model alone: one statement."""
        return self.figures.read(self)[0]
