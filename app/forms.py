"""The base of every form, and the fields and validators the feature forms share."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from .passwords import policy_problem
from .text import CONTROL, CONTROL_IN_LINES

FORM_ENCODINGS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
"""What an HTML form (and htmx) sends; Flask-WTF would also read JSON, whose values need not be
text."""


def _not_form_text() -> bool:
    """A body of JSON, plain text or anything else but form fields, or with a file in it (no form
    takes one). A POST without a body, like a bare button's, is fine."""
    if request.mimetype and request.mimetype not in FORM_ENCODINGS:
        return True
    return bool(request.files)


def one_line(form, field) -> None:
    """A one-line field takes no control character at all: a browser's text input sends none."""
    if isinstance(field.data, str) and CONTROL.search(field.data):
        raise StopValidation("Keep this to one line of plain text, without tabs or hidden codes.")


def plain_lines(form, field) -> None:
    """A multi-line field keeps tabs and line breaks, and nothing else invisible."""
    if isinstance(field.data, str) and CONTROL_IN_LINES.search(field.data):
        raise StopValidation("Remove the hidden control codes from this text.")


class Form(FlaskForm):
    """Every form of the app: it reads only the text fields of a form-encoded body (anything
    else answers 415), and each text field refuses control characters before its own checks,
    so none reaches the database."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if form.is_submitted() and _not_form_text():
                abort(415)
            return super().wrap_formdata(form, formdata)

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                check = plain_lines if isinstance(field, TextAreaField) else one_line
                field.validators = [check, *field.validators]
            return field


@cache
def time_zone_choices() -> list[SelectChoice]:
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice("UTC", "UTC"), *(SelectChoice(n, n.replace("_", " ")) for n in names)]


class TimeZoneField(SelectField):
    """An IANA zone picker; with ``detect`` app.js preselects the browser's own zone."""

    def __init__(self, label: str = "Time zone", detect: bool = False, **kwargs):
        if detect:
            kwargs.setdefault("render_kw", {})["data-detect-zone"] = ""
        super().__init__(label, choices=time_zone_choices(), **kwargs)


def strong_password(form, field) -> None:
    personal = tuple(
        getattr(form, name).data or "" for name in ("name", "email") if hasattr(form, name)
    )
    problem = policy_problem(field.data or "", personal=personal)
    if problem:
        raise ValidationError(problem)
