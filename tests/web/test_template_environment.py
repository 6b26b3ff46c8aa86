"""Templates read the environment's globals themselves (``SharedGlobalsEnvironment``): what
Jinja promises of globals must still hold, and a macro module imported without context must
see the per-request names the app makes global (``current_user``)."""

from __future__ import annotations

from flask import render_template
from jinja2 import ChoiceLoader, DictLoader

from tests.conftest import log_in

PROBES = {
    "probe.html": "{{ late_global }}",
    "probe_macros.html": "{% macro me() %}{{ current_user.name }}{% endmacro %}",
    "probe_page.html": '{% from "probe_macros.html" import me %}[{{ me() }}]',
}


def _app_with_probes(make_app):
    app = make_app()
    app.jinja_env.loader = ChoiceLoader([DictLoader(PROBES), app.jinja_env.loader])
    return app


def test_a_global_added_after_a_template_is_loaded_is_still_seen(make_app):
    env = _app_with_probes(make_app).jinja_env
    template = env.get_template("probe.html")
    env.globals["late_global"] = "seen"
    assert template.render() == "seen"


def test_a_templates_own_globals_stay_its_own(make_app):
    env = make_app().jinja_env
    template = env.from_string("{{ own }}/{{ static_url is defined }}", globals={"own": "mine"})
    assert template.render() == "mine/True"
    assert "own" not in env.globals
    assert env.from_string("{{ own is defined }}").render() == "False"


def test_a_macro_imported_without_context_sees_who_is_logged_in(make_app, world):
    app = _app_with_probes(make_app)
    app.add_url_rule("/probe", "probe", lambda: render_template("probe_page.html"))
    client = app.test_client()
    assert log_in(client, world.email("mentee")).status_code == 303
    assert client.get("/probe").get_data(as_text=True) == "[Mina Mentee]"
