"""Forms for meetings. They check the shape of the input; the meeting rules live in service."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import ListWidget, RadioInput

from ..forms import Form
from ..models import MeetingMode
from ..programs.forms import EnumSelectField
from .service import MAX_MINUTES, MIN_MINUTES, MeetingPlan


class EnumRadioField(EnumSelectField):
    """The same enum choice as radio buttons: a few options read better as one tap each."""

    widget = ListWidget(prefix_label=False)
    option_widget = RadioInput()


def _text(label: str, max_length: int, required: str | None = None, **kwargs) -> StringField:
    too_long = f"Keep it under {max_length} characters."
    checks = [DataRequired(required)] if required else [Optional()]
    return StringField(
        label, validators=[*checks, Length(max=max_length, message=too_long)], **kwargs
    )


class MeetingForm(Form):
    day = DateField("Date", validators=[InputRequired("Pick a date.")])
    start = TimeField("Start time", validators=[InputRequired("Pick a start time.")])
    minutes = IntegerField(
        "Length (minutes)",
        validators=[
            InputRequired("How long will you meet?"),
            NumberRange(MIN_MINUTES, MAX_MINUTES, f"Between {MIN_MINUTES} and {MAX_MINUTES}."),
        ],
    )
    mode = EnumRadioField("How you meet", MeetingMode)
    location = _text("Place or link", 300)

    def plan(self, zone: str) -> MeetingPlan:
        return MeetingPlan(
            day=self.day.data,
            start=self.start.data,
            zone=zone,
            minutes=self.minutes.data,
            mode=self.mode.data,
            location=(self.location.data or "").strip(),
        )


class MetForm(Form):
    """Log "we met" for a meeting nobody planned: which day (today unless changed) and how long."""

    day = DateField("When you met", validators=[InputRequired("Pick the day you met.")])
    minutes = IntegerField(
        "How long (minutes)",
        validators=[
            InputRequired("How long did you meet?"),
            NumberRange(MIN_MINUTES, MAX_MINUTES, f"Between {MIN_MINUTES} and {MAX_MINUTES}."),
        ],
    )


class RescheduleForm(MeetingForm):
    reason = _text("Why it moves", 300, "Say why, so everyone knows.")


class CancelForm(Form):
    reason = _text("Why it is cancelled", 300, "Say why, so everyone knows.")


class AgendaForm(Form):
    # ids of their own: the agenda, the notes and the action items share the meeting's page
    text = _text("Add to the agenda", 300, "Write what you want to talk about.", id="agenda-text")


class NotesForm(Form):
    notes = TextAreaField(
        "Shared notes",
        id="meeting-notes",
        validators=[Length(max=10000, message="Notes can be up to 10,000 characters.")],
        render_kw={"rows": 8},
    )


class ActionItemForm(Form):
    text = _text("Action", 300, "Write what needs doing.", id="action-text")
    owner = SelectField("Who does it", coerce=int, validate_choice=True)
    due_on = DateField("Due by (optional)", validators=[Optional()])

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [SelectChoice(person.id, person.name) for person in people]
        self.owner.invalid_choice_message = "Pick someone in this mentorship."
