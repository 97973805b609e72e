"""Holds the loaded course catalog on the app and reloads it in debug mode."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from .content.catalog import Catalog, load_catalog, tree_signature
from .content.errors import ContentInvalid
from .content.framework import Framework

EXTENSION_KEY = "smmacademy_catalog"


class CatalogState:
    """The current catalog plus the signature of the tree it was read from."""

    def __init__(self, root: str, cache_dir: str | None = None):
        self.root = root
        self.cache_dir = cache_dir or None
        self.signature = tree_signature(root)
        self.catalog: Catalog = load_catalog(root, cache_dir=self.cache_dir)

    def refresh_if_changed(self) -> None:
        """Re-read the tree when a file changed (used in debug mode only)."""
        signature = tree_signature(self.root)
        if signature != self.signature:
            self.signature = signature
            self.catalog = load_catalog(self.root, cache_dir=self.cache_dir)


def _maintenance_command() -> bool:
    """True inside a ``flask`` CLI command other than ``run`` (e.g. ``courses check``).

    Those commands must work on invalid content so authors can see the report.
    """
    return click.get_current_context(silent=True) is not None and "run" not in sys.argv[1:]


def init_catalog(app: Flask) -> None:
    """Load the catalog once; refuse to start on invalid content outside debug."""
    state = CatalogState(app.config["SMMACADEMY_COURSES"], app.config.get("CONTENT_CACHE_DIR"))
    tolerated = app.debug or app.config.get("ALLOW_INVALID_CONTENT") or _maintenance_command()
    if state.catalog.errors and not tolerated:
        raise ContentInvalid(state.catalog.errors)
    app.extensions[EXTENSION_KEY] = state
    if app.debug:
        app.before_request(state.refresh_if_changed)


def get_catalog() -> Catalog:
    """The catalog of the current app."""
    return current_app.extensions[EXTENSION_KEY].catalog


def get_framework() -> Framework | None:
    """The competency framework worded in the reader's language (English where not translated).

    For display only: results are scored and stored against the English framework's ids.
    """
    from .i18n import current_language

    framework = get_catalog().framework
    return framework.localized(current_language()) if framework else None


def get_competencies() -> dict:
    """The framework's competencies by id, worded in the reader's language ({} without a framework)."""
    framework = get_framework()
    return framework.competencies if framework else {}
