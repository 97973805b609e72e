"""Forms of the HR blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..forms import BaseForm, fits
from ..models import Candidate, User
from ..models.candidate import HR_DECISIONS
from ..services.accounts import EMAIL
from ..templating import CANDIDATE_STATUS_LABELS


class InviteForm(BaseForm):
    full_name = StringField(_l("Candidate's full name"), validators=[DataRequired(), fits(Candidate.full_name)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), fits(Candidate.email), Regexp(EMAIL, message=_l("Enter a valid email address."))],
    )
    profile_id = SelectField(_l("Position applied for"))
    language = SelectField(
        _l("Language of the invitation and the assessment"),
        description=_l("The candidate sees every page, the test and the invitation text in this language."),
    )
    time_limit = IntegerField(
        _l("Time limit for the knowledge test, minutes (optional)"),
        validators=[Optional(), NumberRange(min=5, max=180)],
    )
    note = TextAreaField(
        _l("Note for HR (optional, not shown to the candidate)"), validators=[Optional(), Length(max=2000)]
    )
    send_email = BooleanField(_l("Also send the invitation to the candidate from the site, by mail"))


class NoteForm(BaseForm):
    text = TextAreaField(_l("Add a note"), validators=[DataRequired(), Length(max=2000)])


class StatusForm(BaseForm):
    """HR's decision: nothing is chosen and the reason starts blank, so a decision is always deliberate."""

    status = SelectField(
        _l("Decision"),
        choices=[SelectChoice("", _l("Choose a decision…"))]
        + [SelectChoice(s, CANDIDATE_STATUS_LABELS[s]) for s in HR_DECISIONS if s != "hired"],
        default="",
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    note = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


class HireForm(BaseForm):
    """Hiring sets who the new employee reports to, where and as what, so they join a team at once."""

    manager_id = SelectField(
        _l("Line manager"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the line manager the new employee reports to."))],
    )
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    job_title = StringField(
        _l("Job title"), validators=[DataRequired(message=_l("Enter the job title.")), fits(User.job_title)]
    )


class ConfirmForm(BaseForm):
    """A bare form for POST-only actions (revoke, re-issue, delete)."""
