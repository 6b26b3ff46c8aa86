"""Badges as data: each rule names a metric and the thresholds of its tiers.

Every tier is awarded once per subject. Reaching a tier awards every lower tier not yet held,
so a higher tier always implies the lower ones, and evaluating after each change gives the same
set of awards as evaluating once at the end. An award records the version of the rule it was
earned under, so a rule can change later without rewriting history.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from game.metrics import Metric


class Scope(StrEnum):
    USER = "user"
    PAIR = "pair"
    MENTOR = "mentor"


@dataclass(frozen=True, slots=True)
class Tier:
    threshold: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class BadgeRule:
    id: str
    name: str
    scope: Scope
    metric: Metric
    tiers: tuple[Tier, ...]
    version: int
    description: str

    def __post_init__(self) -> None:
        thresholds = [tier.threshold for tier in self.tiers]
        if not thresholds or thresholds[0] < 1 or thresholds != sorted(set(thresholds)):
            raise ValueError(f"{self.id}: tiers need rising positive thresholds")


@dataclass(frozen=True, slots=True)
class BadgeAward:
    """``tier`` counts from 1; ``subject`` says whether a user, a pair or a mentor holds it."""

    badge_id: str
    tier: int
    rule_version: int
    subject: Scope


class Reach(NamedTuple):
    badge: BadgeRule
    tier: int
    have: int
    need: int


def _medals(*thresholds: int) -> tuple[Tier, ...]:
    return tuple(map(Tier, thresholds, ("bronze", "silver", "gold")))


BADGES: tuple[BadgeRule, ...] = (
    BadgeRule(
        id="first_step",
        name="First Step",
        scope=Scope.USER,
        metric=Metric.CHECKINS,
        tiers=(Tier(1),),
        version=1,
        description="Your first check-in.",
    ),
    BadgeRule(
        id="consistent",
        name="Consistent",
        scope=Scope.USER,
        metric=Metric.CHECKIN_WEEKS,
        tiers=_medals(4, 12, 26),
        version=1,
        description="Weeks with a check-in, not necessarily in a row: 4, 12, 26.",
    ),
    BadgeRule(
        id="unbroken",
        name="Unbroken",
        scope=Scope.USER,
        metric=Metric.STREAK_BEST,
        tiers=(Tier(8),),
        version=1,
        description="A streak of 8 weeks; weeks kept by a freeze token count as kept.",
    ),
    BadgeRule(
        id="comeback",
        name="Comeback",
        scope=Scope.USER,
        metric=Metric.COMEBACKS,
        tiers=(Tier(1),),
        version=1,
        description="A check-in that starts a new streak after a pause.",
    ),
    BadgeRule(
        id="milestone_maker",
        name="Milestone Maker",
        scope=Scope.USER,
        metric=Metric.MILESTONES_CONFIRMED,
        tiers=_medals(1, 5, 15),
        version=1,
        description="Milestones confirmed by your mentor: 1, 5, 15.",
    ),
    BadgeRule(
        id="goal_getter",
        name="Goal Getter",
        scope=Scope.USER,
        metric=Metric.GOALS_COMPLETED,
        tiers=(Tier(1),),
        version=1,
        description="Your first goal completed.",
    ),
    BadgeRule(
        id="dream_team",
        name="Dream Team",
        scope=Scope.PAIR,
        metric=Metric.PAIR_MEETINGS,
        tiers=(Tier(6),),
        version=1,
        description="6 meetings held and confirmed by both of you in one program.",
    ),
    BadgeRule(
        id="full_term",
        name="Full Term",
        scope=Scope.PAIR,
        metric=Metric.PAIR_ACTIVE_SIXTHS,
        tiers=(Tier(5),),
        version=1,
        description="Met in at least 5 of every 6 meeting periods of the program.",
    ),
    BadgeRule(
        id="responsive_mentor",
        name="Responsive Mentor",
        scope=Scope.MENTOR,
        metric=Metric.TIMELY_RESPONSES,
        tiers=(Tier(10),),
        version=1,
        description="10 check-ins or milestone reviews answered within 72 hours.",
    ),
    BadgeRule(
        id="steady_guide",
        name="Steady Guide",
        scope=Scope.MENTOR,
        metric=Metric.MENTOR_MEETINGS,
        tiers=(Tier(12),),
        version=1,
        description="12 meetings held with your mentees.",
    ),
    BadgeRule(
        id="kudos",
        name="Kudos",
        scope=Scope.USER,
        metric=Metric.KUDOS_RECEIVED,
        tiers=(Tier(1),),
        version=1,
        description="Kudos from a mentor, with a written note.",
    ),
)


def rules_for(scope: Scope, rules: Iterable[BadgeRule] = BADGES) -> tuple[BadgeRule, ...]:
    return tuple(rule for rule in rules if rule.scope is scope)


def evaluate(
    rules: Iterable[BadgeRule], metrics: Mapping[str, int], already: Collection[tuple[str, int]]
) -> list[BadgeAward]:
    """The tiers now earned and not yet held, lower tiers included."""
    return [
        BadgeAward(rule.id, number, rule.version, rule.scope)
        for rule in rules
        for number, tier in enumerate(rule.tiers, start=1)
        if metrics.get(rule.metric, 0) >= tier.threshold and (rule.id, number) not in already
    ]


def next_within_reach(
    rules: Iterable[BadgeRule], metrics: Mapping[str, int], already: Collection[tuple[str, int]]
) -> list[Reach]:
    """For each badge, the lowest tier not yet earned and how far away it is, closest first."""
    reach = []
    for rule in rules:
        have = metrics.get(rule.metric, 0)
        for number, tier in enumerate(rule.tiers, start=1):
            if have < tier.threshold and (rule.id, number) not in already:
                reach.append(Reach(rule, number, have, tier.threshold))
                break
    return sorted(reach, key=lambda r: (r.need - r.have) / r.need)
