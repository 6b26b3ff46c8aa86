"""The base of every form, and the fields and validators the feature forms share."""

from __future__ import annotations

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from .passwords import policy_problem
from .text import CONTROL, CONTROL_IN_LINES
from .zones import COMMON, find_zone

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


class TimeZoneSearchField(StringField):
    """A zone typed with suggestions (a ``<datalist>`` of the common zones, app/zones.py):
    ``new york``, ``Tokyo`` or ``Europe/London`` is kept as its IANA name; anything else gets a
    message next to the field. Far lighter than a select of every zone (35 KB of options).
    With ``detect`` app.js fills in the browser's own zone."""

    LIST_ID = "time-zone-suggestions"
    suggestions = COMMON

    def __init__(self, label: str = "Time zone", detect: bool = False, **kwargs):
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.update(
            list=self.LIST_ID, autocomplete="off", autocapitalize="off", spellcheck="false"
        )
        if detect:
            render_kw["data-detect-zone"] = ""
        super().__init__(label, **kwargs)

    def pre_validate(self, form) -> None:
        zone = find_zone(self.data or "")
        if zone is None:
            raise StopValidation(
                "That is not a time zone we know. Type a city, such as Chicago or London, "
                "or a zone such as Europe/London."
            )
        self.data = zone


def strong_password(form, field) -> None:
    personal = tuple(
        getattr(form, name).data or "" for name in ("name", "email") if hasattr(form, name)
    )
    problem = policy_problem(field.data or "", personal=personal)
    if problem:
        raise ValidationError(problem)
