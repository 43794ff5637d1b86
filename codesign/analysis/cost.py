"""What a concept would cost: its figures times the unit prices of a price list, and the budget.

The quantities are the concept's figures (:func:`codesign.analysis.figures.concept_figures`):
m² of each zone category (zones of one category that overlap counted once), metres of each
path category, the number of each amenity. Each is multiplied by the category's unit price
(:class:`codesign.domain.prices.PriceList`); a category the list does not price has no cost
and is listed apart, never counted as free. The JSON form is documented in docs/cost-format.md.

>>> from codesign.analysis.figures import Figures
>>> from codesign.domain.prices import PriceList
>>> prices = PriceList("city", "KZT", {"lawn": 4500.0, "bench": 250000.0})
>>> estimate = figures_cost(Figures(1000.0, {"lawn": 200.0}, {"walkway": 30.0}, {"bench": 2}), prices)
>>> estimate.total, estimate.unpriced()
(1400000.0, ['walkway'])
>>> budget_use(estimate.total, 1_000_000).state
'over'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codesign.analysis.figures import Figures, concept_figures
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.geometry import MetricFrame
from codesign.domain.prices import UNITS, PriceList
from codesign.domain.taxonomy import Kind, categories, category

__all__ = [
    "NEAR_BUDGET_SHARE",
    "BudgetUse",
    "CostEstimate",
    "CostLine",
    "budget_use",
    "concept_cost",
    "cost_difference",
    "feature_cost",
    "figures_cost",
]

#: From this share of the budget on, the budget bar warns (amber) before it is over (red).
NEAR_BUDGET_SHARE = 0.9


@dataclass(frozen=True)
class CostLine:
    """One category of a concept: how much of it, the price of a unit, and the cost (None: no price)."""

    category: str
    kind: Kind
    quantity: float
    unit: str  # m2, m or pcs
    unit_price: float | None
    cost: float | None


@dataclass(frozen=True)
class CostEstimate:
    """A concept's cost by category, in one currency."""

    currency: str
    lines: Mapping[str, CostLine]  # category id -> its line, in taxonomy order
    price_list: str
    illustrative: bool

    @property
    def total(self) -> float:
        """The sum of the priced categories' costs.

        Returns
        -------
        float
            The total, in :attr:`currency`.
        """
        return float(sum(line.cost for line in self.lines.values() if line.cost is not None))

    def unpriced(self) -> list[str]:
        """Categories of the concept that the price list does not price.

        Returns
        -------
        list of str
            Their ids, in taxonomy order.
        """
        return [cid for cid, line in self.lines.items() if line.cost is None]

    def to_json(self, budget: float | None = None) -> dict[str, Any]:
        """The documented JSON form (docs/cost-format.md).

        Parameters
        ----------
        budget
            The session's budget, or None.

        Returns
        -------
        dict
            ``currency``, ``total``, ``by_category`` (id -> quantity, unit, unit_price, cost),
            ``unpriced``, ``price_list``, ``illustrative``, ``budget`` and ``share_of_budget``.
        """
        use = budget_use(self.total, budget)
        return {
            "currency": self.currency,
            "total": round(self.total, 2),
            "by_category": {
                cid: {
                    "quantity": round(line.quantity, 2),
                    "unit": line.unit,
                    "unit_price": line.unit_price,
                    "cost": None if line.cost is None else round(line.cost, 2),
                }
                for cid, line in self.lines.items()
            },
            "unpriced": self.unpriced(),
            "price_list": self.price_list,
            "illustrative": self.illustrative,
            "budget": budget,
            "share_of_budget": None if use is None else round(use.share, 4),
        }


def _line(cid: str, quantity: float, prices: PriceList) -> CostLine:
    kind = category(cid).kind
    price = prices.unit_price(cid)
    return CostLine(cid, kind, quantity, UNITS[kind], price, None if price is None else quantity * price)


def figures_cost(figures: Figures, prices: PriceList) -> CostEstimate:
    """The cost of a concept whose figures are already measured.

    Parameters
    ----------
    figures
        The concept's figures (m² per zone category, metres per path category, amenity counts).
    prices
        The unit prices.

    Returns
    -------
    CostEstimate
        A line per category present in the figures, in taxonomy order.
    """
    quantities: dict[str, float] = {
        **figures.zone_area_m2,
        **figures.path_length_m,
        **{cid: float(n) for cid, n in figures.amenity_count.items()},
    }
    lines = {c.id: _line(c.id, quantities[c.id], prices) for c in categories() if c.id in quantities}
    return CostEstimate(prices.currency, lines, prices.name, prices.illustrative)


def concept_cost(concept: Concept, frame: MetricFrame, prices: PriceList) -> CostEstimate:
    """What a concept would cost with these prices, measured in the site's metric CRS.

    Parameters
    ----------
    concept
        The concept (a team's, the plan, the joint vision).
    frame
        The site's metric frame.
    prices
        The unit prices.

    Returns
    -------
    CostEstimate
        The cost by category and in total.
    """
    return figures_cost(concept_figures(concept, frame), prices)


def feature_cost(feature: ConceptFeature, frame: MetricFrame, prices: PriceList) -> CostLine:
    """One feature's own quantity and cost (m² of a zone, metres of a path, one amenity).

    The features' costs add up to the concept's total unless zones of one category overlap
    (the total counts their overlap once).

    Parameters
    ----------
    feature
        The feature (lon/lat).
    frame
        The site's metric frame.
    prices
        The unit prices.

    Returns
    -------
    CostLine
        Its line.
    """
    metric = frame.to_metric(feature.geometry)
    kind = feature.kind
    quantity = float(metric.area) if kind == "zone" else float(metric.length) if kind == "path" else 1.0
    return _line(feature.category, quantity, prices)


@dataclass(frozen=True)
class BudgetUse:
    """A total against a budget: the share used and how far over it is."""

    total: float
    budget: float
    share: float  # total / budget
    over: float  # how much over the budget (0 when within it)

    @property
    def state(self) -> str:
        """``under``, ``near`` (from :data:`NEAR_BUDGET_SHARE`) or ``over``.

        Returns
        -------
        str
            The state.
        """
        return "over" if self.total > self.budget else "near" if self.share >= NEAR_BUDGET_SHARE else "under"


def budget_use(total: float, budget: float | None) -> BudgetUse | None:
    """How much of the budget a total uses; None when there is no budget.

    >>> budget_use(150.0, 200.0)
    BudgetUse(total=150.0, budget=200.0, share=0.75, over=0.0)

    Parameters
    ----------
    total
        The cost.
    budget
        The budget (positive), or None.

    Returns
    -------
    BudgetUse or None
        The share used and the amount over.
    """
    if budget is None or budget <= 0:
        return None
    return BudgetUse(total, budget, total / budget, max(0.0, total - budget))


def cost_difference(a: CostEstimate, b: CostEstimate) -> dict[str, tuple[float | None, float | None, float | None]]:
    """Category -> (cost in ``a``, cost in ``b``, a - b), for the categories either has.

    A category absent from one side costs 0 there; one without a price has no cost and no
    difference (None).

    >>> from codesign.domain.prices import PriceList
    >>> prices = PriceList("city", "KZT", {"lawn": 10.0, "bench": 100.0})
    >>> a = figures_cost(Figures(1.0, {"lawn": 5.0}, {}, {"bench": 1}), prices)
    >>> b = figures_cost(Figures(1.0, {"lawn": 8.0}, {}, {}), prices)
    >>> cost_difference(a, b)
    {'lawn': (50.0, 80.0, -30.0), 'bench': (100.0, 0.0, 100.0)}

    Parameters
    ----------
    a
        One concept's estimate (a team's, the vision).
    b
        The other's (the plan), in the same price list.

    Returns
    -------
    dict
        In taxonomy order.
    """
    result: dict[str, tuple[float | None, float | None, float | None]] = {}
    for c in categories():
        if c.id not in a.lines and c.id not in b.lines:
            continue
        cost_a = a.lines[c.id].cost if c.id in a.lines else 0.0
        cost_b = b.lines[c.id].cost if c.id in b.lines else 0.0
        diff = None if cost_a is None or cost_b is None else cost_a - cost_b
        result[c.id] = (cost_a, cost_b, diff)
    return result
