"""PostgreSQL: a request that only read ends its transaction with COMMIT, so that the statements
it ran stay prepared on the connection for the next request.

psycopg prepares a statement on the server once a connection has run it five times, and then
PostgreSQL plans it once instead of on every run (the mentee home's one statement of short lists
took 1.7 ms to plan and 1.1 ms to run). But ``Connection.rollback()`` forgets every prepared
statement and every count, since a rollback may undo what they were prepared against, and every
request ends in a rollback (the session is closed; views never commit). Nothing was ever
prepared.

A transaction that ran only plain ``SELECT`` statements changed nothing, so COMMIT and ROLLBACK
end it alike. Here, just before SQLAlchemy rolls such a transaction back, the driver commits it;
the rollback then finds no transaction and keeps the prepared statements. Any other statement
(a write, a savepoint, ``SELECT … FOR UPDATE``), or a transaction already failed, leaves the
rollback as it was: nothing written is ever committed here.
"""

from __future__ import annotations

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_ONLY_READ = "waypoint_postgres_only_read"


def keep_prepared_statements(engine: Engine) -> None:
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _note_statement)
    event.listen(engine, "rollback", _commit_if_only_read)


def _begin(connection: Connection) -> None:
    connection.info[_ONLY_READ] = True


def _note_statement(connection, _cursor, statement: str, _parameters, context, _many) -> None:
    if connection.info.get(_ONLY_READ) and not _is_plain_read(statement, context):
        connection.info[_ONLY_READ] = False


def _is_plain_read(statement: str, context) -> bool:
    """A ``SELECT`` that locks no rows."""
    return statement.lstrip()[:6].upper() == "SELECT" and not locks_rows(context)


def locks_rows(context) -> bool:
    """Whether the statement is a ``SELECT … FOR UPDATE`` (or ``FOR SHARE``)."""
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


def _commit_if_only_read(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    if (
        connection.info.pop(_ONLY_READ, False)
        and driver.info.transaction_status == TransactionStatus.INTRANS
    ):
        driver.commit()
