"""Text the report's font cannot draw (emoji in a team's name): a visible placeholder, never a gap.

The report embeds DejaVu Sans (Cyrillic and every Kazakh letter, many symbols, no emoji). fpdf2
and matplotlib draw nothing, or an empty box, for a character the font lacks, and the PDF
then silently loses part of a name. :func:`printable` puts a placeholder in place of each
character (or emoji sequence: ZWJ families, flags, skin tones) the fonts have no glyph for;
joiners, modifiers, control and format characters the fonts lack are dropped, since they show
nothing anyway.

>>> printable("Команда 🌳 Жасыл", "[emoji]")
'Команда [emoji] Жасыл'
>>> printable("👨‍👩‍👧 семья 🇰🇿", "[?]")  # a family (5 code points) and a flag (2): one each
'[?] семья [?]'
>>> printable("Қазақ ☕ {nb}", "[?]")  # DejaVu has the cup
'Қазақ ☕ {nb}'
"""

from __future__ import annotations

import functools
import unicodedata

from codesign.render.styles import FONT_BOLD, FONT_REGULAR

__all__ = ["has_glyph", "printable"]

_ZWJ = 0x200D
#: Code points that never stand alone: they modify the character before them.
_MODIFIERS = (
    (0xFE00, 0xFE0F),  # variation selectors
    (0x1F3FB, 0x1F3FF),  # skin tones
    (0xE0020, 0xE007F),  # tag characters (subdivision flags)
    (0x20E3, 0x20E3),  # the keycap
)
_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)
#: Unicode categories that draw nothing (controls, formats, separators, combining marks): no placeholder.
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp", "Mn", "Me"))


@functools.cache
def _covered() -> frozenset[int]:
    """The code points both report fonts (regular and bold) have a glyph for."""
    from fontTools.ttLib import TTFont

    maps = []
    for path in (FONT_REGULAR, FONT_BOLD):
        with TTFont(path, lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset(maps[0] & maps[1])


def has_glyph(char: str) -> bool:
    """Whether the report's fonts can draw ``char`` (line breaks and tabs count as drawable).

    >>> has_glyph("Ә"), has_glyph("🌳")
    (True, False)

    Parameters
    ----------
    char : str
        One character.

    Returns
    -------
    bool
        True when DejaVu Sans, regular and bold, has it.
    """
    return char in "\n\r\t" or ord(char) in _covered()


def _is_modifier(code: int) -> bool:
    return code == _ZWJ or any(lo <= code <= hi for lo, hi in _MODIFIERS)


def printable(text: str, placeholder: str) -> str:
    """``text`` with each character or emoji sequence the report's fonts lack as ``placeholder``.

    Parameters
    ----------
    text : str
        Any text (a team's name, a title).
    placeholder : str
        What stands for each missing character or sequence, e.g. ``[emoji]`` in the report's language.

    Returns
    -------
    str
        ``text`` itself when every character can be drawn.
    """
    if all(has_glyph(c) for c in text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char, code = text[i], ord(text[i])
        if has_glyph(char):
            out.append(char)
            i += 1
        elif _is_modifier(code) or unicodedata.category(char) in _INVISIBLE:
            i += 1  # a joiner after a drawable character, a control character: shows nothing anyway
        else:
            out.append(placeholder)
            i = _end_of_sequence(text, i)
    return "".join(out)


def _end_of_sequence(text: str, start: int) -> int:
    """The index after the emoji sequence that starts at ``start`` (ZWJ, modifiers, a flag's pair)."""
    i = start + 1
    n = len(text)
    lo, hi = _REGIONAL_INDICATORS
    if lo <= ord(text[start]) <= hi and i < n and lo <= ord(text[i]) <= hi:
        i += 1
    while i < n:
        code = ord(text[i])
        if code == _ZWJ and i + 1 < n:
            i += 2  # the joiner and the character it joins
        elif _is_modifier(code):
            i += 1
        else:
            break
    return i
