"""What the mentee cards on a mentor's home show, for the whole home or for one card again
after a reply; a fixed number of queries whatever the number of mentorships.

A card carries ids and counts only: the reply, kudos and repair forms are built when the
mentor asks for one."""

from __future__ import annotations

from flask_login import current_user

from game.weeks import local_date, week_of

from .checkins.queries import checkin_health, reply_targets
from .clock import utcnow
from .gamification.queries import mentee_cards
from .goals.queries import waiting_counts
from .meetings.queries import meeting_health
from .models import Mentorship


def mentor_cards(mentorships: list[Mentorship]) -> dict:
    """The context ``home/_mentee_card.html`` needs for each of ``mentorships``."""
    ids = [m.id for m in mentorships]
    now = utcnow()
    zone = current_user.time_zone
    return {
        "meeting_health": meeting_health(ids, now, zone),
        "checkin_health": checkin_health(ids, week_of(local_date(now, zone))),
        "waiting_counts": waiting_counts(ids),
        "reply_targets": reply_targets(ids),
        "game_cards": mentee_cards(mentorships, zone),
    }
