"""Views for joining, logging in and out, and looking after one's own account."""

from __future__ import annotations

from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..access import SESSION_KEY
from ..extensions import db, limiter
from ..models import Program, User, normalise_invite_code
from ..passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from ..rendering import redirect_to, render
from . import bp
from .forms import (
    JoinCodeForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
)
from .service import (
    claim_invite,
    find_usable_invite,
    find_user_by_email,
    join_program,
    membership_from,
)

LOGIN_FAILED = "That e-mail and password don't match an account."
INVITE_GONE = "This invite has expired or has been used up. Ask your coordinator for a new one."


def _safe_next(default: str) -> str:
    """Only follow ``next`` within this site, so a login link cannot send people elsewhere."""
    target = request.args.get("next", "")
    # Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" would become
    # "//evil.example": refuse any control character or space, and any backslash.
    if any(ch.isspace() or not ch.isprintable() for ch in target) or "\\" in target:
        return default
    if target.startswith("/") and not target.startswith("//"):
        return target
    return default


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()


def _start_session(user: User, remember: bool) -> None:
    """A fresh session on every login, so a session id planted before login is worthless."""
    chosen = session.get(SESSION_KEY)
    session.clear()
    login_user(user, remember=remember)
    if chosen is not None:
        session[SESSION_KEY] = chosen


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
)
def login():
    if current_user.is_authenticated:
        return redirect_to(_safe_next(url_for("home.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            burn_verification_time(form.password.data)
        elif verify_password(user.password_hash, form.password.data):
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
                db.session.commit()
            _start_session(user, form.remember.data)
            return redirect_to(_safe_next(url_for("home.index")))
        form.password.errors.append(LOGIN_FAILED)
    status = 422 if form.errors else 200
    return render("accounts/login.html", form=form, status=status)


@bp.post("/logout")
@login_required
def logout():
    session.clear()
    logout_user()  # after clear(): it leaves the note that removes the remember cookie
    flash("You have logged out. See you soon!", "info")
    return redirect_to(url_for("accounts.login"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """Rotating the token invalidates every session and remember cookie at once."""
    current_user.rotate_session_token()
    db.session.commit()
    session.clear()
    logout_user()
    flash("You have been logged out on every device.", "info")
    return redirect_to(url_for("accounts.login"))


@bp.route("/join", methods=["GET", "POST"])
def join():
    form = JoinCodeForm()
    if form.validate_on_submit():
        code = normalise_invite_code(form.code.data)
        if find_usable_invite(code):
            return redirect_to(url_for("accounts.join_invite", code=code))
        form.code.errors.append("We couldn't find an open invite with that code.")
    status = 422 if form.errors else 200
    return render("accounts/join.html", form=form, status=status)


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_invite(code: str):
    invite = find_usable_invite(normalise_invite_code(code))
    if invite is None:
        return render("accounts/invite_gone.html", message=INVITE_GONE, status=404)
    program = db.session.get(Program, invite.program_id)
    if current_user.is_authenticated:
        return _accept_invite(invite, program)
    form = RegisterForm()
    if request.method == "GET":
        form.time_zone.data = program.time_zone
    if form.validate_on_submit():
        if find_user_by_email(form.email.data):
            form.email.errors.append(
                "An account with this e-mail already exists. Log in to join with it."
            )
        elif claim_invite(invite):
            user = User(
                name=form.name.data.strip(),
                email=form.email.data.strip().lower(),
                password_hash=hash_password(form.password.data),
                time_zone=form.time_zone.data,
            )
            db.session.add(user)
            db.session.flush()
            membership = join_program(user, invite)
            db.session.commit()
            _start_session(user, remember=False)
            session[SESSION_KEY] = membership.id
            flash(f"Welcome to {program.name}!", "success")
            return redirect_to(url_for("home.index"))
        else:
            db.session.rollback()
            return render("accounts/invite_gone.html", message=INVITE_GONE, status=410)
    status = 422 if form.errors else 200
    return render(
        "accounts/register.html", form=form, invite=invite, program=program, status=status
    )


def _accept_invite(invite, program):
    if request.method == "POST":
        # Someone who already holds this membership (a double tap, an old link) uses nothing.
        membership = membership_from(current_user, invite)
        if membership is None:
            if not claim_invite(invite):
                db.session.rollback()
                return render("accounts/invite_gone.html", message=INVITE_GONE, status=410)
            membership = join_program(current_user, invite)
            db.session.commit()
        session[SESSION_KEY] = membership.id
        flash(f"You joined {program.name} as {invite.role.value}.", "success")
        return redirect_to(url_for("home.index"))
    return render("accounts/accept.html", invite=invite, program=program)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.move_to_zone(form.time_zone.data)
        db.session.commit()
        flash("Saved.", "success")
        return redirect_to(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render("accounts/account.html", form=form, status=status)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            current_user.password_hash = hash_password(form.password.data)
            current_user.rotate_session_token()
            db.session.commit()
            _start_session(current_user, remember=False)
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect_to(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render("accounts/password.html", form=form, status=status)
