"""Forms of the badges blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm, fits
from ..models import Certificate


class RevokeForm(BaseForm):
    reason = StringField(
        _l("Reason for revoking"),
        validators=[
            DataRequired(message=_l("Give a reason for revoking the certificate.")),
            fits(Certificate.revocation_reason),
        ],
    )


class BadgeCheckForm(BaseForm):
    # Checked, never stored: a signed credential is a few kilobytes.
    token = TextAreaField(_l("Open Badges credential (.jwt)"), validators=[DataRequired(), Length(max=20000)])
