"""Forms of the auth blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..domain.notifications import OPTIONAL_KINDS
from ..forms import BaseForm, fits
from ..models import User
from ..services.accounts import EMAIL, MIN_PASSWORD_LENGTH

VALID_EMAIL = Regexp(EMAIL, message=_l("Enter a valid email address."))


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), fits(User.email)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=lazy_ngettext(
            "At least %(num)s character, not a common password, not your name or email.",
            "At least %(num)s characters, not a common password, not your name or email.",
            MIN_PASSWORD_LENGTH,
        ),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class SetupForm(NewPasswordMixin, BaseForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), fits(User.full_name)])
    email = EmailField(_l("Email"), validators=[DataRequired(), VALID_EMAIL, fits(User.email)])


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), VALID_EMAIL, fits(User.email)])


class ResetPasswordForm(NewPasswordMixin, BaseForm):
    pass


class NotificationsForm(BaseForm):
    """One checkbox per kind of mail a person may turn off (security mail is not among them)."""

    assignment = BooleanField(_l("A training is assigned to me or its due date changes"))
    due_soon = BooleanField(_l("Reminders 7 days and 1 day before a due date"))
    overdue = BooleanField(_l("My training is overdue"))
    team_overdue = BooleanField(_l("Someone in my team is overdue (managers)"))
    digest = BooleanField(_l("Weekly digest of my team (managers)"))
    candidate_finished = BooleanField(_l("A candidate I invited has finished (HR)"))
    certificate = BooleanField(_l("I earned a certificate"))

    @classmethod
    def for_user(cls, opted_out: set[str]) -> NotificationsForm:
        """The form with every kind ticked except those the person turned off."""
        form = cls(formdata=None)
        for kind in OPTIONAL_KINDS:
            form[kind].data = kind not in opted_out
        return form
