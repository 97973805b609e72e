"""The self-assessment questionnaire pages, shared by the ``assessment`` (employees) and ``candidate`` blueprints.

View helpers only: the ratings are validated and stored by ``services.assessments``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from flask_babel import gettext as _

from .domain import scoring
from .i18n import translated
from .models import Assessment
from .services import assessments


def first_open_area(framework, ratings: dict):
    """The first area with a statement not rated yet, or None when all are rated."""
    for area in framework.areas:
        ids = [s.id for cid in area.competency_ids for s in framework.competencies[cid].statements]
        if any(i not in ratings for i in ids):
            return area
    return None


def rated_share(framework, ratings: dict) -> float:
    """Percentage of the framework's statements rated."""
    statements = framework.statements
    return 100.0 * sum(1 for s in statements if s in ratings) / len(statements) if statements else 0.0


@dataclass
class AreaPage:
    """What one questionnaire page shows: the area, current values and any error."""

    framework: object
    area: object
    index: int
    values: dict
    error: str | None = None
    status: int = 200

    @property
    def previous_area(self):
        return self.framework.areas[self.index - 1] if self.index > 0 else None

    @property
    def next_area(self):
        areas = self.framework.areas
        return areas[self.index + 1] if self.index + 1 < len(areas) else None

    def context(self, assessment: Assessment) -> dict:
        """Template variables for ``assessment/_rating_form.html``."""
        return {
            "framework": self.framework,
            "area": self.area,
            "index": self.index,
            "values": self.values,
            "error": self.error,
            "progress": rated_share(self.framework, assessment.ratings or {}),
        }


def area_page(framework, area_id: str, assessment: Assessment) -> AreaPage:
    """The page for ``area_id`` with the stored ratings filled in (404 for an unknown area)."""
    index = next((i for i, a in enumerate(framework.areas) if a.id == area_id), None)
    if index is None:
        abort(404)
    known = framework.statements
    values = {k: str(v) for k, v in (assessment.ratings or {}).items() if k in known}
    return AreaPage(framework, framework.areas[index], index, values)


def save_posted_ratings(page: AreaPage, assessment: Assessment) -> bool:
    """Store the page's posted ratings; on bad input keep what was typed and say why (400)."""
    submitted = {k[2:]: v for k, v in request.form.items() if k.startswith("r-")}
    try:
        assessments.save_area(assessment, page.framework, page.area.id, submitted)
    except scoring.RatingError as problem:
        page.error = _(
            "Nothing was saved: %(problem)s. Rate every statement on this page.", problem=translated(problem)
        )
        page.values.update(submitted)
        page.status = 400
        return False
    return True
