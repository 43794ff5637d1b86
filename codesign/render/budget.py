"""The budget bar in HTML (the tablet and the comparison page): how much of the budget a concept uses.

The bar fills to the share used (capped at the end), green within the budget, amber from 90 %,
red over it (:data:`codesign.render.styles.BUDGET_COLOURS`), with the words under it; every text
is escaped.

>>> html = budget_bar_html(950_000, 1_000_000, "KZT", "en")
>>> "width:95%" in html, "#E69F00" in html, "Close to the budget: 50,000 ₸ left" in html
(True, True, True)
>>> budget_bar_html(10, None, "KZT", "en")
''
"""

from __future__ import annotations

import html

from codesign.analysis.cost import budget_use
from codesign.i18n import translate
from codesign.render.styles import BUDGET_COLOURS
from codesign.render.text import format_money, format_percent

__all__ = ["budget_bar_html", "budget_words"]


def budget_words(total: float, budget: float | None, currency: str, lang: str) -> str:
    """Within the budget and what is left, close to it, or over it by how much ("" without a budget).

    Parameters
    ----------
    total : float
        The cost.
    budget : float or None
        The session's budget.
    currency : str
        The price list's currency.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The words.
    """
    use = budget_use(total, budget)
    if use is None:
        return ""
    amount = use.over if use.state == "over" else use.budget - use.total
    return translate(f"cost.state.{use.state}", lang, amount=format_money(amount, currency, lang))


def budget_bar_html(total: float, budget: float | None, currency: str, lang: str) -> str:
    """A bar of the budget used, with the budget, the share and the words ("" without a budget).

    Parameters
    ----------
    total : float
        The cost.
    budget : float or None
        The session's budget.
    currency : str
        The price list's currency.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        HTML (a ``div`` with ``data-state`` under, near or over).
    """
    use = budget_use(total, budget)
    if use is None:
        return ""
    colour = BUDGET_COLOURS[use.state]
    width = max(0, min(100, round(100 * use.share)))
    amount, share = format_money(use.budget, currency, lang), format_percent(use.share, lang, 0)
    line = translate("cost.budget_line", lang, budget=amount, share=share)
    words = budget_words(total, budget, currency, lang)
    return (
        f'<div class="budget-bar" data-state="{use.state}" style="margin:.2rem 0 .6rem 0">'
        f'<div style="background:#e8e8e4;border-radius:6px;height:18px;overflow:hidden">'
        f'<div style="width:{width}%;background:{colour};height:18px"></div></div>'
        f'<div style="font-size:.95rem;margin-top:.25rem">{html.escape(line)}<br>'
        f'<b style="color:{colour}">{html.escape(words)}</b></div></div>'
    )
