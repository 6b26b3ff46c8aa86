"""Fields and validators shared by the feature forms."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .passwords import policy_problem


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
