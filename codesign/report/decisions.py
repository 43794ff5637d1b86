"""The report's decision pages: the cost section, the room's reasons, the joint vision's provenance.

- :func:`cost_section`: every concept's total against the budget, the cost by category side by
  side, and each concept's difference from the akimat's plan (:mod:`codesign.analysis.cost`);
- :func:`reasons_section`: the reasons the room gave for the differences from the plan, after
  "what residents ask for that the plan lacks", each with the numbers of the places it explains;
- :func:`provenance_appendix`: for each feature of the joint vision, the teams behind it,
  support k of N, the dots, and whether the plan has the same use there.

Each is registered with one line in :func:`codesign.report.sections.build_report`.
"""

from __future__ import annotations

from collections.abc import Iterable

from codesign.analysis.compare import describe
from codesign.analysis.cost import CostEstimate, budget_use, cost_difference
from codesign.domain.prices import UNITS
from codesign.domain.reasons import Reason, asked_categories, choice_labels, difference_key
from codesign.domain.session import PLAN_OWNER
from codesign.domain.taxonomy import categories, category
from codesign.render.budget import budget_words
from codesign.render.provenance_text import origin_text, plan_text, support_text
from codesign.render.text import NO_VALUE, format_money, format_percent, format_signed_money
from codesign.report.writer import ReportWriter

__all__ = ["cost_section", "provenance_appendix", "reasons_section"]

_UNIT_KEYS = {"m2": "unit.m2", "m": "unit.m", "pcs": "unit.pcs"}
#: At most this many concepts side by side in one cost table (more: a second table).
_COLUMNS = 6


def _money(w: ReportWriter, amount: float | None) -> str:
    return format_money(amount, w.a.costing.prices.currency, w.lang)


def cost_section(w: ReportWriter) -> None:
    """The cost section: totals and the budget, the cost by category, the difference from the plan.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf = w.a, w.pdf
    prices, budget = a.costing.prices, a.costing.budget
    costs = a.costs()
    pdf.page()
    pdf.heading(w.t("cost.title"))
    if prices.illustrative:
        pdf.paragraph(w.t("cost.illustrative"), colour=(150, 80, 0))
    pdf.paragraph(w.t("report.cost.intro", name=prices.display_title(w.lang)), size=8.5)
    budget_line = w.t("cost.no_budget") if budget is None else f"{w.t('cost.col.budget')}: {_money(w, budget)}"
    pdf.paragraph(f"{w.t('cost.price_list', name=prices.display_title(w.lang))} · {budget_line}")
    pdf.subheading(w.t("report.cost.summary"))
    rows = []
    for owner, estimate in costs.items():
        use = budget_use(estimate.total, budget)
        rows.append(
            [
                w.name(owner),
                _money(w, estimate.total),
                NO_VALUE if use is None else format_percent(use.share, w.lang, 0),
                budget_words(estimate.total, budget, prices.currency, w.lang) or NO_VALUE,
                ", ".join(w.label(c) for c in estimate.unpriced()) or NO_VALUE,
            ]
        )
    header = [
        w.t("report.col.concept"),
        w.t("cost.col.total"),
        w.t("cost.col.budget_share"),
        w.t("cost.col.budget"),
        w.t("cost.col.unpriced"),
    ]
    pdf.table(header, rows, (2.2, 1.6, 1.0, 2.6, 2.4), align="LRRLL")
    _by_category(w, costs)
    if PLAN_OWNER in costs:
        _against_plan(w, costs)


def _unit(w: ReportWriter, cid: str) -> str:
    return w.t(_UNIT_KEYS[UNITS[category(cid).kind]])


def _by_category(w: ReportWriter, costs: dict[str, CostEstimate]) -> None:
    """Cost by category, the concepts side by side (at most :data:`_COLUMNS` a table)."""
    owners = list(costs)
    present = _categories(costs.values())
    prices = w.a.costing.prices
    for start in range(0, len(owners), _COLUMNS):
        chunk = owners[start : start + _COLUMNS]
        w.pdf.subheading(w.t("report.cost.by_category"), keep=40)
        rows = []
        for cid in present:
            price = prices.unit_price(cid)
            row = [w.label(cid), f"{_money(w, price)} / {_unit(w, cid)}" if price is not None else NO_VALUE]
            for owner in chunk:
                line = costs[owner].lines.get(cid)
                row.append(NO_VALUE if line is None else _money(w, line.cost))
            rows.append(row)
        rows.append([w.t("cost.col.total"), "", *(_money(w, costs[o].total) for o in chunk)])
        header = [w.t("figures.category"), w.t("cost.col.unit_price"), *(w.name(o) for o in chunk)]
        w.pdf.table(header, rows, (2.0, 1.7, *([1.5] * len(chunk))), size=7)


def _categories(estimates: Iterable[CostEstimate]) -> list[str]:
    """The categories any of the estimates has, in taxonomy order."""
    found = {cid for estimate in estimates for cid in estimate.lines}
    return [c.id for c in categories() if c.id in found]


def _against_plan(w: ReportWriter, costs: dict[str, CostEstimate]) -> None:
    """Each concept's difference from the plan, by category and in total."""
    plan = costs[PLAN_OWNER]
    others = [o for o in costs if o != PLAN_OWNER]
    if not others:
        return
    currency = plan.currency
    for start in range(0, len(others), _COLUMNS):
        chunk = others[start : start + _COLUMNS]
        diffs = {o: cost_difference(costs[o], plan) for o in chunk}
        present = _categories([costs[o] for o in chunk] + [plan])
        w.pdf.subheading(w.t("report.cost.vs_plan"), keep=40)
        rows = []
        for cid in present:
            row = [w.label(cid), _money(w, plan.lines[cid].cost) if cid in plan.lines else _money(w, 0.0)]
            row += [format_signed_money(diffs[o].get(cid, (0.0, 0.0, 0.0))[2], currency, w.lang) for o in chunk]
            rows.append(row)
        totals = [format_signed_money(costs[o].total - plan.total, currency, w.lang) for o in chunk]
        rows.append([w.t("cost.col.total"), _money(w, plan.total), *totals])
        header = [w.t("figures.category"), w.name(PLAN_OWNER), *(w.name(o) for o in chunk)]
        w.pdf.table(header, rows, (2.0, 1.6, *([1.5] * len(chunk))), size=7)


# ============================================================================ reasons


def _difference_words(w: ReportWriter, reason: Reason) -> str:
    if reason.notice is not None:
        return describe(reason.notice, w.lang)
    kind, plan, concept = reason.difference.split(":")
    return " → ".join(w.label(c) for c in (plan, concept) if c) + f" ({kind})"


def _still_listed(w: ReportWriter, reason: Reason) -> bool:
    result = w.a.comparisons.get(reason.owner)
    return result is not None and any(difference_key(n) == reason.difference for n in result.sentences())


def reasons_section(w: ReportWriter) -> None:
    """Why residents want what they ask for: the room's reasons, with the places they explain.

    Nothing when there is no plan (no differences from it) and no reasons.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf = w.a, w.pdf
    if a.plan is None and not a.reasons:
        return
    pdf.gap(4)
    pdf.subheading(w.t("report.asks.heading") + " — " + w.t("reasons.title"), keep=45)
    pdf.paragraph(w.t("report.reasons.intro"), size=8.5)
    if not a.reasons:
        pdf.paragraph(w.t("report.reasons.none"))
        return
    rows = []
    for reason in a.reasons:
        asked = asked_categories(reason.difference)
        places = [str(n) for n, place in enumerate(a.asks, start=1) if place.category in asked]
        difference = _difference_words(w, reason)
        if not _still_listed(w, reason):
            difference += " " + w.t("report.reasons.not_listed")
        rows.append(
            [
                w.name(reason.owner) if reason.owner in _owners(w) else reason.owner,
                difference,
                choice_labels(reason.choices, w.lang) or NO_VALUE,
                reason.text or NO_VALUE,
                ", ".join(places) or NO_VALUE,
            ]
        )
    header = [
        w.t("report.col.concept"),
        w.t("report.col.difference"),
        w.t("report.col.reasons"),
        w.t("report.col.words"),
        "№",
    ]
    pdf.table(header, rows, (1.6, 3.4, 1.8, 3.2, 0.7), align="LLLLR", size=7.5)


def _owners(w: ReportWriter) -> set[str]:
    return {owner for owner, _ in w.a.concepts()} | {team.id for team in w.a.session.teams}


# ============================================================================ provenance


def provenance_appendix(w: ReportWriter) -> None:
    """Appendix: where each feature of the joint vision came from (nothing without a vision).

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    vision = w.a.vision
    if vision is None:
        return
    pdf = w.pdf
    names = {team.id: team.name for team in w.a.session.teams}
    pdf.page()
    pdf.heading(w.t("report.provenance.heading"))
    pdf.paragraph(w.t("report.provenance.intro"), size=8.5)
    rows = []
    for feature in vision.features:
        p = feature.provenance
        what = f"{feature.id} · {w.label(feature.category)}" + (f" · {feature.label}" if feature.label else "")
        cells = [NO_VALUE] * 4
        if p is not None and p.origin == "consensus":
            teams = ", ".join(names.get(t, t) for t in p.teams) or NO_VALUE
            cells = [teams, support_text(p, w.lang), str(p.votes + p.ground_votes), plan_text(p, w.lang)]
        rows.append([what, origin_text(p, w.lang), *cells])
    header = [
        w.t("report.col.feature"),
        w.t("report.col.origin"),
        w.t("report.col.teams"),
        w.t("report.col.support"),
        w.t("report.col.dots"),
        w.t("report.col.plan"),
    ]
    pdf.table(header, rows, (2.3, 1.8, 2.6, 1.0, 0.9, 2.8), align="LLLRRL", size=7.5)
