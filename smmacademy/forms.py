"""What every form shares: the base class and lengths read from the database columns.

Blueprint forms derive from :class:`BaseForm`, which refuses control characters
in every text field, and size text fields with :func:`fits`, so a form cannot
accept more than its column holds. The CSV import applies the same two rules
from :mod:`smmacademy.domain.text` (``control_character`` and ``column_length``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from .domain.text import code_point, column_length, control_character


class ColumnLength(Length):
    """``Length(max=n)`` where n is the ``String(n)`` length of ``column``."""

    def __init__(self, column, message: str | None = None) -> None:
        length = column_length(column)
        if length is None:
            raise ValueError(f"{column} has no length; give the form field an explicit Length")
        super().__init__(max=length, message=message)
        self.column = column


def fits(column) -> ColumnLength:
    """The length validator for a field stored in ``column`` (``fits(User.full_name)``)."""
    return ColumnLength(column)


class NoControlCharacters:
    """Refuse NUL and other invisible control characters; a multi-line field keeps tabs and line breaks."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        character = control_character(field.data if isinstance(field.data, str) else None, self.multiline)
        if character is not None:
            raise ValidationError(
                _(
                    "This text contains an invisible control character (%(code)s). Remove it and try again.",
                    code=code_point(character),
                )
            )


def is_multiline(field) -> bool:
    """Text areas (and hidden fields, which carry whole files) may hold tabs and line breaks."""
    return isinstance(field, TextAreaField | HiddenField)


class BaseForm(FlaskForm):
    """The base of every form: no control characters in any text a person sends."""

    def validate(self, extra_validators=None) -> bool:
        """Validate as usual, then check every text field for control characters.

        The check runs outside the fields' chains because ``Optional()`` stops a
        chain on "blank" input, and Python counts some control characters
        (U+001C to U+001F) as blank.
        """
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            if not isinstance(field, StringField):
                continue
            try:
                NoControlCharacters(is_multiline(field))(self, field)
            except ValidationError as error:
                field.errors.append(str(error))
                valid = False
        return valid


def error_summary(form) -> str:
    """Every error of ``form`` as "Label: message" sentences, for the 400 page of a POST-only form."""
    return " ".join(
        f"{form[name].label.text}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
        if name in form
    )
