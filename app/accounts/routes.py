"""Views for joining, logging in and out, and looking after one's own account.

Views never write: every change goes through ``service``, which owns its transaction. Passwords
are hashed here, before the service opens its write, so SQLite's write lock is held briefly.
"""

from __future__ import annotations

from flask import Response, abort, flash, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import zones
from ..access import SESSION_KEY
from ..extensions import db
from ..models import Program, User, normalise_invite_code
from ..passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from ..rendering import redirect_to, render
from ..zones import find_zone
from . import bp, mail, service, sessions
from .forms import (
    ForgotPasswordForm,
    JoinCodeForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
)
from .service import EmailTaken, InviteGone, LeftProgram, find_usable_invite, find_user_by_email
from .throttle import PasswordCheck

LOGIN_FAILED = "That e-mail and password don't match an account."
INVITE_GONE = "This invite has expired or has been used up. Ask your coordinator for a new one."
LEFT_PROGRAM = "Your place in this program was closed. Ask your coordinator to reopen it."
EMAIL_TAKEN = "An account with this e-mail already exists. Log in to join with it."
RESET_GONE = "This link has expired or has already been used. Ask for a new one."
# What a browser may keep of the site after logout: nothing in its caches or storage (the
# htmx history, the service worker's cache). Not "cookies": the response itself sets the fresh
# session that carries the goodbye message and the login form's CSRF token, and the old cookies
# are worthless anyway once their login record has ended.
CLEAR_SITE_DATA = '"cache", "storage"'


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


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _sign_in(user: User, remember: bool) -> None:
    """A fresh cookie session for the login just recorded, so a session id planted before
    login is worthless after it; the chosen program survives."""
    chosen = session.get(SESSION_KEY)
    session.clear()
    login_user(user, remember=remember)
    if chosen is not None:
        session[SESSION_KEY] = chosen


def _sign_out(message: str) -> Response:
    session.clear()
    logout_user()  # after clear(): it leaves the note that removes the remember cookie
    flash(message, "info")
    response = redirect_to(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to(_safe_next(url_for("home.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        check = PasswordCheck(form.email.data, user)
        check.refuse_when_limited()
        if user is None:
            burn_verification_time(form.password.data)
        elif verify_password(user.password_hash, form.password.data):
            new_hash = None
            if needs_rehash(user.password_hash):
                new_hash = hash_password(form.password.data)
            service.log_in(user, _user_agent(), new_hash)
            _sign_in(user, form.remember.data)
            return redirect_to(_safe_next(url_for("home.index")))
        check.failed()
        form.password.errors.append(LOGIN_FAILED)
    status = 422 if form.errors else 200
    return render("accounts/login.html", form=form, status=status)


@bp.post("/logout")
@login_required
def logout():
    service.log_out(current_user)
    return _sign_out("You have logged out. See you soon!")


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    service.log_out_everywhere(current_user)
    return _sign_out("You have been logged out on every device.")


@bp.post("/account/devices/<int:session_id>/end")
@login_required
def end_device(session_id: int):
    """End one device's login; ending this very device is logging out."""
    if session_id == current_user.login_session_id:
        return logout()
    if not service.end_device(current_user, session_id):
        abort(404)
    flash("That device has been logged out.", "success")
    return redirect_to(url_for("accounts.account"))


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
        # a personal invite from a roster knows who it is for
        form.name.data, form.email.data = invite.name, invite.email
    if form.validate_on_submit():
        try:
            user, membership = service.register(
                invite,
                name=form.name.data.strip(),
                email=form.email.data,
                password_hash=hash_password(form.password.data),
                time_zone=form.time_zone.data,
                user_agent=_user_agent(),
            )
        except EmailTaken:
            form.email.errors.append(EMAIL_TAKEN)
        except InviteGone:
            return render("accounts/invite_gone.html", message=INVITE_GONE, status=410)
        else:
            _sign_in(user, remember=False)
            session[SESSION_KEY] = membership.id
            flash(f"Welcome to {program.name}!", "success")
            return redirect_to(url_for("home.index"))
    status = 422 if form.errors else 200
    return render(
        "accounts/register.html", form=form, invite=invite, program=program, status=status
    )


def _accept_invite(invite, program):
    if service.has_left(current_user, program.id):
        return render("accounts/invite_gone.html", message=LEFT_PROGRAM, status=403)
    if request.method == "POST":
        try:
            membership = service.accept_invite(current_user, invite)
        except InviteGone:
            return render("accounts/invite_gone.html", message=INVITE_GONE, status=410)
        except LeftProgram:
            return render("accounts/invite_gone.html", message=LEFT_PROGRAM, status=403)
        session[SESSION_KEY] = membership.id
        flash(f"You joined {program.name} as {invite.role.value}.", "success")
        return redirect_to(url_for("home.index"))
    return render("accounts/accept.html", invite=invite, program=program)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        service.save_profile(current_user, name=form.name.data, time_zone=form.time_zone.data)
        flash("Saved.", "success")
        return redirect_to(url_for("accounts.account"))
    picked = find_zone(request.args.get("time_zone", ""))
    if request.method == "GET" and picked:
        form.time_zone.data = picked  # chosen on the regions page: saved with Save
    status = 422 if form.errors else 200
    return render(
        "accounts/account.html",
        form=form,
        devices=sessions.open_sessions(current_user.id),
        status=status,
    )


@bp.get("/account/time-zones")
@login_required
def time_zones():
    """Every zone, region by region: plain links back to the account form, for browsing and
    for phones without JavaScript (no suggestions there)."""
    by_region = zones.regions()
    region = request.args.get("region")
    if region is not None and region not in by_region:
        abort(404)
    return render(
        "accounts/time_zones.html",
        region=region,
        zones=by_region.get(region, ()),
        regions=[(name, len(names)) for name, names in by_region.items()],
        zone_label=zones.label,
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm(person=current_user)
    if form.validate_on_submit():
        check = PasswordCheck(current_user.email, current_user)
        check.refuse_when_limited()
        if not verify_password(current_user.password_hash, form.current_password.data):
            check.failed()
            form.current_password.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()  # login_user() needs the row, not the proxy
            service.change_password(user, hash_password(form.password.data), _user_agent())
            _sign_in(user, remember=False)
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect_to(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render("accounts/password.html", form=form, status=status)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """One answer whether or not the e-mail has an account, so the page reveals no one."""
    if not mail.configured():  # no form to post: the page points to the coordinator
        if request.method == "POST":
            abort(404)
        return render("accounts/forgot.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        check = PasswordCheck()
        check.refuse_when_limited()
        check.failed()  # every request may send an e-mail: each one counts
        user = find_user_by_email(form.email.data)
        if user is not None:
            token, _ = service.issue_reset(user.id)
            link = url_for("accounts.reset_password", token=token, _external=True)
            mail.send_reset_link(user.email, user.first_name, link)
        return render("accounts/forgot_sent.html")
    status = 422 if form.errors else 200
    return render("accounts/forgot.html", form=form, status=status)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a one-time link; every login of the person ends."""
    check = PasswordCheck()  # the token is the secret here: guessing it is throttled
    check.refuse_when_limited()
    found = service.find_reset(token)
    if found is None:
        check.failed()
        return render("accounts/reset_gone.html", message=RESET_GONE, status=404)
    reset, user = found
    form = NewPasswordForm(person=user)
    if form.validate_on_submit():
        if not service.reset_password(reset, user, hash_password(form.password.data)):
            return render("accounts/reset_gone.html", message=RESET_GONE, status=404)
        if current_user.is_authenticated:
            session.clear()
            logout_user()
        flash("Your password is changed. Log in with it now.", "success")
        return redirect_to(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render("accounts/reset.html", form=form, person=user, status=status)
