"""The game's forms: a mentor's kudos and streak repair, a member's leaderboard choice."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms import Form
from ..models import Membership
from ..models.awards import REPAIR_REASON_LIMIT
from ..models.kudos import Kudos

KUDOS_LIMIT = Kudos.__table__.c.note.type.length


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class _PickOne(SelectField):
    """A select whose unknown, missing or malformed value gets one plain message."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.message)


class KudosForm(Form):
    mentee = _PickOne("For", "Pick who the kudos are for.")
    note = TextAreaField(
        "Your note",
        filters=[_stripped],
        validators=[
            DataRequired("Write a few words: kudos come with a note."),
            Length(max=KUDOS_LIMIT, message=f"Keep it to {KUDOS_LIMIT} characters or fewer."),
        ],
        render_kw={"rows": 2, "maxlength": KUDOS_LIMIT},
    )

    def __init__(self, mentees: list[Membership], **kwargs):
        super().__init__(**kwargs)
        self.mentee.choices = [(str(m.user_id), m.user.name) for m in mentees]
        if len(mentees) == 1 and not self.mentee.data:
            self.mentee.data = str(mentees[0].user_id)


class StreakRepairForm(Form):
    week = _PickOne("Which missed week", "Pick one of the weeks offered.")
    reason = TextAreaField(
        "Why (the mentee will see it)",
        filters=[_stripped],
        validators=[
            DataRequired("Say why, in a few words: an illness, a school trip…"),
            Length(
                max=REPAIR_REASON_LIMIT,
                message=f"Keep it to {REPAIR_REASON_LIMIT} characters or fewer.",
            ),
        ],
        render_kw={"rows": 2, "maxlength": REPAIR_REASON_LIMIT},
    )

    def __init__(self, options: list[tuple[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.week.choices = options


class LeaderboardChoiceForm(Form):
    membership_id = IntegerField(validators=[InputRequired()])
    show = BooleanField("Show my first name and points on the leaderboard")
