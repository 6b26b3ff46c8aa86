"""The mentee's home puts the next action first and the game card second: this week's check-in
until it is in, then the next meeting, then a goal with a milestone to mark done."""

from __future__ import annotations

import re
from datetime import timedelta

from game_support import check_in
from goals_support import add_goal
from meetings_support import add_meeting

from app.clock import utcnow
from app.extensions import db
from app.models import MilestoneStatus, Program

SECTION = re.compile(r'<section class="card[^"]*"[^>]*aria-labelledby="([^"]+)"')


def sections(page: str) -> list[str]:
    """The labelled cards of the page's main column, in order (hidden install cards left out)."""
    main = page[page.index("<main") :]
    return [s for s in SECTION.findall(main) if not s.startswith("install")]


def test_before_checking_in_the_check_in_comes_first_then_the_game_card(login):
    home = login("mentee").get("/").get_data(as_text=True)
    assert sections(home)[:2] == ["checkin-heading", "game-heading"]
    assert sections(home).count("checkin-heading") == 1


def test_once_checked_in_the_next_meeting_comes_first(app, world, login):
    with app.app_context():
        add_meeting(world.mentorship_id, utcnow() + timedelta(days=2))
    client = login("mentee")
    check_in(client)
    home = client.get("/").get_data(as_text=True)
    order = sections(home)
    assert order[:2] == ["next-meeting-heading", "game-heading"]
    assert order.count("next-meeting-heading") == 1
    assert order.index("checkin-heading") > 1  # still there, with the mentor's reply to come
    first = home[home.index('id="next-meeting-heading"') : home.index('id="game-heading"')]
    assert "Plan a meeting" not in first  # a meeting is planned: the first screen stays short


def test_without_a_meeting_a_milestone_to_mark_done_comes_first(app, world, login):
    with app.app_context():
        add_goal(
            world.mentorship_id,
            milestones=(MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING, MilestoneStatus.OPEN),
        )
    client = login("mentee")
    check_in(client)
    home = client.get("/").get_data(as_text=True)
    assert sections(home)[:2] == ["next-step-heading", "game-heading"]
    assert "Raise my maths grade from C to B: 1 milestone to work on." in home
    assert re.search(r'<a class="button primary" href="/goals/\d+">Open the goal', home)
    assert "next-meeting-heading" in sections(home)  # below, with its "Plan a meeting"


def test_with_nothing_planned_or_open_the_meeting_card_offers_to_plan_one(app, world, login):
    with app.app_context():
        add_goal(world.mentorship_id, milestones=(MilestoneStatus.WAITING,))
    client = login("mentee")
    check_in(client)
    home = client.get("/").get_data(as_text=True)
    assert sections(home)[:2] == ["next-meeting-heading", "game-heading"]
    first = home[home.index('id="next-meeting-heading"') : home.index('id="game-heading"')]
    assert "Nothing planned yet." in first and "Plan a meeting" in first


def test_the_home_costs_the_same_queries_whatever_comes_first(app, world, login, query_counter):
    client = login("mentee")
    with query_counter as counter:
        client.get("/")
    before = counter.count
    with app.app_context():
        add_meeting(world.mentorship_id, utcnow() + timedelta(days=2))
        add_goal(world.mentorship_id, milestones=(MilestoneStatus.OPEN,))
    check_in(client)
    with query_counter as counter:
        client.get("/")
    assert counter.count == before


def test_the_program_card_lists_its_objectives_and_no_empty_list_without_them(app, world, login):
    client = login("mentee")
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.objectives = "Confidence\n\nA plan for next year\n"
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    card = home[home.index('id="program-about-heading"') :]
    assert "<ul><li>Confidence</li><li>A plan for next year</li></ul>" in card
    assert sections(home)[-1] == "program-about-heading"
    with app.app_context():
        db.session.get(Program, world.program_id).objectives = ""
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    card = home[home.index('id="program-about-heading"') :]
    assert "<ul>" not in card[: card.index("</section>")]
    assert "Program details and agreement" in card
