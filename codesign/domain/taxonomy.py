"""The zone, path and amenity categories, loaded from ``codesign/data/taxonomy.toml``.

>>> category("playground").kind
'zone'
>>> category("bench").label("kk")
'Орындық'
>>> [c.id for c in categories("path")]
['walkway', 'cycle_path']
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from codesign.errors import CodesignError

__all__ = [
    "KINDS",
    "Category",
    "Kind",
    "categories",
    "category",
    "geometry_kind",
]

Kind = Literal["zone", "path", "amenity"]
KINDS: tuple[Kind, ...] = ("zone", "path", "amenity")
_TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "data" / "taxonomy.toml"

#: GeoJSON geometry types each kind accepts.
_GEOMETRY_TYPES: dict[Kind, tuple[str, ...]] = {
    "zone": ("Polygon", "MultiPolygon"),
    "path": ("LineString", "MultiLineString"),
    "amenity": ("Point",),
}


@dataclass(frozen=True)
class Category:
    """One category: ``id`` is a stable lowercase English slug."""

    id: str
    kind: Kind
    colour: str
    icon: str
    labels: dict[str, str]
    #: Extra spellings the plan importer matches (lowercase): synonyms, OSM tags, CAD layer words.
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The label in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The label.
        """
        return self.labels[lang]

    def __hash__(self) -> int:
        return hash(self.id)


@cache
def _load() -> dict[str, Category]:
    with open(_TAXONOMY_FILE, "rb") as handle:
        raw = tomllib.load(handle)
    result: dict[str, Category] = {}
    for entry in raw["category"]:
        result[entry["id"]] = Category(
            id=entry["id"],
            kind=entry["kind"],
            colour=entry["colour"],
            icon=entry["icon"],
            labels={lang: entry[lang] for lang in ("ru", "kk", "en")},
            aliases=tuple(entry.get("aliases", ())),
        )
    return result


def categories(kind: Kind | None = None) -> list[Category]:
    """All categories in taxonomy order, or only those of one kind.

    Parameters
    ----------
    kind
        ``zone``, ``path`` or ``amenity``; ``None`` for all.

    Returns
    -------
    list of Category
        In the order of ``taxonomy.toml``.
    """
    return [c for c in _load().values() if kind is None or c.kind == kind]


def category(category_id: str) -> Category:
    """The category with that id; :class:`CodesignError` names unknown ids.

    Parameters
    ----------
    category_id
        The category's id (``playground``).

    Returns
    -------
    Category
        The category.
    """
    try:
        return _load()[category_id]
    except KeyError:
        raise CodesignError("error.unknown_category", category=category_id) from None


def geometry_kind(geometry_type: str) -> Kind | None:
    """The kind a GeoJSON geometry type draws: ``"Polygon"`` -> ``"zone"``.

    >>> geometry_kind("LineString"), geometry_kind("GeometryCollection")
    ('path', None)

    Parameters
    ----------
    geometry_type
        A GeoJSON geometry type.

    Returns
    -------
    Kind or None
        ``None`` for a type no kind draws.
    """
    for kind, types in _GEOMETRY_TYPES.items():
        if geometry_type in types:
            return kind
    return None
