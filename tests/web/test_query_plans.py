"""No page reads a whole table that grows with the program.

For each role of the world, every GET row of the access matrix that the role may open (its
outcome is 200) is fetched, plain and as htmx; each SQL statement the page sends is captured
with its parameters and put through SQLite's ``EXPLAIN QUERY PLAN``. The test fails, naming the
page, the statement and the plan line, on any step that reads every row of a growing table:

- ``SCAN <table>``: a full table scan;
- ``SCAN <table> USING [COVERING] INDEX <ix>``: a walk of the whole index. It avoids a sort or
  the table's rows, but still reads one entry per row of the table, so it grows with the
  program exactly as a table scan does, and counts as one;
- ``SEARCH <table> USING AUTOMATIC [COVERING] INDEX``: SQLite builds a throwaway index for the
  statement, reading the whole table each time: the index it wanted is missing;
- ``SEARCH <table> USING INDEX ix (status=?)``: a search keyed only by columns of a few values
  (``FEW_VALUES``: status, role, kind...) reads every row in that state, in every program,
  a fixed share of the table.

It also fails on a statement that compares a bound value with a column a partial index is
filtered on (``meetings.status = ?``): SQLite then prepares the statement again on every run,
in case the value lets it use the index. Such a constant is written into the SQL instead.

``SEARCH <table> USING INDEX ... (col=?)`` and lookups by primary key are what we want.
A rebuild of everyone's game totals reads whole tables by nature, so it is no page and not here.

``test_foreign_keys_and_statuses_are_indexed`` covers what the world's pages may not happen to
send: every foreign key leads an index unless listed with why not, and every status column is
in one.

By design this test reads SQLite's plans, so it runs on SQLite only (on PostgreSQL it skips,
saying so): PostgreSQL's planner picks sequential scans on tables of a few rows whatever
indexes exist, so its plans on the test world say nothing about a program of 10,000 pairs,
while SQLite, without ``ANALYZE`` statistics, plans as if every table were large. The indexes
it asks for are the same on both, and tests/web/test_migrations.py checks the schema matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from test_access_matrix import MATRIX, ROLES, fill

from app.extensions import db

# Tables whose size does not grow with the number of pairs, weeks or actions, each with why.
# Every other table of the schema counts as growing, so a new table is checked by default.
FIXED_SIZE = {
    "programs": "one row per program: a school or district runs a handful",
    "agreement_versions": "a few versions of a program's agreement",
    "break_weeks": "a program's holidays: a few rows a year",
    "training_modules": "a program's mentor training: a handful of modules",
    "surveys": "a program's survey rounds: a few a year",
}

# Foreign keys that lead no index, each with why no page or game rule needs one: a column only
# read from its row (who did it), or one always filtered together with another column that
# leads an index. No user is ever deleted, so the ON DELETE actions never have to find rows.
UNINDEXED_FOREIGN_KEYS = {
    ("agenda_items", "author_id"): "who wrote it, shown with the item",
    ("awards", "program_id"): "read by person first (ix_awards_user_program_reason)",
    ("care_records", "author_id"): "who wrote the note, shown with it",
    ("invites", "created_by_id"): "who made the invite, never filtered on",
    ("kudos", "mentor_id"): "filtered with its pair: ix_kudos_mentorship_mentor",
    ("meeting_confirmations", "user_id"): "filtered with its meeting: the unique constraint",
    ("meetings", "created_by_id"): "filtered with its pair: ix_meetings_mentorship_starts",
    ("mentorships", "closed_by_id"): "who closed the pair, never filtered on",
    ("notices", "program_id"): "read by person first (ix_notices_user_read)",
    ("password_resets", "issued_by_id"): "who handed the link over, never filtered on",
    ("programs", "closed_by_id"): "who closed the program, never filtered on",
    ("roster_uploads", "created_by_id"): "who uploaded it, never filtered on",
    ("roster_uploads", "program_id"): "an upload is read by its id",
    ("streak_repairs", "mentor_id"): "who repaired the streak, shown with the repair",
    ("survey_responses", "user_id"): "filtered with its survey: the unique constraint",
}

UNIQUE_KEYS = (sa.PrimaryKeyConstraint, sa.UniqueConstraint)  # each backed by an index
PLAN_STEP = re.compile(
    r"^(?P<op>SCAN|SEARCH) (?P<name>\w+)"
    r"(?: USING (?P<automatic>AUTOMATIC )?(?:COVERING )?INDEX)?"
)
SEARCH_KEYS = re.compile(r"\(([^()]*)\)")  # "(membership_id=? AND week_key>?)"
KEY_COLUMN = re.compile(r"(\w+)(?:=|>|<|\sIN\b)")
# Columns with a few values each shared by a fixed fraction of the table: a search by these
# alone reads every row in that state, of every program.
FEW_VALUES = {"status", "role", "kind", "action", "reason", "mode", "tier"}
ALIAS = re.compile(r'\b"?(\w+)"? AS "?(\w+)"?')
PLANNED = ("SELECT", "WITH", "UPDATE", "DELETE")


@dataclass
class Statement:
    sql: str
    parameters: object
    pages: list[str] = field(default_factory=list)


def growing_tables() -> set[str]:
    return set(db.metadata.tables) - set(FIXED_SIZE)


def tables_named(sql: str) -> dict[str, str]:
    """Each name a plan may use for a table in ``sql`` (the table's own, or an alias given to
    it with ``AS``), mapped to the table."""
    names = {table: table for table in db.metadata.tables}
    for table, alias in ALIAS.findall(sql):
        if table in db.metadata.tables:
            names[alias] = table
    return names


def full_reads(sql: str, plan: list[str], growing: set[str]) -> list[str]:
    """The plan lines that read every row of a growing table."""
    names = tables_named(sql)
    found = []
    for line in plan:
        step = PLAN_STEP.match(line)
        if not step or names.get(step["name"]) not in growing:
            continue
        searched = SEARCH_KEYS.search(line)
        keys = set(KEY_COLUMN.findall(searched[1] if searched else ""))
        by_few_values = step["op"] == "SEARCH" and keys and keys <= FEW_VALUES
        if step["op"] == "SCAN" or step["automatic"] or by_few_values:
            found.append(line)
    return found


class Recorder:
    """Every planned statement sent while ``page`` is set, keyed by its text."""

    def __init__(self) -> None:
        self.page: str | None = None
        self.statements: dict[str, Statement] = {}

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.page is None or executemany:
            return
        if not statement.lstrip().upper().startswith(PLANNED):
            return
        seen = self.statements.setdefault(statement, Statement(statement, parameters))
        if self.page not in seen.pages:
            seen.pages.append(self.page)


def plan_of(connection, statement: Statement) -> list[str]:
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters)
    return [row[3] for row in rows]


def partially_indexed() -> dict[tuple[str, str], str]:
    """(table, column) of each column a partial index is filtered on, with the index."""
    found = {}
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            condition = index.dialect_options["sqlite"]["where"]
            for word in re.findall(r"\w+", str(condition) if condition is not None else ""):
                if word in table.columns:
                    found[table.name, word] = index.name
    return found


def bound_against_partial_index(sql: str, partial: dict[tuple[str, str], str]) -> list[str]:
    """The comparisons of a bound value with a column a partial index is filtered on: SQLite
    prepares such a statement again on every run, in case the value lets it use the index."""
    found = []
    for name, table in tables_named(sql).items():
        for (indexed, column), index in partial.items():
            if indexed == table and re.search(rf"\b{name}\.{column} (?:=|IN) \(?\?", sql):
                found.append(f"{name}.{column} against a bound value ({index})")
    return found


def problems_of(recorder: Recorder) -> list[str]:
    growing, partial = growing_tables(), partially_indexed()
    problems = []
    with db.engine.connect() as connection:
        for statement in recorder.statements.values():
            lines = full_reads(statement.sql, plan_of(connection, statement), growing)
            lines += bound_against_partial_index(statement.sql, partial)
            for line in lines:
                problems.append(
                    f"{', '.join(statement.pages)}\n  plan: {line}\n  sql: {statement.sql}"
                )
    return problems


def leading_columns(table: sa.Table) -> set[str]:
    """The first column of each index, unique constraint and primary key of ``table``."""
    keys = [
        *table.indexes,
        *(c for c in table.constraints if isinstance(c, UNIQUE_KEYS)),
    ]
    return {next(iter(key.columns)).name for key in keys if len(key.columns)}


def test_foreign_keys_and_statuses_are_indexed() -> None:
    """Every foreign key leads an index (or is listed above, with why not), and every status
    column is in one: the tables are searched by them, whether or not a page of the test world
    happens to send that statement."""
    missing, statuses = [], []
    for table in db.metadata.sorted_tables:
        leading = leading_columns(table)
        for key in table.foreign_keys:
            name = (table.name, key.parent.name)
            if key.parent.name not in leading and name not in UNINDEXED_FOREIGN_KEYS:
                missing.append(".".join(name))
        indexed = {column.name for index in table.indexes for column in index.columns}
        if "status" in table.columns and "status" not in indexed:
            statuses.append(table.name)
    assert not missing, f"foreign keys without an index: {missing}"
    assert not statuses, f"status columns in no index: {statuses}"
    stale = [
        name
        for name in UNINDEXED_FOREIGN_KEYS
        if name[1] in leading_columns(db.metadata.tables[name[0]])
    ]
    assert not stale, f"listed as unindexed but indexed now: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_reads_a_growing_table_whole(app, ids, login, role) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("reads SQLite's EXPLAIN QUERY PLAN by design (see the module docstring)")
    client = login(role)
    recorder = Recorder()
    pages = 0
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", recorder)
    try:
        for row, expected in ((row, row.expect[ROLES.index(role)]) for row in MATRIX):
            if row.method != "GET" or expected != 200:
                continue
            url = fill(row.url, ids)
            for label, headers in (("", {}), (" (htmx)", {"HX-Request": "true"})):
                recorder.page = f"GET {url}{label} as {role}"
                with client.get(url, headers=headers) as response:
                    assert response.status_code == 200, recorder.page
                recorder.page = None
                pages += 1
    finally:
        sa.event.remove(engine, "before_cursor_execute", recorder)
    assert pages >= 6 and recorder.statements
    with app.app_context():
        problems = problems_of(recorder)
    assert not problems, f"{len(problems)} full reads of growing tables:\n" + "\n".join(problems)


def test_the_check_sees_scans_and_accepts_searches(app) -> None:
    """The plan reader flags a full scan, an index walk and an automatic index on a growing
    table, through an alias too, and lets a search by index and a fixed-size table pass."""
    growing = {"checkins", "memberships"}
    sql = "SELECT * FROM checkins AS checkins_1 JOIN memberships ON x"
    assert full_reads(sql, ["SCAN checkins_1"], growing) == ["SCAN checkins_1"]
    walk = "SCAN memberships USING COVERING INDEX ix_memberships_user_id"
    assert full_reads(sql, [walk], growing) == [walk]
    automatic = "SEARCH memberships USING AUTOMATIC COVERING INDEX (user_id=?)"
    assert full_reads(sql, [automatic], growing) == [automatic]
    search = "SEARCH checkins_1 USING INDEX ix_checkins_membership_id (membership_id=?)"
    assert full_reads(sql, [search, "SCAN programs", "SCAN anon_1"], growing) == []
    by_status = "SEARCH checkins_1 USING INDEX ix_checkins_zone_status (zone=? AND status=?)"
    assert full_reads(sql, [by_status], growing) == []
    by_status_only = "SEARCH checkins_1 USING INDEX ix_checkins_status_zone (status=?) LEFT-JOIN"
    assert full_reads(sql, [by_status_only], growing) == [by_status_only]
    ranged = "SEARCH memberships USING INDEX ix_memberships_role (role=? AND created_at<?)"
    assert full_reads(sql, [ranged], growing) == []
    with app.app_context():
        partial = partially_indexed()
        assert partial[("meetings", "status")] == "ix_meetings_held_starts"
        bound = "SELECT 1 FROM meetings AS m WHERE m.status = ? AND m.starts_at > ?"
        assert bound_against_partial_index(bound, partial) == [
            "m.status against a bound value (ix_meetings_held_starts)"
        ]
        written = "SELECT 1 FROM meetings WHERE meetings.status = 'held' AND meetings.id = ?"
        assert bound_against_partial_index(written, partial) == []
        assert "programs" not in growing_tables() and "checkins" in growing_tables()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                plan = plan_of(connection, Statement("SELECT * FROM checkins WHERE mood = ?", (3,)))
            assert full_reads("SELECT * FROM checkins", plan, growing) == ["SCAN checkins"]
