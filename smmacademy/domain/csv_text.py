"""Reading a spreadsheet's CSV file: which encoding and which separator it uses (no Flask).

Excel saves "CSV UTF-8" (with a byte-order mark) or, in a Russian office,
plain "CSV" in Windows-1251 with semicolons; LibreOffice and scripts write
UTF-8 without a mark and commas. A file is read as UTF-8 when it is valid
UTF-8 (Russian Windows-1251 text almost never is), else as Windows-1251 when
it looks like text in it, else it is refused, saying why, before anything
is read from it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass

from .text import control_character

UTF8_BOM = "utf-8-sig"
UTF8 = "utf-8"
CP1251 = "cp1251"
DELIMITERS = (",", ";", "\t")
# Windows-1251 bytes 0x80-0xBF that real Russian spreadsheets contain: quotes,
# dashes, the numero sign, no-break space, ё/Ё, bullets. The rest of that range
# (Ђ, Ѓ, ‰, Љ, ...) in a file means it is in some other encoding.
_CP1251_USUAL = set("‚„…–—‘’“”«»•№\u00a0ёЁ§©®°±·")
# More than this share of unusual characters among the non-ASCII ones: not Windows-1251.
_UNUSUAL_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile("[Ѐ-ӿ]")
_LATIN = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class Decoded:
    """The text of an uploaded file and the encoding it was read with (UTF8_BOM, UTF8 or CP1251)."""

    text: str
    encoding: str


class NotText(ValueError):
    """The bytes are neither UTF-8 nor Windows-1251 text; ``kind`` says what they look like instead."""

    def __init__(self, kind: str, position: int):
        super().__init__(kind)
        self.kind = kind  # "workbook", "utf16" or "unknown"
        self.position = position  # 1-based byte where UTF-8 reading failed


def decode(data: bytes) -> Decoded:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1251, else NotText."""
    try:
        text = data.decode(UTF8_BOM)
    except UnicodeDecodeError as error:
        position = error.start + 1
    else:
        return Decoded(text, UTF8_BOM if data.startswith(b"\xef\xbb\xbf") else UTF8)
    if data.startswith(b"PK\x03\x04"):
        raise NotText("workbook", position)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotText("utf16", position)
    text = data.decode(CP1251, errors="replace")
    if not _looks_like_cp1251(text):
        raise NotText("unknown", position)
    return Decoded(text, CP1251)


def _looks_like_cp1251(text: str) -> bool:
    """True for Russian text: no controls, few unusual characters, and Cyrillic words that are not half Latin.

    Latin-1 accents read as Windows-1251 turn "Café" into "Cafй": a word mixing
    Latin and Cyrillic letters, which Russian names and titles do not.
    """
    if "\ufffd" in text or control_character(text, multiline=True):
        return False
    non_ascii = [c for c in text if not c.isascii()]
    unusual = [c for c in non_ascii if not ("А" <= c <= "я") and c not in _CP1251_USUAL]
    cyrillic_words = [w for w in _WORD.findall(text) if _CYRILLIC.search(w)]
    mixed = [w for w in cyrillic_words if _LATIN.search(w)]
    return len(unusual) <= _UNUSUAL_SHARE * len(non_ascii) and len(mixed) <= _UNUSUAL_SHARE * len(cyrillic_words)


def detect_delimiter(text: str, columns: Collection[str]) -> str:
    """The separator whose split of the first line names every one of ``columns``, else the one it uses most.

    ``newline=""`` lets the csv module see every line ending (CRLF, LF, old Mac CR).
    """
    wanted = {c.lower() for c in columns}
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        if {h.strip().lower() for h in header} >= wanted:
            return delimiter
    first_line = text.splitlines()[0] if text else ""
    return max(DELIMITERS, key=first_line.count) if first_line else ","
