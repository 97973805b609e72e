"""Views: download a course as a SCORM 1.2 package."""

from __future__ import annotations

from flask import Response, abort

from ..catalog_state import get_catalog
from ..interop.scorm import scorm_package
from ..security import role_required
from . import bp


@bp.route("/admin/courses/<course_slug>/scorm12.zip")
@role_required("admin")
def scorm(course_slug: str):
    course = get_catalog().courses.get(course_slug)
    if course is None:
        abort(404)
    response = Response(scorm_package(course), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{course.slug}-scorm12.zip"'
    return response
