"""The mentee's check-in form and the mentor's acknowledgement, with plain-spoken messages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from wtforms import BooleanField, Field, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation
from wtforms.widgets import HiddenInput

from ..forms import Form
from ..models.checkins import NOTE_LIMIT, REPLY_LIMIT
from ..weeks import request_now

MOODS = {
    1: ("😣", "Rough"),
    2: ("😕", "Low"),
    3: ("😐", "Okay"),
    4: ("😊", "Good"),
    5: ("😄", "Great"),
}
"""Mood → (emoji, word). The word, with the number, is what screen readers announce."""

MOOD_MISSING = "Pick how your week is going, from 1 to 5."
MADE_AT_UNREADABLE = (
    "We couldn't read when this check-in was saved on the phone. Please check in again."
)
EARLIEST_MADE_AT = datetime(2020, 1, 1, tzinfo=UTC)
"""Before Waypoint existed: such a time is a broken phone clock, not a check-in."""


def mood_label(mood: int) -> str:
    return f"{mood} – {MOODS[mood][1]}"


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class MoodField(RadioField):
    """Mood 1–5; a missing, non-numeric or out-of-range answer gets one plain message."""

    def __init__(self, label: str, **kwargs):
        choices = [SelectChoice(mood, mood_label(mood)) for mood in MOODS]
        super().__init__(label, choices=choices, coerce=int, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data not in MOODS:
            raise StopValidation(MOOD_MISSING)


class InstantField(Field):
    """A hidden instant with its offset, as a phone's ``Date.toISOString()`` writes it
    (``2026-03-11T18:00:00.000Z``); empty or absent is None."""

    widget = HiddenInput()

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        try:
            instant = datetime.fromisoformat(text)
            if instant.utcoffset() is None:
                raise ValueError("no offset")
            instant = instant.astimezone(UTC)
        except (ValueError, OverflowError) as error:
            raise ValueError(MADE_AT_UNREADABLE) from error
        if instant < EARLIEST_MADE_AT:
            raise ValueError(MADE_AT_UNREADABLE)
        self.data = instant

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


OPENED_SALT = "waypoint.checkin-opened"


def _opened_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=OPENED_SALT)


def opened_token(user_id: int, instant: datetime) -> str:
    """Signed (user, instant the form was rendered). The instant is our clock's, not the
    signer's own timestamp, so pinned test clocks and the demo seed hold."""
    return _opened_signer().dumps([user_id, instant.astimezone(UTC).isoformat()])


def opened_at(token: str | None, user_id: int) -> datetime | None:
    """When ``user_id`` was shown the form that carried ``token``; None for a missing, forged,
    tampered or someone else's token."""
    try:
        owner, instant = _opened_signer().loads(token or "")
        opened = datetime.fromisoformat(instant)
    except (BadData, ValueError, TypeError):
        return None
    if owner != user_id or opened.utcoffset() is None:
        return None
    return opened.astimezone(UTC)


class OpenedField(Field):
    """When the form was opened, signed for its reader: pages always come from the network
    (the service worker keeps none), so a check-in kept offline was opened online, in its
    week. Each rendering carries a fresh token; a post keeps the raw text."""

    widget = HiddenInput()

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def _value(self) -> str:
        return opened_token(current_user.id, request_now())


def _note(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_stripped],
        validators=[
            Length(max=NOTE_LIMIT, message=f"Keep it to {NOTE_LIMIT} characters or fewer.")
        ],
        render_kw={"rows": 3},
    )


class CheckInForm(Form):
    mood = MoodField("How are you this week?")
    progress_note = _note("Progress this week")
    blocker = _note("Anything in your way?")
    wants_help = BooleanField("I'd like help from my mentor")
    made_at = InstantField()
    """Set only by the service worker, for a check-in kept on the phone while offline."""
    opened = OpenedField()

    def counted_made_at(self, user_id: int) -> datetime | None:
        """The instant a kept check-in counts as made; None for the normal online post, which
        never looks at the token. ``made_at`` is the phone's word, so it is bound to the
        form's signed opening: a check-in cannot be made before its form was opened, and
        without a valid token of this user it counts as made now, so a crafted ``made_at``
        can never fill a week that was missed."""
        if self.made_at.data is None:
            return None
        opened = opened_at(self.opened.data, user_id)
        if opened is None:
            return request_now()
        return max(self.made_at.data, opened)

    def answers(self) -> dict:
        return {
            "mood": self.mood.data,
            "progress_note": self.progress_note.data or "",
            "blocker": self.blocker.data or "",
            "wants_help": self.wants_help.data,
        }


class AcknowledgeForm(Form):
    reply = TextAreaField(
        "Reply (optional)",
        filters=[_stripped],
        validators=[
            Length(
                max=REPLY_LIMIT, message=f"Keep your reply to {REPLY_LIMIT} characters or fewer."
            )
        ],
        render_kw={"rows": 2},
    )


def acknowledge_form(checkin_id: int, **kwargs) -> AcknowledgeForm:
    """Several check-ins share a page: the prefix keeps each reply field's id unique."""
    return AcknowledgeForm(prefix=f"checkin-{checkin_id}", **kwargs)
