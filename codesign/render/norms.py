"""Norm checks in words and numbers, as the tablet, the projector, the report and the CLI show them.

One wording and one number format for every place a rule's result appears: the measured and
required values in the rule's unit (:func:`format_rule_value`), the status as a badge
(:func:`status_badge`), and the rule in plain words (:func:`explain_result`).

>>> format_rule_value(0.6, "share", "en"), format_rule_value(25, "m", "ru"), format_rule_value(None, "m", "en")
('60 %', '25 м', '—')
"""

from __future__ import annotations

import shapely

from codesign.analysis.norms import NormReport, RuleResult, category_names
from codesign.domain.concept import Concept
from codesign.domain.rules import ILLUSTRATIVE, RulePack, rule_unit
from codesign.domain.site import Site
from codesign.i18n import translate
from codesign.render.mpl_map import SiteMap, legend_width_mm
from codesign.render.text import NO_VALUE, format_number, format_percent

__all__ = [
    "FAIL_COLOUR",
    "STATUS_ICONS",
    "explain_result",
    "format_rule_value",
    "pack_caption",
    "render_failures_map",
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


def source_text(source: str, lang: str, *, short: bool = False) -> str:
    """A rule's source for people: the norm and clause, or the illustrative notice.

    Parameters
    ----------
    source
        The rule's ``source``.
    lang
        ``ru``, ``kk`` or ``en``.
    short
        One word for an illustrative source (tables, where a notice says the rest).

    Returns
    -------
    str
        The text.
    """
    if source != ILLUSTRATIVE:
        return source
    return translate("norms.illustrative_short" if short else "norms.illustrative_source", lang)


def explain_result(result: RuleResult, lang: str, *, with_source: bool = True) -> str:
    """The rule and its outcome in plain words (plain text: escape it for markdown or HTML).

    Parameters
    ----------
    result
        The rule's result.
    lang
        ``ru``, ``kk`` or ``en``.
    with_source
        Whether to end with the rule's source.

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
    text = f"{asks} {outcome}"
    if with_source:
        text += " " + translate("norms.source", lang, source=source_text(rule.source, lang))
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


def render_failures_map(
    site: Site, concept: Concept, report: NormReport, lang: str, size_mm: tuple[float, float]
) -> bytes:
    """The concept with where each failing rule fails outlined in red and numbered (the rule's row number).

    Parameters
    ----------
    site
        The concept's site.
    concept
        The concept.
    report
        Its checks.
    lang
        The legend's language.
    size_mm
        Width and height on paper, mm.

    Returns
    -------
    bytes
        The PNG.
    """
    site_map = SiteMap(site, lang, size_mm, legend_mm=legend_width_mm(size_mm))
    site_map.concept(concept)
    for number, result in enumerate(report.results, start=1):
        if result.status != "fail" or result.where.is_empty:
            continue
        parts = list(getattr(result.where, "geoms", [result.where]))
        polygons = [p for p in parts if p.area > 0]
        site_map.zones(polygons, [FAIL_COLOUR] * len(polygons), alpha=0.0, edge=FAIL_COLOUR, linewidth=1.6, zorder=6)
        points = [p for p in parts if p.geom_type == "Point"]
        site_map.zones(
            [p.buffer(4.0) for p in points],
            [FAIL_COLOUR] * len(points),
            alpha=0.0,
            edge=FAIL_COLOUR,
            linewidth=1.6,
            zorder=6,
        )
        anchor = shapely.point_on_surface(result.where) if polygons else parts[0].centroid
        site_map.number(anchor.x, anchor.y, str(number), FAIL_COLOUR)
    site_map.legend_patch("#ffffff", translate("norms.map.fails", lang), alpha=0.0, edge=FAIL_COLOUR)
    return site_map.png()
