"""Accounts: joining by invite, logging in and out, password and profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes  # noqa: E402,F401
