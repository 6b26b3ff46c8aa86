"""Answering a survey: the home card, the form, the points paid once, and what is stored.

The world's program starts on Wed 11 Feb 2026 with a break in week 9 (game_support), so its
first pulse survey opens on Monday of week 12, its fifth counted week, for seven days.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from game_support import MENTEE, MENTOR, W11, W12, ledger, pinned_fixture, user_id  # noqa: F401
from web_support import explanation

from app import clock
from app.extensions import db
from app.models import Membership, PointsAward, Role, Survey, SurveyAnswer, SurveyResponse
from app.surveys.queries import open_slot
from app.surveys.service import AlreadyAnswered, answer
from game.weeks import WeekKey

pytestmark = pytest.mark.usefixtures("pinned")  # before the world: its weeks stay the same

GOOD = {"relationship": "4", "usefulness": "5", "comment": "Helpful chats"}


@pytest.fixture
def open_pulse(pinned, world):
    pinned(W12)
    return f"/programs/{world.program_id}/survey"


def _answers(app) -> list[SurveyAnswer]:
    with app.app_context():
        return db.session.scalars(sa.select(SurveyAnswer)).all()


def test_the_home_card_shows_while_open_and_goes_once_answered(login, open_pulse, pinned):
    client = login("mentee")
    home = client.get("/").get_data(as_text=True)
    assert "Answer the pulse survey" in home and open_pulse in home
    response = client.submit(open_pulse, GOOD)
    assert response.status_code == 303 and response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Answer the pulse survey" not in home
    assert "Your answers are in" in home
    pinned(W11)  # a week before it opens: no card
    assert "Answer the pulse survey" not in client.get("/").get_data(as_text=True)


def test_a_mentor_is_asked_too(login, open_pulse):
    client = login("own_mentor")
    assert "Answer the pulse survey" in client.get("/").get_data(as_text=True)
    assert client.get(open_pulse).status_code == 200


def test_answering_pays_the_mentee_once_and_twice_is_refused(app, login, open_pulse):
    client = login("mentee")
    assert client.submit(open_pulse, GOOD).status_code == 303
    again = client.submit(open_pulse, {**GOOD, "relationship": "1"})
    assert again.status_code == 409
    assert "already answered" in again.get_data(as_text=True)
    assert client.get(open_pulse).status_code == 200
    with app.app_context():
        survey = db.session.scalars(sa.select(Survey)).one()
        paid = {k: v for k, v in ledger(MENTEE).items() if k.startswith("survey:")}
        assert paid == {f"survey:{survey.id}:{user_id(MENTEE)}": 10}
    answers = _answers(app)
    assert [(a.relationship, a.usefulness, a.comment) for a in answers] == [(4, 5, "Helpful chats")]


def test_a_mentor_answers_without_points(app, login, open_pulse):
    client = login("own_mentor")
    assert client.submit(open_pulse, GOOD).status_code == 303
    with app.app_context():
        assert not any(k.startswith("survey:") for k in ledger(MENTOR))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
    assert [a.role.value for a in _answers(app)] == ["mentor"]


def test_an_answer_keeps_no_trace_of_who_gave_it(app, login, open_pulse):
    login("mentee").submit(open_pulse, GOOD)
    columns = set(SurveyAnswer.__table__.columns.keys())
    assert columns == {
        "id",
        "survey_id",
        "role",
        "relationship",
        "usefulness",
        "goals_reached",
        "again",
        "comment",
    }
    (answer,) = _answers(app)
    assert not answer.id.isdigit() and len(answer.id) == 32  # a random key, not a counter


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"usefulness": "5"}, "relationship", "Pick a score from 1 to 5."),
        ({"relationship": "9", "usefulness": "5"}, "relationship", "Pick a score from 1 to 5."),
        ({"relationship": "x", "usefulness": "5"}, "relationship", "Pick a score from 1 to 5."),
        ({"relationship": "3"}, "usefulness", "Pick a score from 1 to 5."),
        ({**GOOD, "comment": "a" * 501}, "comment", "Keep it to 500 characters or fewer."),
    ],
)
def test_bad_answers_get_a_message_next_to_the_field(app, login, open_pulse, data, field, message):
    client = login("mentee")
    response = client.submit(open_pulse, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in page
    assert _answers(app) == []
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PointsAward)
            .where(PointsAward.key.like("survey:%"))
        )


def test_htmx_gets_the_card_back_with_its_errors(login, open_pulse):
    response = login("mentee").htmx("POST", open_pulse, {})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section class="card survey-card"')
    assert "<legend>How is your mentoring relationship going?</legend>" in page


def test_the_page_works_without_a_survey_open(login, world, pinned):
    pinned(W11)
    client = login("mentee")
    url = f"/programs/{world.program_id}/survey"
    page = client.get(url)
    assert page.status_code == 200 and "No survey is open right now" in page.get_data(True)
    assert client.submit(url, GOOD).status_code == 409


def test_the_end_survey_asks_its_own_questions(app, login, world, pinned):
    with app.app_context():
        from app.models import Program

        ends = db.session.get(Program, world.program_id).ends_on
    last = WeekKey(*ends.isocalendar()[:2])
    pinned(last)
    client = login("mentee")
    url = f"/programs/{world.program_id}/survey"
    assert "Answer the end-of-program survey" in client.get("/").get_data(as_text=True)
    bad = client.submit(url, {"goals_reached": "perhaps"})
    assert bad.status_code == 422 and "Pick yes, partly or no." in bad.get_data(True)
    assert "Pick yes, maybe or no." in bad.get_data(True)
    ok = client.submit(url, {"goals_reached": "partly", "again": "yes", "comment": "More time"})
    assert ok.status_code == 303
    (answer,) = _answers(app)
    assert (answer.goals_reached.value, answer.again.value, answer.comment) == (
        "partly",
        "yes",
        "More time",
    )


def test_outsiders_and_people_without_an_active_pair_get_404(app, login, open_pulse):
    assert login("coordinator").get(open_pulse).status_code == 404
    with app.app_context():
        membership = db.session.scalars(
            sa.select(Membership).where(Membership.user_id == user_id(MENTEE))
        ).one()
        membership.left_at = membership.joined_at
        db.session.commit()
    client = login("mentee")
    assert client.get(open_pulse).status_code == 404


def test_no_comment_field_at_all_is_fine(app, login, open_pulse):
    response = login("mentee").submit(open_pulse, {"relationship": "2", "usefulness": "3"})
    assert response.status_code == 303
    assert [a.comment for a in _answers(app)] == [""]


@pytest.mark.parametrize(
    "junk", ["", "-1", "0", "6", "9" * 40, "a\x00b", "\x01\x7f", "x" * 5000, "✓ 💥"]
)
def test_junk_in_every_field_is_refused_with_a_message(app, login, open_pulse, junk):
    client = login("mentee")
    data = dict.fromkeys(("relationship", "usefulness", "comment"), junk)
    response = client.submit(open_pulse, data)
    assert response.status_code in (400, 422)  # a NUL is refused before any form reads it
    assert explanation(response.get_data(as_text=True))
    assert _answers(app) == []


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_the_home_card_costs_the_same_queries_however_many_answered(
    app, new_client, open_pulse, query_counter, role
):
    client = new_client(role)
    client.get("/")  # the first request after login also refreshes the session record

    def home_queries() -> int:
        with query_counter:
            assert "Answer the pulse survey" in client.get("/").get_data(as_text=True)
        return query_counter.count

    before = home_queries()
    assert new_client("other_mentor").submit(open_pulse, GOOD).status_code == 303
    with app.app_context():  # and many more answers from elsewhere
        survey = db.session.scalars(sa.select(Survey)).one()
        db.session.add_all(SurveyAnswer(survey_id=survey.id, role=Role.MENTEE) for _ in range(30))
        db.session.commit()
    assert home_queries() == before


def test_the_survey_nudge_has_a_switch_for_mentees_and_mentors_only(new_client):
    for role, shown in (("mentee", True), ("own_mentor", True), ("coordinator", False)):
        page = new_client(role).get("/notifications").get_data(as_text=True)
        assert ("Surveys to answer" in page) is shown, role


def test_answers_sent_at_once_make_one_survey_one_answer_each_and_pay_once(app, world, pinned):
    """Ten taps of the mentee and ten of the mentor at the same instant, each in its own
    session: the first survey row is made once, each person answers once and is paid once."""
    pinned(W12)
    with app.app_context():
        members = {
            role: db.session.scalars(
                sa.select(Membership).where(Membership.user_id == user_id(email))
            )
            .one()
            .id
            for role, email in (("mentee", MENTEE), ("mentor", MENTOR))
        }
        slot = open_slot(world.program_id, clock.utcnow())
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def tap(membership_id: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)  # no connection held while waiting: the pool is small
                membership = db.session.get(Membership, membership_id)
                answer(membership, slot, {"relationship": 3, "usefulness": 3, "comment": ""})
                outcomes.append("answered")
            except AlreadyAnswered:
                outcomes.append("already")
            except BaseException as error:  # noqa: BLE001 - every failure is the test's business
                outcomes.append(repr(error))

    threads = [
        threading.Thread(target=tap, args=(members[role],))
        for role in ("mentee", "mentor")
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["already"] * 18 + ["answered"] * 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Survey.id))) == 1
        assert len(_answers(app)) == 2
        assert sum(1 for key in ledger(MENTEE) if key.startswith("survey:")) == 1
