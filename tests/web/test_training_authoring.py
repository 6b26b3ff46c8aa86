"""A coordinator writes the program's mentor training: modules are added, checked, edited,
ordered and removed, each only inside the coordinator's own program."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from web_support import field_error, shown

from app.extensions import db
from app.models import Membership, Program, Role, TrainingCompletion, TrainingModule
from app.onboarding.status import checklists


def _module_form(**changes) -> dict[str, str]:
    return {
        "title": "Listening first",
        "body": "# Why listen\r\n\r\nAsk, then **listen**.\r\n\r\n- nod\r\n- wait",
        "question": "Who should talk most?",
        "choices": "The mentor\r\n\r\nThe mentee\r\n",
        "answer": "2",
        **changes,
    }


def _add(app, program_id: int, title: str, position: int = 0) -> int:
    with app.app_context():
        module = TrainingModule(
            program_id=program_id,
            position=position,
            title=title,
            body="Text",
            question="Ready?",
            choices="Yes\nNo",
            answer=0,
        )
        db.session.add(module)
        db.session.commit()
        return module.id


def _titles(app, program_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(TrainingModule.title)
                .where(TrainingModule.program_id == program_id)
                .order_by(TrainingModule.position, TrainingModule.id)
            )
        )


def test_a_module_is_added_last_and_listed(app, world, login) -> None:
    _add(app, world.program_id, "Welcome", position=3)
    client = login("coordinator")
    url = f"/programs/{world.program_id}/modules"
    assert client.get(f"{url}/new").status_code == 200
    response = client.submit(f"{url}/new", _module_form())
    assert response.status_code == 303 and response.location.endswith(url)
    assert _titles(app, world.program_id) == ["Welcome", "Listening first"]
    with app.app_context():
        module = db.session.scalar(
            sa.select(TrainingModule).where(TrainingModule.title == "Listening first")
        )
        assert module.choice_list == ["The mentor", "The mentee"]
        assert module.choices == "The mentor\nThe mentee" and module.answer == 1
        assert module.position == 4
    page = client.get(url).get_data(as_text=True)
    assert "Listening first" in page and "Welcome" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the module a title."),
        ({"question": "  "}, "question", "Ask one question about the text."),
        ({"choices": "Only one"}, "choices", "Write 2 to 6 answers, one per line."),
        ({"choices": "\n".join("abcdefg")}, "choices", "Write 2 to 6 answers, one per line."),
        ({"choices": "Yes\nYes"}, "choices", "Each answer must be different."),
        ({"choices": "Yes\n" + "n" * 201}, "choices", "Keep each answer under 200 characters."),
        ({"answer": "3"}, "answer", "Give the number of one of the answers (1 to 2)."),
        ({"answer": "0"}, "answer", "Give the number of one of the answers (1 to 2)."),
        ({"answer": ""}, "answer", "Which line is the right answer?"),
        ({"body": "x" * 20001}, "body", "Keep it under 20,000 characters."),
    ],
)
def test_a_module_form_shows_what_is_wrong(app, world, login, changes, field, message) -> None:
    response = login("coordinator").submit(
        f"/programs/{world.program_id}/modules/new", _module_form(**changes)
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == shown(message)
    assert _titles(app, world.program_id) == []


def test_a_module_is_edited(app, world, login) -> None:
    module_id = _add(app, world.program_id, "Welcome")
    client = login("coordinator")
    url = f"/programs/{world.program_id}/modules/{module_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input [^>]*id="title"[^>]* value="Welcome"', page)
    assert re.search(r'<input [^>]*id="answer"[^>]* value="1"', page)  # shown from 1
    response = client.submit(url, _module_form(title="Welcome, mentors", answer="1"))
    assert response.status_code == 303
    with app.app_context():
        module = db.session.get(TrainingModule, module_id)
        assert module.title == "Welcome, mentors" and module.answer == 0
        assert module.question == "Who should talk most?"


def test_modules_move_up_and_down(app, world, login) -> None:
    first, second, third = (_add(app, world.program_id, t) for t in ("One", "Two", "Three"))
    client = login("coordinator")
    url = f"/programs/{world.program_id}/modules"
    assert client.submit(f"{url}/{third}/move", {"direction": "up"}).status_code == 303
    assert _titles(app, world.program_id) == ["One", "Three", "Two"]
    assert client.submit(f"{url}/{first}/move", {"direction": "down"}).status_code == 303
    assert _titles(app, world.program_id) == ["Three", "One", "Two"]
    # the ends stay where they are
    assert client.submit(f"{url}/{third}/move", {"direction": "up"}).status_code == 303
    assert client.submit(f"{url}/{second}/move", {"direction": "down"}).status_code == 303
    assert _titles(app, world.program_id) == ["Three", "One", "Two"]
    assert client.submit(f"{url}/{second}/move", {"direction": "sideways"}).status_code == 400


def test_deleting_a_module_removes_the_confirmations_of_it(app, world, login) -> None:
    module_id = _add(app, world.program_id, "Welcome")
    with app.app_context():
        mentor = db.session.scalar(
            sa.select(Membership).where(
                Membership.program_id == world.program_id, Membership.role == Role.MENTOR
            )
        )
        db.session.add(TrainingCompletion(membership_id=mentor.id, module_id=module_id))
        db.session.commit()
    url = f"/programs/{world.program_id}/modules/{module_id}/delete"
    assert login("coordinator").submit(url).status_code == 303
    with app.app_context():
        assert db.session.get(TrainingModule, module_id) is None
        assert not db.session.scalars(sa.select(TrainingCompletion)).all()


def test_a_new_module_is_training_left_to_do(app, world, login) -> None:
    """A mentor who had finished the training has one more module to read."""
    module_id = _add(app, world.program_id, "Welcome")
    with app.app_context():
        mentor = db.session.scalar(
            sa.select(Membership).where(
                Membership.program_id == world.program_id, Membership.role == Role.MENTOR
            )
        )
        db.session.add(TrainingCompletion(membership_id=mentor.id, module_id=module_id))
        db.session.commit()
        mentor_id = mentor.id
    client = login("coordinator")
    client.submit(f"/programs/{world.program_id}/modules/new", _module_form())
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        checklist = checklists(program, [db.session.get(Membership, mentor_id)])[mentor_id]
        assert (checklist.training_done, checklist.training_total) == (1, 2)
        assert not checklist.training


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("GET", "", None),
        ("GET", "/edit", None),
        ("POST", "/edit", _module_form(title="Taken over")),
        ("POST", "/move", {"direction": "up"}),
        ("POST", "/delete", None),
    ],
)
def test_another_programs_module_is_not_found(app, world, login, method, suffix, data) -> None:
    """The other program's module under our program's URL (and under its own, which we don't
    coordinate) is a 404, and stays as it was."""
    _add(app, world.other_program_id, "Before")
    theirs = _add(app, world.other_program_id, "Theirs", position=5)
    client = login("coordinator")
    for program_id in (world.program_id, world.other_program_id):
        url = f"/programs/{program_id}/modules/{theirs}{suffix}"
        response = client.get(url) if method == "GET" else client.submit(url, data)
        assert response.status_code == 404, url
    assert _titles(app, world.other_program_id) == ["Before", "Theirs"]


def test_the_preview_renders_the_markdown_safely(app, world, login) -> None:
    client = login("coordinator")
    body = (
        "# Why listen\r\n\r\nAsk, then **listen**. [Guide](https://example.org/guide)\r\n\r\n"
        "<script>alert(1)</script>\r\n\r\n[trap](javascript:alert(1))"
    )
    client.submit(f"/programs/{world.program_id}/modules/new", _module_form(body=body))
    with app.app_context():
        module_id = db.session.scalar(sa.select(TrainingModule.id))
    response = client.get(f"/programs/{world.program_id}/modules/{module_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h2>Why listen</h2>" in page and "<strong>listen</strong>" in page
    assert '<a href="https://example.org/guide">Guide</a>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "Who should talk most?" in page and "The mentee" in page
    assert "The right answer is number 2" in page


def test_the_training_list_query_count_does_not_grow(app, world, login, query_counter) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/modules"
    _add(app, world.program_id, "One")
    client.get(url)
    with query_counter as one:
        assert client.get(url).status_code == 200
    for n in range(10):
        _add(app, world.program_id, f"Module {n}", position=n + 1)
    with query_counter as eleven:
        page = client.get(url).get_data(as_text=True)
    assert "Module 9" in page
    assert eleven.count == one.count, eleven.statements
