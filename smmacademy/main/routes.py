"""Views: the start page."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from ..catalog_state import get_catalog, get_competencies
from ..i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS, language_names, use_language
from ..security import landing_url, login_required, public, safe_next
from ..services import accounts, learning_records, plan_views, reviews
from ..services.learner_home import home_plan
from . import bp
from .forms import LanguageForm


@bp.route("/")
@public
def index():
    if accounts.site_is_empty():
        return redirect(url_for("auth.setup"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(landing_url(current_user))


@bp.route("/healthz")
@public
def health():
    """Liveness probe for load balancers: the process answers (no database access)."""
    return {"status": "ok"}


@bp.route("/home")
@login_required
def home():
    """My learning: the next step first, then assignments, courses in progress, results and certificates."""
    catalog = get_catalog()
    today = date.today()
    plan = home_plan(catalog, current_user, today)
    return render_template(
        "main/home.html",
        plan=plan,
        step=plan.step,
        resume=plan.resume,
        assignments=plan.assignments,
        in_progress=plan.in_progress,
        attempts=learning_records.recent_attempts(current_user.id),
        certificates=learning_records.certificates_for(current_user.id),
        latest_assessment=plan.latest_assessment,
        review_requests=reviews.open_requests(current_user.id),
        plan_next=plan_views.next_step(catalog, current_user.id, get_competencies()),
        catalog=catalog,
        today=today,
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language: remembered on the account, or in a cookie for visitors."""
    form = LanguageForm(languages=language_names())
    back = safe_next(request.form.get("next"), url_for("main.index"))
    if not form.validate():
        flash(_("Choose one of the languages offered."), "error")
        return redirect(back)
    language = form.language.data or None
    if current_user.is_authenticated:
        accounts.set_language(current_user, language)
    response = redirect(back)
    if language:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=LANGUAGE_COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    else:
        response.delete_cookie(LANGUAGE_COOKIE)
    # The confirmation is already in the new language (or the browser's, when following it).
    use_language(language)
    refresh()
    flash(_("The interface language is changed."), "success")
    return response
