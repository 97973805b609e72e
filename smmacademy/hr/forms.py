"""Forms of the HR blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..forms import BaseForm, fits
from ..models import Candidate
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
    status = SelectField(
        _l("Decision"),
        choices=[SelectChoice(s, CANDIDATE_STATUS_LABELS[s]) for s in HR_DECISIONS if s != "hired"],
    )
    note = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


class HireForm(BaseForm):
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])


class ConfirmForm(BaseForm):
    """A bare form for POST-only actions (revoke, re-issue, delete)."""
