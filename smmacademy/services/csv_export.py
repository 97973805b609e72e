"""CSV downloads that open correctly in Excel (UTF-8 with BOM) and cannot run formulas.

Every export of the site goes through ``csv_response``, which writes the
separator the person chose: ``?sep=comma`` or ``?sep=semicolon`` on the export
link (the choice is then remembered in a cookie), else the last choice, else
the default of the interface language: Russian-locale Excel splits columns on
semicolons and opens a comma file as one column, English-locale Excel the
other way round.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response, request
from flask_babel import lazy_gettext as _l

from ..i18n import current_language

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"comma": ",", "semicolon": ";"}
SEPARATOR_LABELS = {"comma": _l("Comma (,)"), "semicolon": _l("Semicolon (;) — Excel in Russian")}
SEPARATOR_PARAM = "sep"
SEPARATOR_COOKIE = "csv_separator"
# Languages whose Excel expects semicolons (their decimal separator is a comma).
SEMICOLON_LANGUAGES = {"ru"}


def safe_cell(value) -> str:
    """Text of a cell; a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Iterable[Iterable], separator: str = "comma") -> str:
    """Render rows as CSV text starting with a byte-order mark, cells separated by ``separator`` (a SEPARATORS name)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=SEPARATORS[separator])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def default_separator(language: str) -> str:
    """The separator Excel expects in ``language``: semicolon for Russian, comma otherwise."""
    return "semicolon" if language in SEMICOLON_LANGUAGES else "comma"


def chosen_separator() -> str:
    """The separator for this request: the link's ``sep``, else the remembered choice, else the language's default."""
    for value in (request.args.get(SEPARATOR_PARAM), request.cookies.get(SEPARATOR_COOKIE)):
        if value in SEPARATORS:
            return value
    return default_separator(current_language())


def csv_response(rows: Iterable[Iterable], filename: str) -> Response:
    """A download response for ``rows`` with the person's separator; an explicit choice is remembered."""
    separator = chosen_separator()
    response = Response(
        to_csv(rows, separator).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    if request.args.get(SEPARATOR_PARAM) in SEPARATORS:
        # A display preference only (like the language cookie): it changes nothing on the server.
        response.set_cookie(
            SEPARATOR_COOKIE,
            separator,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
