"""The notifications page: this device's switch, the kinds and quiet hours, the devices.

Views never write: every change goes through ``service``, which owns its transaction.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import my_memberships
from ..extensions import csrf
from ..push import vapid
from ..rendering import redirect_to, render
from . import bp, queries, service
from .forms import ResubscribeForm, SettingsForm, SubscriptionForm
from .kinds import kinds_for

TAKEN = "This push address belongs to another browser's notifications."


def _offered():
    return kinds_for(membership.role for membership in my_memberships())


def _page(form: SettingsForm, status: int = 200) -> Response:
    return render(
        "notifications/settings.html",
        form=form,
        devices=queries.devices_of(current_user.id),
        vapid_key=_server_key(),
        status=status,
    )


def _server_key() -> str | None:
    """The key browsers subscribe with: VAPID_PUBLIC_KEY, or derived from the private key (the
    quick start makes only that one); None while push is off or its keys are unusable."""
    try:
        keys = vapid.load_keys(current_app.config)
    except vapid.PushKeyError:
        current_app.logger.exception("Push is off: its keys are unusable")
        return None
    return keys.public if keys else None


def _refused(form) -> Response:
    """The fields the browser got wrong, next to their names (for a person reading it)."""
    return Response(render_template("notifications/_refused.html", form=form), status=422)


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def settings():
    offered = _offered()
    if request.method == "GET":
        choices = queries.choices_of(current_user.id)
        wanted = [kind.value for kind in offered if kind.value not in choices.muted]
        data = {"kinds": wanted, "quiet_start": choices.quiet_start, "quiet_end": choices.quiet_end}
        return _page(SettingsForm(offered, data=data))
    form = SettingsForm(offered)
    if not form.validate_on_submit():
        return _page(form, status=422)
    service.save_choices(
        current_user.id,
        offered=offered,
        wanted=form.kinds.data or [],
        quiet_start=form.quiet_start.data,
        quiet_end=form.quiet_end.data,
    )
    flash("Saved.", "success")
    return redirect_to(url_for("notifications.settings"))


@bp.post("/notifications/devices")
@login_required
def subscribe():
    """notifications.js posts the subscription the browser made; the answer is the updated
    list of devices, which the script puts in place of the old one."""
    form = SubscriptionForm()
    if not form.validate_on_submit():
        return _refused(form)
    if not service.subscribe(
        current_user,
        request.headers.get("User-Agent", ""),
        endpoint=form.endpoint.data,
        p256dh=form.p256dh.data,
        auth=form.auth.data,
    ):
        form.endpoint.errors.append(TAKEN)
        return _refused(form)
    devices = queries.devices_of(current_user.id)
    return Response(render_template("notifications/_devices.html", devices=devices), status=201)


@bp.post("/notifications/devices/<int:subscription_id>/remove")
@login_required
def remove_device(subscription_id: int):
    if not service.remove_device(current_user.id, subscription_id):
        abort(404)
    flash("That device gets no more notifications.", "success")
    return redirect_to(url_for("notifications.settings"))


@bp.post("/notifications/test")
@login_required
def send_test():
    if service.send_test(current_user.id):
        flash("A test notification is on its way to your devices.", "success")
    else:
        flash("No device has notifications on yet: turn them on first, then try again.", "info")
    return redirect_to(url_for("notifications.settings"))


@bp.post("/notifications/resubscribe")
@csrf.exempt  # the old subscription's secret is the credential: see ResubscribeForm
def resubscribe():
    """The service worker's ``pushsubscriptionchange``: no login needed, and none used."""
    form = ResubscribeForm()
    if not form.validate_on_submit():
        return _refused(form)
    moved = service.resubscribe(
        old_endpoint=form.old_endpoint.data,
        old_auth=form.old_auth.data,
        endpoint=form.endpoint.data,
        p256dh=form.p256dh.data,
        auth=form.auth.data,
    )
    if not moved:
        abort(404)
    return Response(status=204)
