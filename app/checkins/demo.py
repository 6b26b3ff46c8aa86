"""Ten weeks of demo check-ins: a believable mood spread, short notes, mentors' replies.

The week in progress is left open so every demo mentee can try the two-tap check-in; exactly
one help request (Ben's, last week) still waits for his mentor.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from game.weeks import week_of

from ..extensions import db
from ..mentorships_query import WITH_PEOPLE
from ..models import BreakWeek, CheckIn, Membership, Mentorship, MentorshipStatus, Program, Role

WEEKS = 10

# Moods for the ten weeks before this one, oldest first; "-" is a week without a check-in.
MOODS = {
    "aisha@example.org": "3343444545",
    "ben@example.org": "4332333232",
    "chloe@example.org": "44-4544-54",
    "diego@example.org": "3343343344",
    "emma@example.org": "4454445455",
    "felix@example.org": "3233433434",
    "grace@example.org": "4434434443",
}
SKIPS_BREAK = {"diego@example.org"}
UNSEEN_WEEKS = {  # still waiting for the mentor: (mentee, weeks ago)
    ("aisha@example.org", 1),
    ("ben@example.org", 1),
    ("emma@example.org", 1),
    ("emma@example.org", 2),
    ("grace@example.org", 1),
}
HELP = {
    ("ben@example.org", 7): (
        "Two tests in one week and I panicked a bit.",
        "Thanks for telling me. Bring both study guides on Thursday and we'll split the work.",
    ),
    ("ben@example.org", 1): (
        "I'm behind on the chemistry lab report, it's due Friday and I don't know where to start.",
        "",
    ),
}
PROGRESS = [
    "Finished my history essay draft a day early.",
    "Went to the maths drop-in session twice.",
    "Started using a planner for homework.",
    "Looked up two college open days.",
    "Practised my presentation in front of my sister.",
    "Got a B+ on the biology quiz!",
    "Read 40 pages of the set book.",
    "Asked my teacher for feedback on the lab write-up.",
    "",
    "Kept to my revision timetable most days.",
    "",
    "Signed up for the coding club.",
]
BLOCKERS = [
    "Hard to focus at home in the evenings.",
    "Not sure which subjects to pick for next year.",
    "Part-time job shifts clash with study time.",
    "",
]
REPLIES = [
    "Great progress! Let's look at it together on Thursday.",
    "",
    "Proud of you for sticking with it.",
    "Nice one, that's exactly the habit we talked about.",
    "",
    "Thanks for being honest. Let's talk it through next time.",
]


def _sent_at(monday: date, offset: int, zone: str) -> datetime:
    """A weekday evening in the mentee's own zone, varied a little per check-in."""
    local = datetime.combine(monday + timedelta(days=2 + offset % 3), time(17 + offset % 4, 10))
    return local.replace(tzinfo=ZoneInfo(zone))


def _checkin(mentee: Membership, mentor_id: int, weeks_ago: int, monday: date, mood: int, n: int):
    email, zone = mentee.user.email, mentee.user.time_zone
    sent = _sent_at(monday, n, zone)
    if (email, weeks_ago) in HELP:
        blocker, reply = HELP[email, weeks_ago]
    else:
        blocker = BLOCKERS[n % len(BLOCKERS)] if mood <= 3 else ""
        reply = REPLIES[n % len(REPLIES)]
    seen = (email, weeks_ago) not in UNSEEN_WEEKS
    return CheckIn(
        membership_id=mentee.id,
        week_key=str(week_of(monday)),
        zone=zone,
        mood=mood,
        progress_note=PROGRESS[n % len(PROGRESS)],
        blocker=blocker,
        wants_help=(email, weeks_ago) in HELP,
        created_at=sent,
        updated_at=sent,
        acknowledged_at=sent + timedelta(hours=20) if seen else None,
        acknowledged_by_id=mentor_id if seen else None,
        reply=reply if seen else "",
    )


def seed_checkins(program: Program, today: date) -> None:
    """Add the demo check-ins unless the program's mentees already have some."""
    mentees = sa.select(Membership.id).where(
        Membership.program_id == program.id, Membership.role == Role.MENTEE
    )
    if db.session.scalar(sa.select(CheckIn.id).where(CheckIn.membership_id.in_(mentees)).limit(1)):
        return
    breaks = set(
        db.session.scalars(sa.select(BreakWeek.monday).where(BreakWeek.program_id == program.id))
    )
    mentorships = db.session.scalars(
        sa.select(Mentorship)
        .where(Mentorship.program_id == program.id, Mentorship.status == MentorshipStatus.ACTIVE)
        .options(WITH_PEOPLE)
    )
    this_monday = today - timedelta(days=today.weekday())
    n = 0
    for mentorship in mentorships:
        mentor_id = mentorship.people(Role.MENTOR)[0].id
        for member in mentorship.members:
            mentee = member.membership
            moods = MOODS.get(mentee.user.email) if mentee.role is Role.MENTEE else None
            for index, mood in enumerate(moods or ""):
                weeks_ago = WEEKS - index
                monday = this_monday - timedelta(weeks=weeks_ago)
                if mood == "-" or (monday in breaks and mentee.user.email in SKIPS_BREAK):
                    continue
                n += 1
                db.session.add(_checkin(mentee, mentor_id, weeks_ago, monday, int(mood), n))
    db.session.commit()
