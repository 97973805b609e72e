"""Forms of the badges blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=300)])


class BadgeCheckForm(FlaskForm):
    token = TextAreaField(_l("Open Badges credential (.jwt)"), validators=[DataRequired(), Length(max=20000)])
