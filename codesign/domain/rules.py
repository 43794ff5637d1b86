r"""Design-norm rule packs: ``data/rules/<pack>.toml`` -> :class:`RulePack`, refused with the line and the reason.

A pack holds rules of eight kinds (``min_share``, ``max_share``, ``min_area``, ``max_area``,
``min_distance``, ``max_distance``, ``min_count_per_area``, ``paths_connect``); each rule has an
``id``, a title in ru/kk/en, its parameters and a ``source`` (a norm document and clause, or
``"illustrative"`` for a placeholder the city is to set). The format is in ``data/rules/README.md``;
:mod:`codesign.analysis.norms` evaluates a pack on a concept.

A site names its pack in ``site.toml`` (``rules = "aksu-illustrative"``); a facilitator may upload
another, which the session keeps as :class:`StoredPack` (its file name and text).

>>> pack = load_pack("aksu-illustrative")
>>> pack.illustrative, pack.rules[0].kind
(True, 'min_share')
>>> text = '[pack]\nid = "x"\ntitle = {ru = "а", kk = "ә", en = "a"}\n[[rule]]\nid = "a"\nkind = "min_share"\n'
>>> try:
...     parse_pack(text, "x.toml")
... except RulePackError as err:
...     print(err.params["line"], err.params["reason"])
4 rule 'a' (min_share) needs categories
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from codesign.config import DATA_DIR
from codesign.domain.taxonomy import Kind, categories
from codesign.errors import CodesignError

__all__ = [
    "CONTEXT_CATEGORIES",
    "ILLUSTRATIVE",
    "MAX_PACK_BYTES",
    "MAX_RULES",
    "RULES_DIR",
    "RULE_KINDS",
    "Rule",
    "RulePack",
    "RulePackError",
    "StoredPack",
    "load_pack",
    "parse_pack",
    "rule_unit",
]

RULES_DIR = DATA_DIR / "rules"
#: The ``source`` of a rule whose number is a placeholder for the city to set.
ILLUSTRATIVE = "illustrative"
#: Context layers of a site that distance rules may name beside the taxonomy's categories.
CONTEXT_CATEGORIES = ("building", "street")
RuleKind = Literal[
    "min_share",
    "max_share",
    "min_area",
    "max_area",
    "min_distance",
    "max_distance",
    "min_count_per_area",
    "paths_connect",
]
RULE_KINDS: tuple[str, ...] = get_args(RuleKind)
#: A pack file is read only up to this size (a real one is a few KB).
MAX_PACK_BYTES = 200_000
#: Most rules in one pack.
MAX_RULES = 100
_LANGS = ("ru", "kk", "en")
_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_MAX_TEXT = 300

#: Parameters of each kind: name -> what it holds. ``categories``-like lists are checked against
#: the taxonomy (and :data:`CONTEXT_CATEGORIES` where distances allow them).
_PARAMS: dict[str, dict[str, str]] = {
    "min_share": {"categories": "zones", "value": "share"},
    "max_share": {"categories": "zones", "value": "share"},
    "min_area": {"categories": "zones", "value_m2": "positive"},
    "max_area": {"categories": "zones", "value_m2": "positive"},
    "min_distance": {"from": "any+context", "to": "any+context", "value_m": "positive"},
    "max_distance": {"from": "any", "to": "any+context", "value_m": "positive"},
    "min_count_per_area": {
        "amenity": "amenities",
        "categories": "areas?",
        "per_m2": "positive",
        "path_width_m": "positive?",
        "near_m": "positive?",
    },
    "paths_connect": {"categories": "paths?", "snap_m": "positive?"},
}
_COMMON = {"id", "kind", "title", "short", "source", "note"}


class RulePackError(CodesignError):
    """A rule pack that cannot be used: the file, the line (0 if unknown) and the reason."""

    key = "rules.invalid"


@dataclass(frozen=True)
class Rule:
    """One rule of a pack; ``params`` holds the kind's parameters as the pack gives them."""

    id: str
    kind: str
    title: dict[str, str]
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 0
    #: Free text: where the number comes from, what to check before the city adopts it.
    note: str = ""
    #: A short name for a badge (ru/kk/en); the title when the pack gives none.
    short: dict[str, str] = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        """Whether the number is a placeholder (``source = "illustrative"``).

        Returns
        -------
        bool
            True for a placeholder.
        """
        return self.source == ILLUSTRATIVE

    def label(self, lang: str) -> str:
        """The title in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The title.
        """
        return self.title[lang]

    def short_label(self, lang: str) -> str:
        """The badge's short name in one language (the title when the pack gives none).

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The short name.
        """
        return self.short.get(lang) or self.title[lang]

    def required(self) -> float:
        """The rule's number in its unit (:func:`rule_unit`): share, m², m, items or entrances.

        Returns
        -------
        float
            ``value``, ``value_m2`` or ``value_m``; ``per_m2`` for counts; 0 for ``paths_connect``.
        """
        for name in ("value", "value_m2", "value_m", "per_m2"):
            if name in self.params:
                return float(self.params[name])
        return 0.0

    def categories(self, name: str = "categories") -> tuple[str, ...]:
        """A list parameter (``categories``, ``from``, ``to``, ``amenity``) as a tuple.

        Parameters
        ----------
        name
            The parameter.

        Returns
        -------
        tuple of str
            Empty when the rule does not set it.
        """
        value = self.params.get(name, ())
        return (value,) if isinstance(value, str) else tuple(value)

    def __hash__(self) -> int:
        return hash((self.id, self.kind))


@dataclass(frozen=True)
class RulePack:
    """A named set of rules; ``illustrative`` when its numbers are placeholders."""

    id: str
    title: dict[str, str]
    rules: tuple[Rule, ...]
    illustrative: bool = False
    note: dict[str, str] = field(default_factory=dict)
    file_name: str = ""

    def label(self, lang: str) -> str:
        """The pack's title in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The title.
        """
        return self.title[lang]

    def rule(self, rule_id: str) -> Rule:
        """The rule with that id.

        Parameters
        ----------
        rule_id
            The rule's id.

        Returns
        -------
        Rule
            The rule (``rules.unknown_rule`` when there is none).
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise CodesignError("rules.unknown_rule", rule=rule_id[:80])

    def __hash__(self) -> int:
        return hash((self.id, self.file_name, self.rules))


@dataclass(frozen=True)
class StoredPack:
    """A pack a facilitator uploaded to a session: its file name and its TOML text."""

    name: str
    text: str

    def to_json(self) -> dict[str, str]:
        """The document the stores keep.

        Returns
        -------
        dict of str to str
            ``{"name": ..., "toml": ...}``.
        """
        return {"name": self.name, "toml": self.text}

    @staticmethod
    def from_json(document: Any) -> StoredPack | None:
        """The stored pack from its document (None when none is stored).

        Parameters
        ----------
        document
            What the store read.

        Returns
        -------
        StoredPack or None
            None for a missing or unreadable document.
        """
        if not isinstance(document, dict) or not isinstance(document.get("toml"), str):
            return None
        return StoredPack(str(document.get("name", "rules.toml"))[:120], document["toml"])


def rule_unit(kind: str) -> str:
    """The unit of a kind's measured and required numbers.

    >>> rule_unit("min_distance"), rule_unit("max_share")
    ('m', 'share')

    Parameters
    ----------
    kind
        A rule kind.

    Returns
    -------
    str
        ``share`` (0..1), ``m2``, ``m``, ``items`` (``min_count_per_area``: measured amenities,
        required the m² per amenity) or ``entrances``.
    """
    return {
        "min_share": "share",
        "max_share": "share",
        "min_area": "m2",
        "max_area": "m2",
        "min_distance": "m",
        "max_distance": "m",
        "min_count_per_area": "items",
        "paths_connect": "entrances",
    }[kind]


class _Lines:
    """Where each ``[[rule]]`` and each key starts in the text, for messages that name the line.

    Parameters
    ----------
    text
        The pack's TOML text.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.rule_starts = [i + 1 for i, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*rule\s*\]\]", line)]

    def rule(self, index: int) -> int:
        """The line of the ``index``-th ``[[rule]]`` header.

        Parameters
        ----------
        index
            The rule's position in the pack, from 0.

        Returns
        -------
        int
            The line number (from 1), 0 when there is no such header.
        """
        return self.rule_starts[index] if index < len(self.rule_starts) else 0

    def key(self, index: int, key: str) -> int:
        """The line of ``key =`` inside rule ``index``.

        Parameters
        ----------
        index
            The rule's position in the pack, from 0.
        key
            The parameter's name.

        Returns
        -------
        int
            The line number, or the rule's header line when the key is not found.
        """
        start = self.rule(index)
        end = self.rule_starts[index + 1] if index + 1 < len(self.rule_starts) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start, end):
            if 0 < number <= len(self.lines) and pattern.match(self.lines[number - 1]):
                return number
        return start


def _fail(file_name: str, line: int, reason: str) -> RulePackError:
    return RulePackError(file=file_name, line=line, reason=reason)


def _texts(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang] for lang in _LANGS):
        raise ValueError(f'{what} needs ru, kk and en texts, e.g. {what} = {{ ru = "...", kk = "...", en = "..." }}')
    if any(len(value[lang]) > _MAX_TEXT for lang in _LANGS):
        raise ValueError(f"{what} is longer than {_MAX_TEXT} characters")
    return {lang: value[lang] for lang in _LANGS}


def _allowed(what: str) -> tuple[set[str], str]:
    """The names a list parameter may hold, and how to say it."""
    kinds: dict[str, tuple[Kind, ...]] = {
        "zones": ("zone",),
        "amenities": ("amenity",),
        "areas": ("zone", "path"),
        "paths": ("path", "zone"),
        "any": ("zone", "path", "amenity"),
    }
    base = what.split("+")[0].rstrip("?")
    names = {c.id for kind in kinds[base] for c in categories(kind)}
    if what.endswith("+context") or "+context" in what:
        names |= set(CONTEXT_CATEGORIES)
    return names, base


def _check_param(name: str, what: str, value: Any) -> Any:
    """One parameter checked (ValueError says what is wrong)."""
    if what.rstrip("?") in ("share", "positive"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{name} must be a number, got {value!r:.40}")
        if what.startswith("share") and not 0 <= value <= 1:
            raise ValueError(f"{name} is a share of the site: between 0 and 1 (0.6 for 60 %), got {value}")
        if what.startswith("positive") and value <= 0:
            raise ValueError(f"{name} must be more than 0, got {value}")
        return float(value)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items) or len(items) > 40:
        raise ValueError(f'{name} must be a list of category ids, e.g. {name} = ["playground"]')
    allowed, kinds = _allowed(what)
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise ValueError(
            f"unknown categor{'y' if len(unknown) == 1 else 'ies'} in {name}: {', '.join(u[:40] for u in unknown)}"
            f" ({kinds} allowed here: {', '.join(sorted(allowed))})"
        )
    return items


def _rule(raw: Any, index: int, lines: _Lines, file_name: str) -> Rule:
    """One ``[[rule]]`` table checked."""

    def fail(key: str | None, reason: str) -> RulePackError:
        return _fail(file_name, lines.key(index, key) if key else lines.rule(index), reason)

    if not isinstance(raw, dict):
        raise fail(None, "each [[rule]] must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _PACK_ID.fullmatch(rule_id):
        raise fail("id", 'id must be a short lowercase slug (letters, digits, - and _), e.g. id = "parking-playground"')
    kind = raw.get("kind")
    if kind not in _PARAMS:
        raise fail("kind", f"kind {str(kind)[:40]!r} is not one of {', '.join(RULE_KINDS)}")
    params: dict[str, Any] = {}
    spec = _PARAMS[kind]
    for key in raw:
        if key not in spec and key not in _COMMON:
            raise fail(key, f"{key[:40]!r} is not a parameter of {kind} (it takes {', '.join(spec)})")
    for name, what in spec.items():
        if name not in raw:
            if what.endswith("?"):
                continue
            raise fail(None, f"rule {rule_id!r} ({kind}) needs {name}")
        try:
            params[name] = _check_param(name, what, raw[name])
        except ValueError as err:
            raise fail(name, f"rule {rule_id!r}: {err}") from None
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > _MAX_TEXT:
        raise fail("source", f'rule {rule_id!r} needs a source: the norm and its clause, or source = "{ILLUSTRATIVE}"')
    try:
        title = _texts(raw.get("title"), "title")
    except ValueError as err:
        raise fail("title", f"rule {rule_id!r}: {err}") from None
    note = raw.get("note", "")
    if not isinstance(note, str) or len(note) > 2 * _MAX_TEXT:
        raise fail("note", f"rule {rule_id!r}: note must be a text of at most {2 * _MAX_TEXT} characters")
    try:
        short = _texts(raw["short"], "short") if "short" in raw else {}
    except ValueError as err:
        raise fail("short", f"rule {rule_id!r}: {err}") from None
    return Rule(rule_id, kind, title, source.strip(), params, lines.rule(index), note, short)


@lru_cache(maxsize=32)  # the pack of a session is read on every tablet rerun: its text is parsed once
def parse_pack(text: str, file_name: str = "rules.toml") -> RulePack:
    """A pack from its TOML text; :class:`RulePackError` names the line and the reason.

    Parameters
    ----------
    text
        The TOML text.
    file_name
        The file's name, for messages.

    Returns
    -------
    RulePack
        The checked pack.
    """
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        raise _fail(file_name, 0, f"the file is larger than {MAX_PACK_BYTES // 1000} KB")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", 0) or int((re.search(r"line (\d+)", str(err)) or [0, 0])[1])
        raise _fail(file_name, line, f"not valid TOML: {str(err)[:160]}") from None
    lines = _Lines(text)
    pack = raw.get("pack")
    if not isinstance(pack, dict):
        raise _fail(file_name, 1, "the file needs a [pack] table with id, title and illustrative = true/false")
    pack_line = next((i + 1 for i, line in enumerate(lines.lines) if line.strip() == "[pack]"), 1)
    pack_id = pack.get("id")
    if not isinstance(pack_id, str) or not _PACK_ID.fullmatch(pack_id):
        raise _fail(file_name, pack_line, 'the [pack] needs an id: a short lowercase slug, e.g. id = "my-city"')
    try:
        title = _texts(pack.get("title"), "the [pack] title")
        note = _texts(pack["note"], "the [pack] note") if "note" in pack else {}
    except ValueError as err:
        raise _fail(file_name, pack_line, str(err)) from None
    rules_raw = raw.get("rule", [])
    if not isinstance(rules_raw, list) or not rules_raw:
        raise _fail(file_name, 0, "the pack has no [[rule]]")
    if len(rules_raw) > MAX_RULES:
        raise _fail(file_name, lines.rule(MAX_RULES), f"more than {MAX_RULES} rules")
    rules = [_rule(entry, index, lines, file_name) for index, entry in enumerate(rules_raw)]
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.id in seen:
            raise _fail(file_name, lines.key(index, "id"), f"the id {rule.id!r} is used twice")
        seen.add(rule.id)
    illustrative = bool(pack.get("illustrative", False)) or all(r.illustrative for r in rules)
    return RulePack(pack_id, title, tuple(rules), illustrative, note, file_name)


def load_pack(name: str, folder: Path | None = None) -> RulePack:
    """The pack ``data/rules/<name>.toml``.

    Parameters
    ----------
    name
        The pack's file name without ``.toml``.
    folder
        Where packs live (default :data:`RULES_DIR`).

    Returns
    -------
    RulePack
        The pack (:class:`RulePackError` if it is malformed or missing).
    """
    if not _PACK_ID.fullmatch(name):
        raise _fail(f"{name[:60]}.toml", 0, "a pack's name is a short lowercase slug")
    path = (folder or RULES_DIR) / f"{name}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise _fail(path.name, 0, f"cannot read the file ({type(err).__name__})") from None
    return parse_pack(text, path.name)
