"""Norm checks in words and numbers, as the tablet, the projector, the report and the CLI show them.

One wording and one number format for every place a rule's result appears: the measured and
required values in the rule's unit (:func:`format_rule_value`), the status as a badge
(:func:`status_badge`), and the rule in plain words (:func:`explain_result`).

>>> format_rule_value(0.6, "share", "en"), format_rule_value(25, "m", "ru"), format_rule_value(None, "m", "en")
('60 %', '25 м', '—')
"""

from __future__ import annotations

from codesign.analysis.norms import RuleResult, category_names
from codesign.domain.rules import ILLUSTRATIVE, RulePack, rule_unit
from codesign.i18n import translate
from codesign.render.text import NO_VALUE, format_number, format_percent

__all__ = [
    "FAIL_COLOUR",
    "STATUS_ICONS",
    "explain_result",
    "format_rule_value",
    "pack_caption",
    "source_text",
    "status_badge",
    "status_text",
]

#: The red of a failing rule's outline on the maps (Paul Tol's "vibrant" red).
FAIL_COLOUR = "#CC3311"
#: The status icons of badges and tables (told apart by shape as well as colour).
STATUS_ICONS = {"pass": "✅", "fail": "❌", "n/a": "➖"}
_UNIT_KEYS = {"m2": "unit.m2", "m": "unit.m", "items": "unit.pcs", "entrances": "norms.unit.entrances"}


def format_rule_value(value: float | None, unit: str, lang: str) -> str:
    """A measured or required value in its unit: ``60 %``, ``25 m``, ``530 m²``, ``3 pcs``.

    Parameters
    ----------
    value
        The number (a share 0..1 for ``share``); None when nothing was measured.
    unit
        ``share``, ``m2``, ``m``, ``items`` or ``entrances``.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The text, ``—`` for None.
    """
    if value is None:
        return NO_VALUE
    if unit == "share":
        return format_percent(value, lang, 0 if abs(value * 100 - round(value * 100)) < 0.05 else 1)
    digits = 1 if unit == "m" and value < 10 else 0
    return f"{format_number(value, lang, digits)} {translate(_UNIT_KEYS[unit], lang)}"


def status_text(status: str, lang: str) -> str:
    """The status in words: passes, fails, not applicable.

    Parameters
    ----------
    status
        ``pass``, ``fail`` or ``n/a``.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The word.
    """
    return translate(f"norms.status.{'na' if status == 'n/a' else status}", lang)


def status_badge(result: RuleResult, lang: str) -> str:
    """A compact badge: the status icon and the rule's title.

    Parameters
    ----------
    result
        The rule's result.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        ``✅ Parking at least 25 m from playgrounds``.
    """
    return f"{STATUS_ICONS[result.status]} {result.rule.label(lang)}"


def source_text(source: str, lang: str) -> str:
    """A rule's source for people: the norm and clause, or the illustrative notice.

    Parameters
    ----------
    source
        The rule's ``source``.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The text.
    """
    return translate("norms.illustrative_source", lang) if source == ILLUSTRATIVE else source


def explain_result(result: RuleResult, lang: str) -> str:
    """The rule and its outcome in plain words (plain text: escape it for markdown or HTML).

    Parameters
    ----------
    result
        The rule's result.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        What the rule asks, what was measured, and where it comes from.
    """
    rule = result.rule
    asks = translate(
        f"norms.explain.{rule.kind}",
        lang,
        what=category_names(rule.categories() or rule.categories("from") or ("walkway",), lang),
        to=category_names(rule.categories("to") or rule.categories("amenity"), lang),
        value=format_rule_value(
            result.required if rule.kind != "min_count_per_area" else rule.required(), _unit(rule.kind), lang
        ),
    )
    if result.status == "n/a":
        outcome = translate("norms.outcome.na", lang)
    else:
        outcome = translate(
            f"norms.outcome.{result.status}",
            lang,
            measured=format_rule_value(result.measured, result.unit, lang),
            required=format_rule_value(result.required, result.unit, lang),
        )
    text = f"{asks} {outcome} {translate('norms.source', lang, source=source_text(rule.source, lang))}"
    return text.replace("..", ".")  # a unit's abbreviation point ("шт.") ends the sentence too


def _unit(kind: str) -> str:
    """The unit of a rule's own number (``min_count_per_area`` gives m² per amenity)."""
    return "m2" if kind == "min_count_per_area" else rule_unit(kind)


def pack_caption(pack: RulePack, lang: str) -> str:
    """The pack's title, and its illustrative notice when its numbers are placeholders.

    Parameters
    ----------
    pack
        The pack.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        Plain text.
    """
    caption = translate("norms.pack", lang, title=pack.label(lang))
    if pack.illustrative:
        caption += " " + (pack.note.get(lang) or translate("norms.pack_illustrative", lang))
    return caption
