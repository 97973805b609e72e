"""Forms of the learn blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import Length


class SearchForm(FlaskForm):
    """Full-text search over lessons (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search lessons"), validators=[Length(max=200)])
