"""Match a value from someone else's plan to a taxonomy category.

Values look like "Детская площадка", "ZONE_PARKING" (a CAD layer) or "amenity=bench" (OSM).
Labels in ru/kk/en, the category id and the ``aliases`` of ``codesign/data/taxonomy.toml``
are compared after normalising case, ``ё``/``е``, punctuation and underscores; then by
words (a phrase whose words all appear in the value); then with a spelling tolerance
(:mod:`difflib`). A tie between two categories gives no suggestion rather than a guess.

>>> suggest_category("PLAYGROUND "), suggest_category("детская игровая площадка")
('playground', 'playground')
>>> suggest_category("ZONE_PARKING"), suggest_category("leisure=pitch"), suggest_category("Газон")
('parking', 'sports_ground', 'lawn')
>>> suggest_category("Аллея", "path"), suggest_category("Аллея", "zone"), suggest_category("Аллея")
('walkway', 'tree_planting', None)
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any

from codesign.domain.taxonomy import Kind, categories

__all__ = ["normalise", "suggest_category", "value_key"]

#: Words that say nothing about the category (CAD layer and GIS naming habits).
_GENERIC_WORDS = frozenset(
    (
        *("zone", "zones", "area", "areas", "layer", "lyr", "plan", "proposed", "new", "existing", "project"),
        *("proj", "poly", "polygon", "polyline", "line", "lines", "point", "points", "feature", "features"),
        *("hatch", "a", "an", "the", "of", "for", "and", "with"),
        *("зона", "зоны", "участок", "территория", "слой", "проект", "проектируемый", "проектируемая"),
        *("новый", "новая", "существующий", "план", "для", "и", "с", "на", "в", "по"),
        *("аймақ", "аймағы", "жоба", "қабат"),
    )
)
#: Longest value we try to match (longer text is a description, not a category).
_MAX_VALUE_LENGTH = 120
_WHOLE_RATIO = 0.85
_WORD_RATIO = 0.85
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
#: An OpenStreetMap tag such as ``leisure=playground``.
_OSM_TAG = re.compile(r"^\s*[a-z][a-z0-9_:]*\s*=\s*([^=]+?)\s*$")


def normalise(text: str) -> str:
    """Lowercase, ``ё`` -> ``е``, punctuation and underscores -> single spaces.

    >>> normalise("  Детская_площадка (ЁЛКИ)  "), normalise("leisure=playground")
    ('детская площадка елки', 'leisure playground')

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The text as the vocabulary is matched.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_NON_WORD.sub(" ", folded).split())


def value_key(value: Any) -> str:
    """An attribute value as the string used in mappings: ``""`` for missing, ``"3"`` for 3.0.

    >>> value_key(None), value_key(float("nan")), value_key(3.0), value_key(True), value_key("Газон")
    ('', '', '3', 'true', 'Газон')

    Parameters
    ----------
    value
        An attribute's value as read.

    Returns
    -------
    str
        The mapping key.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    try:
        if value != value:  # pandas NaT and friends
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


@cache
def _phrases(kind: Kind | None) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(category id, normalised phrase, its meaningful words) for every label, alias and id."""
    result: list[tuple[str, str, tuple[str, ...]]] = []
    for cat in categories(kind):
        texts = [cat.id, *cat.labels.values(), *cat.aliases]
        for label in cat.labels.values():
            texts.extend(part for part in label.split("/") if part.strip())  # "Кафе / киоск"
        seen: set[str] = set()
        for text in texts:
            phrase = normalise(text)
            if phrase and phrase not in seen:
                seen.add(phrase)
                result.append((cat.id, phrase, _meaningful_words(phrase)))
    return tuple(result)


def _meaningful_words(phrase: str) -> tuple[str, ...]:
    words = tuple(w for w in phrase.split() if w not in _GENERIC_WORDS)
    return words or tuple(phrase.split())


#: Russian case and number endings, longest first ("детские площадки" ~ "детская площадка").
_RU_ENDINGS = tuple(
    sorted(
        (
            *("ями", "ами", "иях", "ах", "ях", "ов", "ев", "ей", "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие"),
            *("ые", "ую", "юю", "ых", "их", "ым", "им", "ом", "ем", "ам", "ям"),
            *("а", "я", "о", "е", "и", "ы", "у", "ю", "ь", "й"),
        ),
        key=len,
        reverse=True,
    )
)
_CYRILLIC = re.compile(r"[а-яәғқңөұүһі]")


@cache
def _stem(word: str) -> str:
    """A crude stem for Cyrillic words: drop one case/number ending if 4+ letters remain.

    >>> _stem("площадки") == _stem("площадка"), _stem("детские") == _stem("детская"), _stem("bench")
    (True, True, 'bench')
    """
    if not _CYRILLIC.search(word):
        return word
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _unique_best(scored: list[tuple[float, str]]) -> str | None:
    """The category with the best score, or None if another category ties with it."""
    if not scored:
        return None
    best = max(score for score, _ in scored)
    winners = {cat for score, cat in scored if score >= best - 1e-9}
    return winners.pop() if len(winners) == 1 else None


def _could_reach(a: str, b: str, ratio: float) -> bool:
    """Whether two strings' lengths allow a :class:`SequenceMatcher` ratio of at least ``ratio``."""
    return 2 * min(len(a), len(b)) >= ratio * (len(a) + len(b))


@lru_cache(maxsize=65536)
def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4 or not _could_reach(a, b, _WORD_RATIO):
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def suggest_category(value: object, kind: Kind | None = None) -> str | None:
    """The category id a plan's value most likely means, or ``None`` when unsure.

    Parameters
    ----------
    value
        An attribute's value, e.g. ``Детская площадка`` or ``leisure=playground``.
    kind
        Zone, path or amenity: only categories of that kind of geometry; ``None`` for any.

    Returns
    -------
    str or None
        The category id.
    """
    text = value_key(value)
    if not text or len(text) > _MAX_VALUE_LENGTH:
        return None
    tag = _OSM_TAG.match(text.casefold())
    if tag:  # "leisure=pitch": the whole tag if it is an alias, else only its value ("park" is not "dog park")
        whole = normalise(text)
        exact = [(1.0, cat) for cat, phrase, _ in _phrases(kind) if phrase == whole]
        return _unique_best(exact) if exact else _suggest(normalise(tag.group(1)), kind)
    return _suggest(normalise(text), kind)


@lru_cache(maxsize=65536)
def _suggest(text: str, kind: Kind | None) -> str | None:
    if not text or not any(ch.isalpha() for ch in text):
        return None  # numbers, codes: not a category name
    phrases = _phrases(kind)
    words = _meaningful_words(text)
    stripped = " ".join(words)
    # 1. the whole value is a label, alias or id (also once generic words like "zone" are dropped)
    exact = [(1.0, cat) for cat, phrase, _ in phrases if phrase in (text, stripped)]
    if exact:
        return _unique_best(exact)
    # 2. every word of a phrase appears in the value (up to case endings): the longest such phrase wins
    value_stems = {_stem(w) for w in words}
    contained = [(float(len(pw)), cat) for cat, _, pw in phrases if {_stem(w) for w in pw} <= value_stems]
    if contained:
        return _unique_best(contained)
    # 3. spelling tolerance: the whole string, or every word of a phrase close to a word of the value
    fuzzy: list[tuple[float, str]] = []
    for cat, phrase, phrase_words in phrases:
        whole = SequenceMatcher(None, stripped, phrase).ratio() if _could_reach(stripped, phrase, _WHOLE_RATIO) else 0
        if whole >= _WHOLE_RATIO:
            fuzzy.append((whole, cat))
            continue
        if len(phrase_words) > len(words):
            continue
        ratios = [max(_word_similarity(pw, w) for w in words) for pw in phrase_words]
        if min(ratios) >= _WORD_RATIO:
            fuzzy.append((sum(ratios) / len(ratios) * min(1.0, len(phrase_words) / len(words)), cat))
    if not fuzzy:
        return None
    return _unique_best([(round(score, 3), cat) for score, cat in fuzzy])
