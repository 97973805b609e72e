"""Views: review requests, rounds, starting a review, a rater's form, results, calibration, target role."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..catalog_state import get_catalog, get_framework
from ..domain import scoring
from ..domain.report import snapshot_names
from ..domain.results import radar_for
from ..domain.reviews import BLIND_SPOT, HIDDEN_STRENGTH, MAX_PEERS, MIN_PEERS, PEER_ANONYMITY_THRESHOLD, ReviewError
from ..errors import render_error
from ..i18n import report_texts, translated
from ..models.review import RELATION_PEER, ROUND_OPEN
from ..security import login_required, role_required
from ..services import agreed_levels as agreed_service
from ..services import management
from ..services import reviews as review_service
from ..services.csv_export import csv_response
from . import bp
from .forms import CalibrateForm, CancelRoundForm, PeersForm, RateForm, StartReviewForm, TargetForm

TEAM = "team"


def _framework():
    """The framework in the reader's language (names only; rounds keep their own snapshot)."""
    framework = get_framework()
    if framework is None:
        abort(503)
    return framework


def _round(round_id: int):
    round_ = review_service.get_round(round_id)
    if round_ is None:
        abort(404)
    return round_


def _viewable(round_id: int):
    """A round whose results ``current_user`` may see (the person, their line, admins); peers get 403."""
    round_ = _round(round_id)
    if not management.can_see_development(current_user, round_.subject_id):
        abort(403)
    return round_


def _managed(round_id: int):
    round_ = _round(round_id)
    if not management.can_lead_development(current_user, round_.subject_id):
        abort(403)
    return round_


@bp.route("/")
@login_required
def requests():
    """The forms I am asked to fill in, and the reviews about me."""
    return render_template(
        "reviews/requests.html",
        requests=review_service.open_requests(current_user.id),
        mine=review_service.rounds_about(current_user.id),
    )


@bp.route("/rounds")
@role_required("manager")
def rounds():
    """The rounds about people in my line and the status of each rater."""
    runs = review_service.rounds_run_by(current_user)
    return render_template("reviews/rounds.html", runs=runs)


@bp.route("/start", methods=["GET", "POST"])
@role_required("manager")
def start():
    _framework()  # 503 while the framework is broken
    people = review_service.people_to_review(current_user)
    form = StartReviewForm()
    form.person.choices = [(TEAM, _("My whole team (one round per person)"))] + [
        (str(p.id), p.full_name) for p in people
    ]
    if request.method == "GET" and request.args.get("person"):
        form.person.data = request.args["person"]
    if form.validate_on_submit():
        if form.person.data == TEAM:
            subjects = review_service.direct_team(current_user)
        else:
            subjects = [p for p in people if str(p.id) == form.person.data]
        try:
            started = review_service.start_rounds(current_user, subjects, get_catalog().framework, form.due_date.data)
        except ReviewError as problem:
            form.person.errors = [translated(problem)]
        else:
            flash(ngettext("Started %(num)s review.", "Started %(num)s reviews.", len(started)), "success")
            if len(started) == 1:
                return redirect(url_for("reviews.round_page", round_id=started[0].id))
            return redirect(url_for("reviews.rounds"))
    status = 400 if request.method == "POST" else 200
    return render_template("reviews/start.html", form=form), status


def _names(round_):
    labels, profiles = snapshot_names(round_.framework, get_framework())
    return labels, profiles


def _results_context(round_, profile_id: str | None) -> dict:
    """Everything the results partial shows: sources apart, radar, marks."""
    result = review_service.result_for(round_, get_catalog(), profile_id)
    labels, profiles = _names(round_)
    subject = review_service.subject_of(round_)
    profile = profiles.get(result.profile_id) if result.profile_id else None
    sources = [(_("Self-rating (does not count toward a profile)"), result.levels["self"], "self-rated")]
    sources.append((_("Manager"), result.levels["manager"], "manager"))
    if result.peers_shown:
        sources.append((_("Peers' average"), result.levels["peers"], "peers"))
    sources.append((_("Quiz evidence"), {r.competency: r.evidence for r in result.rows}, "evidence"))
    chart = radar_for(
        None,
        profile,
        labels,
        texts=report_texts(),
        sources=sources,
        title=_("Review of %(name)s: every source apart", name=subject.full_name),
    )
    return {
        "result": result,
        "labels": labels,
        "profiles": profiles,
        "chart": chart,
        "subject": subject,
        "threshold": PEER_ANONYMITY_THRESHOLD,
        "BLIND_SPOT": BLIND_SPOT,
        "HIDDEN_STRENGTH": HIDDEN_STRENGTH,
    }


@bp.route("/<int:round_id>")
@login_required
def round_page(round_id: int):
    return _round_page(_viewable(round_id))


def _round_page(round_, peers_form=None, calibration: dict | None = None):
    """The review page; the peers or calibration form sent back with a problem shows it on its field, with the
    values chosen (status 400). ``calibration``: the levels, notes, error and competency of a refused calibration."""
    context = _results_context(round_, request.args.get("profile"))
    people = review_service.people_by_id(r.rater_id for r in round_.raters)
    agreed = {a.competency_id: a for a in agreed_service.agreed_in(round_.id)}
    nominate = review_service.may_nominate(current_user, round_)
    sent_back = peers_form is not None or calibration is not None
    peers_form = peers_form or PeersForm(formdata=None)
    if nominate:
        peers_form.peers.choices = [(p.id, p.full_name) for p in review_service.peer_choices(round_)]
    return render_template(
        "reviews/round.html",
        round=round_,
        people=people,
        agreed=agreed,
        entry=review_service.entry_for(round_, current_user.id),
        manages=management.can_lead_development(current_user, round_.subject_id),
        nominate=nominate,
        peers_form=peers_form,
        peer_count=sum(1 for r in round_.raters if r.relation == RELATION_PEER),
        calibrate_form=CalibrateForm(),
        calibration=calibration or {"levels": {}, "notes": {}, "error": None, "competency": None},
        scale=range(scoring.MIN_RATING, scoring.MAX_RATING + 1),
        min_peers=MIN_PEERS,
        max_peers=MAX_PEERS,
        **context,
    ), 400 if sent_back else 200


@bp.route("/<int:round_id>/peers", methods=["POST"])
@login_required
def peers(round_id: int):
    round_ = _round(round_id)
    if not review_service.may_nominate(current_user, round_):
        abort(403)
    form = PeersForm()
    if not form.validate():
        form.peers.errors = [_("Choose peers from the list.")]
        return _round_page(round_, peers_form=form)
    try:
        added = review_service.nominate_peers(round_, current_user, form.peers.data or [])
    except ReviewError as problem:
        form.peers.errors = [translated(problem)]
        return _round_page(round_, peers_form=form)
    flash(ngettext("%(num)s peer asked to answer.", "%(num)s peers asked to answer.", len(added)), "success")
    return redirect(url_for("reviews.round_page", round_id=round_.id))


def _form_context(round_, values: dict, error: str | None = None) -> dict:
    framework = _framework()
    statements = framework.statements
    labels, _profiles = _names(round_)
    competencies = [
        (
            labels[cid],
            [(sid, statements[sid].text if sid in statements else sid) for sid in competency["statements"]],
        )
        for cid, competency in round_.framework["competencies"].items()
    ]
    return {"competencies": competencies, "scale": framework.scale, "values": values, "error": error}


@bp.route("/<int:round_id>/rate", methods=["GET", "POST"])
@login_required
def rate(round_id: int):
    """A rater's form: the statements only, never anyone's results."""
    round_ = _round(round_id)
    entry = review_service.entry_for(round_, current_user.id)
    if entry is None:
        abort(403)
    subject = review_service.subject_of(round_)
    values = {k: str(v) for k, v in entry.ratings.items()}
    form = RateForm()
    status, error = 200, None
    if request.method == "POST":
        if not form.validate():
            return render_error(400, _("The form has expired; open it again."))
        submitted = {k[2:]: v for k, v in request.form.items() if k.startswith("r-")}
        submit = request.form.get("action") == "submit"
        try:
            review_service.save_ratings(entry, round_.framework, submitted, submit=submit)
        except review_service.AlreadyDone as problem:
            return render_error(409, translated(problem))
        except scoring.RatingError as problem:
            values.update(submitted)
            status, error = 400, _("Not submitted: %(problem)s.", problem=translated(problem))
        else:
            if submit:
                flash(_("Thank you: your answers about %(name)s are submitted.", name=subject.full_name), "success")
                return redirect(url_for("reviews.requests"))
            flash(_("Saved. You can continue any time from Review requests."), "success")
            return redirect(url_for("reviews.rate", round_id=round_.id))
    return (
        render_template(
            "reviews/rate.html",
            round=round_,
            entry=entry,
            subject=subject,
            form=form,
            open=round_.status == ROUND_OPEN and entry.submitted_at is None,
            threshold=PEER_ANONYMITY_THRESHOLD,
            **_form_context(round_, values, error),
        ),
        status,
    )


@bp.route("/<int:round_id>/calibrate", methods=["POST"])
@login_required
def calibrate(round_id: int):
    round_ = _managed(round_id)
    if not CalibrateForm().validate():
        return render_error(400, _("The form has expired; open it again."))
    levels = {k[6:]: v for k, v in request.form.items() if k.startswith("level-")}
    notes = {k[5:]: v for k, v in request.form.items() if k.startswith("note-")}
    try:
        review_service.calibrate(round_, current_user, levels, notes)
    except review_service.AlreadyDone as problem:
        return render_error(409, translated(problem))
    except ReviewError as problem:
        calibration = {"levels": levels, "notes": notes, "error": translated(problem), "competency": problem.competency}
        return _round_page(round_, calibration=calibration)
    flash(_("Agreed levels recorded; the profile match now uses them."), "success")
    return redirect(url_for("reviews.round_page", round_id=round_.id))


@bp.route("/<int:round_id>/cancel", methods=["POST"])
@login_required
def cancel(round_id: int):
    round_ = _managed(round_id)
    if not CancelRoundForm().validate():
        return render_error(400, _("The form has expired; open it again."))
    try:
        review_service.cancel(round_, current_user)
    except review_service.AlreadyDone as problem:
        return render_error(409, translated(problem))
    flash(_("The review is cancelled: nobody is asked or reminded to answer it any more."), "success")
    return redirect(url_for("reviews.round_page", round_id=round_.id))


def _csv_rows(context: dict) -> list[list]:
    result, labels = context["result"], context["labels"]
    hidden = _("not enough answers yet")
    marks = {BLIND_SPOT: _("blind spot"), HIDDEN_STRENGTH: _("hidden strength")}
    rows = [
        [
            _("competency"),
            _("self-rating"),
            _("manager"),
            _("peers' average"),
            _("quiz evidence"),
            _("agreed level"),
            _("target"),
            _("mark"),
        ]
    ]
    for r in result.rows:
        rows.append(
            [
                labels[r.competency],
                "" if r.self_level is None else f"{r.self_level:g}",
                "" if r.manager is None else f"{r.manager:g}",
                (f"{r.peers:g}" if r.peers is not None else "") if result.peers_shown else hidden,
                "" if r.evidence is None else f"{r.evidence:g}",
                "" if r.agreed is None else r.agreed,
                r.target or "",
                marks.get(r.mark, ""),
            ]
        )
    return rows


@bp.route("/<int:round_id>.csv")
@login_required
def results_csv(round_id: int):
    round_ = _viewable(round_id)
    context = _results_context(round_, request.args.get("profile"))
    return csv_response(_csv_rows(context), f"review-{round_.subject_id}-{round_.created_at:%Y-%m-%d}.csv")


@bp.route("/<int:round_id>.json")
@login_required
def results_json(round_id: int):
    round_ = _viewable(round_id)
    return review_service.result_for(round_, get_catalog(), request.args.get("profile")).to_json()


@bp.route("/<int:round_id>/print")
@login_required
def print_results(round_id: int):
    round_ = _viewable(round_id)
    context = _results_context(round_, request.args.get("profile"))
    return render_template("reviews/print.html", round=round_, **context)


@bp.route("/people/<int:user_id>/target", methods=["GET", "POST"])
@login_required
def target(user_id: int):
    """The target role and the gap to it."""
    if not management.can_see_development(current_user, user_id):
        abort(403)
    person = review_service.people_by_id([user_id]).get(user_id)
    if person is None:
        abort(404)
    framework = _framework()
    form = TargetForm()
    form.profile.choices = [(pid, p.name) for pid, p in framework.profiles.items()]
    may_choose = agreed_service.may_choose_target(current_user, user_id)
    status = 200
    if request.method == "POST":
        if not may_choose:
            abort(403)
        if form.validate():
            agreed_service.set_target_profile(person, form.profile.data, current_user, get_catalog().framework)
            flash(_("Target role saved."), "success")
            return redirect(url_for("reviews.target", user_id=user_id))
        status = 400
    gap = agreed_service.target_gap(user_id, framework)
    if request.method == "GET" and gap.profile_id:
        form.profile.data = gap.profile_id
    return (
        render_template(
            "reviews/target.html",
            person=person,
            form=form,
            may_choose=may_choose,
            gap=gap,
            framework=framework,
            match=agreed_service.profile_match_for(user_id),
        ),
        status,
    )
