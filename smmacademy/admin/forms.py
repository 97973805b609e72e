"""Forms of the admin blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Optional, Regexp

from ..forms import BaseForm, fits
from ..models import Department, User
from ..services.accounts import EMAIL
from ..templating import ROLE_LABELS

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ("learner", "manager", "hr", "admin")]


class UserForm(BaseForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), fits(User.full_name)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), fits(User.email), Regexp(EMAIL, message=_l("Enter a valid email address."))],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    job_title = StringField(_l("Job title"), validators=[Optional(), fits(User.job_title)])
    manager_id = SelectField(_l("Line manager"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active (can sign in)"), default=True)


class DepartmentForm(BaseForm):
    name = StringField(_l("Department name"), validators=[DataRequired(), fits(Department.name)])
    # Only read when a department is added: a key never changes afterwards.
    key = StringField(
        _l("Key (optional)"),
        validators=[Optional(), fits(Department.key)],
        description=_l(
            "What course files name in audience: lower-case Latin letters, digits and hyphens. "
            "Left empty, it is made from the name. It cannot be changed later."
        ),
    )


class ImportUploadForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class ImportConfirmForm(BaseForm):
    payload = HiddenField(validators=[DataRequired()])


class ConfirmForm(BaseForm):
    """A bare form for POST-only actions (deactivate, reset password)."""
