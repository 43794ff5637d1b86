"""A scanned sheet into a concept: the marks placed on the site, mapped to categories, validated.

The marks are georeferenced by the sheet's known extent (:meth:`SheetScan.georeference`) and
handed, as an imported file whose one attribute is the pen colour, to the importer's
:func:`codesign.io.build_concept`: the same validation as a drawing or a GIS file (fitted to
the category's kind, clipped to the site, repaired, refused with reasons). The concept's
``source`` then says it came from paper (:func:`codesign.domain.paper.paper_source`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.paper import PEN_COLOURS, paper_source
from codesign.domain.taxonomy import category

if TYPE_CHECKING:
    from codesign.domain.site import Site
    from codesign.io import ImportedFile, ImportResult
    from codesign.paper.scan import SheetScan

__all__ = ["COLOUR_ATTRIBUTE", "marks_in_metres", "scan_to_concept", "scan_to_file"]

#: The attribute of the imported file that holds each mark's pen colour.
COLOUR_ATTRIBUTE = "colour"


def marks_in_metres(scan: SheetScan, site: Site) -> list[tuple[str, str, BaseGeometry]]:
    """Every mark as (colour, kind, geometry in the site's metres).

    Parameters
    ----------
    scan
        The scan of a sheet.
    site
        The session's site (its metric frame places the sheet's map).

    Returns
    -------
    list of tuple
        Colour, ``area`` / ``dot`` / ``line``, and the shape in metres.
    """
    georef = scan.georeference(site.frame)
    return [(m.colour, m.kind, shapely.transform(m.geometry, georef.to_metres)) for m in scan.marks]


def scan_to_file(scan: SheetScan, site: Site, photo_name: str) -> ImportedFile:
    """The scan as an imported file: one feature a mark (WGS84), its attribute the pen colour.

    Parameters
    ----------
    scan
        The scan of a sheet.
    site
        The session's site.
    photo_name
        The photo's file name.

    Returns
    -------
    ImportedFile
        Ready for :func:`codesign.io.build_concept` with ``attribute="colour"``.
    """
    from codesign.io import ImportedFile, RawFeature

    features = tuple(
        RawFeature(site.frame.to_lonlat(geometry), {COLOUR_ATTRIBUTE: colour, "mark": kind})
        for colour, kind, geometry in marks_in_metres(scan, site)
    )
    return ImportedFile(
        file_name="".join(ch for ch in photo_name if ch.isprintable())[:120],
        format="paper",
        source_crs=f"EPSG:{site.frame.crs.to_epsg()}",
        features=features,
        notices=(),
        attributes=(COLOUR_ATTRIBUTE,),
    )


def scan_to_concept(
    scan: SheetScan,
    site: Site,
    team: str,
    mapping: Mapping[str, str | None],
    *,
    title: str = "",
    photo_name: str = "photo.jpg",
) -> ImportResult:
    """The team's concept from a scan and the confirmed colour -> category mapping.

    A colour mapped to None (or not at all) is left out and listed as unmapped; a mark that
    does not fit its category (a dot mapped to a zone) or lies outside the site is rejected
    with the reason, exactly as on import.

    Parameters
    ----------
    scan
        The scan of a sheet.
    site
        The session's site.
    team
        The team whose next version it becomes.
    mapping
        Pen colour -> category id, or None to leave that colour out.
    title
        The concept's title.
    photo_name
        The photo's file name (kept in the concept's ``source``).

    Returns
    -------
    ImportResult
        The concept (``source.format == "paper"``) and what was left out or changed.
    """
    from codesign.io import ImportResult, build_concept

    unknown = [colour for colour in mapping if colour not in PEN_COLOURS]
    if unknown:
        raise ValueError(f"not a pen colour: {unknown[0]!r}; the colours are {PEN_COLOURS}")
    checked = {colour: category(cat).id if cat else None for colour, cat in mapping.items()}
    imported = scan_to_file(scan, site, photo_name)
    result = build_concept(imported, attribute=COLOUR_ATTRIBUTE, mapping=checked, site=site, team=team, title=title)
    marks = {colour: sum(1 for m in scan.marks if m.colour == colour) for colour in scan.colours()}
    source = paper_source(scan.code, photo_name, {c: checked.get(c) for c in scan.colours()}, marks)
    return ImportResult(replace(result.concept, source=source), result.unmapped, result.rejected, result.notices)
