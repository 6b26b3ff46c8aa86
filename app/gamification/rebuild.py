"""Checking the game's caches against their sources, and repairing them.

- Totals: each cached total must equal the sum of its ledger rows.
- Ledger: each reversal must negate exactly one award of the same person.
- Streaks: recomputed from the stored check-in weeks, every counted week must have its check-in
  award and every streak length reached its streak award.
- Badges: recomputed from the source rows, every tier earned must be held. A tier held but no
  longer earned is reported and kept: badges are never taken back.

``fix`` rewrites wrong totals (they are a cache) and appends the missing ledger rows and badge
rows; it never edits or deletes a ledger row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

import game

from ..calendars import calendar_of, joined_week, matched_week
from ..extensions import db
from ..models import Membership, Mentorship, PlayerTotal, PointsAward, Program, Role
from . import service, sources, store


@dataclass(frozen=True)
class Difference:
    kind: str
    text: str
    fixable: bool = True


def check(fix: bool = False) -> list[Difference]:
    """Every difference found (already repaired when ``fix``); the caller commits."""
    differences = _ledger_integrity()
    for program_id in db.session.scalars(sa.select(Program.id).order_by(Program.id)):
        differences += _streaks(program_id, fix)
        differences += _badges(program_id, fix)
    differences += _totals(fix)  # last: the fixes above may have appended rows
    return differences


def _totals(fix: bool) -> list[Difference]:
    sums = {
        (user, program): total
        for user, program, total in db.session.execute(
            sa.select(
                PointsAward.user_id, PointsAward.program_id, sa.func.sum(PointsAward.amount)
            ).group_by(PointsAward.user_id, PointsAward.program_id)
        )
    }
    cached = {
        (user, program): points
        for user, program, points in db.session.execute(
            sa.select(PlayerTotal.user_id, PlayerTotal.program_id, PlayerTotal.points)
        )
    }
    differences = []
    for user, program in sorted(sums.keys() | cached.keys()):
        expected, held = sums.get((user, program), 0), cached.get((user, program))
        if held == expected or (held is None and expected == 0):
            continue
        differences.append(
            Difference(
                "total",
                f"user {user} in program {program}: cached total {held}, the ledger sums to "
                f"{expected}",
            )
        )
        if fix:
            store.lock_players([user], program)
            db.session.execute(
                sa.update(PlayerTotal)
                .where(PlayerTotal.user_id == user, PlayerTotal.program_id == program)
                .values(points=expected)
            )
    return differences


def _ledger_integrity() -> list[Difference]:
    target = aliased(PointsAward)
    rows = db.session.execute(
        sa.select(
            PointsAward.key, PointsAward.user_id, PointsAward.amount, target.user_id, target.amount
        )
        .outerjoin(target, target.key == PointsAward.target_key)
        .where(PointsAward.target_key.is_not(None))
    )
    return [
        Difference(
            "ledger", f"reversal {key} does not negate exactly one award of user {user}", False
        )
        for key, user, amount, target_user, target_amount in rows
        if target_user != user or target_amount != -amount
    ]


def _streaks(program_id: int, fix: bool) -> list[Difference]:
    """Check-in and streak awards the stored check-in weeks call for."""
    mentees = db.session.scalars(
        sa.select(Membership)
        .where(Membership.program_id == program_id, Membership.role == Role.MENTEE)
        .options(joinedload(Membership.user))
    ).all()
    if not mentees:
        return []
    calendar = calendar_of(program_id)
    weeks = sources.checkin_weeks([m.id for m in mentees])
    repairs = sources.repairs_of([m.id for m in mentees])
    keys = set(
        db.session.scalars(
            sa.select(PointsAward.key).where(
                PointsAward.program_id == program_id,
                PointsAward.reason.in_([game.Reason.CHECKIN.value, game.Reason.STREAK.value]),
            )
        )
    )
    differences, missing = [], []
    for mentee in mentees:
        user = mentee.user_id
        state = sources.streak(
            weeks[mentee.id],
            calendar,
            sources.week_now(mentee.user.time_zone),
            repairs.get(mentee.id),
            joined_week(mentee, mentee.user.time_zone),
        )
        expected = [
            game.Award(
                game.checkin_key(user, week),
                user,
                game.CHECKIN_POINTS,
                game.Reason.CHECKIN,
                week=week,
            )
            for week in sorted(weeks[mentee.id])
        ] + [
            game.Award(
                game.streak_key(user, program_id, n), user, game.STREAK_POINTS, game.Reason.STREAK
            )
            for n in game.streak_milestones_reached(state)
        ]
        for award in expected:
            if award.key not in keys:
                differences.append(Difference("streak", f"missing ledger row {award.key}"))
                missing.append(award)
    if fix and missing:
        deltas: Counter[int] = Counter()
        store.lock_players({award.user_id for award in missing}, program_id)
        for award in missing:
            if store.write_entry(award, program_id):
                deltas[award.user_id] += award.amount
        store.move_totals(deltas, program_id)
    return differences


def _badges(program_id: int, fix: bool) -> list[Difference]:
    """Every tier earned according to the source rows, against the tiers held."""
    groups = _badge_groups(program_id)
    held = sources.badges_held({user for users, _, _ in groups for user in users}, program_id)
    differences = []
    earned: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for users, subject, metrics in groups:
        rules = [rule for rule in game.BADGES if rule.metric in metrics]
        for user in users:
            for award in game.evaluate(rules, metrics, ()):
                earned[user].add((award.badge_id, award.tier))
                if (award.badge_id, award.tier) not in held[user]:
                    differences.append(
                        Difference(
                            "badge",
                            f"user {user} in program {program_id} earned {award.badge_id} "
                            f"tier {award.tier} ({subject})",
                        )
                    )
    for user, badges in held.items():
        for badge_id, tier in sorted(badges - earned[user]):
            differences.append(
                Difference(
                    "badge",
                    f"user {user} in program {program_id} holds {badge_id} tier {tier}, "
                    "no longer earned (kept)",
                    False,
                )
            )
    if fix:
        service.award_badges(groups, program_id)
    return differences


def _badge_groups(program_id: int) -> list[service.BadgeGroup]:
    """Every subject of the program with every metric, from the source rows."""
    calendar = calendar_of(program_id)
    members = db.session.scalars(
        sa.select(Membership)
        .where(Membership.program_id == program_id, Membership.role != Role.COORDINATOR)
        .options(joinedload(Membership.user))
    ).all()
    mentees = [m for m in members if m.role is Role.MENTEE]
    weeks = sources.checkin_weeks([m.id for m in mentees])
    repairs = sources.repairs_of([m.id for m in mentees])
    groups: list[service.BadgeGroup] = []
    for mentee in mentees:
        state = sources.streak(
            weeks[mentee.id],
            calendar,
            sources.week_now(mentee.user.time_zone),
            repairs.get(mentee.id),
            joined_week(mentee, mentee.user.time_zone),
        )
        metrics = sources.mentee_metrics(mentee.user_id, program_id, weeks[mentee.id], state)
        groups.append((frozenset({mentee.user_id}), "user", metrics))
    for mentor in (m for m in members if m.role is Role.MENTOR):
        groups.append(
            (
                frozenset({mentor.user_id}),
                "mentor",
                sources.mentor_metrics(mentor.user_id, program_id),
            )
        )
    mentorship_ids = list(
        db.session.scalars(sa.select(Mentorship.id).where(Mentorship.program_id == program_id))
    )
    meeting_weeks = sources.held_meeting_weeks(mentorship_ids, calendar.zone)
    for mentorship_id in mentorship_ids:
        people = sources.mentorship_people(mentorship_id)
        matched = matched_week(db.session.get(Mentorship, mentorship_id), calendar)
        groups.append(
            (
                frozenset(people[Role.MENTOR] | people[Role.MENTEE]),
                f"pair:{mentorship_id}",
                sources.pair_metrics(meeting_weeks[mentorship_id], calendar, matched),
            )
        )
    return groups
