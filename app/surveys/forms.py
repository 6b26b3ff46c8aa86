"""The two survey forms: a few radio groups and an optional comment, answered in a minute."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation

from game.surveys import SurveyKind

from ..forms import Form
from ..models.surveys import COMMENT_LIMIT, Again, GoalsReached

SCALE = {1: "1 – Poor", 2: "2", 3: "3", 4: "4", 5: "5 – Excellent"}
TOO_LONG = f"Keep it to {COMMENT_LIMIT} characters or fewer."


class _Choice(RadioField):
    """A required radio group: an answer that is missing, unreadable or not one of the
    choices gets the one plain ``message``."""

    def __init__(self, label: str, choices, message: str, **kwargs):
        super().__init__(label, choices=choices, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data not in [value for value, *_ in self.iter_choices()]:
            raise StopValidation(self.message)


def _scale(label: str) -> _Choice:
    choices = [SelectChoice(value, text) for value, text in SCALE.items()]
    return _Choice(label, choices, "Pick a score from 1 to 5.", coerce=int)


def _options(kind) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.value.capitalize()) for member in kind]


class PulseForm(Form):
    relationship = _scale("How is your mentoring relationship going?")
    usefulness = _scale("How useful are your meetings?")
    comment = TextAreaField(
        "Anything you'd like to tell the program? (optional)",
        validators=[Length(max=COMMENT_LIMIT, message=TOO_LONG)],
    )

    def answers(self) -> dict:
        return {
            "relationship": self.relationship.data,
            "usefulness": self.usefulness.data,
            "comment": (self.comment.data or "").strip(),
        }


class EndForm(Form):
    goals_reached = _Choice(
        "Did you reach your goals?",
        _options(GoalsReached),
        "Pick yes, partly or no.",
    )
    again = _Choice(
        "Would you take part in mentoring again?",
        _options(Again),
        "Pick yes, maybe or no.",
    )
    comment = TextAreaField(
        "What should change next time? (optional)",
        validators=[Length(max=COMMENT_LIMIT, message=TOO_LONG)],
    )

    def answers(self) -> dict:
        return {
            "goals_reached": GoalsReached(self.goals_reached.data),
            "again": Again(self.again.data),
            "comment": (self.comment.data or "").strip(),
        }


def form_for(kind: SurveyKind, **kwargs) -> PulseForm | EndForm:
    return (PulseForm if kind is SurveyKind.PULSE else EndForm)(**kwargs)
