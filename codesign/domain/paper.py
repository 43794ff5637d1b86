"""Paper sheets: the pen colours, the code in a sheet's QR code, and the "from paper" mark.

Residents who will not use a tablet draw on a printed sheet with coloured pens; the
facilitator photographs it and the photo becomes the team's concept (:mod:`codesign.paper`).
This module holds the rules both ends share: which pen colours are read, what the sheet's QR
code says (:class:`SheetCode`: the session, the team, a sheet id, the paper size and where the
map lies in the site's metric CRS, so a photo is placed without guessing), and how a concept
that came from paper is recognised (``source.format == "paper"``).

>>> code = SheetCode("forum-ab12", "team-1", "K3XQ7M", "a4", 32643, (632877, 5766834), 1500)
>>> code.text()
'TQC1:FORUM-AB12:TEAM-1:K3XQ7M:A4:32643:632877:5766834:1500'
>>> parse_sheet_code(code.text()) == code
True
>>> from_paper(Concept("s", "team-1", source={"format": "paper", "sheet": "K3XQ7M"}))
True
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codesign.domain.concept import Concept
from codesign.domain.ids import IDENTIFIER
from codesign.errors import PaperScanError
from codesign.i18n import translate

__all__ = [
    "PAPER_FORMAT",
    "PAPER_SIZES",
    "PEN_COLOURS",
    "PEN_SWATCHES",
    "SheetCode",
    "from_paper",
    "new_sheet_id",
    "paper_note",
    "paper_source",
    "parse_sheet_code",
    "sheet_id_of",
]

#: The pen colours a sheet's legend offers and a scan reads; black is for writing and is ignored.
PEN_COLOURS: tuple[str, ...] = ("red", "blue", "green", "orange", "purple")
#: How each pen colour is printed in the sheet's legend (sRGB), close to common felt-tip pens.
PEN_SWATCHES: Mapping[str, str] = {
    "red": "#D7263D",
    "blue": "#1F5FBF",
    "green": "#1E9E4A",
    "orange": "#F28C28",
    "purple": "#7B3FA0",
}
#: Paper sizes of a sheet (landscape); A3 is A4 enlarged by the square root of two.
PAPER_SIZES: tuple[str, ...] = ("a4", "a3")
#: ``source.format`` of a concept scanned from a paper sheet.
PAPER_FORMAT = "paper"
_PREFIX = "TQC1"
#: Crockford's base32 without I, L, O, U: a sheet id read aloud or typed is never ambiguous.
_SHEET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SHEET_ID = re.compile(rf"^[{_SHEET_ALPHABET}]{{6}}$")
_MAX_CODE = 300


@dataclass(frozen=True)
class SheetCode:
    """What a sheet's QR code holds: whose sheet it is and where its map lies.

    ``centre`` is the map's centre in the site's metric CRS (``epsg``), whole metres;
    ``scale`` the map's scale denominator (1:``scale`` on the printed paper).
    """

    session: str
    team: str
    sheet: str
    paper: str
    epsg: int
    centre: tuple[int, int]
    scale: int

    def text(self) -> str:
        """The code as printed in the QR code: capitals, digits, ``-`` and ``:`` only.

        Those are the characters of a QR code's alphanumeric mode, which packs them about 1.6
        times denser than bytes: the code stays small and its modules large.

        Returns
        -------
        str
            ``TQC1:SESSION:TEAM:SHEET:PAPER:EPSG:X:Y:SCALE``.
        """
        fields = (_PREFIX, self.session, self.team, self.sheet, self.paper, self.epsg, *self.centre, self.scale)
        return ":".join(str(f) for f in fields).upper()


def parse_sheet_code(text: Any) -> SheetCode:
    """Read a sheet's QR code; anything else is refused with ``paper.bad_code``.

    >>> parse_sheet_code("https://example.org")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    codesign.errors.PaperScanError: The QR code on the photo is not one of this tool's sheets...

    Parameters
    ----------
    text
        The decoded QR code (anything: only a well-formed code passes).

    Returns
    -------
    SheetCode
        The code's fields, checked (identifiers, sheet id, paper size, numbers in range).
    """
    if not isinstance(text, str) or len(text) > _MAX_CODE:
        raise PaperScanError("paper.bad_code")
    parts = text.strip().split(":")
    if len(parts) != 9 or parts[0] != _PREFIX:
        raise PaperScanError("paper.bad_code")
    _, session, team, sheet, paper, *numbers = parts
    session, team, paper = session.lower(), team.lower(), paper.lower()
    if not (IDENTIFIER.fullmatch(session) and IDENTIFIER.fullmatch(team) and _SHEET_ID.fullmatch(sheet)):
        raise PaperScanError("paper.bad_code")
    if paper not in PAPER_SIZES or not all(re.fullmatch(r"-?[0-9]{1,9}", n) for n in numbers):
        raise PaperScanError("paper.bad_code")
    epsg, x, y, scale = (int(n) for n in numbers)
    if not (1024 <= epsg <= 999_999 and 50 <= scale <= 1_000_000):
        raise PaperScanError("paper.bad_code")
    return SheetCode(session, team, sheet, paper, epsg, (x, y), scale)


def new_sheet_id() -> str:
    """A random sheet id: six letters and digits that cannot be misread (about a billion of them).

    >>> len(new_sheet_id()), new_sheet_id() != new_sheet_id()
    (6, True)

    Returns
    -------
    str
        The id.
    """
    return "".join(secrets.choice(_SHEET_ALPHABET) for _ in range(6))


def from_paper(concept: Concept | None) -> bool:
    """Whether a concept was scanned from a paper sheet (shown as "from paper" wherever it appears).

    Parameters
    ----------
    concept
        A concept, or None.

    Returns
    -------
    bool
        True when its ``source.format`` is ``paper``.
    """
    return bool(concept is not None and concept.source and concept.source.get("format") == PAPER_FORMAT)


def sheet_id_of(concept: Concept | None) -> str | None:
    """The sheet a concept was scanned from, if it came from paper.

    Parameters
    ----------
    concept
        A concept, or None.

    Returns
    -------
    str or None
        The sheet id, or None.
    """
    if not from_paper(concept) or concept is None or concept.source is None:
        return None
    sheet = concept.source.get("sheet")
    return sheet if isinstance(sheet, str) else None


def paper_source(
    code: SheetCode | None, photo_name: str, mapping: Mapping[str, str | None], marks: Mapping[str, int]
) -> dict[str, Any]:
    """The ``source`` of a concept scanned from paper (recorded with the version).

    >>> paper_source(None, "IMG_1.jpg", {"red": "lawn"}, {"red": 3})["mapping"]
    {'red': 'lawn'}

    Parameters
    ----------
    code
        The sheet's code, or None when the QR code could not be read (the team was chosen).
    photo_name
        The photo's file name (printable characters only, cut to 120).
    mapping
        Pen colour -> category id (None: not used) as the facilitator confirmed it.
    marks
        How many marks of each colour the scan found.

    Returns
    -------
    dict
        JSON-ready: format, sheet, paper, scale, photo, mapping, marks.
    """
    return {
        "format": PAPER_FORMAT,
        "sheet": code.sheet if code else None,
        "paper": code.paper if code else None,
        "scale": code.scale if code else None,
        "photo": "".join(ch for ch in photo_name if ch.isprintable())[:120],  # no NUL, no line breaks
        "mapping": {c: mapping.get(c) for c in PEN_COLOURS if c in mapping},
        "marks": {c: int(marks[c]) for c in PEN_COLOURS if c in marks},
    }


def paper_note(concept: Concept | None, lang: str) -> str:
    """The words "from paper, sheet K3XQ7M" for a concept scanned from paper, in ``lang``; "" for any other.

    >>> paper_note(Concept("s", "team-1", source={"format": "paper", "sheet": "K3XQ7M"}), "en")
    'from paper, sheet K3XQ7M'
    >>> paper_note(Concept("s", "team-1"), "ru")
    ''

    Parameters
    ----------
    concept
        A concept, or None.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        Plain text (escape it for markdown or HTML).
    """
    if not from_paper(concept):
        return ""
    sheet = sheet_id_of(concept)
    return translate("paper.from_paper_sheet", lang, sheet=sheet) if sheet else translate("paper.from_paper", lang)
