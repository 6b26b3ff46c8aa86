"""Onboarding forms: the matching profile, the typed-name signature and a module's self-check."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from matching.profiles import SLOTS, STYLES, slot_label

from ..forms import Form
from ..models import MeetingMode, TrainingModule

MAX_CAPACITY = 10


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _words(label: str, max_length: int, hint: str = "") -> StringField:
    too_long = f"Keep it under {max_length} characters."
    return StringField(
        label,
        filters=[_stripped],
        description=hint,
        validators=[Optional(), Length(max=max_length, message=too_long)],
    )


class ChoicesField(SelectMultipleField):
    """Several of a fixed set of keys (checkboxes); anything else gets one plain message."""

    def __init__(self, label: str, choices, missing: str | None = None, **kwargs):
        self.missing = missing
        super().__init__(label, choices=choices, **kwargs)

    def pre_validate(self, form) -> None:
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or ()):
            raise StopValidation("Pick from the options shown.")
        if self.missing and not self.data:
            raise StopValidation(self.missing)

    @property
    def joined(self) -> str:
        """The picked keys, space-separated in the order of the choices (how the row keeps them)."""
        picked = set(self.data or ())
        return " ".join(c.value for c in self.choices if c.value in picked)


class PickOne(RadioField):
    """One of a fixed set; a missing, unknown or malformed answer gets the field's message."""

    def __init__(self, label: str = "", missing: str = "Pick one of the options.", **kwargs):
        self.missing = missing
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.missing)


class ProfileForm(Form):
    """A participant's profile for matching; mentors also say how many mentees they can take."""

    interests = _words("Interests", 500, "A few words, separated by commas: robotics, football…")
    goals = _words("What you want help with", 500, "For example: revision, confidence, careers.")
    skills = _words("Subjects or skills you're working on", 500, "Separated by commas.")
    availability = ChoicesField(
        "When you're free each week",
        [SelectChoice(slot, slot_label(slot)) for slot in SLOTS],
        missing="Pick at least one time you're usually free.",
    )
    style = PickOne(
        "How you like to talk",
        missing="Pick the way of talking that suits you best.",
        choices=[SelectChoice(key, label) for key, label in STYLES.items()],
    )
    modes = ChoicesField(
        "Ways you'd like to meet", [SelectChoice(mode.value, mode.label) for mode in MeetingMode]
    )
    languages = _words("Languages you speak", 200, "Separated by commas: English, Polish…")
    capacity = IntegerField(
        "How many mentees you can take",
        validators=[
            InputRequired("Say how many mentees you can take, from 1 to 10."),
            NumberRange(1, MAX_CAPACITY, f"From 1 to {MAX_CAPACITY}."),
        ],
    )

    def __init__(self, *args, mentor: bool, group: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not mentor:
            del self.capacity
            return
        self.goals.label.text = "What you'd like to help with"
        self.skills.label.text = "Subjects or skills you can share"
        if group:
            self.capacity.label.text = "How many mentees you can take in your group"

    def values(self) -> dict:
        """The row's columns, as the form holds them."""
        values = {
            "interests": self.interests.data or "",
            "goals": self.goals.data or "",
            "skills": self.skills.data or "",
            "availability": self.availability.joined,
            "style": self.style.data,
            "modes": self.modes.joined,
            "languages": self.languages.data or "",
        }
        if self.capacity is not None:  # mentors only
            values["capacity"] = self.capacity.data
        return values


class SignForm(Form):
    name = StringField(
        "Type your full name to sign",
        filters=[_stripped],
        validators=[
            InputRequired("Type your full name to sign."),
            Length(max=80, message="Keep it under 80 characters."),
        ],
    )
    version = HiddenField()


class AnswerForm(Form):
    answer = PickOne("Your answer", missing="Pick one answer.", coerce=int)

    def __init__(self, *args, module: TrainingModule, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.label.text = module.question
        self.answer.choices = [SelectChoice(i, text) for i, text in enumerate(module.choice_list)]
