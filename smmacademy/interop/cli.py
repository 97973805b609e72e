"""``flask courses export-moodle-xml`` and ``export-scorm``: thin click wrappers."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content.catalog import Catalog, load_catalog
from .moodle_xml import export_moodle_xml


def _valid_catalog() -> Catalog:
    catalog = load_catalog(current_app.config["SMMACADEMY_COURSES"])
    if catalog.errors:
        raise click.ClickException("The content has errors; run 'courses check' first.")
    return catalog


def register_interop_cli(courses: AppGroup) -> None:
    """Add the export commands to the ``courses`` group."""

    @courses.command("export-moodle-xml")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def export_moodle_xml_cli(directory: Path):
        """Write every module's quiz as a Moodle XML file into DIRECTORY."""
        written = export_moodle_xml(_valid_catalog(), directory)
        click.echo(f"Wrote {len(written)} Moodle XML file(s) to {directory}.")
