"""What a coordinator sees of surveys: sums of groups of five answers or more, never a smaller
group (under any filter, in any export), comments only with their group, never in the order
they were written, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Program, Role, Survey, SurveyAnswer
from game.surveys import SurveyKind

SECRET = "quokka-secret-5521"
CSVS = ("retention", "rhythm", "checkins", "milestones", "surveys", "end_survey")


@pytest.fixture(autouse=True)
def surveys_closed(app, world):
    """Twenty weeks into the program: the surveys these tests add (weeks 4 to 12) have closed,
    as a survey's results show only then."""
    with app.app_context():
        start = db.session.get(Program, world.program_id).starts_on
    clock.set_now(datetime.combine(start + timedelta(weeks=20), time(12), UTC))
    yield
    clock.set_now(None)


def add_survey(app, program_id: int, answers: list[tuple], kind=SurveyKind.PULSE, number=1):
    """A survey of the program with ``answers``: (role, relationship, usefulness, comment) for
    a pulse, (role, goals_reached, again, comment) for the end survey."""
    with app.app_context():
        program = db.session.get(Program, program_id)
        opens = program.starts_on + timedelta(weeks=4 * number)
        survey = db.session.scalar(
            db.select(Survey).filter_by(program_id=program_id, kind=kind, number=number)
        ) or Survey(
            program_id=program_id,
            kind=kind,
            number=number,
            opens_on=opens,
            closes_on=opens + timedelta(days=6),
        )
        db.session.add(survey)
        db.session.flush()
        for role, first, second, comment in answers:
            if kind is SurveyKind.PULSE:
                scores = {"relationship": first, "usefulness": second}
            else:
                scores = {"goals_reached": first, "again": second}
            db.session.add(SurveyAnswer(survey_id=survey.id, role=role, comment=comment, **scores))
        db.session.commit()


def mentees(n: int, comment: str = "", relationship: int = 4) -> list[tuple]:
    return [(Role.MENTEE, relationship, 3, comment)] * n


def pages(client, program_id: int) -> dict[str, str]:
    """Every page and export a coordinator has that could show survey results."""
    base = f"/programs/{program_id}/outcomes"
    urls = [
        "/",
        base,
        f"{base}/report",
        *(f"{base}?survey_group={group}" for group in ("everyone", "mentee", "mentor")),
        *(f"{base}/{name}.csv" for name in CSVS),
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = response.get_data(as_text=True)
    return found


def survey_rows(client, program_id: int, name: str = "surveys") -> dict[tuple, list[str]]:
    text = client.get(f"/programs/{program_id}/outcomes/{name}.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    if name == "surveys":
        return {(row[0], row[2]): row[3:] for row in rows}
    return {(row[0],): row[1:] for row in rows}


def test_a_comment_in_a_group_of_four_reaches_no_coordinator_page(app, login, world):
    add_survey(app, world.program_id, mentees(3) + mentees(1, SECRET, relationship=1))
    client = login("coordinator")
    for url, page in pages(client, world.program_id).items():
        assert SECRET not in page, url
    rows = survey_rows(client, world.program_id)
    assert rows[("Pulse 1", "Everyone")] == ["hidden (a group under 5 answers)", "–", "–"]
    assert rows[("Pulse 1", "Mentees")][0].startswith("hidden")


def test_nothing_of_a_survey_shows_while_it_is_open(app, login, world):
    """Otherwise one person's answer could be read from the difference between two visits."""
    add_survey(app, world.program_id, mentees(5, SECRET))
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).filter_by(program_id=world.program_id))
        closes = survey.closes_on
    clock.set_now(datetime.combine(closes, time(12), UTC))  # its last day, in the program's zone
    client = login("coordinator")
    for url, page in pages(client, world.program_id).items():
        assert SECRET not in page, url
    rows = survey_rows(client, world.program_id)
    assert rows[("Pulse 1", "Everyone")][0] == f"open: results after it closes on {closes:%d %b}"
    clock.set_now(datetime.combine(closes + timedelta(days=1), time(12), UTC))
    assert survey_rows(client, world.program_id)[("Pulse 1", "Everyone")][0] == "5"
    assert SECRET in client.get(f"/programs/{world.program_id}/outcomes").get_data(True)


def test_the_fifth_answer_shows_the_group_and_its_comments(app, login, world):
    add_survey(app, world.program_id, mentees(3) + mentees(1, SECRET, relationship=1))
    add_survey(app, world.program_id, mentees(1, "Great year"))
    client = login("coordinator")
    page = client.get(f"/programs/{world.program_id}/outcomes").get_data(as_text=True)
    assert SECRET in page and "Great year" in page
    assert 'aria-labelledby="chart-survey-relationship-title' in page
    rows = survey_rows(client, world.program_id)
    assert rows[("Pulse 1", "Everyone")] == ["5", "3.4", "3"]
    assert rows[("Pulse 1", "Mentees")] == ["5", "3.4", "3"]
    assert rows[("Pulse 1", "Mentors")][0].startswith("hidden")  # none answered
    for name in CSVS:  # comments never go into an export
        text = client.get(f"/programs/{world.program_id}/outcomes/{name}.csv").get_data(True)
        assert SECRET not in text


def test_a_small_role_hides_both_roles_but_not_everyone(app, login, world):
    mentor_secret = f"{SECRET}-mentor"
    add_survey(
        app,
        world.program_id,
        mentees(5, "fine") + [(Role.MENTOR, 2, 2, mentor_secret), (Role.MENTOR, 2, 2, "")],
    )
    client = login("coordinator")
    rows = survey_rows(client, world.program_id)
    assert rows[("Pulse 1", "Everyone")][0] == "7"
    assert rows[("Pulse 1", "Mentees")][0].startswith("hidden")  # 7 - 5 would give the 2 away
    assert rows[("Pulse 1", "Mentors")][0].startswith("hidden")
    base = f"/programs/{world.program_id}/outcomes"
    assert mentor_secret in client.get(base).get_data(as_text=True)  # among all seven
    for group in ("mentee", "mentor"):
        page = client.get(f"{base}?survey_group={group}").get_data(as_text=True)
        assert mentor_secret not in page and "fine</li>" not in page
        assert "checked><span>" in page


def test_a_role_filter_shows_a_large_enough_role(app, login, world):
    add_survey(app, world.program_id, mentees(5, "mentee view") + [(Role.MENTOR, 1, 1, "x")] * 5)
    client = login("coordinator")
    base = f"/programs/{world.program_id}/outcomes"
    page = client.get(f"{base}?survey_group=mentee").get_data(as_text=True)
    assert "mentee view" in page and "<li>x</li>" not in page
    assert "Average relationship from 1 to 5 for mentees" in page
    rows = survey_rows(client, world.program_id)
    assert rows[("Pulse 1", "Mentors")] == ["5", "1", "1"]
    # an unknown filter is everyone
    assert "<li>x</li>" in client.get(f"{base}?survey_group=nobody").get_data(as_text=True)


def test_comments_come_in_the_order_of_their_words(app, login, world):
    add_survey(
        app,
        world.program_id,
        [(Role.MENTEE, 3, 3, c) for c in ("pear", "apple", "fig")] + mentees(2),
    )
    page = login("coordinator").get(f"/programs/{world.program_id}/outcomes").get_data(True)
    assert page.index("<li>apple</li>") < page.index("<li>fig</li>") < page.index("<li>pear</li>")


def test_the_end_survey_distribution(app, login, world):
    add_survey(
        app,
        world.program_id,
        [(Role.MENTEE, "yes", "yes", "")] * 3 + [(Role.MENTEE, "partly", "maybe", "")] * 2,
        kind=SurveyKind.END,
    )
    rows = survey_rows(login("coordinator"), world.program_id, "end_survey")
    assert rows[("Everyone",)] == ["5", "3", "2", "0", "3", "2", "0"]
    assert rows[("Mentors",)][0].startswith("hidden")


@pytest.mark.parametrize("group", ["everyone", "mentee"])
def test_query_count_is_fixed(app, login, world, query_counter, group):
    client = login("coordinator")
    url = f"/programs/{world.program_id}/outcomes?survey_group={group}"
    client.get(url)
    counts = []
    for number in (1, 2, 3):
        add_survey(app, world.program_id, mentees(6, f"c{number}"), number=number)
        for page in (url, f"/programs/{world.program_id}/outcomes/surveys.csv"):
            with query_counter:
                assert client.get(page).status_code == 200
            counts.append(query_counter.count)
    assert counts[0:2] == counts[2:4] == counts[4:6]


def test_the_report_shows_everyones_scores_only_when_shown(app, login, world):
    add_survey(app, world.program_id, mentees(5, SECRET))
    add_survey(app, world.program_id, mentees(2), number=2)
    page = login("coordinator").get(f"/programs/{world.program_id}/outcomes/report")
    text = page.get_data(as_text=True)
    assert '<th scope="row">Pulse 1</th><td>5</td><td>relationship 4, usefulness 3' in text
    assert '<th scope="row">Pulse 2</th><td>hidden (a group under 5 answers)</td><td>–' in text
    assert SECRET not in text  # comments never go into the report
