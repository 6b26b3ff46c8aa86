"""The leaderboard's places: each page and the viewer's own line equal a plain ranking of the
board in Python (most points first, ties by name then by person), whoever is on it, whoever
left or stayed off it, and whichever page is asked."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import summaries
from app.clock import utcnow
from app.extensions import db
from app.gamification import queries
from app.models import Membership, PlayerTotal, Role, User

PAGE = 3

people = st.lists(
    st.tuples(
        st.sampled_from(["Ana", "Ben", "Cleo", "Dev"]),  # few names: ties by name are common
        st.one_of(st.none(), st.integers(0, 4)),  # points (None: no total row yet)
        st.booleans(),  # opted in
        st.booleans(),  # left the program
    ),
    max_size=10,
)


def _add(program_id: int, spec) -> list[tuple[int, str, int, bool]]:
    """The people, as (user id, name, points, on the board)."""
    added = []
    for n, (name, points, opted_in, left) in enumerate(spec):
        user = User(name=f"{name} {n}", email=f"place{n}@example.org", password_hash="x")
        db.session.add(
            Membership(
                user=user,
                program_id=program_id,
                role=Role.MENTEE,
                leaderboard_opt_in=opted_in,
                left_at=utcnow() - timedelta(days=1) if left else None,
            )
        )
        db.session.flush()
        if points is not None:
            db.session.add(PlayerTotal(user_id=user.id, program_id=program_id, points=points))
        added.append((user.id, user.name, points or 0, opted_in and not left))
    summaries.refresh()  # what the commit would write: the board's rows
    return added


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=people, page=st.integers(1, 5), viewer=st.integers(0, 10))
def test_places_equal_a_plain_ranking(app, world, monkeypatch, spec, page, viewer):
    monkeypatch.setattr(queries, "LEADERBOARD_PAGE_SIZE", PAGE)
    with app.app_context():
        try:
            added = _add(world.other_program_id, spec)
            ranked = sorted((row for row in added if row[3]), key=lambda r: (-r[2], r[1], r[0]))
            viewer_id = added[viewer][0] if viewer < len(added) else -1
            board = queries.leaderboard(world.other_program_id, page, viewer_id)

            expected = [
                (place, name.split()[0], points, user == viewer_id)
                for place, (user, name, points, _) in enumerate(ranked, start=1)
            ]
            shown = [(s.rank, s.first_name, s.points, s.is_me) for s in board.standings]
            assert board.pager.total == len(ranked)
            assert shown == expected[board.pager.offset : board.pager.offset + PAGE]
            mine = next(((place, points) for place, _, points, me in expected if me), None)
            assert (board.mine and (board.mine.rank, board.mine.points)) == mine
        finally:
            db.session.rollback()
