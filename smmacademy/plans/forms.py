"""Forms of the plans blueprint."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import BaseForm

GOAL_LENGTH = 500


class ActionForm(BaseForm):
    """A button that changes a plan's state (build, agree, start, reopen, confirm, remove): CSRF only."""


class _DueDateForm(BaseForm):
    """A goal's due date may be left empty, never set in the past."""

    def validate_due_date(self, field) -> None:
        if field.data and field.data < date.today():
            raise ValidationError(_("The due date is in the past."))


class PlanItemForm(_DueDateForm):
    goal = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=GOAL_LENGTH)], render_kw={"rows": 2})
    due_date = DateField(_l("Due date"), validators=[Optional()])


class OwnActionForm(_DueDateForm):
    goal = TextAreaField(
        _l("Your own action"),
        validators=[DataRequired(), Length(max=GOAL_LENGTH)],
        description=_l("For example: read a book, shadow a colleague, run a small project."),
    )
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
