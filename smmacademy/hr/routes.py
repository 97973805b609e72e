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
from ..choices import department_choices, manager_choices
from ..domain.report import build_report
from ..domain.results import radar_for
from ..errors import render_error
from ..i18n import language_names, report_texts
from ..models import Candidate
from ..models.candidate import STATUSES
from ..params import int_args
from ..security import role_required
from ..services import accounts, candidate_records, candidate_test, candidates, notifications
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


def _list_page(compare_error: str = "", status: int = 200):
    """HR's candidate list with the request's filters, sort and compare ticks."""
    chosen = request.args.get("status", "")
    profile_id = request.args.get("profile", "")
    rows = _rows(chosen if chosen in STATUSES else "", profile_id if profile_id in _profiles() else "")
    sort = request.args.get("sort", "invited")
    rows.sort(key=SORTS.get(sort, SORTS["invited"]), reverse=request.args.get("dir", "desc") == "desc")
    return render_template(
        "hr/candidates.html",
        rows=rows,
        statuses=STATUSES,
        profiles=_profiles(),
        status=chosen,
        profile_id=profile_id,
        sort=sort,
        direction=request.args.get("dir", "desc"),
        selected=set(int_args("ids")),
        compare_error=compare_error,
    ), status


@bp.route("/")
@role_required("hr")
def candidates_list():
    return _list_page()


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


def _hire_form(candidate: Candidate, blank: bool = False) -> HireForm:
    """The hire form (``blank``: not read from the request); its job title starts as the applied position."""
    profile = _profiles().get(candidate.profile_id)
    title = profile.name if profile else ""
    form = HireForm(formdata=None, job_title=title) if blank else HireForm(job_title=title)
    form.manager_id.choices = manager_choices()
    form.department_id.choices = department_choices()
    return form


@bp.route("/candidates/<int:candidate_id>")
@role_required("hr")
def report(candidate_id: int):
    return _report_page(_candidate(candidate_id))


def _report_page(candidate: Candidate, note_form=None, status_form=None, hire_form=None, status: int = 200):
    """The candidate report; a note, decision or hire form sent back with errors is shown in its place, with its values."""
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
        # Never pre-filled from the candidate: its note is HR's private invitation note, not a reason.
        status_form=status_form or StatusForm(formdata=None),
        hire_form=hire_form or _hire_form(candidate, blank=True),
        confirm=ConfirmForm(),
    ), status


@bp.route("/compare")
@role_required("hr")
def compare():
    ids = int_args("ids")[:4]
    if not 2 <= len(set(ids)) <= 4:
        # Shown on the compare form itself, with the ticked candidates still ticked.
        return _list_page(compare_error=_("Choose at least two candidates (at most four) to compare."), status=400)
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
    form = _hire_form(candidate)
    if not form.validate_on_submit():
        return _report_page(candidate, hire_form=form, status=400)
    if candidate.submitted_at is None:
        return render_error(400, _("Only a candidate who submitted the assessment can be hired here."))
    try:
        user, password = candidates.hire(
            candidate,
            current_user,
            get_catalog(),
            candidate_records.department(form.department_id.data),
            manager=accounts.user_by_id(form.manager_id.data),
            job_title=form.job_title.data,
        )
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
    return render_template(
        "admin/password_issued.html",
        user=user,
        password=password,
        created=True,
        done_url=url_for("hr.report", candidate_id=candidate.id),
    )


@bp.route("/candidates/<int:candidate_id>/delete", methods=["POST"])
@role_required("hr")
def delete(candidate_id: int):
    candidate = _candidate(candidate_id)
    candidates.delete_candidate(candidate, current_user, "deleted by HR")
    flash(_("The candidate and their answers were deleted."), "success")
    return redirect(url_for("hr.candidates_list"))
