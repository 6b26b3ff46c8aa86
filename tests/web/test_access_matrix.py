"""Who may use which route: every rule of ``app.url_map`` × every role of the ``world``.

Adding a route? Add a row to ``MATRIX`` for each HTTP method it accepts (HEAD and OPTIONS
aside), or ``test_every_route_is_in_the_matrix`` fails. A row is::

    Row(endpoint, method, url, (anonymous, mentee, own_mentor, other_mentor,
                                coordinator, other_coordinator), data={...})

- ``url`` is a template filled from the ``ids`` fixture (tests/web/conftest.py): every field
  of the ``World`` (``{program_id}``, ``{other_program_id}``, ``{invite_id}``,
  ``{other_invite_id}``, ``{break_id}``, ``{other_break_id}``, ``{mentorship_id}``,
  ``{other_mentorship_id}``, ``{invite_code}``), real rows of both pairs (``{goal_id}``,
  ``{milestone_id}``, ``{meeting_id}``, ``{action_id}``, ``{checkin_id}`` and their
  ``{other_...}`` twins, from ``build_probe_rows`` in tests/conftest.py), plus
  ``{other_invite_code}`` and ``{<role>_membership_id}`` for each person.
- The six outcomes are, for each role, a status code (``200``, ``404``, ``422``...) or a
  redirect ``(303, "/where")`` (a template too: the Location must match exactly, query string
  compared decoded). ``LOGIN`` is the redirect of a ``login_required`` page: 303 to
  ``/login?next=<this url>``.
- ``data`` is the form posted (with a valid CSRF token added). Keep it minimal: the point is
  the permission check, so an allowed role gets 200/303/422 where a foreign one gets 404.
- Every id in a URL is a real row: never a made-up number, which a route with no check at
  all would also answer 404. A route that takes an id needs a row on someone else's real row
  where a role allowed on its own row gets 404 (``test_id_routes_are_probed_with_foreign_rows``
  checks it; ``pair_rows`` writes both rows of a route under a pair).
- A route that takes a program id needs a second row with the other program's ids
  (``{other_program_id}``...), where our coordinator must get 404; a route that takes the id
  of a thing inside a program (break week, invite, mentorship...) also needs a row with the
  other program's thing under our program's URL (``test_program_routes_have_foreign_rows``
  checks both).

Each (row, role) pair is its own test, so a failure names the route, the URL and the role.
``test_the_matrix_catches_a_route_without_a_check`` proves the matrix fails on a route that
loads any row it is given, and on a route it has no row for.
Methods a rule does not accept answer 405 (``test_other_methods_answer_405``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask import abort
from flask_login import login_required
from web_support import (
    CSRF_MESSAGE,
    assert_no_trace,
    error_page_message,
    explanation,
    location_parts,
    log_in,
)
from werkzeug.routing import IntegerConverter

from app.access import goal_for_me
from app.extensions import db
from app.models import Goal

ROLES = ("anonymous", "mentee", "own_mentor", "other_mentor", "coordinator", "other_coordinator")

LOGIN = (303, "/login?next={url}")  # a login_required page, asked for without logging in
HOME = (303, "/")
LOGGED_OUT = (303, "/login")
EVERYONE_200 = (200, 200, 200, 200, 200, 200)


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    url: str
    expect: tuple  # one outcome per role, in the order of ROLES
    data: dict = field(default_factory=dict)


PAIR_IDS = ("mentorship_id", "goal_id", "milestone_id", "meeting_id", "action_id", "checkin_id")


def _theirs(template):
    """A URL or an outcome of our pair, rewritten to name the other pair's rows."""
    if isinstance(template, tuple):
        return (template[0], _theirs(template[1]))
    if isinstance(template, str):
        for name in PAIR_IDS:
            template = template.replace(f"{{{name}}}", f"{{other_{name}}}")
    return template


def pair_rows(endpoint: str, method: str, url: str, mentee, mentor, data=None) -> list[Row]:
    """Two rows for a route under a pair: on our pair's real row (its mentee and mentor get
    ``mentee`` and ``mentor``), and on the other pair's (its mentor gets ``mentor``, ours get
    404). Everyone else gets 404 on both."""
    data = data or {}
    return [
        Row(endpoint, method, url, (LOGIN, mentee, mentor, 404, 404, 404), data),
        Row(endpoint, method, _theirs(url), (LOGIN, 404, 404, _theirs(mentor), 404, 404), data),
    ]


def module_rows(endpoint: str, method: str, suffix: str, allowed, data=None) -> list[Row]:
    """Four rows for a route under a training module (``.../modules/<id>{suffix}``): each
    program's coordinator gets ``allowed`` on their own module (a redirect names
    ``{program}``), and everyone gets 404 on the other program's module under either URL."""
    data = data or {}

    def url(program: str, module: str) -> str:
        return f"/programs/{{{program}}}/modules/{{{module}}}{suffix}"

    def outcome(program: str):
        if isinstance(allowed, tuple):
            return (allowed[0], allowed[1].replace("{program}", f"{{{program}}}"))
        return allowed

    ours, theirs = "training_module_id", "other_training_module_id"
    nobody = (LOGIN, 404, 404, 404, 404, 404)
    return [
        Row(
            endpoint,
            method,
            url("program_id", ours),
            (LOGIN, 404, 404, 404, outcome("program_id"), 404),
            data,
        ),
        Row(endpoint, method, url("program_id", theirs), nobody, data),
        Row(
            endpoint,
            method,
            url("other_program_id", theirs),
            (LOGIN, 404, 404, 404, 404, outcome("other_program_id")),
            data,
        ),
        Row(endpoint, method, url("other_program_id", ours), nobody, data),
    ]


def people_rows(endpoint: str, method: str, tail: str, ours, theirs) -> list[Row]:
    """Four rows for a route under a program's member: our mentee under our program (our
    coordinator gets ``ours``), the other program's coordinator under theirs (they get
    ``theirs``), and each program's member under the other program's URL (404 for all)."""
    url = "/programs/{%s}/people/{%s_membership_id}" + tail
    return [
        Row(endpoint, method, url % ("program_id", "mentee"), (LOGIN, 404, 404, 404, ours, 404)),
        Row(
            endpoint,
            method,
            url % ("other_program_id", "other_coordinator"),
            (LOGIN, 404, 404, 404, 404, theirs),
        ),
        Row(endpoint, method, url % ("program_id", "other_coordinator"), (LOGIN, *[404] * 5)),
        Row(endpoint, method, url % ("other_program_id", "mentee"), (LOGIN, *[404] * 5)),
    ]


def care_rows(endpoint: str, method: str, tail: str, allowed, data=None) -> list[Row]:
    """Four rows for a route under a pair at risk (``/programs/<id>/at-risk/<pair>{tail}``):
    each program's coordinator gets ``allowed`` on their own program's pair (a redirect names
    ``{program}`` and ``{pair}``); a pair under the other program's URL is 404 for everyone."""
    data = data or {}
    url = "/programs/{%s}/at-risk/{%s}" + tail

    def outcome(program: str, pair: str):
        if isinstance(allowed, tuple):
            target = allowed[1].replace("{program}", f"{{{program}}}")
            return (allowed[0], target.replace("{pair}", f"{{{pair}}}"))
        return allowed

    ours, theirs = (
        ("program_id", "mentorship_id"),
        ("other_program_id", "other_program_mentorship_id"),
    )
    nobody = (LOGIN, *[404] * 5)
    return [
        Row(endpoint, method, url % ours, (LOGIN, 404, 404, 404, outcome(*ours), 404), data),
        Row(endpoint, method, url % (ours[0], theirs[1]), nobody, data),
        Row(endpoint, method, url % theirs, (LOGIN, 404, 404, 404, 404, outcome(*theirs)), data),
        Row(endpoint, method, url % (theirs[0], ours[1]), nobody, data),
    ]


# fmt: off
MATRIX: list[Row] = [
    # --- public pages ----------------------------------------------------------------------
    #   endpoint, method, url,
    #   (anonymous, mentee, own_mentor, other_mentor, coordinator, other_coordinator)
    Row("home.index", "GET", "/", EVERYONE_200),
    Row("pwa.manifest", "GET", "/manifest.webmanifest", EVERYONE_200),
    Row("pwa.service_worker", "GET", "/sw.js", EVERYONE_200),
    # the manifest's shortcuts: one URL for everyone, each person sent to their own page
    Row("pwa.check_in_shortcut", "GET", "/shortcuts/check-in",
        (LOGIN, (302, "/checkins/this-week"), (302, "/"), (302, "/"), (302, "/"), (302, "/"))),
    Row("pwa.next_meeting_shortcut", "GET", "/shortcuts/next-meeting",
        (LOGIN, (302, "/mentorships/{mentorship_id}/meetings"),
         (302, "/mentorships/{mentorship_id}/meetings"),
         (302, "/mentorships/{other_mentorship_id}/meetings"), (302, "/"), (302, "/"))),

    # --- logging in and out ----------------------------------------------------------------
    Row("accounts.login", "GET", "/login", (200, HOME, HOME, HOME, HOME, HOME)),
    Row("accounts.login", "POST", "/login", (422, HOME, HOME, HOME, HOME, HOME)),
    Row("accounts.logout", "POST", "/logout",
        (LOGIN, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT)),
    Row("accounts.logout_everywhere", "POST", "/account/logout-everywhere",
        (LOGIN, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT)),

    # --- joining: invite codes are public by design, anyone holding one may use it ---------
    Row("accounts.join", "GET", "/join", EVERYONE_200),
    Row("accounts.join", "POST", "/join", (422, 422, 422, 422, 422, 422)),
    Row("accounts.join", "POST", "/join", ((303, "/join/{invite_code}"),) * 6,
        data={"code": "{invite_code}"}),
    Row("accounts.join_invite", "GET", "/join/{invite_code}", EVERYONE_200),
    Row("accounts.join_invite", "GET", "/join/NONE-SUCH", (404, 404, 404, 404, 404, 404)),
    # anonymous: the registration form without its fields; logged in: accepts the invite
    Row("accounts.join_invite", "POST", "/join/{invite_code}", (422, HOME, HOME, HOME, HOME, HOME)),
    Row("accounts.join_invite", "POST", "/join/NONE-SUCH", (404, 404, 404, 404, 404, 404)),

    # --- one's own account -----------------------------------------------------------------
    Row("accounts.account", "GET", "/account", (LOGIN, 200, 200, 200, 200, 200)),
    # a form without the fields keeps the stored values (WTForms), so it saves
    Row("accounts.account", "POST", "/account", (LOGIN, *[(303, "/account")] * 5)),
    Row("accounts.account", "POST", "/account", (LOGIN, 422, 422, 422, 422, 422),
        data={"name": ""}),
    Row("accounts.time_zones", "GET", "/account/time-zones", (LOGIN, 200, 200, 200, 200, 200)),
    Row("accounts.change_password", "GET", "/account/password", (LOGIN, 200, 200, 200, 200, 200)),
    Row("accounts.change_password", "POST", "/account/password",
        (LOGIN, 422, 422, 422, 422, 422)),
    # the mentee's login on another device, then the other pair's mentee's
    Row("accounts.end_device", "POST", "/account/devices/{device_id}/end",
        (LOGIN, (303, "/account"), 404, 404, 404, 404)),
    Row("accounts.end_device", "POST", "/account/devices/{other_device_id}/end",
        (LOGIN, 404, 404, 404, 404, 404)),

    # --- password recovery: public; without SMTP the page points to the coordinator ---------
    Row("accounts.forgot_password", "GET", "/password/forgot", EVERYONE_200),
    Row("accounts.forgot_password", "POST", "/password/forgot", (404, 404, 404, 404, 404, 404)),
    Row("accounts.reset_password", "GET", "/password/reset/not-a-real-token",
        (404, 404, 404, 404, 404, 404)),
    Row("accounts.reset_password", "POST", "/password/reset/not-a-real-token",
        (404, 404, 404, 404, 404, 404)),

    # --- the program switcher: only one's own memberships ----------------------------------
    Row("programs.switch", "POST", "/programs/switch", (LOGIN, 400, 400, 400, 400, 400)),
    Row("programs.switch", "POST", "/programs/switch", (LOGIN, HOME, 404, 404, 404, 404),
        data={"membership_id": "{mentee_membership_id}"}),
    Row("programs.switch", "POST", "/programs/switch", (LOGIN, 404, 404, 404, HOME, 404),
        data={"membership_id": "{coordinator_membership_id}"}),
    Row("programs.switch", "POST", "/programs/switch", (LOGIN, 404, 404, 404, 404, HOME),
        data={"membership_id": "{other_coordinator_membership_id}"}),

    # --- program pages: members see the overview, coordinators run the program -------------
    Row("programs.overview", "GET", "/programs/{program_id}", (LOGIN, 200, 200, 200, 200, 404)),
    Row("programs.overview", "GET", "/programs/{other_program_id}",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("outcomes.dashboard", "GET", "/programs/{program_id}/outcomes",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("outcomes.dashboard", "GET", "/programs/{other_program_id}/outcomes",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("outcomes.report", "GET", "/programs/{program_id}/outcomes/report",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("outcomes.report", "GET", "/programs/{other_program_id}/outcomes/report",
        (LOGIN, 404, 404, 404, 404, 200)),
    *(
        row
        for table in ("retention", "rhythm", "checkins", "milestones", "surveys", "end_survey")
        for row in (
            Row(f"outcomes.{table}_csv", "GET", f"/programs/{{program_id}}/outcomes/{table}.csv",
                (LOGIN, 404, 404, 404, 200, 404)),
            Row(f"outcomes.{table}_csv", "GET",
                f"/programs/{{other_program_id}}/outcomes/{table}.csv",
                (LOGIN, 404, 404, 404, 404, 200)),
        )
    ),
    # the program's open survey, for its mentees and mentors of an active pair (none is open
    # in the world's week, so a post answers 409)
    Row("surveys.answer_survey", "GET", "/programs/{program_id}/survey",
        (LOGIN, 200, 200, 200, 404, 404)),
    Row("surveys.answer_survey", "POST", "/programs/{program_id}/survey",
        (LOGIN, 409, 409, 409, 404, 404)),
    Row("surveys.answer_survey", "GET", "/programs/{other_program_id}/survey",
        (LOGIN, *[404] * 5)),
    Row("surveys.answer_survey", "POST", "/programs/{other_program_id}/survey",
        (LOGIN, *[404] * 5)),
    Row("programs.people", "GET", "/programs/{program_id}/people",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.people", "GET", "/programs/{other_program_id}/people",
        (LOGIN, 404, 404, 404, 404, 200)),
    # a coordinator hands a reset link to a member of their program who is no coordinator
    Row("programs.reset_link", "POST",
        "/programs/{program_id}/people/{mentee_membership_id}/reset-link",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.reset_link", "POST",
        "/programs/{program_id}/people/{coordinator_membership_id}/reset-link",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.reset_link", "POST",
        "/programs/{program_id}/people/{other_coordinator_membership_id}/reset-link",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.reset_link", "POST",
        "/programs/{other_program_id}/people/{mentee_membership_id}/reset-link",
        (LOGIN, 404, 404, 404, 404, 404)),
    # --- people: a coordinator's own program's members only (another program's under ours: 404)
    *people_rows("programs.person", "GET", "", 200, 200),
    *people_rows("programs.deactivate", "GET", "/deactivate", 200, 200),
    # the other program's only coordinator cannot leave it
    *people_rows("programs.deactivate", "POST", "/deactivate",
                 (303, "/programs/{program_id}/people/{mentee_membership_id}"), 422),
    *people_rows("programs.reactivate", "POST", "/reactivate",
                 (303, "/programs/{program_id}/people/{mentee_membership_id}"),
                 (303, "/programs/{other_program_id}/people/{other_coordinator_membership_id}")),
    # without a role the form is refused; a coordinator's role is not changed here
    *people_rows("programs.change_role", "POST", "/role", 422, 422),
    Row("programs.settings", "GET", "/programs/{program_id}/settings",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.settings", "GET", "/programs/{other_program_id}/settings",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.settings", "POST", "/programs/{program_id}/settings",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("programs.settings", "POST", "/programs/{other_program_id}/settings",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("programs.add_break", "POST", "/programs/{program_id}/breaks",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("programs.add_break", "POST", "/programs/{other_program_id}/breaks",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("programs.delete_break", "POST", "/programs/{program_id}/breaks/{break_id}/delete",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/settings"), 404)),
    Row("programs.delete_break", "POST", "/programs/{program_id}/breaks/{other_break_id}/delete",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.delete_break", "POST",
        "/programs/{other_program_id}/breaks/{other_break_id}/delete",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/settings"))),
    Row("programs.delete_break", "POST", "/programs/{other_program_id}/breaks/{break_id}/delete",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.invites", "GET", "/programs/{program_id}/invites",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.invites", "GET", "/programs/{other_program_id}/invites",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.invites", "POST", "/programs/{program_id}/invites",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("programs.invites", "POST", "/programs/{other_program_id}/invites",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("programs.revoke_invite", "POST", "/programs/{program_id}/invites/{invite_id}/revoke",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/invites"), 404)),
    Row("programs.revoke_invite", "POST",
        "/programs/{program_id}/invites/{other_invite_id}/revoke",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.revoke_invite", "POST",
        "/programs/{other_program_id}/invites/{other_invite_id}/revoke",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/invites"))),
    Row("programs.revoke_invite", "POST",
        "/programs/{other_program_id}/invites/{invite_id}/revoke",
        (LOGIN, 404, 404, 404, 404, 404)),

    # --- setup: a coordinator starts programs, previews them and writes mentor training ----
    Row("programs.new", "GET", "/programs/new", (LOGIN, 404, 404, 404, 200, 200)),
    Row("programs.new", "POST", "/programs/new", (LOGIN, 404, 404, 404, 422, 422)),
    Row("programs.agreement_preview", "GET", "/programs/{program_id}/agreement/preview",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.agreement_preview", "GET", "/programs/{other_program_id}/agreement/preview",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.training", "GET", "/programs/{program_id}/modules",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.training", "GET", "/programs/{other_program_id}/modules",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.training_new", "GET", "/programs/{program_id}/modules/new",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.training_new", "GET", "/programs/{other_program_id}/modules/new",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.training_new", "POST", "/programs/{program_id}/modules/new",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("programs.training_new", "POST", "/programs/{other_program_id}/modules/new",
        (LOGIN, 404, 404, 404, 404, 422)),
    *module_rows("programs.training_preview", "GET", "", 200),
    *module_rows("programs.training_edit", "GET", "/edit", 200),
    *module_rows("programs.training_edit", "POST", "/edit", 422),
    *module_rows("programs.training_move", "POST", "/move", (303, "/programs/{program}/modules"),
                 {"direction": "up"}),
    *module_rows("programs.training_delete", "POST", "/delete",
                 (303, "/programs/{program}/modules")),

    # --- onboarding: a participant's own profile, signature and (mentors) training --------
    # Coordinators have no checklist; the other program's coordinator is in no program of ours.
    Row("onboarding.profile", "GET", "/programs/{program_id}/profile",
        (LOGIN, 200, 200, 200, 404, 404)),
    Row("onboarding.profile", "GET", "/programs/{other_program_id}/profile",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.profile", "POST", "/programs/{program_id}/profile",
        (LOGIN, 422, 422, 422, 404, 404)),
    Row("onboarding.profile", "POST", "/programs/{other_program_id}/profile",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.agreement", "GET", "/programs/{program_id}/agreement",
        (LOGIN, 200, 200, 200, 404, 404)),
    Row("onboarding.agreement", "GET", "/programs/{other_program_id}/agreement",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.agreement", "POST", "/programs/{program_id}/agreement",
        (LOGIN, 422, 422, 422, 404, 404)),
    Row("onboarding.agreement", "POST", "/programs/{other_program_id}/agreement",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training", "GET", "/programs/{program_id}/training",
        (LOGIN, 404, 200, 200, 404, 404)),
    Row("onboarding.training", "GET", "/programs/{other_program_id}/training",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "GET",
        "/programs/{program_id}/training/{training_module_id}",
        (LOGIN, 404, 200, 200, 404, 404)),
    Row("onboarding.training_module", "GET",
        "/programs/{program_id}/training/{other_training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "GET",
        "/programs/{other_program_id}/training/{other_training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "GET",
        "/programs/{other_program_id}/training/{training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "POST",
        "/programs/{program_id}/training/{training_module_id}",
        (LOGIN, 404, 422, 422, 404, 404)),
    Row("onboarding.training_module", "POST",
        "/programs/{program_id}/training/{other_training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "POST",
        "/programs/{other_program_id}/training/{other_training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("onboarding.training_module", "POST",
        "/programs/{other_program_id}/training/{training_module_id}",
        (LOGIN, 404, 404, 404, 404, 404)),

    # --- invites and roster import (issue 8): the classroom screen, revoking asks first, the
    # personal invites' CSV, and a roster upload's preview and import ----------------------
    *[Row(endpoint, "GET", "/programs/{program_id}/invites/" + ids + tail, expect)
      for endpoint, tail in (("programs.show_invite", ""), ("programs.revoke_invite", "/revoke"))
      for ids, expect in (
          ("{invite_id}", (LOGIN, 404, 404, 404, 200, 404)),
          ("{other_invite_id}", (LOGIN, 404, 404, 404, 404, 404)))],
    *[Row(endpoint, "GET", "/programs/{other_program_id}/invites/" + ids + tail, expect)
      for endpoint, tail in (("programs.show_invite", ""), ("programs.revoke_invite", "/revoke"))
      for ids, expect in (
          ("{other_invite_id}", (LOGIN, 404, 404, 404, 404, 200)),
          ("{invite_id}", (LOGIN, 404, 404, 404, 404, 404)))],
    Row("programs.personal_invites_csv", "GET", "/programs/{program_id}/invites.csv",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.personal_invites_csv", "GET", "/programs/{other_program_id}/invites.csv",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.roster", "GET", "/programs/{program_id}/roster",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.roster", "GET", "/programs/{other_program_id}/roster",
        (LOGIN, 404, 404, 404, 404, 200)),
    # a form without its file
    Row("programs.roster", "POST", "/programs/{program_id}/roster",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("programs.roster", "POST", "/programs/{other_program_id}/roster",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("programs.roster_preview", "GET", "/programs/{program_id}/roster/{roster_upload_id}",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.roster_preview", "GET",
        "/programs/{program_id}/roster/{other_roster_upload_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.roster_preview", "GET",
        "/programs/{other_program_id}/roster/{other_roster_upload_id}",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("programs.roster_preview", "GET", "/programs/{other_program_id}/roster/{roster_upload_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.roster_import", "POST",
        "/programs/{program_id}/roster/{roster_upload_id}/import",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/invites"), 404)),
    Row("programs.roster_import", "POST",
        "/programs/{program_id}/roster/{other_roster_upload_id}/import",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("programs.roster_import", "POST",
        "/programs/{other_program_id}/roster/{other_roster_upload_id}/import",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/invites"))),
    Row("programs.roster_import", "POST",
        "/programs/{other_program_id}/roster/{roster_upload_id}/import",
        (LOGIN, 404, 404, 404, 404, 404)),

    # --- check-ins: the mentee's own week; a mentorship's history for its people only -------
    Row("checkins.this_week_form", "GET", "/checkins/this-week", (LOGIN, 200, 404, 404, 404, 404)),
    Row("checkins.this_week_form", "POST", "/checkins/this-week",
        (LOGIN, 422, 404, 404, 404, 404)),
    Row("checkins.ask_for_help", "POST", "/checkins/help", (LOGIN, HOME, 404, 404, 404, 404)),
    Row("checkins.mentorship_checkins", "GET", "/mentorships/{mentorship_id}/checkins",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("checkins.mentorship_checkins", "GET", "/mentorships/{other_mentorship_id}/checkins",
        (LOGIN, 404, 404, 200, 404, 404)),
    *pair_rows("checkins.acknowledge_checkin", "POST", "/checkins/{checkin_id}/acknowledge",
               403, (303, "/mentorships/{mentorship_id}/checkins")),
    *pair_rows("checkins.acknowledge_checkin", "GET", "/checkins/{checkin_id}/acknowledge",
               403, 200),

    # --- meetings: a mentorship's meetings for its people only; the feed by its secret URL ---
    Row("meetings.schedule", "GET", "/mentorships/{mentorship_id}/meetings/new",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("meetings.schedule", "GET", "/mentorships/{other_mentorship_id}/meetings/new",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("meetings.schedule", "POST", "/mentorships/{mentorship_id}/meetings/new",
        (LOGIN, 422, 422, 404, 404, 404)),
    Row("meetings.schedule", "POST", "/mentorships/{other_mentorship_id}/meetings/new",
        (LOGIN, 404, 404, 422, 404, 404)),
    Row("meetings.log_met", "GET", "/mentorships/{mentorship_id}/meetings/met",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("meetings.log_met", "GET", "/mentorships/{other_mentorship_id}/meetings/met",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("meetings.log_met", "POST", "/mentorships/{mentorship_id}/meetings/met",
        (LOGIN, 422, 422, 404, 404, 404)),
    Row("meetings.log_met", "POST", "/mentorships/{other_mentorship_id}/meetings/met",
        (LOGIN, 404, 404, 422, 404, 404)),
    Row("meetings.index", "GET", "/mentorships/{mentorship_id}/meetings",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("meetings.index", "GET", "/mentorships/{other_mentorship_id}/meetings",
        (LOGIN, 404, 404, 200, 404, 404)),
    *pair_rows("meetings.show", "GET", "/meetings/{meeting_id}", 200, 200),
    *pair_rows("meetings.download", "GET", "/meetings/{meeting_id}.ics", 200, 200),
    *pair_rows("meetings.reschedule", "GET", "/meetings/{meeting_id}/reschedule", 200, 200),
    *pair_rows("meetings.reschedule", "POST", "/meetings/{meeting_id}/reschedule", 422, 422),
    *pair_rows("meetings.add_agenda", "POST", "/meetings/{meeting_id}/agenda", 422, 422),
    *pair_rows("meetings.save_notes", "POST", "/meetings/{meeting_id}/notes",
               (303, "/meetings/{meeting_id}"), (303, "/meetings/{meeting_id}")),
    *pair_rows("meetings.add_action", "POST", "/meetings/{meeting_id}/actions", 422, 422),
    *pair_rows("meetings.confirm", "POST", "/meetings/{meeting_id}/confirm",
               (303, "/meetings/{meeting_id}"), (303, "/meetings/{meeting_id}")),
    *pair_rows("meetings.cancel", "POST", "/meetings/{meeting_id}/cancel", 422, 422),
    *pair_rows("meetings.toggle_action", "POST", "/actions/{action_id}/toggle",
               (303, "/meetings/{meeting_id}"), (303, "/meetings/{meeting_id}")),
    # The feed needs no login, only its token (tests/web/test_meetings_calendar.py).
    Row("meetings.calendar_feed", "GET", "/calendar/not-a-token.ics",
        (404, 404, 404, 404, 404, 404)),
    Row("meetings.rotate_calendar_token", "POST", "/account/calendar-token",
        (LOGIN, *((303, "/account#calendar"),) * 5)),

    # --- goals: a mentorship's goals for its people only (in a group: mentors + the owner) ---
    Row("goals.index", "GET", "/mentorships/{mentorship_id}/goals",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("goals.index", "GET", "/mentorships/{other_mentorship_id}/goals",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("goals.new", "GET", "/mentorships/{mentorship_id}/goals/new",
        (LOGIN, 200, 200, 404, 404, 404)),
    Row("goals.new", "GET", "/mentorships/{other_mentorship_id}/goals/new",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("goals.new", "POST", "/mentorships/{mentorship_id}/goals/new",
        (LOGIN, 422, 422, 404, 404, 404)),
    Row("goals.new", "POST", "/mentorships/{other_mentorship_id}/goals/new",
        (LOGIN, 404, 404, 422, 404, 404)),
    *pair_rows("goals.detail", "GET", "/goals/{goal_id}", 200, 200),
    *pair_rows("goals.edit", "GET", "/goals/{goal_id}/edit", 200, 200),
    *pair_rows("goals.edit", "POST", "/goals/{goal_id}/edit", 422, 422),
    *pair_rows("goals.archive", "POST", "/goals/{goal_id}/archive",
               (303, "/mentorships/{mentorship_id}/goals"),
               (303, "/mentorships/{mentorship_id}/goals")),
    *pair_rows("goals.unarchive", "POST", "/goals/{goal_id}/unarchive",
               (303, "/goals/{goal_id}"), (303, "/goals/{goal_id}")),
    *pair_rows("goals.add_milestone", "POST", "/goals/{goal_id}/milestones", 422, 422),
    *pair_rows("goals.edit_milestone", "GET", "/milestones/{milestone_id}/edit", 200, 200),
    # a form without the fields keeps the stored values: nothing to change
    *pair_rows("goals.edit_milestone", "POST", "/milestones/{milestone_id}/edit",
               (303, "/goals/{goal_id}"), (303, "/goals/{goal_id}")),
    *pair_rows("goals.move_milestone", "POST", "/milestones/{milestone_id}/move", 400, 400),
    *pair_rows("goals.delete_milestone", "GET", "/milestones/{milestone_id}/delete", 200, 200),
    *pair_rows("goals.delete_milestone", "POST", "/milestones/{milestone_id}/delete",
               (303, "/goals/{goal_id}"), (303, "/goals/{goal_id}")),
    # the mentee may see the milestone but not confirm it (403); the mentor may not mark it done
    *pair_rows("goals.submit_milestone", "POST", "/milestones/{milestone_id}/submit",
               (303, "/goals/{goal_id}"), 403),
    *pair_rows("goals.confirm_milestone", "POST", "/milestones/{milestone_id}/confirm",
               403, (303, "/goals/{goal_id}")),
    *pair_rows("goals.send_back_milestone", "POST", "/milestones/{milestone_id}/send-back",
               403, 422),

    # --- the game: own progress; a mentor's kudos and repairs; the opt-in leaderboard ------
    # Coordinators earn nothing, so they have no progress page.
    Row("gamification.progress", "GET", "/me/progress", (LOGIN, 200, 200, 200, 404, 404)),
    Row("gamification.pair_game", "GET", "/mentorships/{mentorship_id}/game",
        (LOGIN, 404, 200, 404, 404, 404)),
    Row("gamification.pair_game", "GET", "/mentorships/{other_mentorship_id}/game",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("gamification.kudos", "GET", "/mentorships/{mentorship_id}/kudos",
        (LOGIN, 404, 200, 404, 404, 404)),
    Row("gamification.kudos", "GET", "/mentorships/{other_mentorship_id}/kudos",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("gamification.streak_repair", "GET", "/mentorships/{mentorship_id}/streak-repair",
        (LOGIN, 404, 200, 404, 404, 404)),
    Row("gamification.streak_repair", "GET",
        "/mentorships/{other_mentorship_id}/streak-repair", (LOGIN, 404, 404, 200, 404, 404)),
    Row("gamification.kudos", "POST", "/mentorships/{mentorship_id}/kudos",
        (LOGIN, 404, 422, 404, 404, 404)),
    Row("gamification.kudos", "POST", "/mentorships/{other_mentorship_id}/kudos",
        (LOGIN, 404, 404, 422, 404, 404)),
    Row("gamification.streak_repair", "POST", "/mentorships/{mentorship_id}/streak-repair",
        (LOGIN, 404, 422, 404, 404, 404)),
    Row("gamification.streak_repair", "POST", "/mentorships/{other_mentorship_id}/streak-repair",
        (LOGIN, 404, 404, 422, 404, 404)),
    # Off unless the coordinator turns it on: ``build_probe_rows`` turns it on in both programs
    # (tests/web/test_game_leaderboard.py tries it off).
    Row("gamification.leaderboard", "GET", "/programs/{program_id}/leaderboard",
        (LOGIN, 200, 200, 200, 200, 404)),
    Row("gamification.leaderboard", "GET", "/programs/{other_program_id}/leaderboard",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("gamification.leaderboard_choice", "POST", "/account/leaderboard",
        (LOGIN, 400, 400, 400, 400, 400)),
    Row("gamification.leaderboard_choice", "POST", "/account/leaderboard",
        (LOGIN, (303, "/account"), 404, 404, 404, 404),
        data={"membership_id": "{mentee_membership_id}", "show": "y"}),

    # --- matching: the program's coordinators only; drafts, people and mentorships of the
    # other program answer 404 under ours (rows from build_probe_rows) -----------------------
    Row("pairing.matching", "GET", "/programs/{program_id}/matching",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("pairing.matching", "GET", "/programs/{other_program_id}/matching",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("pairing.suggest", "POST", "/programs/{program_id}/matching/suggest",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/matching"), 404)),
    Row("pairing.suggest", "POST", "/programs/{other_program_id}/matching/suggest",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/matching"))),
    Row("pairing.accept", "POST", "/programs/{program_id}/matching/accept",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("pairing.accept", "POST", "/programs/{other_program_id}/matching/accept",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("pairing.accept", "POST", "/programs/{program_id}/matching/accept",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/matching"), 404),
        data={"draft": "{match_draft_id}"}),
    Row("pairing.accept", "POST", "/programs/{program_id}/matching/accept",
        (LOGIN, 404, 404, 404, 404, 404), data={"draft": "{other_match_draft_id}"}),
    Row("pairing.swap", "POST", "/programs/{program_id}/matching/drafts/{match_draft_id}/swap",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("pairing.swap", "POST",
        "/programs/{program_id}/matching/drafts/{other_match_draft_id}/swap",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.swap", "POST",
        "/programs/{other_program_id}/matching/drafts/{other_match_draft_id}/swap",
        (LOGIN, 404, 404, 404, 404, 422)),
    Row("pairing.swap", "POST",
        "/programs/{other_program_id}/matching/drafts/{match_draft_id}/swap",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.remove", "POST",
        "/programs/{program_id}/matching/drafts/{match_draft_id}/remove",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/matching"), 404)),
    Row("pairing.remove", "POST",
        "/programs/{program_id}/matching/drafts/{other_match_draft_id}/remove",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.remove", "POST",
        "/programs/{other_program_id}/matching/drafts/{other_match_draft_id}/remove",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/matching"))),
    Row("pairing.remove", "POST",
        "/programs/{other_program_id}/matching/drafts/{match_draft_id}/remove",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.hand", "POST", "/programs/{program_id}/matching/hand",
        (LOGIN, 404, 404, 404, 422, 404)),
    Row("pairing.hand", "POST", "/programs/{other_program_id}/matching/hand",
        (LOGIN, 404, 404, 404, 404, 422)),
    # the mentee is matched already: a message; the other program's mentee: not ours
    Row("pairing.hand", "POST", "/programs/{program_id}/matching/hand",
        (LOGIN, 404, 404, 404, 422, 404),
        data={"mentee": "{mentee_membership_id}", "mentor": "{own_mentor_membership_id}"}),
    Row("pairing.hand", "POST", "/programs/{program_id}/matching/hand",
        (LOGIN, 404, 404, 404, 404, 404),
        data={"mentee": "{other_program_mentee_membership_id}",
              "mentor": "{own_mentor_membership_id}"}),
    Row("pairing.mentee", "GET",
        "/programs/{program_id}/matching/mentees/{mentee_membership_id}",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("pairing.mentee", "GET",
        "/programs/{program_id}/matching/mentees/{other_program_mentee_membership_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.mentee", "GET",
        "/programs/{other_program_id}/matching/mentees/{other_program_mentee_membership_id}",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("pairing.mentee", "GET",
        "/programs/{other_program_id}/matching/mentees/{mentee_membership_id}",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.match_one", "POST",
        "/programs/{program_id}/matching/mentees/{mentee_membership_id}/suggest",
        (LOGIN, 404, 404, 404,
         (303, "/programs/{program_id}/matching/mentees/{mentee_membership_id}"), 404)),
    Row("pairing.match_one", "POST",
        "/programs/{program_id}/matching/mentees/{other_program_mentee_membership_id}/suggest",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.match_one", "POST",
        "/programs/{other_program_id}/matching/mentees/{other_program_mentee_membership_id}"
        "/suggest",
        (LOGIN, 404, 404, 404, 404,
         (303, "/programs/{other_program_id}/matching/mentees/"
          "{other_program_mentee_membership_id}"))),
    Row("pairing.match_one", "POST",
        "/programs/{other_program_id}/matching/mentees/{mentee_membership_id}/suggest",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("pairing.publish", "POST", "/programs/{program_id}/matching/publish",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/matching"), 404)),
    Row("pairing.publish", "POST", "/programs/{other_program_id}/matching/publish",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/matching"))),
    *[
        Row("pairing.end", method, url, expect)
        for method, status in (("GET", 200), ("POST", 422))
        for url, expect in (
            ("/programs/{program_id}/mentorships/{mentorship_id}/end",
             (LOGIN, 404, 404, 404, status, 404)),
            ("/programs/{program_id}/mentorships/{other_program_mentorship_id}/end",
             (LOGIN, 404, 404, 404, 404, 404)),
            ("/programs/{other_program_id}/mentorships/{other_program_mentorship_id}/end",
             (LOGIN, 404, 404, 404, 404, status)),
            ("/programs/{other_program_id}/mentorships/{mentorship_id}/end",
             (LOGIN, 404, 404, 404, 404, 404)),
        )
    ],

    # --- pairs at risk: the program's coordinators only ---------------------------------------
    Row("programs.at_risk", "GET", "/programs/{program_id}/at-risk",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("programs.at_risk", "GET", "/programs/{other_program_id}/at-risk",
        (LOGIN, 404, 404, 404, 404, 200)),
    *care_rows("programs.nudge", "POST", "/nudge", (303, "/programs/{program}/at-risk")),
    *care_rows("programs.at_risk_pair", "GET", "", 200),
    # the other mentor's pair in our program: still our coordinator's, still no mentor's
    Row("programs.at_risk_pair", "GET", "/programs/{program_id}/at-risk/{other_mentorship_id}",
        (LOGIN, 404, 404, 404, 200, 404)),
    *care_rows("programs.add_care_note", "POST", "/notes", 422),
    *care_rows("programs.add_care_note", "POST", "/notes",
               (303, "/programs/{program}/at-risk/{pair}"), data={"body": "Called the mentor"}),
    *care_rows("programs.resolve", "POST", "/resolve", (303, "/programs/{program}/at-risk")),

    # --- closing a program: its coordinators; certificates: their owner; verification: anyone
    Row("certificates.close", "GET", "/programs/{program_id}/close",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("certificates.close", "GET", "/programs/{other_program_id}/close",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("certificates.close", "POST", "/programs/{program_id}/close",
        (LOGIN, 404, 404, 404, (303, "/programs/{program_id}/certificates"), 404)),
    Row("certificates.close", "POST", "/programs/{other_program_id}/close",
        (LOGIN, 404, 404, 404, 404, (303, "/programs/{other_program_id}/certificates"))),
    Row("certificates.issued", "GET", "/programs/{program_id}/certificates",
        (LOGIN, 404, 404, 404, 200, 404)),
    Row("certificates.issued", "GET", "/programs/{other_program_id}/certificates",
        (LOGIN, 404, 404, 404, 404, 200)),
    Row("certificates.certificate", "GET", "/certificates/{certificate_id}",
        (LOGIN, 200, 404, 404, 404, 404)),
    Row("certificates.certificate", "GET", "/certificates/{other_certificate_id}",
        (LOGIN, 404, 404, 200, 404, 404)),
    Row("certificates.verify", "GET", "/certificates/verify/{certificate_token}", EVERYONE_200),
    Row("certificates.verify", "GET", "/certificates/verify/{other_certificate_token}",
        EVERYONE_200),
    Row("certificates.verify", "GET", "/certificates/verify/no-such-token", (404,) * 6),

    # --- notifications: one's own settings and devices ----------------------------------------
    Row("notifications.settings", "GET", "/notifications", (LOGIN, 200, 200, 200, 200, 200)),
    Row("notifications.settings", "POST", "/notifications", (LOGIN, 422, 422, 422, 422, 422)),
    Row("notifications.settings", "POST", "/notifications",
        (LOGIN, *[(303, "/notifications")] * 5),
        data={"quiet_start": "22:00", "quiet_end": "07:00"}),
    Row("notifications.subscribe", "POST", "/notifications/devices",
        (LOGIN, 422, 422, 422, 422, 422)),
    # the mentee's device, then the other pair's mentee's
    Row("notifications.remove_device", "POST",
        "/notifications/devices/{push_device_id}/remove",
        (LOGIN, (303, "/notifications"), 404, 404, 404, 404)),
    Row("notifications.remove_device", "POST",
        "/notifications/devices/{other_push_device_id}/remove",
        (LOGIN, 404, 404, 404, 404, 404)),
    Row("notifications.send_test", "POST", "/notifications/test",
        (LOGIN, *[(303, "/notifications")] * 5)),
    # the service worker proves the device with its old subscription, not with a login
    Row("notifications.resubscribe", "POST", "/notifications/resubscribe", (422,) * 6),

    # --- notices: one's own only --------------------------------------------------------------
    Row("notices.dismiss", "POST", "/notices/{notice_id}/dismiss",
        (LOGIN, HOME, 404, 404, 404, 404)),
    Row("notices.dismiss", "POST", "/notices/{other_notice_id}/dismiss",
        (LOGIN, 404, 404, 404, 404, 404)),
]
# fmt: on

IGNORED_METHODS = {"HEAD", "OPTIONS"}
PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def routes_of(app) -> set[tuple[str, str]]:
    """(endpoint, method) for every rule of the app but ``static``."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - IGNORED_METHODS
    }


def fill(template: str, ids: dict, url: str = "") -> str:
    return template.format_map({**ids, "url": url})


def send(client, row: Row, ids: dict):
    """The row's request, with a valid CSRF token on anything but GET."""
    url = fill(row.url, ids)
    if row.method == "GET":
        return client.get(url)
    data = {name: fill(value, ids) for name, value in row.data.items()}
    return client.open(url, method=row.method, data={"csrf_token": client.csrf_token(), **data})


def check_outcome(response, expected, url: str, ids: dict, where: str) -> None:
    """Asserts the answer is ``expected`` (a status, or a redirect and its target)."""
    page = response.get_data(as_text=True)
    if isinstance(expected, tuple):
        status, target = expected
        assert response.status_code == status, f"{where}: {response.status_code}\n{page[:1500]}"
        wanted = location_parts(fill(target, ids, url=url))
        assert location_parts(response.location or "") == wanted, (
            f"{where}: redirected to {response.location!r}, expected {fill(target, ids, url)!r}"
        )
        return
    assert response.status_code == expected, f"{where}: {response.status_code}\n{page[:1500]}"
    assert response.location is None, f"{where}: unexpected redirect to {response.location}"
    if response.mimetype == "text/html":
        assert_no_trace(page)
        if expected >= 400:
            assert explanation(page), f"{where}: a {expected} must explain itself\n{page[:1500]}"


def _case_id(row: Row, role: str) -> str:
    data = ",".join(f"{k}={v}" for k, v in row.data.items())
    return f"{row.endpoint} {row.method} {row.url}{' ' + data if data else ''} as {role}"


CASES = [
    pytest.param(row, role, expected, id=_case_id(row, role))
    for row in MATRIX
    for role, expected in zip(ROLES, row.expect, strict=True)
]


def probe(app, client, row: Row, role: str, ids: dict) -> str | None:
    """Sends the row's request with ``client`` (logged in as ``role``); what is wrong with the
    answer, or None when it is the one the row expects."""
    url = fill(row.url, ids)
    endpoint, _ = app.url_map.bind("localhost").match(url, method=row.method)
    if endpoint != row.endpoint:
        return f"MATRIX row {row.url} reaches {endpoint}, not {row.endpoint}"
    where = f"{row.method} {url} as {role}"
    with send(client, row, ids) as response:
        try:
            assert CSRF_MESSAGE not in response.get_data(as_text=True), f"{where}: CSRF refused"
            check_outcome(response, row.expect[ROLES.index(role)], url, ids, where)
        except AssertionError as problem:
            return str(problem)
    return None


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_access(app, ids, login, row: Row, role: str, expected) -> None:
    problem = probe(app, login(role), row, role, ids)
    assert problem is None, problem


def test_matrix_rows_are_well_formed() -> None:
    for row in MATRIX:
        assert len(row.expect) == len(ROLES), f"{row}: give one outcome per role of {ROLES}"
        assert row.method == row.method.upper() and row.method not in IGNORED_METHODS, row
        for outcome in row.expect:
            assert isinstance(outcome, int) or (
                isinstance(outcome, tuple) and 300 <= outcome[0] < 400 and len(outcome) == 2
            ), f"{row}: an outcome is a status code or (3xx, location)"


def missing_routes(app, matrix: list[Row]) -> set[tuple[str, str]]:
    """(endpoint, method) of the app's routes that have no row in ``matrix``."""
    return routes_of(app) - {(row.endpoint, row.method) for row in matrix}


def test_every_route_is_in_the_matrix(app) -> None:
    missing = missing_routes(app, MATRIX)
    assert not missing, (
        "These routes have no row in MATRIX (tests/web/test_access_matrix.py). Add one Row per "
        "endpoint and method, with the status each of the six roles must get (see the module "
        "docstring):\n"
        + "\n".join(f"  {endpoint} {method}" for endpoint, method in sorted(missing))
    )


def test_matrix_names_only_existing_routes(app) -> None:
    stale = {(row.endpoint, row.method) for row in MATRIX} - routes_of(app)
    assert not stale, (
        "MATRIX in tests/web/test_access_matrix.py names routes the app no longer has; remove "
        "or rename these rows:\n"
        + "\n".join(f"  {endpoint} {method}" for endpoint, method in sorted(stale))
    )


def test_program_routes_have_foreign_rows(app) -> None:
    """Every route under a program is also tried with the other program's ids."""
    problems = []
    for rule in app.url_map.iter_rules():
        if "program_id" not in rule.arguments:
            continue
        for method in rule.methods - IGNORED_METHODS:
            rows = [r for r in MATRIX if (r.endpoint, r.method) == (rule.endpoint, method)]
            coordinator = ROLES.index("coordinator")
            if not any(
                "{other_program_id}" in r.url and r.expect[coordinator] == 404 for r in rows
            ):
                problems.append(f"{rule.endpoint} {method}: no row with {{other_program_id}}")
            for name in sorted(rule.arguments - {"program_id"}):
                if not any(
                    "{program_id}" in r.url
                    and re.search(r"\{other_\w+\}", r.url.split("{program_id}", 1)[1])
                    and r.expect[coordinator] == 404
                    for r in rows
                ):
                    problems.append(
                        f"{rule.endpoint} {method}: no row putting the other program's "
                        f"<{name}> under {{program_id}} (our coordinator must get 404)"
                    )
    assert not problems, "Add these rows to MATRIX:\n" + "\n".join(problems)


def id_arguments(rule) -> set[str]:
    """The arguments of a rule that are integer ids (``<int:goal_id>``)."""
    return {
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    }


def unprobed_id_routes(app, matrix: list[Row]) -> list[str]:
    """Id routes the matrix does not try on real rows that belong to someone else.

    Each row of such a route must name its ids from ``ids`` (a made-up number is answered 404
    by a route with no check at all), and some logged-in role must be allowed on one real row
    and get 404 on another row of the same route: only an ownership check tells them apart.
    """
    problems = []
    for rule in app.url_map.iter_rules():
        if not id_arguments(rule):
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            rows = [r for r in matrix if (r.endpoint, r.method) == (rule.endpoint, method)]
            name = f"{rule.endpoint} {method}"
            for row in rows:
                if re.search(r"/\d+", row.url):
                    problems.append(f"{name}: {row.url} names a made-up id, not a real row")
            told_apart = any(
                own.expect[i] != 404 and foreign.expect[i] == 404
                for i in range(1, len(ROLES))
                for own in rows
                for foreign in rows
            )
            if not told_apart:
                problems.append(f"{name}: no role is allowed on one real row and refused another")
    return problems


def test_id_routes_are_probed_with_foreign_rows(app) -> None:
    problems = unprobed_id_routes(app, MATRIX)
    assert not problems, "Add these rows to MATRIX (see pair_rows):\n" + "\n".join(problems)


def test_the_matrix_catches_a_route_without_a_check(make_app, world, ids) -> None:
    """A route that loads whatever row it is given fails the matrix; the same route through
    the access module passes; and a route with no row at all is reported missing."""
    app = make_app()

    @login_required
    def unchecked(goal_id: int):
        goal = db.session.get(Goal, goal_id)
        return goal.title if goal else abort(404)

    @login_required
    def checked(goal_id: int):
        return goal_for_me(goal_id).goal.title

    app.add_url_rule("/goals/<int:goal_id>/unchecked", "unchecked", unchecked)
    app.add_url_rule("/goals/<int:goal_id>/checked", "checked", checked)
    assert missing_routes(app, MATRIX) == {("unchecked", "GET"), ("checked", "GET")}

    rows = {
        endpoint: pair_rows(endpoint, "GET", f"/goals/{{goal_id}}/{endpoint}", 200, 200)
        for endpoint in ("unchecked", "checked")
    }
    assert not unprobed_id_routes(app, [*MATRIX, *rows["unchecked"], *rows["checked"]])

    def failures(endpoint: str) -> list[str]:
        found = []
        for role in ROLES:
            client = app.test_client()
            if role != "anonymous":
                assert log_in(client, world.email(role)).status_code == 303
            found += [p for row in rows[endpoint] if (p := probe(app, client, row, role, ids))]
        return found

    leaks = failures("unchecked")
    assert any(f"/goals/{ids['other_goal_id']}/unchecked as mentee: 200" in p for p in leaks)
    assert any(f"/goals/{ids['goal_id']}/unchecked as coordinator: 200" in p for p in leaks)
    assert failures("checked") == []
    made_up = Row("checked", "GET", "/goals/2147483647/checked", (LOGIN, *[404] * 5))
    assert unprobed_id_routes(app, [*MATRIX, *rows["unchecked"], made_up]) == [
        "checked GET: /goals/2147483647/checked names a made-up id, not a real row",
        "checked GET: no role is allowed on one real row and refused another",
    ]


def _405_cases() -> list[tuple[str, str]]:
    """Each distinct URL of the matrix, with each method its rule does not accept."""
    urls = {(row.endpoint, row.url) for row in MATRIX}
    accepted = {(row.endpoint, row.method) for row in MATRIX}
    return [
        (url, method)
        for endpoint, url in sorted(urls)
        for method in PROBED_METHODS
        if (endpoint, method) not in accepted
    ]


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_other_methods_answer_405(app, ids, login, role) -> None:
    client = login(role)
    token = client.csrf_token()
    wrong = []
    for url, method in _405_cases():
        target = fill(url, ids)
        with client.open(target, method=method, data={"csrf_token": token}) as response:
            page = response.get_data(as_text=True)
            if response.status_code != 405 or not (error_page_message(page) or "").startswith(
                "405 Not allowed"
            ):
                wrong.append(f"{method} {target}: {response.status_code}")
            assert_no_trace(page)
    assert len(_405_cases()) > 50
    assert not wrong, "\n".join(wrong)
