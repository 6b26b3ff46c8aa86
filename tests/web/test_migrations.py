"""The migrations build exactly the schema the models describe (what ``flask db migrate`` would
find is nothing)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.sql.elements import UnaryExpression

from app.extensions import db
from app.schema_compare import include_object_for, not_a_queue_table, sorted_indexes


def test_models_and_migrations_agree(app) -> None:
    """The test database was built by the migrations (tests/conftest.py); compare it with the
    models the way autogenerate does, types included."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_name": not_a_queue_table,
                "include_object": include_object_for(connection.dialect.name, db.metadata),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], (
        "The models and the migrations differ; run `flask db migrate -m ...`, review the "
        "migration and commit it:\n" + "\n".join(map(str, differences))
    )


def test_sorted_indexes_keep_their_columns_and_order(app) -> None:
    """What the comparison above cannot see on SQLite (its reflection drops ``DESC``): each
    index with a descending column has the model's columns in the model's orders."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's reflection keeps the order: the comparison sees it")
        for name, index in sorted_indexes(db.metadata).items():
            built = [
                (column, bool(desc))
                for _seq, _cid, column, desc, _coll, key in connection.exec_driver_sql(
                    f"PRAGMA index_xinfo({name})"
                )
                if key
            ]
            wanted = [
                (part.element.name, True)
                if isinstance(part, UnaryExpression)
                else (part.name, False)
                for part in index.expressions
            ]
            assert built == wanted, name
    assert sorted_indexes(db.metadata), "no sorted index left: this test checks nothing"


def test_migrations_are_a_single_line() -> None:
    """One head: two people's migrations from the same parent must be merged."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import app as app_package

    migrations = Path(app_package.__file__).resolve().parent.parent / "migrations"
    config = Config(str(migrations / "alembic.ini"))
    config.set_main_option("script_location", str(migrations))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"


def test_the_comparison_sees_a_missing_column(app) -> None:
    """Guard for the test above: a model change the migrations lack is reported."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["users"].append_column(sa.Column("nickname", sa.String(40)))
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": not_a_queue_table,
                "include_object": include_object_for(connection.dialect.name, metadata),
            },
        )
        differences = compare_metadata(context, metadata)
    assert [d[0] for d in differences] == ["add_column"]
    assert differences[0][2] == "users" and differences[0][3].name == "nickname"
