"""Figures a page reads as scalar queries, so that one page can ask several read models' worth
of them in a single statement (the coordinator's home asks for its counts, its goals and its
check-in weeks alongside its meeting counts) while each read model still reads alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from .extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Figures(Generic[T]):  # noqa: UP046 (Python 3.11)
    queries: tuple[sa.Select, ...]  # each selects one value
    build: Callable[[Sequence[Any]], T]  # the read model, from their values in order

    def read(self) -> T:
        """The read model alone: one statement."""
        return self.build(db.session.execute(sa.select(*self.columns())).one())

    def columns(self) -> list[sa.ScalarSelect]:
        return [query.scalar_subquery() for query in self.queries]


def built(values: Sequence[Any], *figures: Figures) -> list:
    """Each of ``figures``' read models from ``values``, their queries' values in order."""
    models, start = [], 0
    for figure in figures:
        models.append(figure.build(values[start : start + len(figure.queries)]))
        start += len(figure.queries)
    return models


def queries_of(*figures: Figures) -> list[sa.Select]:
    return [query for figure in figures for query in figure.queries]
