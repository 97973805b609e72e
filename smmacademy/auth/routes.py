"""Views: login, logout, first-run setup, profile with sessions and mail settings, password change and reset."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..domain.notifications import OPTIONAL_KINDS
from ..i18n import language_names
from ..main.forms import LanguageForm
from ..models import User
from ..security import landing_url, login_required, public
from ..services import accounts, notifications, password_reset, sessions, signin
from . import bp
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NotificationsForm, ResetPasswordForm, SetupForm


def _address() -> str:
    return request.remote_addr or "unknown"


def start_session(user: User, remember: bool) -> None:
    """Open a server-side session and hand its token to Flask-Login's cookies."""
    sessions.start(user, remember, request.headers.get("User-Agent", ""), _address())
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if accounts.site_is_empty():
        return redirect(url_for("auth.setup"))
    target = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(landing_url(current_user, target))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = signin.authenticate(form.email.data, form.password.data, _address())
        if result.locked_minutes:
            flash(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(num)s minute.",
                    "Too many failed sign-in attempts. Try again in %(num)s minutes.",
                    result.locked_minutes,
                ),
                "error",
            )
            status = 429
        elif result.user is None:
            flash(_("The email or password is not correct, or the account is deactivated."), "error")
            status = 401
        else:
            start_session(result.user, bool(form.remember.data))
            if result.user.must_change_password:
                flash(_("Please choose your own password before you continue."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(landing_url(result.user, target))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end(current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    if not accounts.site_is_empty():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_first_admin(form.email.data, form.full_name.data, form.password.data)
        except accounts.SetupClosed:
            abort(404)
        except accounts.AccountError as error:
            # The form already checked the name and the address: what is left is the password policy.
            form.password.errors.append(str(error))
        else:
            start_session(user, remember=False)
            flash(_("Welcome! Your administrator account is ready."), "success")
            return redirect(landing_url(user))
    return render_template("auth/setup.html", form=form), 400 if form.errors else 200


@bp.route("/account")
@login_required
def profile():
    language_form = LanguageForm(
        languages=language_names(), data={"language": current_user.language or "", "next": url_for("auth.profile")}
    )
    return render_template(
        "auth/profile.html",
        user=current_user,
        language_form=language_form,
        sessions=sessions.active_for(current_user),
        current_session_id=current_user.current_session_id,
        mail_form=NotificationsForm.for_user(notifications.opted_out_kinds(current_user.id)),
    )


@bp.route("/account/notifications", methods=["POST"])
@login_required
def save_notifications():
    form = NotificationsForm()
    if not form.validate_on_submit():
        abort(400)
    notifications.save_preferences(current_user, {kind for kind in OPTIONAL_KINDS if form[kind].data})
    flash(_("Your email settings are saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        wait = password_reset.request_link(form.email.data, _address())
        if wait:
            flash(
                ngettext(
                    "Too many requests. Try again in %(num)s minute.",
                    "Too many requests. Try again in %(num)s minutes.",
                    wait,
                ),
                "error",
            )
            return render_template("auth/forgot.html", form=form), 429
        # The same answer whether or not the address has an account.
        flash(
            _(
                "If %(email)s belongs to an account here, a link to choose a new password is on its way. "
                "Check your inbox (and the spam folder).",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        password_reset.check_link(token)
    except password_reset.ResetLinkError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset(token, form.password.data)
        except password_reset.ResetLinkError as error:
            return render_template("auth/reset_invalid.html", message=str(error)), 400
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(
                _("Your password has been changed and you are signed out everywhere. Sign in with it now."), "success"
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.route("/account/sessions/sign-out-others", methods=["POST"])
@login_required
def sign_out_others():
    ended = sessions.end_others(current_user)
    flash(ngettext("Signed out on %(num)d other device.", "Signed out on %(num)d other devices.", ended), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is not correct."))
        else:
            try:
                accounts.change_password(current_user, form.password.data)
            except accounts.AccountError as error:
                form.password.errors.append(str(error))
            else:
                flash(_("Your password has been changed. You are signed out on your other devices."), "success")
                return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200
