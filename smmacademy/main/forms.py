"""Forms of the main blueprint: the interface language."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import Length, Optional

from ..forms import BaseForm
from ..i18n import language_names


class LanguageForm(BaseForm):
    """The header switcher and the account page post here; an empty value follows the browser."""

    language = SelectField(_l("Interface language"), validators=[Optional()])
    next = HiddenField(validators=[Length(max=2000)])

    def __init__(self, *args, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("Same as my browser")), *(languages or language_names())]
