"""Rows and helpers for the onboarding tests: training modules, profiles, memberships."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app import member_states
from app.clock import utcnow
from app.extensions import db
from app.models import Membership, ParticipantProfile, Program, TrainingModule, User

CHECKLIST = '<section class="card checklist"'
COMPLETE_PROFILE = {
    "interests": "robotics, chess",
    "goals": "revision, confidence",
    "skills": "maths",
    "availability": ["mon-evening", "wed-lunch"],
    "style": "encouraging",
    "modes": ["video", "in_person"],
    "languages": "English, Polish",
}


def membership_of(app, email: str) -> Membership:
    with app.app_context():
        membership = db.session.scalar(
            sa.select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
        )
        db.session.expunge(membership)
        return membership


def add_module(app, program_id: int, title: str = "Listening first", position: int = 0, **values):
    """A training module whose right answer is "The mentee" (index 0)."""
    with app.app_context():
        module = TrainingModule(
            program_id=program_id,
            title=title,
            position=position,
            body=values.pop("body", "Let them **talk**."),
            question=values.pop("question", "Who talks most?"),
            choices=values.pop("choices", "The mentee\nThe mentor\nNobody"),
            answer=values.pop("answer", 0),
            **values,
        )
        db.session.add(module)
        db.session.commit()
        return module.id


def add_profile(app, membership_id: int, **values) -> None:
    with app.app_context():
        db.session.add(
            ParticipantProfile(
                membership_id=membership_id,
                availability="mon-evening",
                style="direct",
                **values,
            )
        )
        db.session.commit()


def set_membership(app, membership_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Membership).where(Membership.id == membership_id).values(**values)
        )
        member_states.touch(members=[membership_id])  # written in Core: say so
        db.session.commit()


def bump_agreement(app, program_id: int, text: str) -> None:
    """What the program setup does when the agreement's text changes: a new version."""
    with app.app_context():
        db.session.execute(
            sa.update(Program)
            .where(Program.id == program_id)
            .values(agreement=text, agreement_version=Program.agreement_version + 1)
        )
        member_states.touch(programs=[program_id])
        db.session.commit()


def sign(app, membership_id: int) -> None:
    """Mark the program's current agreement signed, as the agreement page would."""
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        version = db.session.get(Program, membership.program_id).agreement_version
        membership.agreed_version, membership.agreed_at = version, utcnow()
        db.session.commit()


def checklist_steps(page: str) -> list[tuple[str, bool]]:
    """The checklist's steps as (link text, done), or [] when the card is not shown."""
    card = re.search(r'<section class="card checklist".*?</section>', page, re.S)
    if not card:
        return []
    return [
        (text.strip(), "step-done" in classes)
        for classes, text in re.findall(
            r'<li class="(step[^"]*)">\s*<a href="[^"]*">([^<]*)</a>', card.group(0)
        )
    ]
