"""Forms of the team blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignForm(BaseForm):
    people = MultiCheckboxField(_l("People"), coerce=int, validate_choice=True)
    whole_team = BooleanField(_l("Everyone in the team"))
    target = SelectField(_l("What to assign"))
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
    note = TextAreaField(_l("Note for the learners (optional)"), validators=[Optional(), Length(max=1000)])


class EditAssignmentForm(BaseForm):
    due_date = DateField(_l("Due date"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
