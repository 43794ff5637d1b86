r"""Numbers and times as every screen, table and report prints them: one format.

Built on :func:`codesign.i18n.format_number` (the language's own digit grouping and decimal
sign); the pages, the PDF report and the command line's tables use these so a figure reads
the same everywhere.

>>> format_area(1234.56, "ru") == "1\xa0235"
True
>>> format_percent(0.6815, "en")
'68.2 %'
>>> format_kappa(None, "en"), format_kappa(0.4567, "ru")
('—', '0,46')
>>> format_money(21000000, "KZT", "ru") == "21\xa0000\xa0000 ₸"
True
>>> format_signed_money(-6750000, "KZT", "en"), format_money(None, "KZT", "en")
('−6,750,000 ₸', '—')
>>> format_time("2026-12-01T10:15:02+00:00"), format_time(None)
('2026-12-01 10:15 UTC', '—')
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from codesign.i18n import format_number

__all__ = [
    "NO_VALUE",
    "format_area",
    "format_kappa",
    "format_money",
    "format_number",
    "format_percent",
    "format_signed_money",
    "format_time",
]

#: What stands where there is no value (no kappa, no time).
NO_VALUE = "—"
#: Signs of the currencies a price list may name; others are written as their code.
CURRENCY_SIGNS = {"KZT": "₸", "RUB": "₽", "USD": "$", "EUR": "€"}


def format_area(value: float, lang: str) -> str:
    """An area in m², in whole square metres.

    Parameters
    ----------
    value : float
        The area, m².
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The number in the language's style, without the unit.
    """
    return format_number(value, lang, 0)


def format_percent(share: float, lang: str, digits: int = 1) -> str:
    """A share 0..1 as a percentage: ``68.2 %``.

    Parameters
    ----------
    share : float
        The share, 0..1.
    lang : str
        ``ru``, ``kk`` or ``en``.
    digits : int
        Decimals of the percentage.

    Returns
    -------
    str
        The percentage and a spaced ``%``.
    """
    return f"{format_number(100 * share, lang, digits)} %"


def format_kappa(value: float | None, lang: str) -> str:
    """A kappa with two decimals, or a dash when there is none.

    Parameters
    ----------
    value : float or None
        Cohen's or Fleiss' kappa; None or NaN when it is not defined.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The kappa, or :data:`NO_VALUE`.
    """
    return NO_VALUE if value is None or math.isnan(value) else format_number(value, lang, 2)


def format_time(iso: str | None) -> str:
    """An ISO time as ``2026-12-01 10:15 UTC``.

    Parameters
    ----------
    iso : str or None
        An ISO 8601 time (with its offset), as the store writes ``saved_at``.

    Returns
    -------
    str
        The time in UTC to the minute, :data:`NO_VALUE` when there is none, or the text
        itself (cut to 40 characters) when it is not a time.
    """
    if not iso:
        return NO_VALUE
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso[:40]


def format_money(amount: float | None, currency: str, lang: str) -> str:
    """An amount of money in whole units with the currency's sign: ``21 000 000 ₸``.

    Parameters
    ----------
    amount : float or None
        The amount; None when there is no price.
    currency : str
        An ISO 4217 code (``KZT``).
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The amount and the sign (or the code), :data:`NO_VALUE` for None.
    """
    if amount is None:
        return NO_VALUE
    return f"{format_number(amount, lang, 0)} {CURRENCY_SIGNS.get(currency, currency)}"


def format_signed_money(amount: float | None, currency: str, lang: str) -> str:
    """A difference of money with its sign: ``+500 000 ₸``, ``−6 750 000 ₸``, ``0 ₸``.

    Parameters
    ----------
    amount : float or None
        The difference; None when one side has no price.
    currency : str
        An ISO 4217 code.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The signed amount, :data:`NO_VALUE` for None.
    """
    if amount is None:
        return NO_VALUE
    sign = "+" if round(amount) > 0 else "−" if round(amount) < 0 else ""
    return sign + format_money(abs(amount), currency, lang)
