"""What a request may carry: bounded integers in URLs, no NUL in a URL, no nameless form field.

An id outside 1..MAX_ID (a 20-digit number, a leading zero, a sign) names no row:
in a path it is a 404, in a query string it counts as absent. Before, such a
number reached the database and overflowed its integer type (a 500).

A NUL character (``%00``) in the path or the query string is refused with a 400
before any view runs: PostgreSQL refuses NUL in text, so a certificate code or a
search term holding one was a 500 there, and no link or person types one. Form
fields have their own check with an inline message (``forms.BaseForm``).

A posted form with a field whose name cannot be read (a line break inside a
multipart field name, which werkzeug hands over as the name ``None``) is refused
with a 400 too: every reader of posted names expects text.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .domain.text import ID_PATTERN, MAX_ID, parse_id


class IdConverter(IntegerConverter):
    """``<int:...>`` for every rule: 1..MAX_ID written without sign or leading zero.

    A rule may narrow the range (``<int(max=16383):n>``) or start it at 0
    (``<int(min=0):n>``, for numbers that are not row ids); it never widens it.
    """

    regex = ID_PATTERN

    def __init__(self, map, min: int = 1, max: int = MAX_ID, **kwargs) -> None:
        low, high = (0 if min == 0 else 1), (max if 0 < max < MAX_ID else MAX_ID)
        super().__init__(map, min=low, max=high)
        if low == 0:
            self.regex = f"(?:0|{ID_PATTERN})"


def init_app(app: Flask) -> None:
    """Make ``<int:...>`` the bounded converter, refuse NUL in URLs and nameless form fields.

    Call before any blueprint is registered (and before CSRF protection, which reads the form).
    """
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_in_url)
    app.before_request(refuse_nameless_form_fields)


def refuse_nul_in_url() -> None:
    """A 400 that says why for a request whose path or query string holds a NUL character."""
    # The raw query string, not request.args: no request pays for parsing it here, and a NUL
    # reaches a key or a value only as "%00" (or, from a lax server, as the byte itself).
    query = request.query_string
    if "\x00" in request.path or b"%00" in query or b"\x00" in query:
        abort(
            400,
            description=_(
                "The address contains a NUL character (%(code)s), which no page here accepts. "
                "Remove it from the address and try again.",
                code="%00",
            ),
        )


def refuse_nameless_form_fields() -> None:
    """A 400 that says why for a posted form holding a field without a readable name."""
    if request.method in ("POST", "PUT", "PATCH") and None in request.form:
        abort(400, description=_("The form could not be read: one of its fields has no readable name."))


def int_arg(name: str, default: int | None = None) -> int | None:
    """Query argument ``name`` as an id or page number; ``default`` when absent or malformed."""
    value = parse_id(request.args.get(name))
    return default if value is None else value


def int_args(name: str) -> list[int]:
    """Every well-formed value of the repeated query argument ``name``, in order."""
    return [value for value in map(parse_id, request.args.getlist(name)) if value is not None]
