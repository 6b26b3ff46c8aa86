"""The leaderboard's one write: a mentee's own choice to appear on it (off until chosen)."""

from __future__ import annotations

from ..extensions import db
from ..models import Membership


def set_leaderboard(membership: Membership, show: bool) -> None:
    membership.leaderboard_opt_in = show
    db.session.commit()
