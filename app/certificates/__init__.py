"""The end of a program: closing it, and the certificates of everyone who took part."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes  # noqa: E402,F401
