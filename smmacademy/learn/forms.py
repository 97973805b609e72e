"""Forms of the learn blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField
from wtforms.validators import Length

from ..forms import BaseForm


class SearchForm(BaseForm):
    """Full-text search over lessons (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search lessons"), validators=[Length(max=200)])
