"""Views: candidate list, invitation, report, comparison, decisions, hiring, deletion, export."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..catalog_state import get_catalog, get_framework
from ..choices import department_choices
from ..domain.report import build_report
from ..domain.results import radar_for
from ..errors import render_error
from ..i18n import language_names, report_texts
from ..models import Candidate
from ..models.candidate import STATUSES
from ..params import int_args
from ..security import role_required
from ..services import candidate_records, candidate_test, candidates, notifications
from ..services.csv_export import csv_response
from ..templating import BAND_LABELS, CANDIDATE_STATUS_LABELS
from . import bp
from .forms import ConfirmForm, HireForm, InviteForm, NoteForm, StatusForm

SORTS = {
    "name": lambda r: r["candidate"].full_name.lower(),
    "status": lambda r: STATUSES.index(r["candidate"].status),
    "fit": lambda r: r["fit"] if r["fit"] is not None else -1,
    "score": lambda r: r["candidate"].test_score if r["candidate"].test_score is not None else -1,
    "invited": lambda r: r["candidate"].created_at,
    "activity": lambda r: r["candidate"].last_activity_at,
}


def _candidate(candidate_id: int) -> Candidate:
    return candidate_records.get(candidate_id) or abort(404)


def _profiles():
    return get_framework().profiles


def _rows(status: str = "", profile_id: str = ""):
    listed = candidate_records.listing(status, profile_id)
    results = candidate_records.submitted_assessments([c.id for c in listed])
    rows = []
    grace = candidate_test.grace_of(current_app.config)
    for candidate in listed:
        assessment = results.get(candidate.id)
        found = assessment.outcome.fit_for(candidate.profile_id) if assessment else None
        fit, band = (found.fit, found.band) if found else (None, None)
        expired = candidate_test.time_expired(candidate, grace)
        rows.append({"candidate": candidate, "assessment": assessment, "fit": fit, "band": band, "expired": expired})
    return rows


def _invite_link(token: str) -> str:
    return url_for("candidate.open_link", token=token, _external=True)


@bp.route("/")
@role_required("hr")
def candidates_list():
    status = request.args.get("status", "")
    profile_id = request.args.get("profile", "")
    rows = _rows(status if status in STATUSES else "", profile_id if profile_id in _profiles() else "")
    sort = request.args.get("sort", "invited")
    rows.sort(key=SORTS.get(sort, SORTS["invited"]), reverse=request.args.get("dir", "desc") == "desc")
    return render_template(
        "hr/candidates.html",
        rows=rows,
        statuses=STATUSES,
        profiles=_profiles(),
        status=status,
        profile_id=profile_id,
        sort=sort,
        direction=request.args.get("dir", "desc"),
    )


@bp.route("/export.csv")
@role_required("hr")
def export():
    profiles = _profiles()
    rows = [
        [
            _("name"),
            _("email"),
            _("applied for"),
            _("status"),
            _("fit to applied profile %"),
            _("band"),
            _("knowledge test %"),
            _("invited"),
            _("submitted"),
            _("last activity"),
        ]
    ]
    for row in _rows():
        c = row["candidate"]
        rows.append(
            [
                c.full_name,
                c.email,
                profiles[c.profile_id].name if c.profile_id in profiles else c.profile_id,
                CANDIDATE_STATUS_LABELS.get(c.status, c.status),
                "" if row["fit"] is None else f"{row['fit']:g}",
                BAND_LABELS.get(row["band"], row["band"] or ""),
                ("" if c.test_score is None else f"{c.test_score:g}")
                + (" " + _("(time expired)") if row["expired"] else ""),
                f"{c.created_at:%Y-%m-%d}",
                f"{c.submitted_at:%Y-%m-%d}" if c.submitted_at else "",
                f"{c.last_activity_at:%Y-%m-%d}",
            ]
        )
    return csv_response(rows, f"candidates-{date.today():%Y-%m-%d}.csv")


@bp.route("/new", methods=["GET", "POST"])
@role_required("hr")
def invite():
    # The invitation's language defaults to HR's own interface language.
    form = InviteForm(language=str(get_locale() or current_app.config["DEFAULT_LANGUAGE"]))
    form.profile_id.choices = [SelectChoice(pid, p.name) for pid, p in _profiles().items()]
    form.language.choices = list(language_names())
    if form.validate_on_submit():
        days = current_app.config["CANDIDATE_INVITE_DAYS"]
        try:
            candidate, token = candidates.invite(
                current_user,
                form.full_name.data,
                form.email.data,
                form.profile_id.data,
                form.note.data or "",
                days,
                form.time_limit.data,
                language=form.language.data,
            )
        except candidates.CandidateError as error:
            flash(str(error), "error")
        else:
            if form.send_email.data:
                _send_invitation(candidate, token)
            return _link_issued(candidate, token)
    return render_template("hr/invite.html", form=form), 400 if form.errors else 200


def _send_invitation(candidate: Candidate, token: str) -> None:
    status = notifications.send_invitation(candidate, _invite_link(token), _profiles()[candidate.profile_id].name)
    if status == "sent":
        flash(_("The invitation was emailed to %(email)s.", email=candidate.email), "success")
    else:
        flash(_("The invitation email is queued and will be sent as soon as the mail server accepts it."), "info")


def _link_issued(candidate: Candidate, token: str):
    link = _invite_link(token)
    # The invitation text is for the candidate: written in the language HR chose for them.
    with force_locale(candidate.language):
        subject, body = _invitation_text(candidate, link)
    mailto = f"mailto:{quote(candidate.email)}?subject={quote(subject)}&body={quote(body)}"
    return render_template("hr/link.html", candidate=candidate, link=link, mailto=mailto)


def _invitation_text(candidate: Candidate, link: str) -> tuple[str, str]:
    profile = _profiles()[candidate.profile_id].name
    subject = _("Your assessment for the %(profile)s position", profile=profile)
    body = _(
        "Hello %(name)s,\n\nas the next step of your application, please complete our short self-assessment and "
        "knowledge test (about 30 minutes) using this private link:\n\n%(link)s\n\nThe link works until "
        "%(date)s. You can stop and continue later with the same link.\n",
        name=candidate.full_name,
        link=link,
        date=format_date(candidate.token_expires_at, "long"),
    )
    return subject, body


@bp.route("/candidates/<int:candidate_id>")
@role_required("hr")
def report(candidate_id: int):
    return _report_page(_candidate(candidate_id))


def _report_page(candidate, note_form=None, status_form=None, status=200):
    """The candidate's report; a note or decision form sent back with errors is shown with them and its values."""
    catalog = get_catalog()
    assessment = candidate_records.submitted_assessment(candidate)
    report = None
    if assessment is not None:
        report = build_report(
            assessment.framework,
            assessment.result,
            candidate.profile_id,
            catalog.modules_for_competency,
            chart_title=_("%(name)s against the applied profile", name=candidate.full_name),
            texts=report_texts(),
            wording=get_framework(),
        )
    questions, order = candidate_test.test_questions(candidate, catalog) if candidate.test_submitted_at else ((), {})
    hire_form = HireForm()
    hire_form.department_id.choices = department_choices()
    return render_template(
        "hr/report.html",
        candidate=candidate,
        assessment=assessment,
        report=report,
        profiles=_profiles(),
        questions=questions,
        order=order,
        time_expired=candidate_test.time_expired(candidate, candidate_test.grace_of(current_app.config)),
        note_form=note_form or NoteForm(),
        status_form=status_form or StatusForm(obj=candidate),
        hire_form=hire_form,
        confirm=ConfirmForm(),
    ), status


@bp.route("/compare")
@role_required("hr")
def compare():
    ids = int_args("ids")[:4]
    if not 2 <= len(set(ids)) <= 4:
        return render_error(400, _("Choose between 2 and 4 candidates to compare."))
    chosen = candidate_records.by_ids(ids)
    if len(chosen) != len(set(ids)):
        abort(404)
    results = candidate_records.submitted_assessments(ids)
    framework = get_framework()
    compared = [(c.full_name, results[c.id].outcome) for c in chosen if c.id in results]
    chart = (
        radar_for(
            compared[0][1],
            None,
            {cid: c.name for cid, c in framework.competencies.items()},
            texts=report_texts(),
            person=compared[0][0],
            others=compared[1:],
            title=_("Candidates compared"),
        )
        if compared
        else ""
    )
    return render_template(
        "hr/compare.html", chosen=chosen, results=results, framework=framework, chart=chart, profiles=_profiles()
    )


@bp.route("/candidates/<int:candidate_id>/note", methods=["POST"])
@role_required("hr")
def add_note(candidate_id: int):
    candidate = _candidate(candidate_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _report_page(candidate, note_form=form, status=400)
    candidate_records.add_note(candidate, current_user, form.text.data.strip())
    flash(_("Note added."), "success")
    return redirect(url_for("hr.report", candidate_id=candidate.id))


@bp.route("/candidates/<int:candidate_id>/status", methods=["POST"])
@role_required("hr")
def change_status(candidate_id: int):
    candidate = _candidate(candidate_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _report_page(candidate, status_form=form, status=400)
    if candidate.submitted_at is None:
        return render_error(400, _("The candidate has not submitted yet; decide after they finish."))
    if candidate.status == "hired":
        return render_error(400, _("This candidate is already hired."))
    candidates.change_status(candidate, current_user, form.status.data, (form.note.data or "").strip())
    flash(_("Status changed to %(s)s.", s=CANDIDATE_STATUS_LABELS[form.status.data]), "success")
    return redirect(url_for("hr.report", candidate_id=candidate.id))


@bp.route("/candidates/<int:candidate_id>/revoke", methods=["POST"])
@role_required("hr")
def revoke(candidate_id: int):
    candidate = _candidate(candidate_id)
    candidates.revoke(candidate, current_user)
    flash(_("The invitation link no longer works."), "success")
    return redirect(url_for("hr.report", candidate_id=candidate.id))


@bp.route("/candidates/<int:candidate_id>/reissue", methods=["POST"])
@role_required("hr")
def reissue(candidate_id: int):
    candidate = _candidate(candidate_id)
    try:
        token = candidates.reissue(candidate, current_user, current_app.config["CANDIDATE_INVITE_DAYS"])
    except candidates.CandidateError as error:
        return render_error(400, str(error))
    return _link_issued(candidate, token)


@bp.route("/candidates/<int:candidate_id>/hire", methods=["POST"])
@role_required("hr")
def hire(candidate_id: int):
    candidate = _candidate(candidate_id)
    form = HireForm()
    form.department_id.choices = department_choices()
    if not form.validate_on_submit():
        return render_error(400, _("Choose a department from the list."))
    if candidate.submitted_at is None:
        return render_error(400, _("Only a candidate who submitted the assessment can be hired here."))
    department = candidate_records.department(form.department_id.data)
    try:
        user, password = candidates.hire(candidate, current_user, get_catalog(), department)
    except candidates.AlreadyDone:
        return render_error(
            400,
            _(
                "This candidate was already hired (the form was sent twice); their account exists. If the "
                "temporary password was not noted, an administrator can reset it on the Users page."
            ),
        )
    except candidates.CandidateError as error:
        return render_error(400, str(error))
    return render_template("admin/password_issued.html", user=user, password=password, created=True)


@bp.route("/candidates/<int:candidate_id>/delete", methods=["POST"])
@role_required("hr")
def delete(candidate_id: int):
    candidate = _candidate(candidate_id)
    candidates.delete_candidate(candidate, current_user, "deleted by HR")
    flash(_("The candidate and their answers were deleted."), "success")
    return redirect(url_for("hr.candidates_list"))
