"""Forms of the candidate flow."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class ConsentForm(FlaskForm):
    consent = BooleanField(
        _l("I agree that the company's HR team and administrators see my answers and results for this application."),
        validators=[DataRequired(message=_l("Please give your consent to continue."))],
    )


class StepForm(FlaskForm):
    """A bare form for the POST-only steps (start test, submit)."""


class AreaForm(FlaskForm):
    """One area page; the pressed button's ``direction`` says where to go after saving."""
