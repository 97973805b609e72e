"""Forms of the assessment blueprint.

The rating pages are built from the framework, so their fields are read from
``request.form`` and validated by :mod:`smmacademy.domain.scoring`; these
forms carry the CSRF token and the fixed fields.
"""

from ..forms import BaseForm


class StartForm(BaseForm):
    """Starts (or resumes) the questionnaire."""


class AreaForm(BaseForm):
    """One area page; the pressed button's ``direction`` says where to go after saving."""


class SubmitForm(BaseForm):
    """Final submission of a complete questionnaire."""
