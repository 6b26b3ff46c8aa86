"""The budgets of the pages people open most: a fixed number of SQL statements whatever the
data (a mentor of 1 mentee or of 25, a page with one item or fifty), and a mentor home for 25
mentees small enough for a phone on a school's network."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees, at_fixture, membership_id  # noqa: F401
from goals_support import add_goal
from meetings_support import add_meeting

from app import member_states
from app.extensions import db
from app.models import (
    BreakWeek,
    Certificate,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    MilestoneStatus,
    Notice,
    Program,
    Role,
    Survey,
    SurveyResponse,
    TrainingModule,
    User,
)
from app.surveys.queries import open_slot
from game.surveys import SurveyKind
from game.weeks import WeekKey

MENTOR = "mentor@test.example"
MENTEE = "mentee@test.example"
WEEKS = [WeekKey(2026, n) for n in (8, 9, 10, 11)]
NOW = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)

# Three of each page's statements are the session's and the layout's: BEGIN, the person and
# their memberships.
MENTOR_HOME = 8
MENTOR_HOME_BYTES = 30 * 1024


def _measure(client, query_counter, url: str) -> tuple[int, bytes]:
    client.get(url)  # the first request of a client loads its session
    with query_counter as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count, response.get_data()


def _busy(mentorship_id: int, member: int, email: str, n: int) -> None:
    """Four weeks of check-ins (the last not yet seen), a meeting held and one planned, and a
    milestone waiting for review."""
    for week in WEEKS:
        add_checkin(member, week, mood=1 + n % 5, wants_help=week == WEEKS[-1] and n % 4 == 0)
    add_meeting(mentorship_id, NOW - timedelta(days=3 + n % 9), MeetingStatus.HELD)
    add_meeting(mentorship_id, NOW + timedelta(days=1 + n % 9))
    add_goal(mentorship_id, email, title=f"Goal {n}", milestones=(MilestoneStatus.WAITING,))


def test_the_mentor_home_costs_the_same_for_1_and_25_mentees_and_fits_30_kb(
    app, world, login, query_counter, at
):
    at(2026, 3, 11, 18, 0)
    client = login("own_mentor")
    with app.app_context():
        _busy(world.mentorship_id, membership_id(MENTEE), MENTEE, 0)
    one, page = _measure(client, query_counter, "/")
    assert page.count(b'class="card mentee-card"') == 1
    with app.app_context():
        for n, (mentorship_id, member) in enumerate(add_mentees(world.program_id, MENTOR, 24)):
            _busy(mentorship_id, member, f"mentee{n}@bulk.example", n + 1)
    many, page = _measure(client, query_counter, "/")
    assert page.count(b'class="card mentee-card"') == 12
    assert b'href="/?mentees=all">Show all 25 mentees</a>' in page
    assert page.count(b'class="review-item"') == 3 and b"22 more waiting" in page
    assert many == one <= MENTOR_HOME
    print(f"mentor home, 25 mentees: {many} statements, {len(page)} bytes")
    assert len(page) <= MENTOR_HOME_BYTES, f"{len(page)} bytes"
    everyone, page = _measure(client, query_counter, "/?mentees=all")
    assert page.count(b'class="card mentee-card"') == 25 and b"Show all" not in page
    assert everyone == one


def test_help_requests_come_first_when_the_cards_do_not_all_fit(app, world, login, at):
    at(2026, 3, 11, 18, 0)
    with app.app_context():
        pairs = add_mentees(world.program_id, MENTOR, 14)
        for _, member in pairs[:13]:
            add_checkin(member, WEEKS[-1], mood=4, acknowledged_at=NOW)  # nothing new
        asking = pairs[13][0]
        add_checkin(pairs[13][1], WEEKS[-1], mood=None, wants_help=True)
    page = login("own_mentor").get("/").get_data(as_text=True)
    cards = page.split('class="card mentee-card" id="mentee-card-')[1:]
    assert len(cards) == 12 and cards[0].startswith(f'{asking}"')
    assert "Show all 15 mentees" in page


MENTOR_HOME_EVERY_CARD = 8
"""BEGIN, the person, the notices, the pairs, the certificates, the cards' figures, the review
queue, and one statement for the checklist, the program's break weeks and the surveys answered."""


def _every_card_but_mentees(program_id: int, other_program_id: int) -> None:
    """The mentor's other cards, each with something to show: an unread notice, a certificate
    of a past program, a training module still to do (the checklist), a break week, and a
    survey answered earlier while today's is still to answer."""
    mentor = db.session.scalar(sa.select(User).where(User.email == MENTOR))
    other = db.session.get(Program, other_program_id)
    program = db.session.get(Program, program_id)
    program.starts_on = date(2026, 2, 9)  # its first pulse survey opens on Monday 9 March
    program.ends_on = program.starts_on + timedelta(weeks=30)
    db.session.add(BreakWeek(program_id=program_id, monday=date(2026, 4, 6)))
    db.session.commit()
    slot = open_slot(program_id, NOW)
    assert slot is not None, "the test's day must have a survey open"
    earlier = Survey(
        program_id=program_id,
        kind=SurveyKind.END if slot.kind is SurveyKind.PULSE else SurveyKind.PULSE,
        number=7,
        opens_on=NOW.date() - timedelta(days=60),
        closes_on=NOW.date() - timedelta(days=50),
    )
    db.session.add_all(
        [
            Notice(user_id=mentor.id, program_id=program_id, kind="matched", text="News for you"),
            Certificate(
                program_id=other.id,
                user_id=mentor.id,
                role=Role.MENTOR,
                name=mentor.name,
                program_name=other.name,
                starts_on=other.starts_on,
                ends_on=other.ends_on,
            ),
            TrainingModule(
                program_id=program_id,
                title="Listening first",
                body="Ask, then listen.",
                question="Who talks most?",
                choices="The mentee\nThe mentor",
                answer=1,
            ),
            earlier,
        ]
    )
    db.session.flush()
    db.session.add(SurveyResponse(survey_id=earlier.id, user_id=mentor.id))
    db.session.commit()


def _set_status(mentorship_ids: list[int], status: MentorshipStatus) -> None:
    db.session.execute(
        sa.update(Mentorship).where(Mentorship.id.in_(mentorship_ids)).values(status=status)
    )
    member_states.touch(pairs=mentorship_ids)
    db.session.commit()


def test_the_mentor_home_sends_at_most_8_statements_for_8_and_25_mentees_with_every_card(
    app, world, login, query_counter, at
):
    at(2026, 3, 11, 18, 0)
    client = login("own_mentor")
    with app.app_context():
        _every_card_but_mentees(world.program_id, world.other_program_id)
        _busy(world.mentorship_id, membership_id(MENTEE), MENTEE, 0)
        pairs = add_mentees(world.program_id, MENTOR, 24)
        for n, (mentorship_id, member) in enumerate(pairs):
            _busy(mentorship_id, member, f"mentee{n}@bulk.example", n + 1)
        later = [mentorship_id for mentorship_id, _ in pairs[7:]]
        _set_status(later, MentorshipStatus.PROPOSED)  # a mentor does not see them yet
    eight, page = _measure(client, query_counter, "/")
    assert page.count(b'class="card mentee-card"') == 8
    with app.app_context():
        _set_status(later, MentorshipStatus.ACTIVE)
    many, page = _measure(client, query_counter, "/?mentees=all")
    assert page.count(b'class="card mentee-card"') == 25
    for card in (b"News for you", b"Your certificate", b"checklist-heading", b"survey-invite"):
        assert card in page, card
    assert page.count(b'class="review-item"') == 3
    assert many == eight <= MENTOR_HOME_EVERY_CARD, (eight, many)
