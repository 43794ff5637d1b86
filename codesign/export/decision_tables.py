"""The CSV tables of costs, the joint vision's provenance and the room's reasons.

- ``cost_summary``: each concept's total (the plan and the vision too) against the budget;
- ``cost_by_category``: quantity, unit, unit price and cost of each category of each concept;
- ``cost_vs_plan``: each concept's cost against the plan's, by category, and the difference;
- ``vision_provenance``: where each feature of the joint vision came from;
- ``reasons``: the room's reasons for the differences from the plan, with the places residents
  ask for that they explain (:func:`reason_columns` adds the reasons to ``residents_ask``).
"""

from __future__ import annotations

from collections.abc import Mapping

from codesign.analysis.compare import describe
from codesign.analysis.cost import budget_use, cost_difference
from codesign.analysis.session import SessionAnalysis
from codesign.domain.reasons import REASON_CHOICES, Reason, asked_categories, choice_labels, difference_key
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.export.rows import Row, category_labels, provenance_columns
from codesign.i18n import LANGUAGES

__all__ = ["cost_tables", "provenance_table", "reason_columns", "reasons_table"]


def _owner_names(analysis: SessionAnalysis) -> dict[str, str]:
    return {team.id: team.name for team in analysis.session.teams}


def cost_tables(analysis: SessionAnalysis) -> dict[str, list[Row]]:
    """``cost_summary``, ``cost_by_category`` and ``cost_vs_plan``.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis (its costing: price list and budget).

    Returns
    -------
    dict of str to list of Row
        Table name -> rows.
    """
    names = _owner_names(analysis)
    costs = analysis.costs()
    prices, budget = analysis.costing.prices, analysis.costing.budget
    summary, by_category, vs_plan = [], [], []
    for owner, estimate in costs.items():
        base = {"owner": owner, "team_name": names.get(owner, "")}
        use = budget_use(estimate.total, budget)
        summary.append(
            {
                **base,
                "total": round(estimate.total, 2),
                "currency": estimate.currency,
                "budget": budget if budget is not None else "",
                "share_of_budget": round(use.share, 4) if use else "",
                "over_budget": round(use.over, 2) if use else "",
                "unpriced": ", ".join(estimate.unpriced()),
                "price_list": prices.name,
                "prices_illustrative": prices.illustrative,
            }
        )
        for cid, line in estimate.lines.items():
            by_category.append(
                {
                    **base,
                    "category": cid,
                    **category_labels(cid),
                    "kind": line.kind,
                    "quantity": round(line.quantity, 2),
                    "unit": line.unit,
                    "unit_price": "" if line.unit_price is None else line.unit_price,
                    "cost": "" if line.cost is None else round(line.cost, 2),
                    "currency": estimate.currency,
                }
            )
        if PLAN_OWNER in costs and owner != PLAN_OWNER:
            for cid, (a, b, diff) in cost_difference(estimate, costs[PLAN_OWNER]).items():
                vs_plan.append(
                    {
                        **base,
                        "category": cid,
                        **category_labels(cid),
                        "concept_cost": "" if a is None else round(a, 2),
                        "plan_cost": "" if b is None else round(b, 2),
                        "difference": "" if diff is None else round(diff, 2),
                        "currency": estimate.currency,
                    }
                )
    return {"cost_summary": summary, "cost_by_category": by_category, "cost_vs_plan": vs_plan}


def provenance_table(analysis: SessionAnalysis) -> list[Row]:
    """One row per feature of the joint vision: where it came from (empty without a vision).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    list of Row
        Feature id, category and labels, the feature's own label, and :func:`provenance_columns`.
    """
    if analysis.vision is None:
        return []
    return [
        {
            "feature_id": f.id,
            "category": f.category,
            **category_labels(f.category),
            "label": f.label,
            **provenance_columns(f, analysis),
        }
        for f in analysis.vision.features
    ]


def _current(analysis: SessionAnalysis, reason: Reason) -> bool:
    """Whether the latest comparison of the reason's concept with the plan still lists its difference."""
    result = analysis.comparisons.get(reason.owner)
    return result is not None and any(difference_key(n) == reason.difference for n in result.sentences())


def _asked_places(analysis: SessionAnalysis, reason: Reason) -> str:
    """The numbers (as in the report) of the places residents ask for whose use the reason explains."""
    asked = asked_categories(reason.difference)
    return ", ".join(str(n) for n, place in enumerate(analysis.asks, start=1) if place.category in asked)


def reasons_table(analysis: SessionAnalysis) -> list[Row]:
    """One row per reason the room gave: the difference in words, the choices, the words, the places.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    list of Row
        In the order the reasons were recorded.
    """
    names = _owner_names(analysis)
    rows = []
    for reason in analysis.reasons:
        kind, plan_category, concept_category = reason.difference.split(":")
        described = {
            f"difference_{lang}": describe(reason.notice, lang) if reason.notice else reason.difference
            for lang in LANGUAGES
        }
        rows.append(
            {
                "owner": reason.owner,
                "team_name": names.get(reason.owner, "") if reason.owner != VISION_OWNER else "",
                "against": PLAN_OWNER,
                "difference": reason.difference,
                "kind": kind,
                "plan_category": plan_category,
                "concept_category": concept_category,
                **described,
                "choices": ", ".join(reason.choices),
                **{f"choices_{lang}": choice_labels(reason.choices, lang) for lang in LANGUAGES},
                "text": reason.text,
                "recorded_at": reason.recorded_at,
                "still_listed": _current(analysis, reason),
                "asked_places": _asked_places(analysis, reason),
            }
        )
    return rows


def reason_columns(place_rows: list[Row], analysis: SessionAnalysis) -> None:
    """Add to each row of ``residents_ask`` the reasons given for its use (choices and words).

    Parameters
    ----------
    place_rows : list of Row
        The ``residents_ask`` rows (each with its ``category``), changed in place.
    analysis : SessionAnalysis
        The session's analysis.
    """
    names: Mapping[str, str] = _owner_names(analysis)
    for row in place_rows:
        given = [r for r in analysis.reasons if row["category"] in asked_categories(r.difference)]
        choices = [c for c in REASON_CHOICES if any(c in r.choices for r in given)]
        row["reasons"] = ", ".join(choices)
        for lang in LANGUAGES:
            row[f"reasons_{lang}"] = choice_labels(choices, lang)
        row["reason_words"] = " | ".join(f"{names.get(r.owner, r.owner)}: {r.text}" for r in given if r.text)
