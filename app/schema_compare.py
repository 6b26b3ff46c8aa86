"""What Alembic's autogenerate compares of the models and the database (``flask db migrate``
and ``tests/web/test_migrations.py``).

SQLite's reflection drops an index column's ``DESC``, so autogenerate there would report an
index with a sorted column as changed on every run. Such indexes are left out of its
comparison on SQLite only; the migrations test compares their columns and orders itself.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.sql.elements import UnaryExpression

from .queue import TABLE_PREFIX


def not_a_queue_table(name, type_, _parent_names) -> bool:
    """The queue's own tables (PostgreSQL storage) are Huey's, not migrated."""
    return not (type_ == "table" and name.startswith(f"{TABLE_PREFIX}_"))


def sorted_indexes(metadata: sa.MetaData) -> dict[str, sa.Index]:
    """The indexes with a column in descending order, by name."""
    return {
        index.name: index
        for table in metadata.tables.values()
        for index in table.indexes
        if any(isinstance(part, UnaryExpression) for part in index.expressions)
    }


def include_object_for(dialect_name: str, metadata: sa.MetaData) -> Callable[..., bool]:
    """Alembic's ``include_object``: everything but, on SQLite, the sorted indexes."""
    skipped = set(sorted_indexes(metadata)) if dialect_name == "sqlite" else set()

    def include_object(_object, name, type_, _reflected, _compare_to) -> bool:
        return not (type_ == "index" and name in skipped)

    return include_object
