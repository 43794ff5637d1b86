"""GIS files of a session: one GeoPackage, or one GeoJSON file per layer in a zip.

Layers, in this order: ``site``, ``plan``, a layer per team's concept (``concept_team_1``, ...),
``vision``, ``consensus_faces``, ``amenity_clusters``, with a plan ``residents_ask`` and
``plan_agrees``, and ``check_failures`` (where concepts fail the design norms,
:mod:`codesign.export.norms`). Geometry is WGS84; ``area_m2`` / ``length_m`` are measured in the site's UTM
zone.

>>> concept_layer_name("team-1"), concept_layer_name("plan")
('concept_team_1', 'plan')
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import shapely

from codesign.analysis.session import SessionAnalysis
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.export.norms import failure_rows
from codesign.export.rows import Row, cluster_rows, concept_rows, consensus_face_rows, measures, place_rows
from codesign.i18n import LANGUAGES

if TYPE_CHECKING:
    import geopandas

__all__ = ["PathOrFile", "concept_layer_name", "export_geojson_zip", "export_gpkg", "gis_layers"]

#: A path, or a binary file object open for writing.
PathOrFile = str | os.PathLike[str] | IO[bytes]


def concept_layer_name(owner: str) -> str:
    """GIS layer of a concept: ``team-1`` -> ``concept_team_1``; ``plan`` and ``vision`` as they are.

    Parameters
    ----------
    owner : str
        A team id, ``plan`` or ``vision``.

    Returns
    -------
    str
        The layer's name (lower-case letters, digits and underscores).
    """
    if owner in (PLAN_OWNER, VISION_OWNER):
        return owner
    return "concept_" + re.sub(r"[^a-z0-9]+", "_", owner.lower()).strip("_")


def gis_layers(analysis: SessionAnalysis) -> dict[str, list[Row]]:
    """Every GIS layer of the session, in the order they are written.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    dict of str to list of Row
        Layer name -> rows, each with a WGS84 ``geometry``.
    """
    site = analysis.site
    area, length = measures(site.boundary, analysis)
    layers: dict[str, list[Row]] = {
        "site": [
            {
                "site_id": site.id,
                **{f"name_{lang}": site.name(lang) for lang in LANGUAGES},
                "metric_crs": f"EPSG:{analysis.frame.crs.to_epsg()}",
                "illustrative": site.illustrative,
                "area_m2": area,
                "length_m": length,
                "geometry": site.boundary,
            }
        ]
    }
    if analysis.plan is not None:
        layers[concept_layer_name(PLAN_OWNER)] = concept_rows(PLAN_OWNER, analysis.plan, analysis)
    for team, concept in analysis.teams:
        layers[concept_layer_name(team.id)] = concept_rows(team.id, concept, analysis)
    if analysis.vision is not None:
        layers[concept_layer_name(VISION_OWNER)] = concept_rows(VISION_OWNER, analysis.vision, analysis)
    layers["consensus_faces"] = consensus_face_rows(analysis.consensus)
    layers["amenity_clusters"] = cluster_rows(analysis)
    if analysis.plan is not None:
        layers["residents_ask"] = place_rows(analysis, "asks")
        layers["plan_agrees"] = place_rows(analysis, "agreements")
    layers["check_failures"] = failure_rows(analysis)
    return layers


def _frame(rows: list[Row]) -> geopandas.GeoDataFrame:
    import geopandas

    if not rows:
        return geopandas.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    return geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def export_gpkg(analysis: SessionAnalysis, path: str | os.PathLike[str]) -> Path:
    """Write the session as one GeoPackage, a table per layer (see the module's docstring).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    path : str or os.PathLike
        The file to write (replaced if it exists).

    Returns
    -------
    Path
        The file written.
    """
    import pyogrio

    path = Path(path)
    path.unlink(missing_ok=True)
    for name, rows in gis_layers(analysis).items():
        if not rows:
            continue
        frame = _frame(rows)
        kinds = set(frame.geom_type)
        polygonal = kinds <= {"Polygon", "MultiPolygon"}
        if polygonal and len(kinds) > 1:
            geometry_type = "MultiPolygon"  # faces and places: one declared type for GIS tools
        else:
            geometry_type = next(iter(kinds)) if len(kinds) == 1 else "Unknown"  # concepts mix zones, paths, points
        pyogrio.write_dataframe(
            frame,
            path,
            layer=name,
            driver="GPKG",
            geometry_type=geometry_type,
            promote_to_multi=polygonal and len(kinds) > 1,
        )
    return path


def _plain(value: Any) -> Any:
    """Plain JSON values for numpy scalars and tuples."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _geojson_text(rows: list[Row]) -> str:
    features = []
    for row in rows:
        props = {k: v for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(row["geometry"])})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=_plain)


def export_geojson_zip(analysis: SessionAnalysis, path: PathOrFile) -> None:
    """One RFC 7946 ``<layer>.geojson`` (WGS84) per GIS layer, in a zip.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    path : PathOrFile
        The zip: a path or a binary file object.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in gis_layers(analysis).items():
            archive.writestr(f"{name}.geojson", _geojson_text(rows))
