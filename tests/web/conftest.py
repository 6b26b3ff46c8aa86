"""Fixtures for the web tests, on top of tests/conftest.py (``app``, ``client``, ``world``, ...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from web_support import log_in

from app import create_app
from app.extensions import db

# The settings of the ``app`` fixture that another app on the same test database must share.
_SHARED_SETTINGS = (
    "TESTING",
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "ARGON2_PARAMETERS",
    "SERVER_NAME",
)


@pytest.fixture
def ids(app: Flask, world, pytestconfig: pytest.Config) -> dict[str, object]:
    """Everything a URL of the access matrix may name (``probe_ids`` in tests/conftest.py)."""
    with app.app_context():
        return _root_conftest(pytestconfig).probe_ids(world)


@pytest.fixture
def new_client(app: Flask, world):
    """``new_client("mentee")``: a separate browser, logged in as that role of the world."""

    def make(role: str = "anonymous", **login_extra):
        client = app.test_client()
        if role != "anonymous":
            response = log_in(client, world.email(role), **login_extra)
            assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def make_app(app: Flask):
    """``make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")``: another app through
    ``create_app(config)``, on the same test database as ``app`` (so ``world`` is there too)."""
    base = {key: app.config[key] for key in _SHARED_SETTINGS}
    made: list[Flask] = []

    def make(**overrides) -> Flask:
        other = create_app({**base, **overrides})
        other.test_client_class = app.test_client_class
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _root_conftest(pytestconfig: pytest.Config):
    """tests/conftest.py as a module, found among pytest's plugins (``import conftest`` could
    pick another folder's conftest)."""
    wanted = Path(__file__).resolve().parent.parent / "conftest.py"
    for plugin in pytestconfig.pluginmanager.get_plugins():
        source = getattr(plugin, "__file__", None)
        if source and Path(source).resolve() == wanted:
            return plugin
    raise LookupError(wanted)
