"""Forms of the candidate flow."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..forms import BaseForm


class ConsentForm(BaseForm):
    consent = BooleanField(
        _l("I agree that the company's HR team and administrators see my answers and results for this application."),
        validators=[DataRequired(message=_l("Please give your consent to continue."))],
    )


class StepForm(BaseForm):
    """A bare form for the POST-only steps (start test, submit)."""


class AreaForm(BaseForm):
    """One area page; the pressed button's ``direction`` says where to go after saving."""
