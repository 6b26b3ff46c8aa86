"""Forms of the people pages: the list's filters (a GET form) and a participant's role."""

from __future__ import annotations

from flask import request
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..forms import Form
from ..models import Role
from ..pagination import requested_page
from .forms import EnumSelectField
from .people_query import CURRENT, PARTICIPANTS, Filters, State

STATE_CHOICES = [
    SelectChoice("", "Everyone"),
    SelectChoice(CURRENT, "In the program"),
    *(SelectChoice(state.value, state.label) for state in State),
]
ROLE_CHOICES = [
    SelectChoice("", "Mentors and mentees"),
    *(SelectChoice(role.value, f"{role.label}s") for role in PARTICIPANTS),
]


class PeopleFilterForm(Form):
    """Read from the query string, so a filtered list is a link to share or bookmark (the page
    number is read leniently: a wrong one shows the nearest page)."""

    class Meta:
        csrf = False

    state = SelectField("State", choices=STATE_CHOICES, default="")
    role = SelectField("Role", choices=ROLE_CHOICES, default="")
    q = StringField("Name or e-mail", validators=[Length(max=100, message="At most 100 letters.")])

    def __init__(self) -> None:
        super().__init__(formdata=request.args)

    def filters(self) -> Filters:
        """What to show; a field with an error counts as not set."""
        ok = {name: not field.errors for name, field in self._fields.items()}
        return Filters(
            state=self.state.data if ok["state"] else "",
            role=Role(self.role.data) if ok["role"] and self.role.data else None,
            search=(self.q.data or "").strip() if ok["q"] else "",
            page=requested_page(),
        )


class RoleForm(Form):
    role = EnumSelectField("Role", Role)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.role.choices = [SelectChoice(r.value, r.label) for r in PARTICIPANTS]
