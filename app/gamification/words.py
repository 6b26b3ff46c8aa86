"""The game in words: ledger rows, badges and what the next badge needs, never loss-framed."""

from __future__ import annotations

import game
from game.metrics import Metric
from game.weeks import WeekKey


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def award_reason(reason: str, key: str, week_key: str | None, goal_title: str | None) -> str:
    """Why a ledger row was written, as its owner reads it in their points history."""
    goal = f" · {goal_title}" if goal_title else ""
    match game.Reason(reason):
        case game.Reason.CHECKIN:
            return f"Checked in for the week of {WeekKey.parse(week_key).monday():%a %d %b}"
        case game.Reason.MEETING:
            return "Met with your mentor"
        case game.Reason.MILESTONE:
            return f"Milestone confirmed by your mentor{goal}"
        case game.Reason.MILESTONE_SENT_BACK:
            return f"Milestone back in progress{goal}: its points return when it is confirmed"
        case game.Reason.GOAL:
            return f"Goal completed{goal}"
        case game.Reason.STREAK:
            return f"Streak reached {key.rsplit(':', 1)[1]} weeks"
        case game.Reason.COMEBACK:
            return "Back in the rhythm: a new streak began"
        case game.Reason.SURVEY:
            return "Survey answered"


def badge_name(rule: game.BadgeRule, tier: int) -> str:
    label = rule.tiers[tier - 1].label
    return f"{rule.name} ({label})" if label else rule.name


def badge_frame(rule: game.BadgeRule, tier: int) -> str:
    """The emblem's frame in the badge sprite: the medal's colour, or ``plain`` for one tier."""
    return rule.tiers[tier - 1].label or "plain"


_ART = {
    badge_name(rule, tier): (rule.id, badge_frame(rule, tier))
    for rule in game.BADGES
    for tier in range(1, len(rule.tiers) + 1)
}


def badge_art(name: str) -> tuple[str, str] | None:
    """The emblem (symbol, frame) of a badge known only by its name, as a certificate keeps
    it; None for a name the rule book no longer has."""
    return _ART.get(name)


def what_it_needs(reach: game.Reach) -> str:
    """What is left to earn the next tier, in the person's own terms."""
    missing = reach.need - reach.have
    match reach.badge.metric:
        case Metric.CHECKIN_WEEKS:
            return f"{_plural(missing, 'more week', 'more weeks')} with a check-in"
        case Metric.STREAK_BEST:
            return f"A streak of {reach.need} weeks (your best so far: {reach.have})"
        case Metric.MILESTONES_CONFIRMED:
            return f"{_plural(missing, 'more milestone', 'more milestones')} confirmed"
        case Metric.PAIR_MEETINGS:
            return f"{_plural(missing, 'more meeting', 'more meetings')} held together"
        case Metric.TIMELY_RESPONSES:
            return (
                f"{_plural(missing, 'more check-in or review', 'more check-ins or reviews')} "
                "answered within 72 hours"
            )
        case Metric.MENTOR_MEETINGS:
            return f"{_plural(missing, 'more meeting', 'more meetings')} held with your mentees"
    return reach.badge.description
