"""Forms of the main blueprint: the interface language."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import Optional

from ..forms import BaseForm


class LanguageForm(BaseForm):
    """The header switcher and the account page post here; an empty value follows the browser."""

    language = SelectField(_l("Interface language"), validators=[Optional()])
    next = HiddenField()

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("Same as my browser")), *languages]
