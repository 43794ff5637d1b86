"""Which attribute of an imported file says what each feature is, and which category each value means.

>>> from shapely.geometry import Point, box
>>> features = [RawFeature(box(0, 0, 1, 1), {"id": 1, "type": "Газон"}),
...             RawFeature(box(1, 1, 2, 2), {"id": 2, "type": "Детская площадка"}),
...             RawFeature(Point(0, 0), {"id": 3, "type": "Скамейка"})]
>>> rank_attributes(features)
('type', 'id')
>>> {value: info.suggested for value, info in _suggest(features, "type").values.items()}
{'Газон': 'lawn', 'Детская площадка': 'playground', 'Скамейка': 'bench'}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codesign.domain.taxonomy import KINDS, Kind, geometry_kind
from codesign.io.categories import suggest_category, value_key
from codesign.io.model import MappingSuggestion, RawFeature, ValueInfo

if TYPE_CHECKING:
    from codesign.io.model import ImportedFile

__all__ = ["rank_attributes", "suggest_mapping"]

#: Attribute names people use for "what is this", most telling first (ties are broken by this).
PREFERRED_ATTRIBUTES = (
    "category",
    "osm_tag",
    "type",
    "class",
    "kind",
    "layer",
    "Layer",
    "name",
    "Name",
    "leisure",
    "amenity",
    "highway",
    "landuse",
    "description",
)
#: Only the most frequent values of an attribute are matched when ranking attributes.
_VALUES_FOR_RANKING = 40
#: Values beyond this many (by frequency) get no suggestion (free text, ids).
_VALUES_WITH_SUGGESTION = 500


def _kind_of(feature: RawFeature) -> Kind | None:
    return geometry_kind(feature.geometry.geom_type)


def _suggest_for(value: str, kinds: Sequence[Kind]) -> str | None:
    """A category for ``value``: first among its features' kind, then any kind."""
    if len(kinds) == 1:
        suggestion = suggest_category(value, kinds[0])
        if suggestion is not None:
            return suggestion
    return suggest_category(value)


def _value_table(
    features: Sequence[RawFeature], attribute: str, feature_kinds: Sequence[Kind | None] | None = None
) -> dict[str, tuple[int, tuple[Kind, ...]]]:
    """Distinct values of ``attribute`` (most frequent first) with their count and geometry kinds."""
    if feature_kinds is None:
        feature_kinds = [_kind_of(f) for f in features]
    counts: Counter[str] = Counter()
    kinds: dict[str, set[Kind]] = {}
    for feature, kind in zip(features, feature_kinds, strict=True):
        value = value_key(feature.properties.get(attribute)) if attribute else ""
        counts[value] += 1
        if kind is not None:
            kinds.setdefault(value, set()).add(kind)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {value: (count, tuple(k for k in KINDS if k in kinds.get(value, ()))) for value, count in ordered}


def rank_attributes(features: Sequence[RawFeature]) -> tuple[str, ...]:
    """Attribute names, those whose values map best to categories first.

    The score is the share of features whose value gets a suggested category (only the
    most frequent values are tried); ties go to the usual names (``category``, ``type``,
    ``layer``, ``name``...), then to attributes with fewer distinct values.

    Parameters
    ----------
    features
        The features read.

    Returns
    -------
    tuple of str
        The attribute names, best first.
    """
    names: dict[str, None] = {}
    for feature in features:
        for key, value in feature.properties.items():
            if value is not None and value != "":
                names.setdefault(key, None)
    total = len(features) or 1
    feature_kinds = [_kind_of(f) for f in features]
    scored: list[tuple[float, bool, int, int, str]] = []
    for attribute in names:
        table = _value_table(features, attribute, feature_kinds)
        mapped = 0
        for index, (value, (count, kinds)) in enumerate(table.items()):
            if index >= _VALUES_FOR_RANKING:
                break
            if value and _suggest_for(value, kinds) is not None:
                mapped += count
        preferred = (
            PREFERRED_ATTRIBUTES.index(attribute) if attribute in PREFERRED_ATTRIBUTES else len(PREFERRED_ATTRIBUTES)
        )
        constant = len(table) == 1 and not mapped  # the same value everywhere says nothing
        scored.append((-round(mapped / total, 3), constant, preferred, len(table), attribute))
    return tuple(attribute for *_, attribute in sorted(scored))


def _suggest(features: Sequence[RawFeature], attribute: str) -> MappingSuggestion:
    values: dict[str, ValueInfo] = {}
    for index, (value, (count, kinds)) in enumerate(_value_table(features, attribute).items()):
        suggested = _suggest_for(value, kinds) if value and index < _VALUES_WITH_SUGGESTION else None
        values[value] = ValueInfo(count=count, kinds=kinds, suggested=suggested)
    return MappingSuggestion(attribute=attribute, values=values)


def suggest_mapping(imported: ImportedFile, attribute: str | None = None) -> MappingSuggestion:
    """The distinct values of ``attribute`` (default: the most useful one) with a suggested category each.

    Values are ordered by how many features have them; ``""`` stands for features without
    the attribute. With no attributes at all, every feature has the value ``""``.

    Parameters
    ----------
    imported
        The file as read.
    attribute
        The attribute to categorise by; None for the best ranked.

    Returns
    -------
    MappingSuggestion
        The attribute and, per value, its count, kinds and suggested category.
    """
    if attribute is None:
        attribute = imported.attributes[0] if imported.attributes else ""
    return _suggest(imported.features, attribute)
