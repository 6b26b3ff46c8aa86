"""``Lists`` reads several short lists in one statement, run under a key of its own
(``_keyed_alone``): each ``Lists`` must answer its own SELECTs with this call's values, never the
compiled SQL or the values of another, and SQLAlchemy must find it by that small key instead of
hashing the whole union on every request."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.lists_query import Lists
from app.models import Membership, User


def _flattened_size(key) -> int:
    """How many elements SQLAlchemy hashes to find the statement's compiled form."""
    if isinstance(key, tuple):
        return sum(_flattened_size(item) for item in key)
    return 1


def test_each_lists_answers_its_own_selects_with_this_calls_values(app, world):
    people = Lists(
        named=sa.select(User.name).where(User.id == sa.bindparam("user_id")),
        first=sa.select(User.id).order_by(User.id).limit(sa.bindparam("first")),
    )
    places = Lists(
        roles=sa.select(Membership.id, Membership.role)
        .where(Membership.user_id == sa.bindparam("user_id"))
        .order_by(Membership.id),
    )
    with app.app_context():
        users = db.session.execute(sa.select(User.id, User.name).order_by(User.id)).all()
        roles = {
            user_id: db.session.execute(
                sa.select(Membership.id, Membership.role)
                .where(Membership.user_id == user_id)
                .order_by(Membership.id)
            ).all()
            for user_id, _ in users
        }
        assert len(users) >= 3 and any(roles.values())
        for n, (user_id, name) in enumerate(users):  # the two take turns, values changing
            found = people.run(user_id=user_id, first=n + 1)
            assert [row.name for row in found["named"]] == [name]
            assert [row.id for row in found["first"]] == [u for u, _ in users[: n + 1]]
            assert [tuple(row) for row in places.run(user_id=user_id)["roles"]] == [
                tuple(row) for row in roles[user_id]
            ]


def test_the_compiled_form_is_found_by_a_small_key_not_the_whole_union(app):
    lists = Lists(
        **{
            f"list{n}": sa.select(User.id, User.name, User.email)
            .where(User.id > sa.bindparam("after"))
            .order_by(User.id)
            .limit(3)
            for n in range(6)
        }
    )
    whole = _flattened_size(lists.statement._generate_cache_key().key)
    used = _flattened_size(lists._runnable._generate_cache_key().key)
    assert whole > 300
    assert used <= 5
