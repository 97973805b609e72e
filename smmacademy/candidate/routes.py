"""Views of the candidate flow: link, welcome and consent, assessment, test, submission."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..catalog_state import get_catalog
from ..content.questions import presentations
from ..domain import scoring
from ..errors import render_error
from ..extensions import db
from ..models import Candidate
from ..security import ACCESS_ATTRIBUTE, public
from ..services import assessments, candidates
from . import bp
from .forms import AreaForm, ConsentForm, StepForm

SESSION_KEY = "candidate"


def candidate_required(view):
    """The candidate whose link opened this browser session; nothing else is reachable."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        stored = session.get(SESSION_KEY) or {}
        candidate = db.session.get(Candidate, stored.get("id") or 0)
        if candidate is None or candidate.token_hash != stored.get("token"):
            return _link_page("unknown", 403)
        try:
            candidates.check_usable(candidate)
        except candidates.LinkProblem as problem:
            session.pop(SESSION_KEY, None)
            return _link_page(problem.reason, 403)
        g.candidate = candidate
        return view(*args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "candidate")
    return wrapped


def _link_page(reason: str, status: int):
    return render_template("candidate/link_problem.html", reason=reason), status


@bp.route("/invite/<token>")
@public
def open_link(token: str):
    address = request.remote_addr or "unknown"
    if candidates.link_throttled(address):
        return render_error(
            429,
            _(
                "Too many invalid links were opened from your network. Wait 15 minutes and "
                "open the exact link from your invitation."
            ),
        )
    try:
        candidate = candidates.candidate_for_token(token)
    except candidates.LinkProblem as problem:
        if problem.reason == "unknown":
            candidates.record_bad_link(address)
        return _link_page(problem.reason, 404 if problem.reason == "unknown" else 410)
    session.clear()  # a candidate session carries nothing else
    session[SESSION_KEY] = {"id": candidate.id, "token": candidate.token_hash}
    # Redirect to a token-free URL so the token is not kept in history or sent anywhere.
    return redirect(url_for("candidate.welcome"))


@bp.route("/")
@candidate_required
def welcome():
    candidate = g.candidate
    catalog = get_catalog()
    framework = catalog.framework
    if candidate.consent_at is None:
        return render_template(
            "candidate/welcome.html",
            candidate=candidate,
            form=ConsentForm(),
            catalog=catalog,
            statements=len(framework.statements),
            size=candidates.TEST_SIZE,
        )
    assessment = candidates.assessment_for(candidate, framework)
    rated = len([s for s in framework.statements if s in (assessment.ratings or {})])
    return render_template(
        "candidate/overview.html",
        candidate=candidate,
        rated=rated,
        total=len(framework.statements),
        first_area=_first_open_area(framework, assessment.ratings or {}),
        form=StepForm(),
        profile=framework.profiles[candidate.profile_id],
        size=candidates.TEST_SIZE,
    )


@bp.route("/consent", methods=["POST"])
@candidate_required
def consent():
    form = ConsentForm()
    if not form.validate_on_submit():
        catalog = get_catalog()
        return render_template(
            "candidate/welcome.html",
            candidate=g.candidate,
            form=form,
            catalog=catalog,
            statements=len(catalog.framework.statements),
            size=candidates.TEST_SIZE,
        ), 400
    candidates.give_consent(g.candidate)
    return redirect(url_for("candidate.welcome"))


def _first_open_area(framework, ratings):
    for area in framework.areas:
        ids = [s.id for cid in area.competency_ids for s in framework.competencies[cid].statements]
        if any(i not in ratings for i in ids):
            return area
    return None


def _needs_consent():
    if g.candidate.consent_at is None:
        flash(_("Please read the introduction and give your consent first."), "info")
        return redirect(url_for("candidate.welcome"))
    return None


@bp.route("/assessment/<area_id>", methods=["GET", "POST"])
@candidate_required
def area(area_id: str):
    redirect_to = _needs_consent()
    if redirect_to:
        return redirect_to
    framework = get_catalog().framework
    index = next((i for i, a in enumerate(framework.areas) if a.id == area_id), None)
    if index is None:
        abort(404)
    area = framework.areas[index]
    assessment = candidates.assessment_for(g.candidate, framework)
    form = AreaForm()
    values = {k: str(v) for k, v in (assessment.ratings or {}).items()}
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_error(400, _("The form expired. Reload the page and try again."))
        submitted = {k[2:]: v for k, v in request.form.items() if k.startswith("r-")}
        try:
            assessments.save_area(assessment, framework, area.id, submitted)
        except scoring.RatingError as problem:
            error = _("Nothing was saved: %(problem)s. Rate every statement on this page.", problem=problem)
            values.update(submitted)
            status = 400
        else:
            candidates.touch(g.candidate)
            db.session.commit()
            if request.form.get("direction") == "back" and index > 0:
                return redirect(url_for("candidate.area", area_id=framework.areas[index - 1].id))
            if request.form.get("direction") == "later" or index + 1 >= len(framework.areas):
                return redirect(url_for("candidate.welcome"))
            return redirect(url_for("candidate.area", area_id=framework.areas[index + 1].id))
    rated = sum(1 for s in framework.statements if s in (assessment.ratings or {}))
    return render_template(
        "candidate/area.html",
        framework=framework,
        area=area,
        index=index,
        values=values,
        error=error,
        form=form,
        progress=100.0 * rated / len(framework.statements),
    ), status


@bp.route("/test", methods=["GET", "POST"])
@candidate_required
def test():
    redirect_to = _needs_consent()
    if redirect_to:
        return redirect_to
    candidate = g.candidate
    catalog = get_catalog()
    if request.method == "POST":
        if not StepForm().validate_on_submit():
            return render_error(400, _("The form expired. Reload the page and try again."))
        if request.form.get("action") == "start":
            candidates.start_test(candidate, catalog)
            return redirect(url_for("candidate.test"))
        try:
            candidates.submit_test(candidate, catalog, set(request.form.keys()), request.form.getlist)
        except candidates.CandidateError as error:
            db.session.rollback()
            return render_error(400, str(error))
        flash(_("Your test answers are saved."), "success")
        return redirect(url_for("candidate.welcome"))
    pairs = candidates.test_questions(candidate, catalog) if candidate.test_started_at else []
    questions = tuple(q for _, q in pairs)
    return render_template(
        "candidate/test.html",
        candidate=candidate,
        questions=questions,
        order=presentations(questions, candidate.test_seed or 0),
        form=StepForm(),
        deadline=candidates.deadline(candidate),
        size=candidates.TEST_SIZE,
    )


@bp.route("/submit", methods=["POST"])
@candidate_required
def submit():
    if not StepForm().validate_on_submit():
        return render_error(400, _("The form expired. Reload the page and try again."))
    candidate = g.candidate
    catalog = get_catalog()
    try:
        candidates.finish(candidate, catalog)
    except (candidates.CandidateError, scoring.RatingError) as error:
        db.session.rollback()
        return render_error(400, _("Not submitted yet: %(problem)s", problem=str(error)))
    session.pop(SESSION_KEY, None)
    current_app.logger.info("candidate %s submitted", candidate.id)
    return render_template("candidate/done.html")
