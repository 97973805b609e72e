"""Lessons: catalog, modules, quizzes, search and certificates."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import routes  # noqa: E402,F401
