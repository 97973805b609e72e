"""Views: login, logout, first-run setup, profile, password change."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..i18n import language_names
from ..main.forms import LanguageForm
from ..models import User
from ..models.base import utcnow
from ..security import login_required, public, safe_next
from ..services import accounts, throttle
from . import bp
from .forms import ChangePasswordForm, LoginForm, SetupForm


def _home() -> str:
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if db.session.scalar(User.admin_exists()) is None:
        return redirect(url_for("auth.setup"))
    target = safe_next(request.args.get("next"), _home())
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        limit = current_app.config["LOGIN_THROTTLE_LIMIT"]
        window = current_app.config["LOGIN_THROTTLE_MINUTES"]
        state = throttle.check(form.email.data, address, limit, window)
        user = db.session.scalar(User.by_email(form.email.data))
        if state.locked:
            flash(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(num)s minute.",
                    "Too many failed sign-in attempts. Try again in %(num)s minutes.",
                    state.retry_minutes,
                ),
                "error",
            )
            status = 429
        elif user is None or not user.check_password(form.password.data) or not user.active:
            throttle.record_failure(form.email.data, address)
            flash(_("The email or password is not correct, or the account is deactivated."), "error")
            status = 401
        else:
            throttle.clear_account(user.email)
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash(_("Please choose your own password before you continue."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(target)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    if db.session.scalar(User.admin_exists()) is not None:
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            accounts.validate_password(form.password.data)
            accounts.ensure_departments()
            user = accounts.create_user(form.email.data, form.full_name.data, "admin", form.password.data)
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            login_user(user)
            flash(_("Welcome! Your administrator account is ready."), "success")
            return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form), 400 if form.errors else 200


@bp.route("/account")
@login_required
def profile():
    language_form = LanguageForm(
        languages=language_names(), data={"language": current_user.language or "", "next": url_for("auth.profile")}
    )
    return render_template("auth/profile.html", user=current_user, language_form=language_form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is not correct."))
        else:
            try:
                accounts.validate_password(form.password.data)
            except accounts.AccountError as error:
                form.password.errors.append(str(error))
            else:
                current_user.set_password(form.password.data)
                current_user.must_change_password = False
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200
