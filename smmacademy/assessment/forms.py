"""Forms of the assessment blueprint.

The rating pages are built from the framework, so their fields are read from
``request.form`` and validated by :mod:`smmacademy.domain.scoring`; these
forms carry the CSRF token and the fixed fields.
"""

from flask_wtf import FlaskForm


class StartForm(FlaskForm):
    """Starts (or resumes) the questionnaire."""


class AreaForm(FlaskForm):
    """One area page; the pressed button's ``direction`` says where to go after saving."""


class SubmitForm(FlaskForm):
    """Final submission of a complete questionnaire."""
