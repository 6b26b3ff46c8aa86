"""The coordinator's forms on a pair at risk: a private note, and marking the entry resolved."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form
from ..models.risk import NOTE_LENGTH

TOO_LONG = Length(max=NOTE_LENGTH, message=f"Keep this to {NOTE_LENGTH:,} characters or fewer.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NoteForm(Form):
    body = TextAreaField(
        "Your note",
        filters=[_strip],
        validators=[DataRequired("Write the note first."), TOO_LONG],
        render_kw={"rows": 4},
    )


class ResolveForm(Form):
    note = TextAreaField(
        "What was done (optional)",
        filters=[_strip],
        validators=[Optional(), TOO_LONG],
        render_kw={"rows": 2},
    )
