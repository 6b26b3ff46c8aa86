"""Mentor training: modules in order with ticks, Markdown rendered inert, the self-check that
records a module once and leads on, and modules nobody else can reach."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from onboarding_support import add_module, checklist_steps, membership_of
from web_support import field_error, scan, shown, snapshot

from app.extensions import db
from app.models import TrainingCompletion


def _url(world, module_id: int | None = None) -> str:
    base = f"/programs/{world.program_id}/training"
    return base if module_id is None else f"{base}/{module_id}"


def _completions(app) -> list[tuple[int, int]]:
    with app.app_context():
        return db.session.execute(
            sa.select(TrainingCompletion.membership_id, TrainingCompletion.module_id).order_by(
                TrainingCompletion.id
            )
        ).all()


def test_a_module_shows_its_body_and_question(app, world, login) -> None:
    module = add_module(app, world.program_id, body="# Listen\n\nLet them **talk**.")
    page = login("own_mentor").get(_url(world, module)).get_data(as_text=True)
    assert "<h2>Listen</h2>" in page and "<strong>talk</strong>" in page
    assert "Who talks most?" in page
    assert page.count('type="radio" name="answer"') == 3


def test_a_right_answer_records_the_module_and_goes_to_the_next(app, world, login) -> None:
    first = add_module(app, world.program_id, "Listening first")
    second = add_module(app, world.program_id, "Setting goals", position=1)
    mentor = membership_of(app, world.email("own_mentor"))
    client = login("own_mentor")
    response = client.submit(_url(world, first), {"answer": "0"})
    assert response.status_code == 303 and response.location == _url(world, second)
    assert _completions(app) == [(mentor.id, first)]
    assert "Right! Next: Setting goals." in client.get(response.location).get_data(as_text=True)
    listing = client.get(_url(world)).get_data(as_text=True)
    assert listing.index("Listening first") < listing.index("Setting goals")
    assert listing.count('class="step step-done"') == 1

    response = client.submit(_url(world, second), {"answer": "0"})
    assert response.status_code == 303 and response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Right! You have finished the training." in home
    assert ("Training: 2 of 2 modules", True) in checklist_steps(home)


def test_answering_a_passed_module_again_records_nothing_more(app, world, login) -> None:
    module = add_module(app, world.program_id)
    client = login("own_mentor")
    client.submit(_url(world, module), {"answer": "0"})
    before = snapshot(app)
    assert client.submit(_url(world, module), {"answer": "0"}).status_code == 303
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("1", "Not quite. Read the module again, then try another answer."),
        ("", "Pick one answer."),
        ("7", "Pick one answer."),
        ("first", "Pick one answer."),
    ],
)
def test_a_wrong_or_missing_answer_says_so_and_lets_them_reread(
    app, world, login, answer, message
) -> None:
    module = add_module(app, world.program_id)
    client = login("own_mentor")
    before = snapshot(app)
    response = client.submit(_url(world, module), {"answer": answer})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "answer") == shown(message)
    assert "Let them <strong>talk</strong>." in page
    assert snapshot(app) == before


XSS = (
    "<script>alert('body')</script>\n\n"
    "[click me](javascript:alert('link'))\n\n"
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n"
    '<a href="javascript:alert(1)" onclick="alert(2)">raw</a>\n\n'
    "<img src=x onerror=alert(3)>\n\n"
    "![img](javascript:alert(4))"
)


def test_a_module_body_with_script_and_javascript_links_is_inert(app, world, login) -> None:
    module = add_module(app, world.program_id, body=XSS)
    page = login("own_mentor").get(_url(world, module)).get_data(as_text=True)
    body = page.split('<article class="card module-body">', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body and "<img" not in body and "<a " not in body
    assert "&lt;script&gt;" in body and "[click me](javascript:" in body  # shown as text
    assert scan(page).problems == []


def test_mentees_and_coordinators_have_no_training(app, world, login) -> None:
    module = add_module(app, world.program_id)
    for role in ("mentee", "coordinator"):
        client = login(role)
        assert client.get(_url(world)).status_code == 404
        assert client.get(_url(world, module)).status_code == 404
        assert client.submit(_url(world, module), {"answer": "0"}).status_code == 404
        client.submit("/logout")
    assert _completions(app) == []


def test_a_module_of_another_program_is_404_and_records_nothing(app, world, login) -> None:
    theirs = add_module(app, world.other_program_id)
    client = login("own_mentor")
    assert client.get(_url(world, theirs)).status_code == 404
    assert client.submit(_url(world, theirs), {"answer": "0"}).status_code == 404
    assert _completions(app) == []
    listing = client.get(_url(world)).get_data(as_text=True)
    assert "Listening first" not in listing
