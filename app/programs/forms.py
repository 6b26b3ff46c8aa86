"""Forms for setting a program up."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..forms import Form, TimeZoneSearchField
from ..models import Cadence, MeetingMode, MentorshipModel, Role


def _choices(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum_cls]


class EnumSelectField(SelectField):
    """A select over an enum: the form data is the enum member, the HTML value its string."""

    def __init__(self, label: str, enum_cls, **kwargs):
        self.enum_cls = enum_cls
        super().__init__(label, choices=_choices(enum_cls), coerce=self._coerce, **kwargs)

    def _coerce(self, value):
        if isinstance(value, self.enum_cls):
            return value
        try:
            return self.enum_cls(value)
        except ValueError:
            return None

    def pre_validate(self, form) -> None:
        if self.data is None:
            raise ValidationError("Pick one of the options.")

    def _value(self) -> str:
        return self.data.value if self.data else ""

    def iter_choices(self):
        for choice in self.choices:
            selected = bool(self.data and self.data.value == choice.value)
            yield Choice(choice.value, choice.label, selected, {})


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _plausible(day: date | None) -> None:
    """Dates near ``date.min``/``date.max`` would overflow the week arithmetic downstream."""
    if day and not EARLIEST <= day <= LATEST:
        raise ValidationError(f"Pick a date between {EARLIEST.year} and {LATEST.year}.")


def _lines(text: str | None) -> str | None:
    """Text as a browser posts it (CRLF, trailing blanks) the way it was stored, so saving an
    unchanged form changes nothing (an agreement's version rises only when its words do)."""
    if text is None:
        return None
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _group_size(form, field) -> None:
    """2 to 30 mentees per mentor in a group program; any other model ignores the field (a
    blank or odd value there keeps what is stored)."""
    field.errors[:] = []  # our own message rather than "Not a valid integer value"
    if form.model.data is not MentorshipModel.GROUP:
        if field.data is not None and not 2 <= field.data <= 30:
            field.data = None
        raise StopValidation()
    if field.data is None:
        raise StopValidation("How many mentees share a mentor? Give a number from 2 to 30.")
    if not 2 <= field.data <= 30:
        raise StopValidation("Between 2 and 30 mentees.")


class ProgramForm(Form):
    name = StringField(
        "Name", validators=[DataRequired("Give the program a name."), Length(max=120)]
    )
    objectives = TextAreaField(
        "Objectives (one per line)",
        validators=[Length(max=2000)],
        filters=[_lines],
        render_kw={"rows": 4},
    )
    target_audience = StringField("Who it is for", validators=[Length(max=200)])
    model = EnumSelectField("Mentorship model", MentorshipModel, default=MentorshipModel.ONE_ON_ONE)
    group_size = IntegerField(
        "Mentees per group",
        default=4,
        validators=[_group_size],
        render_kw={"min": 2, "max": 30},
    )
    starts_on = DateField("Starts on", validators=[InputRequired("Pick a start date.")])
    ends_on = DateField("Ends on", validators=[InputRequired("Pick an end date.")])
    cadence = EnumSelectField("Meeting rhythm", Cadence, default=Cadence.WEEKLY)
    meeting_minutes = IntegerField(
        "Expected meeting length (minutes)",
        default=45,
        validators=[
            InputRequired("How long is a meeting?"),
            NumberRange(10, 240, "Between 10 and 240 minutes."),
        ],
    )
    meeting_mode = EnumSelectField("Usual meeting mode", MeetingMode, default=MeetingMode.IN_PERSON)
    time_zone = TimeZoneSearchField("Program time zone")
    agreement = TextAreaField(
        "Agreement every participant accepts",
        validators=[Length(max=5000)],
        filters=[_lines],
        render_kw={"rows": 6},
    )
    leaderboard_enabled = BooleanField("Offer a leaderboard")

    def settings(self) -> dict[str, object]:
        """The program's columns as entered (every field but the CSRF token is one). The group
        size counts only in a group program: otherwise a blank one keeps the stored value."""
        values = {name: value for name, value in self.data.items() if name != "csrf_token"}
        if values["group_size"] is None:
            del values["group_size"]
        return values

    def validate_starts_on(self, field) -> None:
        _plausible(field.data)

    def validate_ends_on(self, field) -> None:
        _plausible(field.data)
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError("The end must come after the start.")
        if (
            self.starts_on.data
            and field.data
            and field.data - self.starts_on.data > timedelta(days=3 * 366)
        ):
            raise ValidationError("A program can last at most three years.")


class BreakWeekForm(Form):
    day = DateField("A day in the break week", validators=[InputRequired("Pick a day.")])
    label = StringField("What it is", validators=[Optional(), Length(max=80)])


ROLE_ORDER = (Role.MENTEE, Role.MENTOR, Role.COORDINATOR)
"""The invite form's roles, safest first: it starts on Mentee, never on Coordinator."""

INVITE_DEFAULTS = {Role.COORDINATOR: (2, 1)}
"""(days, uses) of an invite whose fields are left empty; any other role gets 30 and 30."""


def invite_defaults(role: Role | None) -> tuple[int, int]:
    return INVITE_DEFAULTS.get(role, (30, 30))


class InviteForm(Form):
    role = EnumSelectField("Joins as", Role)
    days = IntegerField(
        "Valid for (days)",
        validators=[Optional(), NumberRange(1, 365, "1 to 365 days.")],
    )
    uses = IntegerField(
        "How many people may use it",
        validators=[Optional(), NumberRange(1, 1000, "1 to 1000 people.")],
    )
    understood = BooleanField(
        "I understand that everyone who uses this invite can see and change the whole program"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, role.label) for role in ROLE_ORDER]

    def start_on(self, role: Role) -> None:
        """A fresh form on ``role`` with that role's usual length and number of uses."""
        self.role.data = role
        self.days.data, self.uses.data = invite_defaults(role)

    def terms(self) -> tuple[int, int]:
        """(days, uses) as entered, the role's defaults for what was left empty."""
        days, uses = invite_defaults(self.role.data)
        return self.days.data or days, self.uses.data or uses

    def validate_understood(self, field) -> None:
        if self.role.data is not Role.COORDINATOR or field.data:
            return
        days, uses = self.terms()
        default_days, default_uses = invite_defaults(Role.COORDINATOR)
        if days > default_days or uses > default_uses:
            raise ValidationError(
                f"A coordinator invite is for one person and {default_days} days. Lower these, "
                "or tick this box to make it longer or for more people on purpose."
            )


def choice_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TrainingModuleForm(Form):
    """A training module as the coordinator writes it; the right answer is typed as its
    line number (1 for the first choice), stored as an index."""

    title = StringField(
        "Title", validators=[DataRequired("Give the module a title."), Length(max=120)]
    )
    body = TextAreaField(
        "Text (Markdown)",
        validators=[Length(max=20000, message="Keep it under 20,000 characters.")],
        filters=[_lines],
        render_kw={"rows": 14},
    )
    question = StringField(
        "Self-check question",
        validators=[DataRequired("Ask one question about the text."), Length(max=300)],
    )
    choices = TextAreaField(
        "Answers to choose from (one per line)",
        validators=[DataRequired("Write 2 to 6 answers, one per line.")],
        render_kw={"rows": 4},
    )
    answer = IntegerField(
        "Number of the right answer",
        default=1,
        validators=[InputRequired("Which line is the right answer?")],
        render_kw={"min": 1, "max": 6},
    )

    @classmethod
    def of(cls, module) -> TrainingModuleForm:
        """The form filled from a saved module (the answer shown from 1, not 0)."""
        return cls(
            data={
                "title": module.title,
                "body": module.body,
                "question": module.question,
                "choices": module.choices,
                "answer": module.answer + 1,
            }
        )

    def validate_choices(self, field) -> None:
        lines = choice_lines(field.data)
        if not 2 <= len(lines) <= 6:
            raise ValidationError("Write 2 to 6 answers, one per line.")
        if any(len(line) > 200 for line in lines):
            raise ValidationError("Keep each answer under 200 characters.")
        if len(set(lines)) < len(lines):
            raise ValidationError("Each answer must be different.")

    def validate_answer(self, field) -> None:
        count = len(choice_lines(self.choices.data))
        if count >= 2 and field.data is not None and not 1 <= field.data <= count:
            raise ValidationError(f"Give the number of one of the answers (1 to {count}).")

    def values(self) -> dict[str, object]:
        return {
            "title": self.title.data,
            "body": self.body.data or "",
            "question": self.question.data,
            "choices": "\n".join(choice_lines(self.choices.data)),
            "answer": self.answer.data - 1,
        }
