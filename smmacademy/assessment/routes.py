"""Views: introduction, one page per area, submission, results, CSV, method page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalog_state import get_catalog, get_framework
from ..domain import scoring
from ..domain.report import build_report
from ..errors import render_error
from ..i18n import report_texts, translated
from ..models import Assessment
from ..questionnaire import area_page, first_open_area, rated_share, save_posted_ratings
from ..security import login_required
from ..services import assessments, management, plans
from ..services.csv_export import csv_response
from ..templating import BAND_LABELS
from . import bp
from .forms import AreaForm, StartForm, SubmitForm


def _framework():
    """The framework in the reader's language, for pages (scores use ids only)."""
    framework = get_framework()
    if framework is None:
        abort(503)
    return framework


@bp.route("/")
@login_required
def intro():
    framework = _framework()
    draft = assessments.draft_for(current_user)
    history = assessments.history(current_user.id)
    return render_template(
        "assessment/intro.html",
        framework=framework,
        draft=draft,
        progress=rated_share(framework, draft.ratings or {}) if draft else 0,
        history=history,
        form=StartForm(),
        statements=len(framework.statements),
    )


@bp.route("/start", methods=["POST"])
@login_required
def start():
    framework = _framework()
    draft = assessments.start(current_user, framework)
    area = first_open_area(framework, draft.ratings or {})
    if area is None:
        return redirect(url_for("assessment.review"))
    return redirect(url_for("assessment.area", area_id=area.id))


@bp.route("/area/<area_id>", methods=["GET", "POST"])
@login_required
def area(area_id: str):
    framework = _framework()
    draft = assessments.draft_for(current_user)
    if draft is None:
        flash(_("Start the self-assessment first."), "info")
        return redirect(url_for("assessment.intro"))
    page = area_page(framework, area_id, draft)
    form = AreaForm()
    if request.method == "POST" and save_posted_ratings(page, draft):
        direction = request.form.get("direction", "next")
        if direction == "back" and page.previous_area:
            return redirect(url_for("assessment.area", area_id=page.previous_area.id))
        if direction == "later":
            flash(_("Saved. You can continue any time from the self-assessment page."), "success")
            return redirect(url_for("assessment.intro"))
        if page.next_area:
            return redirect(url_for("assessment.area", area_id=page.next_area.id))
        return redirect(url_for("assessment.review"))
    return render_template("assessment/area.html", form=form, **page.context(draft)), page.status


@bp.route("/review")
@login_required
def review():
    framework = _framework()
    draft = assessments.draft_for(current_user)
    if draft is None:
        return redirect(url_for("assessment.intro"))
    open_area = first_open_area(framework, draft.ratings or {})
    return render_template(
        "assessment/review.html",
        framework=framework,
        open_area=open_area,
        progress=rated_share(framework, draft.ratings or {}),
        form=SubmitForm(),
    )


@bp.route("/submit", methods=["POST"])
@login_required
def submit():
    _framework()  # 503 while the framework is broken
    draft = assessments.draft_for(current_user)
    if draft is None:
        return render_error(400, _("There is no self-assessment in progress to submit."))
    try:
        # The stored snapshot keeps the English wording; pages translate it by id.
        result = assessments.submit(draft, get_catalog().framework, get_catalog())
    except scoring.RatingError as problem:
        return render_error(
            400, _("The self-assessment cannot be submitted yet: %(problem)s.", problem=translated(problem))
        )
    flash(_("Your self-assessment is saved."), "success")
    return redirect(url_for("assessment.result", assessment_id=result.id))


def _viewable(assessment_id: int) -> Assessment:
    assessment = assessments.submitted(assessment_id)
    if assessment is None:
        abort(404)
    if not management.can_view(current_user, assessment.user_id) or assessment.user_id is None:
        abort(403)
    return assessment


def _no_modules(_competency_id: str) -> tuple:
    """Modules per gap come from the plan-building rule (``start_with``), not from every tagged module."""
    return ()


def _start_with(assessment: Assessment, person, report) -> dict:
    """The few modules to start with per competency, by the development plan's rule (domain.plans)."""
    targets = assessment.framework["profiles"][report.profile_id]["targets"]
    picked = plans.recommendations(get_catalog(), person, assessment.outcome.levels, targets)
    return {entry.competency_id: entry.modules for entry in picked}


@bp.route("/results/<int:assessment_id>")
@login_required
def result(assessment_id: int):
    assessment = _viewable(assessment_id)
    report = build_report(
        assessment.framework,
        assessment.result,
        request.args.get("profile"),
        _no_modules,
        chart_title=_("Self-rating against the profile's targets"),
        texts=report_texts(),
        wording=get_framework(),
    )
    person = assessments.person_of(assessment)
    start_with = _start_with(assessment, person, report)
    history = assessments.history(assessment.user_id)
    return render_template(
        "assessment/result.html",
        assessment=assessment,
        report=report,
        person=person,
        history=history,
        start_with=start_with,
        catalog=get_catalog(),
    )


@bp.route("/results/<int:assessment_id>.csv")
@login_required
def result_csv(assessment_id: int):
    assessment = _viewable(assessment_id)
    report = build_report(
        assessment.framework,
        assessment.result,
        request.args.get("profile"),
        _no_modules,
        texts=report_texts(),
        wording=get_framework(),
    )
    rows = [[_("section"), _("item"), _("value"), _("target"), _("band or note")]]
    rows += [
        [_("profile fit"), name, f"{fit:g}%", "", BAND_LABELS.get(band, band)] for _pid, name, fit, band in report.fits
    ]
    rows += [
        [
            _("competency"),
            r.name,
            f"{r.level:g}" if r.level is not None else "",
            r.target,
            (_("evidence %(level)s", level=f"{r.evidence:g}") if r.evidence is not None else _("no evidence"))
            + (" — " + _("self-rating exceeds evidence") if r.overconfident else ""),
        ]
        for r in report.rows
    ]
    filename = f"self-assessment-{assessment.submitted_at:%Y-%m-%d}.csv"
    return csv_response(rows, filename)


@bp.route("/how-it-works")
@login_required
def method():
    framework = _framework()
    return render_template(
        "assessment/method.html",
        framework=framework,
        catalog=get_catalog(),
        ready=scoring.READY_AT,
        close=scoring.CLOSE_AT,
    )
