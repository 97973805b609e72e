"""Views: catalog, course and module pages, quizzes, search and certificates."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import format_decimal, format_timedelta
from flask_babel import gettext as _
from flask_login import current_user

from ..badges.forms import RevokeForm
from ..catalog_state import get_catalog
from ..content.catalog import ASSET_SUFFIXES, EVERYONE, ROLES
from ..content.questions import presentations
from ..domain.next_step import course_step
from ..domain.progress import (
    course_audiences,
    course_progress,
    missing_prerequisites,
    recommended_for_department,
    target_modules,
)
from ..domain.quiz_policy import NO_ATTEMPTS_LEFT
from ..errors import render_error
from ..i18n import current_language, localized, translated, use_language
from ..security import login_required, public
from ..services import accounts, badges, directory, learning, learning_records, quiz_limits
from ..services.assignments import targets_for
from ..services.management import can_view, can_view_certificate
from . import bp


def _course_or_404(course_slug: str):
    course = get_catalog().courses.get(course_slug)
    if course is None:
        abort(404)
    return course


def _module_or_404(course_slug: str, module_slug: str):
    """The (course, module) pair for the URL, or 404."""
    course = _course_or_404(course_slug)
    module = course.module(module_slug)
    if module is None:
        abort(404)
    return course, module


@bp.route("/courses")
@login_required
def catalog():
    catalog = get_catalog()
    rows = learning_records.progress_rows(current_user.id)
    audience = request.args.get("audience", "")
    department = current_user.department_key
    targets = targets_for(current_user.id)
    items = []
    for course in catalog.courses.values():
        if audience and audience not in course_audiences(course):
            continue
        items.append(
            {
                "course": course,
                "progress": course_progress(course, rows, targets.get(course.slug)),
                "assigned": course.slug in targets,
                "recommended": recommended_for_department(course, department),
            }
        )
    audiences = sorted(
        {a for c in catalog.courses.values() for a in course_audiences(c)} - {EVERYONE},
        key=lambda a: (a not in ROLES, a.lower()),
    )
    return render_template(
        "learn/catalog.html",
        items=items,
        audiences=audiences,
        audience=audience,
        department_names=directory.department_names_by_key(),
    )


@bp.route("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    catalog = get_catalog()
    course = _course_or_404(course_slug)
    rows = learning_records.progress_rows(current_user.id)
    missing = missing_prerequisites(course, learning_records.completed_courses(catalog, rows))
    certificate = learning_records.certificate_of(current_user.id, course.slug)
    # The person's target: the modules their assignments name (e.g. onboarding), else the whole course.
    target = targets_for(current_user.id).get(course.slug)
    return render_template(
        "learn/course.html",
        course=course,
        progress=course_progress(course, rows, target),
        whole=course_progress(course, rows) if target else None,
        required_for_you={m.slug for m in target_modules(course, target)} if target else set(),
        step=course_step(course, rows, target),
        rows=rows,
        missing=[catalog.courses[s] for s in missing],
        catalog_titles={slug: localized(c).title for slug, c in catalog.courses.items()},
        certificate=certificate,
        language=current_language(),
    )


def _blocked_by_prerequisites(course, rows=None):
    if not course.prerequisites:
        return None
    catalog = get_catalog()
    rows = learning_records.progress_rows(current_user.id) if rows is None else rows
    missing = missing_prerequisites(course, learning_records.completed_courses(catalog, rows))
    if not missing:
        return None
    titles = ", ".join(localized(catalog.courses[s]).title for s in missing)
    return render_template(
        "learn/locked.html",
        course=course,
        missing=[catalog.courses[s] for s in missing],
        message=_("Complete %(titles)s before you start this course.", titles=titles),
    ), 403


@bp.route("/courses/<course_slug>/<module_slug>")
@login_required
def module(course_slug: str, module_slug: str):
    course, module = _module_or_404(course_slug, module_slug)
    # This course and its prerequisites are all the page looks at (status, pager, the prerequisite check).
    rows = learning_records.progress_rows(current_user.id, {course.slug, *course.prerequisites})
    blocked = _blocked_by_prerequisites(course, rows)
    if blocked:
        return blocked
    row = rows.get((course.slug, module.slug))
    attempts = learning_records.page_attempts(current_user.id, module, row)  # before record_view commits
    row = rows[(course.slug, module.slug)] = learning.record_view(current_user, module, row)
    text = module.text_for(current_language())
    previous, following = course.neighbours(module.slug)
    return render_template(
        "learn/module.html",
        course=course,
        module=module,
        position=course.modules.index(module) + 1,
        text=text,
        row=row,
        status=course_progress(course, rows).statuses[module.slug],
        attempts=attempts,
        previous=previous,
        following=following,
    )


@bp.route("/courses/<course_slug>/<module_slug>/quiz")
@login_required
def quiz(course_slug: str, module_slug: str):
    course, module = _module_or_404(course_slug, module_slug)
    if not module.has_quiz:
        abort(404)
    blocked = _blocked_by_prerequisites(course)
    if blocked:
        return blocked
    ticket, token = learning.new_ticket(current_app.config["SECRET_KEY"], current_user, module)
    return _quiz_page(course, module, ticket, token)


def _quiz_page(course, module, ticket, token, errors=None, posted=None, verdict=None, status=200):
    """The quiz form (or why no attempt is possible now); a form sent back shows ``errors`` and keeps ``posted``."""
    text = module.text_for(current_language())
    verdict = verdict or quiz_limits.attempt_verdict(current_user, get_catalog(), module)
    settings = course.quiz_settings
    return render_template(
        "learn/quiz.html",
        course=course,
        module=module,
        text=text,
        order=presentations(text.questions, ticket.seed),
        token=token,
        verdict=verdict,
        cooldown=format_timedelta(settings.cooldown, threshold=1) if settings.cooldown else None,
        errors=errors,
        posted=posted,
    ), status


@bp.route("/courses/<course_slug>/<module_slug>/read", methods=["POST"])
@login_required
def mark_read(course_slug: str, module_slug: str):
    course, module = _module_or_404(course_slug, module_slug)
    if module.has_quiz:
        return render_error(400, _("This module is completed by passing its quiz, not by marking it as read."))
    blocked = _blocked_by_prerequisites(course)
    if blocked:
        return blocked
    certificate = learning.mark_read(current_user, get_catalog(), module)
    flash(_("Module marked as read."), "success")
    if certificate:
        flash(_("You completed the course. Your certificate is ready."), "success")
        return redirect(url_for("learn.certificate", code=certificate.code))
    following = course.neighbours(module.slug)[1]
    if following:
        return redirect(url_for("learn.module", course_slug=course.slug, module_slug=following.slug))
    return redirect(url_for("learn.course", course_slug=course.slug))


@bp.route("/courses/<course_slug>/<module_slug>/quiz", methods=["POST"])
@login_required
def submit_quiz(course_slug: str, module_slug: str):
    course, module = _module_or_404(course_slug, module_slug)
    if not module.has_quiz:
        return render_error(400, _("This module has no quiz."))
    blocked = _blocked_by_prerequisites(course)
    if blocked:
        return blocked
    token = request.form.get("attempt", "")
    try:
        ticket = learning.read_ticket(current_app.config["SECRET_KEY"], token, current_user, module)
        attempt, fresh, certificate = learning.submit_quiz(
            current_user,
            get_catalog(),
            module,
            ticket,
            set(request.form.keys()),
            request.form.getlist,
            module.text_for(current_language()).questions,
        )
    except learning.AnswersIncomplete as error:
        # The same attempt again (same token, same order), each problem on its question, every answer kept.
        errors = {problem.question_id: translated(problem) for problem in error.problems}
        return _quiz_page(course, module, ticket, token, errors=errors, posted=request.form, status=422)
    except learning.AttemptRefused as refused:
        return _quiz_page(course, module, ticket, token, verdict=refused.verdict, status=409)
    except learning.SubmissionError as error:
        return render_error(400, str(error))
    if fresh:
        if attempt.passed:
            flash(_("Passed with %(score)s%%.", score=format_decimal(attempt.score, "#,##0.##")), "success")
        else:
            flash(
                _(
                    "%(score)s%% — the pass mark is %(mark)s%%. Review your answers and try again.",
                    score=format_decimal(attempt.score, "#,##0.##"),
                    mark=attempt.pass_mark,
                ),
                "error",
            )
    else:
        flash(_("This attempt was already submitted; here is its result."), "info")
    if certificate:
        flash(_("You completed the course. Your certificate is ready."), "success")
    return redirect(url_for("learn.attempt", course_slug=course.slug, module_slug=module.slug, attempt_id=attempt.id))


@bp.route("/courses/<course_slug>/<module_slug>/attempts/<int:attempt_id>")
@login_required
def attempt(course_slug: str, module_slug: str, attempt_id: int):
    attempt = learning_records.attempt_by_id(attempt_id)
    if attempt is None or attempt.course_slug != course_slug or attempt.module_slug != module_slug:
        abort(404)
    if not can_view(current_user, attempt.user_id):
        abort(403)
    course = get_catalog().courses.get(course_slug)
    module = course.module(module_slug) if course else None
    questions, order = learning.attempt_review(attempt, module, current_language())
    certificate = learning_records.certificate_of(attempt.user_id, course_slug)
    reveal = quiz_limits.attempt_reveal(attempt, get_catalog())
    own_retry = attempt.user_id == current_user.id and not attempt.passed and module is not None
    can_retry = (
        own_retry and quiz_limits.attempt_verdict(current_user, get_catalog(), module).status != NO_ATTEMPTS_LEFT
    )
    return render_template(
        "learn/attempt.html",
        person=accounts.user_by_id(attempt.user_id),
        attempt=attempt,
        course=course,
        module=module,
        questions=questions,
        order=order,
        certificate=certificate,
        reveal=reveal,
        can_retry=can_retry,
    )


@bp.route("/search")
@login_required
def search():
    query = request.args.get("q", "").strip()[:200]
    hits = get_catalog().search(query) if query else []
    return render_template("learn/search.html", query=query, hits=hits)


@bp.route("/learn/assets/<course_slug>/<path:filename>")
@login_required
def asset(course_slug: str, filename: str):
    course = _course_or_404(course_slug)
    if Path(filename).suffix.lower() not in ASSET_SUFFIXES:
        abort(404)
    return send_from_directory(course.path, filename, max_age=3600)


@bp.route("/certificates/<code>")
@login_required
def certificate(code: str):
    certificate = badges.certificate_by_code(code)
    if certificate is None:
        abort(404)
    if not can_view_certificate(current_user, certificate.user_id):
        abort(403)
    return certificate_page(certificate)


def certificate_page(certificate, revoke_form=None, status=200):
    """A certificate in its holder's language; an admin's revoke form sent back keeps its error and text."""
    use_language(certificate.user.language)  # a certificate reads in its holder's language
    return render_template(
        "learn/certificate.html", certificate=certificate, revoke_form=revoke_form or RevokeForm()
    ), status


@bp.route("/verify", methods=["GET"])
@bp.route("/verify/<code>")
@public
def verify(code: str | None = None):
    code = (code or request.args.get("code", "")).strip().upper()[:32]
    certificate = badges.certificate_by_code(code) if code else None
    status = 404 if code and certificate is None else 200
    if certificate is not None:
        use_language(certificate.user.language)  # the holder's language; the visitor's when they follow the browser
    result = badges.check_certificate(certificate, badges.site_urls(request.url_root)) if certificate else None
    return render_template("learn/verify.html", code=code, certificate=certificate, result=result), status
