"""Forms of the main blueprint: the interface language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import Optional


class LanguageForm(FlaskForm):
    """The header switcher and the account page post here; an empty value follows the browser."""

    language = SelectField(_l("Interface language"), validators=[Optional()])
    next = HiddenField()

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("Same as my browser")), *languages]
