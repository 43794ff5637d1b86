"""``cost``: what a concept would cost with the session's price list (or another), against its budget.

    python -m codesign cost SESSION --team TEAM|plan|vision [--prices FILE] [--json]

The price list is the session's (chosen by the facilitator; the bundled default until then), or
the TOML file given with ``--prices`` (docs/cost-format.md); a list that does not read is refused
with every problem's line and reason. ``--json`` prints the documented JSON.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codesign.analysis.cost import CostEstimate, budget_use, concept_cost
from codesign.analysis.session import owner_name
from codesign.cli.tables import label, num, percent, print_json, print_table
from codesign.domain.prices import MAX_PRICE_LIST_BYTES, PriceList, PriceListError, read_price_list_upload
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.errors import CodesignError
from codesign.i18n import translate
from codesign.render.text import format_money
from codesign.storage.base import Store

__all__ = ["add_commands", "read_prices_file"]

_UNIT_WORDS = {"m2": "m²", "m": "m", "pcs": "pcs"}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``cost`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    cost = sub.add_parser("cost", help="what a concept would cost with the session's price list, against its budget")
    cost.add_argument("session")
    cost.add_argument("--team", required=True, help=f"team id (team-1), {PLAN_OWNER} or {VISION_OWNER}")
    cost.add_argument("--prices", help="a price list (TOML, docs/cost-format.md) instead of the session's")
    cost.add_argument("--json", action="store_true", help="print JSON (docs/cost-format.md)")
    cost.set_defaults(handler=_cost)


def read_prices_file(path: str, lang: str) -> PriceList:
    """A price list from a file; every problem is printed (line and reason) before it is refused.

    Parameters
    ----------
    path
        The TOML file.
    lang
        The language of the problems.

    Returns
    -------
    PriceList
        The list.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_PRICE_LIST_BYTES:
            raise PriceListError("prices.too_big", line=1, size=size, limit=MAX_PRICE_LIST_BYTES)
        return read_price_list_upload(file.read_bytes(), file.name)
    except OSError as err:
        raise CodesignError("prices.cannot_read", file=path, reason=err.strerror or str(err)) from None
    except PriceListError as err:
        for key, params in err.problems:
            print(f"{path}: {translate(key, lang, **params)}", file=sys.stderr)
        raise CodesignError("prices.refused", file=path, count=len(err.problems)) from None


def _cost(args: argparse.Namespace, store: Store) -> None:
    """``cost``: one concept's cost by category and in total, with the budget."""
    lang = args.lang
    session = store.load_session(args.session)
    owner = args.team if args.team in (PLAN_OWNER, VISION_OWNER) else session.team(args.team).id
    costing = store.load_costing(session.id)
    prices = read_prices_file(args.prices, lang) if args.prices else costing.prices
    concept = store.load_latest(session.id, owner)
    if concept is None:
        raise CodesignError("cli.nothing_saved", owner=owner_name(session, owner, lang, with_id=True))
    estimate = concept_cost(concept, load_site(session.site).frame, prices)
    if args.json:
        which = {"session": session.id, "owner": owner, "version": concept.version}
        print_json(which | estimate.to_json(costing.budget))
        return
    name = owner_name(session, owner, lang, with_id=True)
    print(f"Cost of {name} v{concept.version} in session {session.id}, price list {prices.name} ({prices.currency})")
    if prices.illustrative:
        print(f"  {translate('cost.illustrative', lang)}")
    _print_lines(estimate, lang)
    use = budget_use(estimate.total, costing.budget)
    if use is not None:
        money = format_money(use.budget, estimate.currency, lang)
        state = f"over by {format_money(use.over, estimate.currency, lang)}" if use.over else "within it"
        print(f"Budget {money}: {percent(use.share, lang)} used, {state}")


def _print_lines(estimate: CostEstimate, lang: str) -> None:
    currency = estimate.currency
    rows = [
        [
            label(cid, lang),
            f"{num(line.quantity, lang, 0 if line.unit == 'pcs' else 1)} {_UNIT_WORDS[line.unit]}",
            format_money(line.unit_price, currency, lang),
            format_money(line.cost, currency, lang),
        ]
        for cid, line in estimate.lines.items()
    ]
    print_table(["category", "quantity", "unit price", "cost"], rows, empty="nothing drawn yet")
    print(f"Total: {format_money(estimate.total, currency, lang)}")
    if estimate.unpriced():
        names = ", ".join(label(cid, lang) for cid in estimate.unpriced())
        print(f"No price in the list for: {names} (not counted in the total)")
