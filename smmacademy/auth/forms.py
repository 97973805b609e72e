"""Forms of the auth blueprint."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

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
