"""Which kinds of nudge each role can get: the settings page offers a switch for these only."""

from __future__ import annotations

from collections.abc import Iterable

from game.nudges import NudgeKind

from ..models import Role

K = NudgeKind
_FOR_ROLE: dict[Role, frozenset[NudgeKind]] = {
    Role.MENTEE: frozenset(
        {
            K.MENTOR_REPLIED,
            K.MILESTONE_CONFIRMED,
            K.BADGE_EARNED,
            K.KUDOS,
            K.MEETING_REMINDER,
            K.CHECKIN_REMINDER,
            K.PROGRAM_NEWS,
            K.SURVEY_OPEN,
        }
    ),
    Role.MENTOR: frozenset(
        {K.HELP_REQUESTED, K.REVIEW_WAITING, K.MEETING_REMINDER, K.PROGRAM_NEWS, K.SURVEY_OPEN}
    ),
    Role.COORDINATOR: frozenset({K.PAIR_QUIET, K.PROGRAM_NEWS}),
}


def kinds_for(roles: Iterable[Role]) -> list[NudgeKind]:
    """The kinds for someone holding ``roles``, in the enum's order; program news for anyone
    (even before they join a program). TEST is never switched off, so it has no switch."""
    wanted = {K.PROGRAM_NEWS}.union(*(_FOR_ROLE.get(role, ()) for role in roles))
    return [kind for kind in NudgeKind if kind in wanted]
