"""The outcomes dashboard: right numbers for a hand-built program, the anonymity threshold,
CSV exports, accessible SVG without style, a fixed query count, and no participant's text."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from app import clock
from app.certificates.service import close_program
from app.extensions import db
from app.models import (
    BreakWeek,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
    User,
)
from game.weeks import week_of

SECRET = "zebra-secret-7731"
TABLES = ("retention", "rhythm", "checkins", "milestones", "surveys", "end_survey")


class Calendar:
    """Instants and week keys of the world's program: week 0 holds its start, week 2 is the
    break week ``build_world`` declares, week 4 is now."""

    def __init__(self, program: Program) -> None:
        self.monday = program.starts_on - timedelta(days=program.starts_on.weekday())

    def at(self, week: int, day: int = 2) -> datetime:
        return datetime.combine(self.monday + timedelta(weeks=week, days=day), time(12), UTC)

    def key(self, week: int) -> str:
        return str(week_of(self.monday + timedelta(weeks=week)))


@pytest.fixture
def built(app, world):
    """The world's program (two active pairs, a break in week 2) with five more mentees who
    were never matched, check-ins, meetings, milestones and a goal, each text holding SECRET."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        start = datetime.combine(program.starts_on, time(), UTC)
        cal = Calendar(program)
        clock.set_now(cal.at(4, day=3))
        pairs = [db.session.get(Mentorship, world.mentorship_id)]
        pairs.append(db.session.get(Mentorship, world.other_mentorship_id))
        mentees = list(
            db.session.scalars(
                db.select(Membership).where(
                    Membership.program_id == program.id, Membership.role == Role.MENTEE
                )
            )
        )
        for n in range(5):
            user = User(name=f"Extra {n}", email=f"extra{n}@test.example", password_hash="x")
            mentees.append(
                Membership(user=user, program=program, role=Role.MENTEE, joined_at=start)
            )
        db.session.add_all(mentees)
        mentor = db.session.scalar(db.select(User).where(User.email == world.email("own_mentor")))
        # week 0: five check-ins, moods 1..5 (mean 3.0); week 1: three (mood hidden)
        for week, moods in ((0, [1, 2, 3, 4, 5]), (1, [5, 5, 4])):
            for membership, mood in zip(mentees, moods, strict=False):
                db.session.add(
                    CheckIn(
                        membership=membership,
                        week_key=cal.key(week),
                        mood=mood,
                        progress_note=SECRET,
                        blocker=SECRET,
                        zone="UTC",
                        created_at=cal.at(week),
                    )
                )
        # a help request without a mood is no check-in
        db.session.add(
            CheckIn(membership=mentees[-1], week_key=cal.key(1), wants_help=True, zone="UTC")
        )
        held = {0: [0, 1, 2, 3], 1: [0]}  # pair index -> weeks with a held meeting
        for index, weeks in held.items():
            for week in weeks:
                db.session.add(meeting(pairs[index], cal.at(week), MeetingStatus.HELD, mentor))
        db.session.add(meeting(pairs[1], cal.at(3), MeetingStatus.SCHEDULED, mentor))
        goal = Goal(
            mentorship_id=pairs[0].id,
            membership=mentees[0],
            title=SECRET,
            measure=SECRET,
            why=SECRET,
            target_date=program.ends_on,
            status=GoalStatus.COMPLETED,
            completed_at=cal.at(3),
        )
        db.session.add(goal)
        for day in (1, 3):
            db.session.add(
                Milestone(
                    goal=goal,
                    title=f"{SECRET} {day}",
                    status=MilestoneStatus.CONFIRMED,
                    confirmed_at=cal.at(1, day),
                )
            )
        db.session.add(Milestone(goal=goal, title=SECRET, status=MilestoneStatus.WAITING))
        db.session.commit()
    yield cal  # outside the app context: each request opens its own session
    clock.set_now(None)


def meeting(pair: Mentorship, at: datetime, status: MeetingStatus, mentor: User) -> Meeting:
    return Meeting(
        mentorship_id=pair.id,
        starts_at=at,
        zone="UTC",
        mode=MeetingMode.VIDEO,
        status=status,
        notes=SECRET,
        created_by_id=mentor.id,
    )


def rows_of(client, program_id: int, name: str) -> list[list[str]]:
    response = client.get(f"/programs/{program_id}/outcomes/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_numbers_for_a_small_program(built, login, world):
    client = login("coordinator")
    cal = built
    retention = rows_of(client, world.program_id, "retention")
    assert retention[1] == ["mentee", "7", "2", "29%", "2", "29%"]
    assert retention[2] == ["mentor", "2", "2", "100%", "2", "100%"]

    # weekly periods 0, 1, 3 and 4 (in progress): week 2 is the break and is left out; the
    # meeting pair 0 held in the break counts nowhere
    rhythm = rows_of(client, world.program_id, "rhythm")
    assert rhythm[1:] == [
        [cal.key(0), "2", "2", "100%"],
        [cal.key(1), "2", "1", "50%"],
        [cal.key(3), "2", "1", "50%"],
        [f"{cal.key(4)} (in progress)", "2", "0", "0%"],
    ]
    page = client.get(f"/programs/{world.program_id}/outcomes").get_data(as_text=True)
    assert "Overall: 67%" in page  # 4 of 6 finished periods, in the chart's description

    checkins = {row[0]: row for row in rows_of(client, world.program_id, "checkins")[1:]}
    assert checkins[cal.key(0)][1:] == ["", "7", "5", "71%", "3"]
    assert checkins[cal.key(1)][1:4] == ["", "7", "3"]
    assert checkins[cal.key(2)][1:4] == ["Exams", "7", "0"]
    assert list(checkins) == [cal.key(w) for w in range(5)]

    milestones = {row[0]: row[2:] for row in rows_of(client, world.program_id, "milestones")[1:]}
    assert milestones[cal.key(1)] == ["2", "0"]
    assert milestones[cal.key(3)] == ["0", "1"]
    assert milestones[cal.key(0)] == ["0", "0"]


def test_a_pair_that_closed_still_counts_where_it_ran(app, built, login, world):
    """Pair 1 held its week-1 meeting and closed in week 3: it stays in the rhythm of weeks
    0–3 (so closing never rewrites the past) and leaves from week 4 on."""
    cal = built
    with app.app_context():
        pair = db.session.get(Mentorship, world.other_mentorship_id)
        pair.status, pair.closed_at = MentorshipStatus.CLOSED, cal.at(3, day=4)
        db.session.commit()
    rhythm = rows_of(login("coordinator"), world.program_id, "rhythm")
    assert rhythm[1:] == [
        [cal.key(0), "2", "2", "100%"],
        [cal.key(1), "2", "1", "50%"],
        [cal.key(3), "2", "1", "50%"],
        [f"{cal.key(4)} (in progress)", "1", "0", "0%"],
    ]


def test_closing_the_program_keeps_its_retention_and_rhythm(app, built, login, world):
    """The program's closing ends every pair: they lasted to the end, so retention still
    counts them, and each period keeps the pairs that ran in it."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        coordinator = db.session.scalar(
            db.select(User).where(User.email == world.email("coordinator"))
        )
        close_program(program, coordinator.id, clock.utcnow())  # commits
    client = login("coordinator")
    retention = rows_of(client, world.program_id, "retention")
    assert retention[1] == ["mentee", "7", "2", "29%", "2", "29%"]
    assert retention[2] == ["mentor", "2", "2", "100%", "2", "100%"]
    rhythm = rows_of(client, world.program_id, "rhythm")
    assert [row[1] for row in rhythm[1:]] == ["2", "2", "2", "2"]
    page = client.get(f"/programs/{world.program_id}/outcomes").get_data(as_text=True)
    assert "the pairs it ended count as active to the end" in page


def test_mood_hidden_below_the_threshold(built, login, world):
    client = login("coordinator")
    checkins = {row[0]: row for row in rows_of(client, world.program_id, "checkins")[1:]}
    assert checkins[built.key(1)][5] == "hidden (fewer than 5 check-ins)"
    assert "4.7" not in client.get(f"/programs/{world.program_id}/outcomes").get_data(as_text=True)
    mood_chart = chart_of(client, world.program_id, "chart-mood")
    assert mood_chart.count("<polyline") == 1  # only week 0 has a point
    assert "Too few weeks with a mood to show a trend.</desc>" in mood_chart
    assert re.search(r'points="[\d.]+,[\d.]+"', mood_chart)


def test_the_mood_chart_says_its_trend_in_words(app, built, login, world):
    with app.app_context():
        cal = Calendar(db.session.get(Program, world.program_id))
        mentees = db.session.scalars(
            db.select(Membership).where(
                Membership.program_id == world.program_id, Membership.role == Role.MENTEE
            )
        )
        for membership in list(mentees)[:5]:  # week 3: five check-ins, all 5 (week 0: 3.0)
            db.session.add(CheckIn(membership=membership, week_key=cal.key(3), mood=5, zone="UTC"))
        db.session.commit()
    mood_chart = chart_of(login("coordinator"), world.program_id, "chart-mood")
    assert "break weeks shaded. Rising, from 3 to 5 out of 5.</desc>" in mood_chart


def chart_of(client, program_id: int, chart_id: str) -> str:
    page = client.get(f"/programs/{program_id}/outcomes").get_data(as_text=True)
    found = re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-title.*?</svg>', page, re.S)
    assert found, chart_id
    return found.group(0)


def test_charts_are_accessible_svg_without_style(built, login, world):
    client = login("coordinator")
    for url in (
        f"/programs/{world.program_id}/outcomes",
        f"/programs/{world.program_id}/outcomes/report",
    ):
        page = client.get(url).get_data(as_text=True)
        svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
        charts = [svg for svg in svgs if 'class="chart ' in svg]
        assert len(charts) == 4
        for svg in charts:
            assert 'role="img"' in svg
            title, desc = re.search(r'aria-labelledby="([\w-]+) ([\w-]+)"', svg).groups()
            assert f'<title id="{title}">' in svg and f'<desc id="{desc}">' in svg
            assert "style" not in svg.lower()
        assert " style=" not in page and "<style" not in page
    page = client.get(f"/programs/{world.program_id}/outcomes").get_data(as_text=True)
    # the four behind the charts and the pulse surveys' (none answered yet: no survey chart)
    assert page.count("<table") == 5 and page.count("<caption>") == 5
    checkin_chart = chart_of(client, world.program_id, "chart-checkins")
    assert checkin_chart.count('class="chart-break"') == 1
    assert f"{built.key(2)}: Exams" in checkin_chart
    assert checkin_chart.count('class="chart-bar"') == 5


def test_csv_exports(built, login, world):
    client = login("coordinator")
    with client.application.app_context():
        db.session.scalar(
            db.select(BreakWeek).where(BreakWeek.program_id == world.program_id)
        ).label = "=HYPERLINK(1)"
        db.session.commit()
    for name in TABLES:
        response = client.get(f"/programs/{world.program_id}/outcomes/{name}.csv")
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="outcomes-{world.program_id}-{name}.csv"'
        )
    cells = [c for row in rows_of(client, world.program_id, "checkins") for c in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    assert client.get(f"/programs/{world.program_id}/outcomes/people.csv").status_code == 404


def test_no_participant_text_reaches_a_coordinator(built, login, world):
    client = login("coordinator")
    base = f"/programs/{world.program_id}/outcomes"
    urls = [base, f"{base}/report", "/", *(f"{base}/{name}.csv" for name in TABLES)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.get_data(as_text=True), url


def test_home_links_to_outcomes(login, world):
    page = login("coordinator").get("/").get_data(as_text=True)
    assert f'href="/programs/{world.program_id}/outcomes"' in page


def add_pairs(app, world, count: int, cal: Calendar) -> None:
    """``count`` more active pairs with a year's worth of rows of every kind."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        start = datetime.combine(program.starts_on, time(), UTC)
        for n in range(count):
            people = {
                role: Membership(
                    user=User(
                        name=f"P{n}{role.value}",
                        email=f"p{n}{role.value}@t.example",
                        password_hash="x",
                    ),
                    program=program,
                    role=role,
                    joined_at=start,
                )
                for role in (Role.MENTEE, Role.MENTOR)
            }
            pair = Mentorship(
                program=program,
                status=MentorshipStatus.ACTIVE,
                created_at=start,
                members=[MentorshipMember(membership=m) for m in people.values()],
            )
            db.session.add(pair)
            db.session.flush()
            mentor = people[Role.MENTOR].user
            for week in range(5):
                db.session.add(meeting(pair, cal.at(week), MeetingStatus.HELD, mentor))
                db.session.add(
                    CheckIn(
                        membership=people[Role.MENTEE], week_key=cal.key(week), mood=3, zone="UTC"
                    )
                )
        db.session.commit()


def test_query_count_is_fixed(app, built, login, world, query_counter):
    client = login("coordinator")
    url = f"/programs/{world.program_id}/outcomes"
    client.get(url)  # the first request after login also refreshes the session record
    counts = []
    for more in (0, 12):
        add_pairs(app, world, more, built)
        for page in (url, f"{url}/report", f"{url}/checkins.csv"):
            with query_counter:
                assert client.get(page).status_code == 200
            counts.append(query_counter.count)
    assert counts[:3] == counts[3:]
    assert counts[0] <= 20
    retention = rows_of(client, world.program_id, "retention")
    assert retention[1][1:3] == ["19", "14"]
