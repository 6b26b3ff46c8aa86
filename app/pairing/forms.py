"""Forms of the matching page. Choices are filled by the view for display only: an id that is
not a choice is judged by the view (someone else's: 404) and the service (no room: a message)."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from ..forms import Form


class PersonField(SelectField):
    """A select of memberships whose value is an id; any id passes to the view's own checks."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(
            label,
            coerce=int,
            validate_choice=False,
            validators=[InputRequired(message)],
            **kwargs,
        )

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None  # not a number: InputRequired keeps its own message

    def pre_validate(self, form) -> None:
        if self.data is None and self.raw_data and self.raw_data[0]:
            raise StopValidation("Pick one of the options.")


class HandMatchForm(Form):
    mentee = PersonField("Mentee", "Pick a mentee.")
    mentor = PersonField("Mentor", "Pick a mentor.")


class SwapForm(Form):
    mentor = PersonField("New mentor", "Pick a mentor.")


class AcceptForm(Form):
    draft = SelectMultipleField("Matches", coerce=int, validate_choice=False)


class EndForm(Form):
    reason = TextAreaField(
        "Why it ends",
        validators=[
            DataRequired("Say why the mentorship ends."),
            Length(3, 300, "Between 3 and 300 characters."),
        ],
        render_kw={"rows": 3},
    )
