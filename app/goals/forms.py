"""Forms for goals and milestones, with messages a student understands next to each field."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import Form
from ..models import Membership, Program


def _strip(text: str | None) -> str | None:
    return text.strip() if isinstance(text, str) else text


def outside_program(program: Program, day: date) -> str | None:
    """Why ``day`` is not a usable date in the program, or None when it is."""
    if program.starts_on <= day <= program.ends_on:
        return None
    return (
        f"Pick a date inside the program, between {program.starts_on:%d %b %Y} "
        f"and {program.ends_on:%d %b %Y}."
    )


class GoalForm(Form):
    """A SMART goal; the target date lies inside the program and, once changed, not before today."""

    title = StringField(
        "Your goal",
        filters=[_strip],
        validators=[
            DataRequired("Give your goal a short, specific title."),
            Length(max=120, message="Keep the title to 120 characters or fewer."),
        ],
    )
    measure = TextAreaField(
        "How you'll measure progress",
        filters=[_strip],
        validators=[
            DataRequired("Say how you'll know you're getting there."),
            Length(max=300, message="Keep this to 300 characters or fewer."),
        ],
        render_kw={"rows": 3},
    )
    target_date = DateField(
        "Target date", validators=[InputRequired("Pick the date you're aiming for.")]
    )
    why = TextAreaField(
        "Why it matters to you",
        filters=[_strip],
        validators=[Optional(), Length(max=500, message="Keep this to 500 characters or fewer.")],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, program: Program, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.today = today
        self.unchanged_date = self.target_date.object_data

    def validate_target_date(self, field: DateField) -> None:
        if field.data is None:  # not a date: the field already says so
            return
        problem = outside_program(self.program, field.data)
        if problem:
            raise ValidationError(problem)
        # An overdue goal can still be edited; only a new date must not be in the past.
        if field.data < self.today and field.data != self.unchanged_date:
            raise ValidationError("That date has passed. Pick today or a later date.")


class MentorGoalForm(GoalForm):
    """A mentor sets a goal for one mentee of the mentorship."""

    mentee = SelectField("Whose goal", coerce=int)

    def offer(self, mentees: list[Membership]) -> None:
        """The group's mentees (with their users loaded), in the order they should be listed."""
        self.mentee.choices = [SelectChoice(m.id, m.user.name) for m in mentees]


class MilestoneForm(Form):
    title = StringField(
        "Milestone",
        filters=[_strip],
        validators=[
            DataRequired("Name the step, for example “Finish the revision booklet”."),
            Length(max=120, message="Keep the milestone to 120 characters or fewer."),
        ],
    )
    due_on = DateField("Due date (optional)", validators=[Optional()])

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program

    def validate_due_on(self, field: DateField) -> None:
        if field.data is None:
            return
        problem = outside_program(self.program, field.data)
        if problem:
            raise ValidationError(problem)


class RowForm(Form):
    """A form repeated on every milestone row: the prefix keeps ids and names apart.

    The CSRF token is checked for every POST by CSRFProtect and rendered once per form by the
    template, so the form itself does not add a prefixed copy.
    """

    class Meta:
        csrf = False

    def __init__(self, milestone_id: int, **kwargs):
        super().__init__(prefix=f"milestone-{milestone_id}", **kwargs)
        self.milestone_id = milestone_id


NOTE_LIMIT = Length(max=1000, message="Keep the note to 1000 characters or fewer.")
REVIEW_LABEL = "Your comment"


class DoneForm(RowForm):
    note = TextAreaField(
        "What you did (optional)",
        filters=[_strip],
        validators=[Optional(), NOTE_LIMIT],
        render_kw={"rows": 2},
    )


class ReviewForm(RowForm):
    note = TextAreaField(
        REVIEW_LABEL, filters=[_strip], validators=[Optional(), NOTE_LIMIT], render_kw={"rows": 2}
    )


class SendBackForm(ReviewForm):
    note = TextAreaField(
        REVIEW_LABEL,
        filters=[_strip],
        validators=[DataRequired("Say what to change, so they know what to do next."), NOTE_LIMIT],
        render_kw={"rows": 2},
    )


class MoveForm(Form):
    class Meta:
        csrf = False

    to = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


class RowForms:
    """The per-milestone forms of a page: blank ones, except the one that just failed."""

    def __init__(self, failed: RowForm | None = None):
        self.failed = failed

    def _get(self, form_class: type[RowForm], milestone_id: int) -> RowForm:
        failed = self.failed
        if isinstance(failed, form_class) and failed.milestone_id == milestone_id:
            return failed
        return form_class(milestone_id, formdata=None)

    def done(self, milestone_id: int) -> RowForm:
        return self._get(DoneForm, milestone_id)

    def review(self, milestone_id: int) -> RowForm:
        return self._get(ReviewForm, milestone_id)
