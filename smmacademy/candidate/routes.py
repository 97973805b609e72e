"""Views of the candidate flow: link, welcome and consent, assessment, test, submission."""

from __future__ import annotations

from functools import wraps

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..catalog_state import get_catalog, get_framework
from ..domain import scoring
from ..errors import render_error
from ..i18n import translated, use_language
from ..questionnaire import area_page, first_open_area, save_posted_ratings
from ..security import ACCESS_ATTRIBUTE, public
from ..services import candidate_records, candidate_test, candidates
from . import bp
from .forms import AreaForm, ConsentForm, StepForm

SESSION_KEY = "candidate"


def candidate_required(view):
    """The candidate whose link opened this browser session; nothing else is reachable."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        stored = session.get(SESSION_KEY) or {}
        candidate = candidate_records.get(stored.get("id") or 0)
        if candidate is None or candidate.token_hash != stored.get("token"):
            return _link_page("unknown", 403)
        try:
            candidates.check_usable(candidate)
        except candidates.LinkProblem as problem:
            session.pop(SESSION_KEY, None)
            return _link_page(problem.reason, 403, problem.language)
        g.candidate = candidate
        use_language(candidate.language)
        return view(*args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "candidate")
    return wrapped


def _link_page(reason: str, status: int, language: str | None = None):
    if language:
        use_language(language)
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
        return _link_page(problem.reason, 404 if problem.reason == "unknown" else 410, problem.language)
    use_language(candidate.language)
    session.clear()  # a candidate session carries nothing else
    session[SESSION_KEY] = {"id": candidate.id, "token": candidate.token_hash}
    # Redirect to a token-free URL so the token is not kept in history or sent anywhere.
    return redirect(url_for("candidate.welcome"))


@bp.route("/")
@candidate_required
def welcome():
    candidate = g.candidate
    catalog = get_catalog()
    framework = get_framework()
    if candidate.consent_at is None:
        return render_template(
            "candidate/welcome.html",
            candidate=candidate,
            form=ConsentForm(),
            catalog=catalog,
            framework=framework,
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
        first_area=first_open_area(framework, assessment.ratings or {}),
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
            framework=get_framework(),
            statements=len(get_framework().statements),
            size=candidates.TEST_SIZE,
        ), 400
    candidates.give_consent(g.candidate)
    return redirect(url_for("candidate.welcome"))


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
    framework = get_framework()
    assessment = candidates.assessment_for(g.candidate, framework)
    page = area_page(framework, area_id, assessment)
    form = AreaForm()
    if request.method == "POST" and save_posted_ratings(page, assessment):
        candidate_records.record_activity(g.candidate)
        direction = request.form.get("direction", "next")
        if direction == "back" and page.previous_area:
            return redirect(url_for("candidate.area", area_id=page.previous_area.id))
        if direction == "later" or not page.next_area:
            return redirect(url_for("candidate.welcome"))
        return redirect(url_for("candidate.area", area_id=page.next_area.id))
    return render_template("candidate/area.html", form=form, **page.context(assessment)), page.status


def _grace():
    return candidate_test.grace_of(current_app.config)


def _time_is_up(status: int):
    """The clear page of a test closed because its time ran out."""
    return render_template("candidate/time_up.html", candidate=g.candidate), status


def _test_page(template: str, **context):
    """A page of the open test, with the server's deadline for the countdown."""
    candidate = g.candidate
    return render_template(
        template,
        candidate=candidate,
        form=StepForm(),
        deadline=candidate_test.deadline(candidate),
        seconds_left=candidate_test.seconds_left(candidate),
        size=candidates.TEST_SIZE,
        **context,
    )


@bp.route("/test", methods=["GET", "POST"])
@candidate_required
def test():
    redirect_to = _needs_consent()
    if redirect_to:
        return redirect_to
    candidate = g.candidate
    catalog = get_catalog()
    if request.method == "POST":
        action = request.form.get("action")
        if action == "start":
            candidate_test.start_test(candidate, catalog)
            return redirect(url_for("candidate.test"))
        # "save" and "review" keep the answers and leave the test open; only "submit" (the confirmation) ends it.
        record = candidate_test.save_answers if action in ("save", "review") else candidate_test.submit_test
        try:
            record(candidate, catalog, set(request.form.keys()), request.form.getlist, _grace())
        except candidate_test.TimeExpired:
            return _time_is_up(409)
        except candidates.AlreadyDone:
            flash(_("Your knowledge test was already submitted; the first submission counts."), "info")
            return redirect(url_for("candidate.welcome"))
        except candidate_test.AnswersInvalid as error:
            errors = {problem.question_id: translated(problem) for problem in error.problems}
            return _test_form(candidate, catalog, errors=errors, posted=request.form, status=422)
        except candidates.CandidateError as error:
            return render_error(400, translated(error))
        if action == "save":
            flash(
                _("Your answers are saved. The test stays open: you can come back with your private link."), "success"
            )
            return redirect(url_for("candidate.test"))
        if action == "review":
            return redirect(url_for("candidate.confirm_test"))
        flash(_("Your knowledge test is submitted."), "success")
        return redirect(url_for("candidate.welcome"))
    if candidate.test_started_at and candidate_test.close_if_expired(candidate, _grace(), catalog):
        return _time_is_up(200)
    return _test_form(candidate, catalog)


def _test_form(candidate, catalog, errors=None, posted=None, status=200):
    """The test form; one sent back shows ``errors`` on their questions and keeps ``posted``.

    Otherwise the answers the candidate saved are filled in.
    """
    questions, order = candidate_test.test_questions(candidate, catalog) if candidate.test_started_at else ((), {})
    if posted is None:
        posted = MultiDict(candidate_test.saved_answers(candidate))
    return _test_page("candidate/test.html", questions=questions, order=order, errors=errors, posted=posted), status


@bp.route("/test/confirm")
@candidate_required
def confirm_test():
    """The confirmation step before the final submission: what is still unanswered."""
    candidate = g.candidate
    catalog = get_catalog()
    if candidate.test_started_at is None or candidate.test_submitted_at is not None:
        return redirect(url_for("candidate.test"))
    if candidate_test.close_if_expired(candidate, _grace(), catalog):
        return _time_is_up(200)
    questions = candidate_test.test_questions(candidate, catalog)[0]
    numbers = {q.id: number for number, q in enumerate(questions, start=1)}
    return _test_page(
        "candidate/confirm.html",
        total=len(questions),
        unanswered=[(numbers[q.id], q) for q in candidate_test.unanswered(candidate, catalog)],
    )


@bp.route("/submit", methods=["POST"])
@candidate_required
def submit():
    candidate = g.candidate
    catalog = get_catalog()
    try:
        candidate_test.finish(candidate, catalog, _grace())
    except (candidates.CandidateError, scoring.RatingError) as error:
        return render_error(400, _("Not submitted yet: %(problem)s", problem=translated(error)))
    session.pop(SESSION_KEY, None)
    current_app.logger.info("candidate %s submitted", candidate.id)
    return render_template("candidate/done.html")
