r"""Price lists: a unit price for each category, read from TOML, and a session's prices and budget.

A price list (``data/prices/<name>.toml``, or one the facilitator uploads) names its currency
and prices each category in its own unit: per m² for a zone, per metre for a path, per item for
an amenity (docs/cost-format.md)::

    currency = "KZT"
    illustrative = true          # placeholder figures: every screen and the report say so
    [zone]
    playground = 70000           # per m²
    [path]
    walkway = 50000              # per metre
    [amenity]
    bench = 250000               # per item

A list that does not read is refused with the line and the reason (:class:`PriceListError`);
categories it does not know are named. Categories it leaves out have no price: a cost estimate
lists them apart (:mod:`codesign.analysis.cost`) rather than counting them as free.

>>> prices = parse_price_list('currency = "KZT"\n[zone]\nlawn = 4500\n[amenity]\nbench = 250000\n', "city")
>>> prices.unit_price("lawn"), prices.unit_price("bench"), prices.unit_price("walkway")
(4500.0, 250000.0, None)
>>> parse_price_list('currency = "KZT"\n[amenity]\nbenchh = 1\n', "city")
Traceback (most recent call last):
...
codesign.domain.prices.PriceListError: Price list, line 3: [amenity] has no category “benchh”: did you mean “bench”?
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from codesign.config import DATA_DIR
from codesign.domain.taxonomy import KINDS, Kind, categories, category
from codesign.errors import CodesignError

__all__ = [
    "DEFAULT_PRICE_LIST",
    "MAX_BUDGET",
    "MAX_PRICE_LIST_BYTES",
    "MAX_UNIT_PRICE",
    "PRICES_DIR",
    "UNITS",
    "PriceList",
    "PriceListError",
    "SessionCosting",
    "bundled_price_lists",
    "costing_from_json",
    "costing_to_json",
    "load_price_list",
    "parse_price_list",
    "price_list_to_toml",
    "read_price_list_upload",
    "safe_name",
    "with_budget",
    "with_prices",
]

#: Where the bundled price lists live (``data/prices`` of the checkout).
PRICES_DIR = DATA_DIR / "prices"
#: The price list a session uses until the facilitator chooses another.
DEFAULT_PRICE_LIST = "aksu-2026-illustrative"
#: The unit a category of each kind is priced in: square metres, metres, items.
UNITS: Mapping[Kind, str] = {"zone": "m2", "path": "m", "amenity": "pcs"}
#: An uploaded price list is at most this big (a full list with comments is about 3 KB).
MAX_PRICE_LIST_BYTES = 64_000
#: No unit price above this (a trillion): a typo, not a price.
MAX_UNIT_PRICE = 1e12
#: No budget above this.
MAX_BUDGET = 1e15
_LANGS = ("ru", "kk", "en")
_TOP_KEYS = frozenset({"currency", "illustrative", "title", "note", *KINDS})
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_HEADER = re.compile(r"""^\s*\[\s*([^\[\]#]+?)\s*\]\s*(?:#.*)?$""")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_KEY_PART = re.compile(r""""[^"]*"|'[^']*'|[A-Za-z0-9_-]+""")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


class PriceListError(CodesignError):
    """A price list that cannot be used; ``params["line"]`` is the line of the first problem.

    ``problems`` holds every problem found, as ``(key, params)`` pairs in line order, so a page
    or the command line can list them all.

    Parameters
    ----------
    key
        The first problem's message key.
    problems
        Every problem, the first one included.
    **params
        The first problem's values (``line`` among them).
    """

    key = "prices.invalid"

    def __init__(
        self, key: str | None = None, problems: tuple[tuple[str, dict[str, object]], ...] = (), **params: object
    ) -> None:
        super().__init__(key, **params)
        self.problems = problems or ((self.key, dict(params)),)


@dataclass(frozen=True)
class PriceList:
    """Unit prices in one currency: category id -> price per m², per metre or per item."""

    name: str
    currency: str
    prices: Mapping[str, float]
    illustrative: bool = False
    title: Mapping[str, str] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)
    #: The TOML text it was read from ("" when made here): kept with a session, comments and all.
    text: str = field(default="", compare=False, repr=False)

    def unit_price(self, category_id: str) -> float | None:
        """The price of one unit of a category (m², metre or item), None when the list has none.

        Parameters
        ----------
        category_id
            A category id.

        Returns
        -------
        float or None
            The unit price.
        """
        return self.prices.get(category_id)

    def missing(self) -> list[str]:
        """Categories this list gives no price, in taxonomy order.

        Returns
        -------
        list of str
            Their ids.
        """
        return [c.id for c in categories() if c.id not in self.prices]

    def display_title(self, lang: str) -> str:
        """The list's title in ``lang`` (its name when it has none).

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The title.
        """
        return self.title.get(lang) or self.title.get("en") or self.name


# ----------------------------------------------------------------------------- reading


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """Dotted key path -> the line (from 1) that sets or opens it, from a plain scan of the text."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _key_path(header.group(1))
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((*table, *_key_path(key.group(1))), number)
    return found


def _key_path(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART.findall(dotted))


class _Problems:
    """The problems found so far, each at the line of the key it is about.

    Parameters
    ----------
    text
        The price list's TOML text (where the keys' lines are looked up).
    """

    def __init__(self, text: str) -> None:
        self.lines = _line_index(text)
        self.found: list[tuple[str, dict[str, object]]] = []

    def line(self, *path: str) -> int:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def add(self, path: tuple[str, ...], message: str, **params: object) -> None:
        self.found.append((message, {"line": self.line(*path), **params}))

    def raise_if_any(self) -> None:
        if self.found:
            ordered = tuple(sorted(self.found, key=lambda p: int(str(p[1]["line"]))))
            first_key, first = ordered[0]
            raise PriceListError(first_key, problems=ordered, **first)


def parse_price_list(text: str, name: str) -> PriceList:
    """Read a price list's TOML text; :class:`PriceListError` names the line and the reason.

    Parameters
    ----------
    text
        The TOML text (docs/cost-format.md).
    name
        What to call the list (its file name without ``.toml``).

    Returns
    -------
    PriceList
        The list, its text kept.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        at = _AT_LINE.search(message)
        line = int(at.group(1)) if at else max(1, len(text.splitlines()))
        reason = _AT_LINE.sub("", message).replace(" (at end of document)", "")
        raise PriceListError("prices.syntax", line=line, reason=reason) from None
    problems = _Problems(text)
    for key in raw:
        if key not in _TOP_KEYS:
            problems.add((key,), "prices.unknown_key", setting=key[:40])
    currency = raw.get("currency")
    if currency is None:
        problems.add((), "prices.no_currency")
    elif not isinstance(currency, str) or not _CURRENCY.match(currency):
        problems.add(("currency",), "prices.bad_currency", value=str(currency)[:20])
    illustrative = raw.get("illustrative", False)
    if not isinstance(illustrative, bool):
        problems.add(("illustrative",), "prices.bad_field", field="illustrative")
    texts = {part: _texts(raw.get(part), part, problems) for part in ("title", "note")}
    prices = _prices(raw, problems)
    if not prices and not problems.found:
        problems.add((), "prices.empty")
    problems.raise_if_any()
    return PriceList(
        name=name,
        currency=str(currency),
        prices=prices,
        illustrative=bool(illustrative),
        title=texts["title"],
        note=texts["note"],
        text=text,
    )


def _texts(value: Any, part: str, problems: _Problems) -> dict[str, str]:
    """A ``[title]`` or ``[note]`` table: ru / kk / en texts."""
    if value is None:
        return {}
    limit = 200 if part == "title" else 1000
    if not isinstance(value, dict):
        problems.add((part,), "prices.bad_field", field=part)
        return {}
    result = {}
    for lang, text in value.items():
        if lang not in _LANGS or not isinstance(text, str) or len(text) > limit:
            problems.add((part, lang), "prices.bad_field", field=f"{part}.{lang[:10]}")
        else:
            result[lang] = text
    return result


def _prices(raw: Mapping[str, Any], problems: _Problems) -> dict[str, float]:
    """The ``[zone]``, ``[path]`` and ``[amenity]`` tables: category -> unit price."""
    prices: dict[str, float] = {}
    for kind in KINDS:
        table = raw.get(kind)
        if table is None:
            continue
        if not isinstance(table, dict):
            problems.add((kind,), "prices.bad_field", field=kind)
            continue
        known = [c.id for c in categories(kind)]
        for cid, value in table.items():
            if cid not in known:
                _unknown(kind, cid, known, problems)
            elif _is_price(value):
                prices[cid] = float(value)
            else:
                problems.add((kind, cid), "prices.bad_price", category=cid, value=str(value)[:20])
    return {c.id: prices[c.id] for c in categories() if c.id in prices}


def _is_price(value: Any) -> bool:
    """A number (not a bool), finite, from 0 to :data:`MAX_UNIT_PRICE`."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value) and 0 <= value <= MAX_UNIT_PRICE


def _unknown(kind: Kind, cid: str, known: list[str], problems: _Problems) -> None:
    """A category the section does not have: one of another kind, or none at all."""
    try:
        other = category(cid).kind
    except CodesignError:
        close = difflib.get_close_matches(cid, known, n=1)
        if close:
            problems.add((kind, cid), "prices.unknown_category_close", category=cid[:40], section=kind, close=close[0])
        else:
            known_ids = ", ".join(known)
            problems.add((kind, cid), "prices.unknown_category", category=cid[:40], section=kind, known=known_ids)
        return
    problems.add((kind, cid), "prices.wrong_kind", category=cid, section=kind, kind=other)


def read_price_list_upload(data: bytes, name: str) -> PriceList:
    """An uploaded price list: at most :data:`MAX_PRICE_LIST_BYTES`, UTF-8 text, then :func:`parse_price_list`.

    Parameters
    ----------
    data
        The file's bytes.
    name
        What to call it (from the file name; made safe here).

    Returns
    -------
    PriceList
        The list.
    """
    if len(data) > MAX_PRICE_LIST_BYTES:
        raise PriceListError("prices.too_big", line=1, size=len(data), limit=MAX_PRICE_LIST_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PriceListError("prices.not_utf8", line=line) from None
    return parse_price_list(text, safe_name(name))


def safe_name(name: str) -> str:
    """A price list's name from a file name: lower-case letters, digits and dashes.

    >>> safe_name("Цены.toml"), safe_name("city_prices-2026.TOML")
    ('uploaded', 'city-prices-2026')

    Parameters
    ----------
    name
        A file name.

    Returns
    -------
    str
        The name, ``uploaded`` when nothing usable is left.
    """
    stem = re.sub(r"\.toml$", "", name.strip(), flags=re.I).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:64]
    return slug if _NAME.match(slug or "-") else "uploaded"


def bundled_price_lists() -> list[str]:
    """The names of the price lists in ``data/prices``, the default first.

    Returns
    -------
    list of str
        File names without ``.toml``.
    """
    names = sorted(p.stem for p in PRICES_DIR.glob("*.toml") if _NAME.match(p.stem))
    return sorted(names, key=lambda n: n != DEFAULT_PRICE_LIST)


@cache
def load_price_list(name: str = DEFAULT_PRICE_LIST) -> PriceList:
    """A bundled price list (cached); ``prices.not_found`` for a name that is not there.

    Parameters
    ----------
    name
        The file name without ``.toml``.

    Returns
    -------
    PriceList
        The list.
    """
    if not _NAME.match(name) or not (PRICES_DIR / f"{name}.toml").is_file():
        raise CodesignError("prices.not_found", name=name[:64])
    return parse_price_list((PRICES_DIR / f"{name}.toml").read_text(encoding="utf-8"), name)


# ----------------------------------------------------------------------------- writing and changing


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


def _toml_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def price_list_to_toml(prices: PriceList) -> str:
    """The list as TOML that :func:`parse_price_list` reads back the same.

    >>> p = PriceList("x", "KZT", {"lawn": 4500.0, "bench": 2.5}, illustrative=True)
    >>> parse_price_list(price_list_to_toml(p), "x") == p
    True

    Parameters
    ----------
    prices
        The list.

    Returns
    -------
    str
        The TOML text.
    """
    lines = [f"currency = {_toml_string(prices.currency)}", f"illustrative = {str(prices.illustrative).lower()}"]
    for part, texts in (("title", prices.title), ("note", prices.note)):
        if texts:
            lines += ["", f"[{part}]", *(f"{lang} = {_toml_string(texts[lang])}" for lang in _LANGS if lang in texts)]
    for kind in KINDS:
        priced = [(c.id, prices.prices[c.id]) for c in categories(kind) if c.id in prices.prices]
        if priced:
            lines += ["", f"[{kind}]  # per {UNITS[kind]}", *(f"{cid} = {_toml_number(v)}" for cid, v in priced)]
    return "\n".join(lines) + "\n"


def with_prices(prices: PriceList, changes: Mapping[str, float | None], *, illustrative: bool, name: str) -> PriceList:
    """The list with some unit prices changed (None removes a price), as edited by the facilitator.

    Parameters
    ----------
    prices
        The list to start from.
    changes
        Category id -> its new unit price, or None for no price.
    illustrative
        Whether the figures are still placeholders.
    name
        The edited list's name.

    Returns
    -------
    PriceList
        The new list (checked as if read from its TOML text).
    """
    merged = dict(prices.prices)
    for cid, value in changes.items():
        if value is None:
            merged.pop(cid, None)
        else:
            merged[cid] = value
    draft = replace(prices, name=name, prices=merged, illustrative=illustrative, text="")
    text = price_list_to_toml(draft)
    return parse_price_list(text, name)


# ----------------------------------------------------------------------------- a session's choice


@dataclass(frozen=True)
class SessionCosting:
    """The price list a session uses and its budget (None: no budget set)."""

    prices: PriceList = field(default_factory=lambda: load_price_list())
    budget: float | None = None
    #: ``bundled`` (a list of data/prices), ``uploaded`` or ``edited`` (on the facilitator's page).
    source: str = "bundled"


def with_budget(costing: SessionCosting, budget: float | None) -> SessionCosting:
    """The costing with a new budget; ``prices.bad_budget`` unless it is None or in (0, :data:`MAX_BUDGET`].

    Parameters
    ----------
    costing
        The session's costing.
    budget
        The budget in the price list's currency, or None for no budget.

    Returns
    -------
    SessionCosting
        The changed costing.
    """
    if budget is not None and (isinstance(budget, bool) or not math.isfinite(budget) or not 0 < budget <= MAX_BUDGET):
        raise CodesignError("prices.bad_budget", value=str(budget)[:20])
    return replace(costing, budget=None if budget is None else float(budget))


def costing_to_json(costing: SessionCosting) -> dict[str, Any]:
    """The document a store keeps: the list's name, source and TOML text, and the budget.

    Parameters
    ----------
    costing
        The session's costing.

    Returns
    -------
    dict
        What :func:`costing_from_json` reads back.
    """
    prices = costing.prices
    return {
        "prices": {"name": prices.name, "source": costing.source, "toml": prices.text or price_list_to_toml(prices)},
        "budget": costing.budget,
    }


def costing_from_json(document: Any) -> SessionCosting:
    """Read what :func:`costing_to_json` wrote; None or an unreadable list gives the default list.

    Parameters
    ----------
    document
        The stored document, or None.

    Returns
    -------
    SessionCosting
        The session's costing.
    """
    if not isinstance(document, Mapping):
        return SessionCosting()
    budget = document.get("budget")
    budget = float(budget) if isinstance(budget, int | float) and not isinstance(budget, bool) and budget > 0 else None
    stored = document.get("prices")
    if not isinstance(stored, Mapping) or not isinstance(stored.get("toml"), str):
        return SessionCosting(budget=budget)
    name = stored.get("name") if isinstance(stored.get("name"), str) else "session"
    source = stored.get("source") if stored.get("source") in ("bundled", "uploaded", "edited") else "uploaded"
    try:
        prices = parse_price_list(stored["toml"], safe_name(str(name)))
    except PriceListError:  # checked when it was chosen; a list that no longer reads falls back
        return SessionCosting(budget=budget)
    return SessionCosting(prices, budget, str(source))
