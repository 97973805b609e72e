"""Forms of the reviews blueprint.

The rating and calibration pages are built from the round's framework, so their
fields are read from ``request.form`` and validated by :mod:`smmacademy.domain`;
these forms carry the CSRF token and the fixed fields.
"""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, InputRequired

from ..forms import BaseForm
from ..team.forms import MultiCheckboxField


class StartReviewForm(BaseForm):
    """Who is reviewed (one person or the whole team) and by when."""

    person = SelectField(_l("Who is reviewed"), validators=[InputRequired()])
    due_date = DateField(_l("Due date"), validators=[DataRequired(message=_l("Choose a due date."))])


class PeersForm(BaseForm):
    """Peers named for a round (checkboxes)."""

    peers = MultiCheckboxField(_l("Peers"), coerce=int, validate_choice=False)


class RateForm(BaseForm):
    """A rater's form; the pressed button's ``action`` is ``save`` or ``submit``."""


class CalibrateForm(BaseForm):
    """Agreed levels per competency, read from ``level-<id>`` and ``note-<id>``."""


class CancelRoundForm(BaseForm):
    """Cancelling an open round: a button (the CSRF token only)."""


class TargetForm(BaseForm):
    """The profile a person wants to grow into."""

    profile = SelectField(_l("Target role"), validators=[InputRequired()])
