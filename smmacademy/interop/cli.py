"""``flask courses export-moodle-xml`` and ``export-scorm``: thin click wrappers."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content.catalog import Catalog, load_catalog
from .moodle_xml import export_moodle_xml
from .scorm import export_scorm


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

    @courses.command("export-scorm")
    @click.argument("slug")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def export_scorm_cli(slug: str, directory: Path):
        """Write course SLUG as a SCORM 1.2 package (one SCO per module) into DIRECTORY."""
        catalog = _valid_catalog()
        course = catalog.courses.get(slug)
        if course is None:
            raise click.ClickException(f"No course '{slug}'. Courses: {', '.join(catalog.courses)}.")
        path = export_scorm(course, directory)
        click.echo(f"Wrote {path} ({len(course.modules)} SCO(s)).")
