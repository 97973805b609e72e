"""Signing in and out, first-run setup, own profile and password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401
