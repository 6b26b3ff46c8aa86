"""Forms for joining and managing an account."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from ..forms import Form, TimeZoneSearchField, strong_password
from ..models import User
from ..passwords import MAX_LENGTH, policy_problem


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Enter your e-mail."), Length(max=254)])
    password = PasswordField(
        "Password", validators=[InputRequired("Enter your password."), Length(max=MAX_LENGTH)]
    )
    remember = BooleanField("Keep me logged in on this device")


class JoinCodeForm(Form):
    code = StringField(
        "Invite code",
        validators=[DataRequired("Enter the code from your invite."), Length(max=32)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"},
    )


class RegisterForm(Form):
    name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=80, message="Keep it under 80.")],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "E-mail",
        validators=[
            DataRequired("Enter your e-mail."),
            Email("That doesn't look like an e-mail address.", check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Choose a password",
        validators=[InputRequired("Choose a password."), strong_password],
        render_kw={"autocomplete": "new-password"},
    )
    time_zone = TimeZoneSearchField(detect=True)


class ProfileForm(Form):
    name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=80, message="Keep it under 80.")],
    )
    time_zone = TimeZoneSearchField()


class NewPasswordForm(Form):
    """A new password typed twice, checked against the person's own name and e-mail."""

    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password."), strong_password],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", "The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, person: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_password(self, field) -> None:
        """This form has no name or e-mail field: check against the person's own."""
        if field.errors or self.person is None:
            return
        problem = policy_problem(field.data or "", personal=(self.person.name, self.person.email))
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        "E-mail",
        validators=[DataRequired("Enter your e-mail."), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
