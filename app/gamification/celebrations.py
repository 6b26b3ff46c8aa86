"""The moment something is earned: one ``HX-Trigger`` event for htmx, one flash without JS.

``service.record`` keeps each outcome of the request in ``g``; after the view has answered,
the part earned by the person who acted becomes one ``waypoint:celebrate`` event (rendered by
celebrate.js as a card with the points or the badge's emblem). An action is celebrated once:
the view's own toast (or, without JS, its success flash) is folded into the card as its
``note`` instead of showing beside it. A redirect (plain, or HX-Redirect for htmx) would drop
the event, so it becomes a flash on the next page, rendered as the same card.
"""

from __future__ import annotations

import json

from flask import Response, flash, g, session, url_for
from flask_login import current_user

import game

from ..extensions import htmx
from . import bp, words
from .queries import MenteeProgress, StreakCard
from .service import EarnedBadge, Outcome

EVENT = "waypoint:celebrate"
TOAST = "waypoint:toast"

_WORDS = {
    game.Reason.CHECKIN: "Week checked in",
    game.Reason.MEETING: "Meeting counted",
    game.Reason.MILESTONE: "Milestone confirmed",
    game.Reason.GOAL: "Goal completed",
    game.Reason.COMEBACK: "Welcome back",
    game.Reason.SURVEY: "Survey answered",
}


def _streak_words(weeks: int) -> str:
    return "your streak has begun" if weeks == 1 else f"{weeks} weeks in a row"


def _badge(earned: EarnedBadge) -> dict[str, str]:
    """The badge in words, and its emblem: the sprite symbol ``id`` under frame ``tier``."""
    return {
        "id": earned.rule.id,
        "tier": words.badge_frame(earned.rule, earned.tier),
        "name": words.badge_name(earned.rule, earned.tier),
        "description": earned.rule.description,
    }


def celebration(user_id: int, outcomes: list[Outcome]) -> dict | None:
    """What ``user_id`` earned in these outcomes, in words; None when it was nothing."""
    awards = [
        entry
        for outcome in outcomes
        for entry in outcome.entries
        if entry.user_id == user_id and entry.amount > 0
    ]
    badges = [badge for outcome in outcomes for badge in outcome.badges if badge.user_id == user_id]
    if not awards and not badges:
        return None
    parts = []
    for entry in awards:
        if entry.reason is game.Reason.STREAK:
            parts.append(f"Streak of {entry.key.rsplit(':', 1)[1]} weeks reached")
        elif entry.reason is game.Reason.CHECKIN:
            streaks = [o.streak for o in outcomes if o.streak is not None]
            said = _WORDS[entry.reason]
            parts.append(f"{said} — {_streak_words(streaks[0].current)}" if streaks else said)
        else:
            parts.append(_WORDS[entry.reason])
    parts += [f"New badge: {_badge(badge)['name']}" for badge in badges]
    points = sum(entry.amount for entry in awards)
    payload: dict = {
        "title": f"+{points} points" if points else "Badge earned",
        "message": " · ".join(parts),
    }
    if badges:
        payload["badge"] = _badge(badges[0])
    before = min((o.points[user_id][0] for o in outcomes if user_id in o.points), default=None)
    after = max((o.points[user_id][1] for o in outcomes if user_id in o.points), default=None)
    if before is not None and game.level_for(after) > game.level_for(before):
        level = game.progress(after)
        payload["level"] = {"level": level.level, "name": level.name}
    return payload


def earned_now(user_id: int) -> bool:
    """Whether this request has earned the person something so far (their cards changed)."""
    outcomes = g.get("game_outcomes", ())
    earned = [e.user_id for o in outcomes for e in o.entries] + [
        b.user_id for o in outcomes for b in o.badges
    ]
    return user_id in earned


def progress_after(user_id: int, now: game.WeekKey) -> MenteeProgress | None:
    """The person's level and streak as this request's recordings left them, when one of them
    was their check-in of week ``now``: its streak is the one their card shows, and the last
    recording that paid them holds their total. None otherwise (the card is read instead)."""
    outcomes = [o for o in g.get("game_outcomes", ()) if user_id in o.points]
    checkins = [o.streak for o in outcomes if o.streak and o.streak.last_counted == now]
    if not checkins:
        return None
    return MenteeProgress.of(outcomes[-1].points[user_id][1], StreakCard(checkins[-1], True))


def _merge_trigger(response: Response, payload: dict) -> None:
    """Add the celebration to the view's events; its toast becomes the card's note."""
    header = response.headers.get("HX-Trigger")
    events: dict = {}
    if header:
        try:
            events = json.loads(header)
        except ValueError:
            events = {name.strip(): None for name in header.split(",")}
    toast = events.pop(TOAST, None)
    if isinstance(toast, dict) and toast.get("message"):
        payload["note"] = toast["message"]
    events[EVENT] = payload
    response.headers["HX-Trigger"] = json.dumps(events)


def _fold_flashes(payload: dict) -> None:
    """Without JS: the view's success messages waiting for the next page join the card."""
    waiting = session.get("_flashes", [])
    notes = [message for category, message in waiting if category == "success"]
    if notes:
        session["_flashes"] = [(c, m) for c, m in waiting if c != "success"]
        payload["note"] = " ".join(notes)


@bp.after_app_request
def celebrate(response: Response) -> Response:
    outcomes = g.pop("game_outcomes", None)
    if not outcomes or response.status_code >= 400 or not current_user.is_authenticated:
        return response
    payload = celebration(current_user.id, outcomes)
    if payload is None:
        return response
    if "badge" in payload:
        payload["sprite"] = url_for("static", filename="icons/badges.svg")
    redirected = 300 <= response.status_code < 400 or "HX-Redirect" in response.headers
    if htmx and not redirected:
        _merge_trigger(response, payload)
    else:
        _fold_flashes(payload)
        flash(payload, "celebrate")
    return response
