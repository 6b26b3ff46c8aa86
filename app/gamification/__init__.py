"""The game, app side: the ledger in the database, celebrations, the profile, kudos, repairs,
the opt-in leaderboard and ``flask game rebuild``. The rules themselves live in ``game/``."""

from flask import Blueprint

bp = Blueprint("gamification", __name__, cli_group="game")

from . import celebrations, cli, routes, words  # noqa: E402,F401

bp.add_app_template_global(words.badge_art)
