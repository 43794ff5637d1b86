r"""Message catalogues in Russian (default), Kazakh and English.

The catalogues are standard gettext ``.po`` files (``codesign/i18n/<lang>.po``), read
with Babel, so translators can use any PO editor. Each ``msgid`` is a stable key such
as ``"sketch.title"``; placeholders use ``str.format`` names (``{area}``).

>>> translate("lang.name", "kk")
'Қазақша'
>>> format_number(1234.5, "ru", digits=1)
'1\xa0234,5'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalogue", "format_number", "translate"]

LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"
_HERE = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language (empty translations left out; the catalogues have no plurals).

    Parameters
    ----------
    lang
        ``ru``, ``kk`` or ``en`` (anything else raises :class:`ValueError`).

    Returns
    -------
    dict
        Key -> text.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    with open(_HERE / f"{lang}.po", "rb") as handle:
        po = read_po(handle, locale=lang)
    return {m.id: m.string for m in po if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string}


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in.

    Falls back to English, then to the key itself, so a missing message shows up as
    text rather than a crash (a unit test makes sure none is missing).

    Parameters
    ----------
    key
        The message's key (``sketch.title``).
    lang
        ``ru``, ``kk`` or ``en``.
    **params
        Values for the message's ``{placeholders}`` (a message that does not take them is
        shown as it is).

    Returns
    -------
    str
        The message.
    """
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 0) -> str:
    """A number written the way the language writes it (``1 234,5`` in ru/kk).

    Parameters
    ----------
    value
        The number.
    lang
        ``ru``, ``kk`` or ``en``.
    digits
        Digits after the decimal separator.

    Returns
    -------
    str
        The number, digits grouped.
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale={"kk": "kk_KZ"}.get(lang, lang))
