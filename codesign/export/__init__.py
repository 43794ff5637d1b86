"""Files for the architecture department: GeoPackage, DXF, GeoJSON and CSV.

All exports come from :func:`codesign.report.analyse_session` (the latest version of every
concept), so they hold the same numbers as the report.

- :func:`export_gpkg`: one GeoPackage, a layer per concept (``plan``, ``concept_team_1``,
  ..., ``vision``) plus ``site``, ``consensus_faces``, ``amenity_clusters``,
  ``residents_ask`` and ``plan_agrees``; WGS84 geometry, ``area_m2`` / ``length_m``
  measured in the site's UTM zone.
- :func:`export_dxf`: a DXF drawing in the site's UTM zone (metres), a layer per concept
  and category (``TEAM_1__PLAYGROUND``, ``PLAN__PARKING``, and ``CONSENSUS__LAWN`` for the
  agreed ground): closed LWPOLYLINEs for zones (each hole its own closed polyline; exteriors
  counter-clockwise, holes clockwise, so signed areas add up to the zone's area),
  LWPOLYLINEs for paths, POINTs for amenities. GDAL reads closed polylines as closed lines
  (as polygons with its option ``DXF_CLOSED_LINE_AS_POLYGON=TRUE``).
- :func:`export_geojson_zip`: the GeoPackage's layers as one RFC 7946 ``.geojson`` each,
  in a zip.
- :func:`export_csv`: every table of the report (figures, comparisons, plan-zone
  outcomes, amenity matches, k-of-N, clusters, places) as CSV files in a zip (or a
  folder). Text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
  get a leading apostrophe, so a spreadsheet never runs them as formulas.

>>> neutralise_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> neutralise_cell(-0.25)
-0.25
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.consensus import Consensus
from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.taxonomy import categories, category
from codesign.i18n import LANGUAGES
from codesign.report import SessionAnalysis, analyse_session
from codesign.storage.files import FileStore

__all__ = [
    "EXPORT_FORMATS",
    "concept_layer_name",
    "dxf_layer_name",
    "export_csv",
    "export_dxf",
    "export_geojson_zip",
    "export_gpkg",
    "export_to",
    "neutralise_cell",
]

EXPORT_FORMATS = ("gpkg", "dxf", "geojson", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZONE_IDS = [c.id for c in categories("zone")]
PathOrFile = str | os.PathLike[str] | IO[bytes]


# ============================================================================ names


def concept_layer_name(owner: str) -> str:
    """GIS layer of a concept: ``team-1`` -> ``concept_team_1``; ``plan`` and ``vision`` as they are."""
    if owner in (PLAN_OWNER, VISION_OWNER):
        return owner
    return "concept_" + re.sub(r"[^a-z0-9]+", "_", owner.lower()).strip("_")


def dxf_layer_name(owner: str, category_id: str) -> str:
    """CAD layer of one category of one concept: ``team-1``, ``playground`` -> ``TEAM_1__PLAYGROUND``."""
    return f"{re.sub(r'[^A-Z0-9]+', '_', owner.upper()).strip('_')}__{category_id.upper()}"


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _labels(cid: str) -> dict[str, str]:
    """``category_ru``, ``category_kk``, ``category_en`` (unassigned has no taxonomy entry)."""
    from codesign.analysis.compare import category_label

    return {f"category_{lang}": category_label(cid, lang) for lang in LANGUAGES}


# ============================================================================ GIS layers


def _measures(geom: BaseGeometry, analysis: SessionAnalysis) -> tuple[float, float]:
    """Area (m²) and length (m; perimeter for zones) in the site's metric CRS."""
    metric = analysis.frame.to_metric(geom)
    return round(float(metric.area), 2), round(float(metric.length), 2)


def _concept_rows(owner: str, concept: Concept, analysis: SessionAnalysis) -> list[dict[str, Any]]:
    team_name = "" if owner in (PLAN_OWNER, VISION_OWNER) else analysis.session.team(owner).name
    rows = []
    for feature in concept.features:
        area, length = _measures(feature.geometry, analysis)
        rows.append(
            {
                "owner": owner,
                "team_name": team_name,
                "concept_title": concept.title,
                "version": concept.version,
                "feature_id": feature.id,
                "kind": feature.kind,
                "category": feature.category,
                **_labels(feature.category),
                "label": feature.label,
                "note": feature.note,
                "area_m2": area,
                "length_m": 0.0 if feature.kind == "amenity" else length,
                "illustrative": concept.illustrative,
                "geometry": feature.geometry,
            }
        )
    return rows


def _consensus_face_rows(consensus: Consensus) -> list[dict[str, Any]]:
    """Faces dissolved by majority, state and counts (one row per distinct combination)."""
    frame = consensus.frame
    groups: dict[tuple[str, str, tuple[int, ...]], list[int]] = {}
    for i, (state, cid) in enumerate(zip(consensus.states, consensus.majority, strict=True)):
        groups.setdefault((cid, state, tuple(int(n) for n in consensus.counts[i])), []).append(i)
    used = [j for j, cid in enumerate(_ZONE_IDS) if consensus.counts[:, j].any()]
    rows = []
    for (cid, state, counts), idx in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        metric = shapely.union_all(consensus.faces[idx])
        top = max(counts)
        rows.append(
            {
                "majority": cid,
                **_labels(cid),
                "state": state,
                "share": round(top / consensus.n, 4),
                "voices": consensus.n,
                **{f"n_{_ZONE_IDS[j]}": counts[j] for j in used},
                "area_m2": round(float(metric.area), 2),
                "geometry": frame.to_lonlat(metric),
            }
        )
    return rows


def _cluster_rows(analysis: SessionAnalysis) -> list[dict[str, Any]]:
    consensus = analysis.consensus
    return [
        {
            "type": c.category,
            **_labels(c.category),
            "support": round(c.support, 4),
            "teams": ", ".join(c.teams),
            "team_count": len(c.teams),
            "voices": consensus.n,
            "points": c.points,
            "supported": c.support >= consensus.threshold - 1e-9,
            "lon": c.lon,
            "lat": c.lat,
            "geometry": shapely.Point(c.lon, c.lat),
        }
        for c in consensus.clusters
    ]


def _place_rows(analysis: SessionAnalysis, which: str) -> list[dict[str, Any]]:
    places = analysis.asks if which == "asks" else analysis.agreements
    return [
        {
            "number": number,
            "category": p.category,
            **_labels(p.category),
            "area_m2": round(p.area_m2, 2),
            "teams": round(p.teams, 2),
            "voices": analysis.consensus.n,
            "direction": p.direction,
            "plan_category": p.plan_category,
            "lon": p.lon,
            "lat": p.lat,
            "geometry": analysis.frame.to_lonlat(p.geometry),
        }
        for number, p in enumerate(places, start=1)
    ]


def _gis_layers(analysis: SessionAnalysis) -> dict[str, list[dict[str, Any]]]:
    """Layer name -> rows (each with a WGS84 ``geometry``), in the order they are written."""
    site = analysis.site
    area, length = _measures(site.boundary, analysis)
    layers: dict[str, list[dict[str, Any]]] = {
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
        layers[concept_layer_name(PLAN_OWNER)] = _concept_rows(PLAN_OWNER, analysis.plan, analysis)
    for team, concept in analysis.teams:
        layers[concept_layer_name(team.id)] = _concept_rows(team.id, concept, analysis)
    if analysis.vision is not None:
        layers[concept_layer_name(VISION_OWNER)] = _concept_rows(VISION_OWNER, analysis.vision, analysis)
    layers["consensus_faces"] = _consensus_face_rows(analysis.consensus)
    layers["amenity_clusters"] = _cluster_rows(analysis)
    if analysis.plan is not None:
        layers["residents_ask"] = _place_rows(analysis, "asks")
        layers["plan_agrees"] = _place_rows(analysis, "agreements")
    return layers


def _frame(rows: list[dict[str, Any]]):  # noqa: ANN202 - geopandas type
    import geopandas

    if not rows:
        return geopandas.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    return geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _analysis(store: FileStore, session_id: str, analysis: SessionAnalysis | None) -> SessionAnalysis:
    return analysis if analysis is not None else analyse_session(store, session_id)


# ============================================================================ GeoPackage, GeoJSON


def export_gpkg(
    store: FileStore, session_id: str, path: str | os.PathLike[str], *, analysis: SessionAnalysis | None = None
) -> Path:
    """Write the session as one GeoPackage (see the module docstring for its layers)."""
    import pyogrio

    analysis = _analysis(store, session_id, analysis)
    path = Path(path)
    path.unlink(missing_ok=True)
    for name, rows in _gis_layers(analysis).items():
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


def _geojson_text(rows: list[dict[str, Any]]) -> str:
    features = []
    for row in rows:
        props = {k: v for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(row["geometry"])})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    """Plain JSON values for numpy scalars and tuples."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def export_geojson_zip(
    store: FileStore, session_id: str, path: PathOrFile, *, analysis: SessionAnalysis | None = None
) -> None:
    """One WGS84 ``<layer>.geojson`` per GIS layer, in a zip (a path or a binary file object)."""
    analysis = _analysis(store, session_id, analysis)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in _gis_layers(analysis).items():
            archive.writestr(f"{name}.geojson", _geojson_text(rows))


# ============================================================================ DXF


def _colour(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _rings(polygon: BaseGeometry) -> list[list[tuple[float, float]]]:
    """The exterior and each hole of a polygon, as open point lists (the polyline closes them)."""
    return [[(x, y) for x, y, *_ in ring.coords[:-1]] for ring in (polygon.exterior, *polygon.interiors)]


def export_dxf(
    store: FileStore, session_id: str, path: str | os.PathLike[str], *, analysis: SessionAnalysis | None = None
) -> Path:
    """Write the session's concepts as a DXF drawing in the site's UTM zone (metres)."""
    import ezdxf
    from ezdxf import units

    analysis = _analysis(store, session_id, analysis)
    frame = analysis.frame
    doc = ezdxf.new("R2010", setup=False)
    doc.units = units.M
    doc.header["$MEASUREMENT"] = 1
    doc.header["$INSUNITS"] = units.M
    doc.header.custom_vars.append("CRS", f"EPSG:{frame.crs.to_epsg()}")
    doc.header.custom_vars.append("SESSION", analysis.session.id)
    modelspace = doc.modelspace()

    def layer(name: str, colour: str) -> str:
        if name not in doc.layers:
            doc.layers.add(name, true_color=ezdxf.rgb2int(_colour(colour)))
        return name

    site_layer = layer("SITE__BOUNDARY", "#2D6A2D")
    for polygon in shapely.get_parts(frame.boundary):
        for ring in _rings(polygon):
            modelspace.add_lwpolyline(ring, close=True, dxfattribs={"layer": site_layer})
    for owner, concept in analysis.concepts():
        for feature in concept.features:
            cat = category(feature.category)
            name = layer(dxf_layer_name(owner, cat.id), cat.colour)
            metric = frame.to_metric(feature.geometry)
            if cat.kind == "zone":  # exteriors counter-clockwise, holes clockwise
                metric = shapely.orient_polygons(metric, exterior_cw=False)
            for part in shapely.get_parts(metric):
                if part.geom_type == "Polygon":
                    for ring in _rings(part):
                        modelspace.add_lwpolyline(ring, close=True, dxfattribs={"layer": name})
                elif part.geom_type == "LineString":
                    modelspace.add_lwpolyline([(x, y) for x, y, *_ in part.coords], dxfattribs={"layer": name})
                elif part.geom_type == "Point":
                    modelspace.add_point((part.x, part.y), dxfattribs={"layer": name})
    consensus = analysis.consensus
    agreed: dict[str, list[BaseGeometry]] = {}
    for face, state, cid in zip(consensus.faces, consensus.states, consensus.majority, strict=True):
        if state == "agreed":
            agreed.setdefault(cid, []).append(face)
    for cid, faces in agreed.items():
        name = layer(dxf_layer_name("consensus", cid), category(cid).colour)
        merged = shapely.orient_polygons(shapely.union_all(faces), exterior_cw=False)
        for polygon in shapely.get_parts(merged):
            if polygon.geom_type == "Polygon":
                for ring in _rings(polygon):
                    modelspace.add_lwpolyline(ring, close=True, dxfattribs={"layer": name})
    path = Path(path)
    doc.saveas(path)
    return path


# ============================================================================ CSV


def _csv_tables(analysis: SessionAnalysis) -> dict[str, list[dict[str, Any]]]:
    """File name -> rows: every table of the report."""
    session = analysis.session
    names = {team.id: team.name for team in session.teams}
    tables: dict[str, list[dict[str, Any]]] = {}
    figures_rows = []
    for owner, concept in analysis.concepts():
        figures = analysis.figures[owner]
        base = {"owner": owner, "team_name": names.get(owner, ""), "concept_title": concept.title}
        for cid, m2 in figures.zone_area_m2.items():
            figures_rows.append(
                {
                    **base,
                    "kind": "zone",
                    "category": cid,
                    **_labels(cid),
                    "value": round(m2, 2),
                    "unit": "m2",
                    "share_of_site": round(figures.zone_share(cid), 4),
                }
            )
        for cid, metres in figures.path_length_m.items():
            figures_rows.append(
                {
                    **base,
                    "kind": "path",
                    "category": cid,
                    **_labels(cid),
                    "value": round(metres, 2),
                    "unit": "m",
                    "share_of_site": "",
                }
            )
        for cid, count in figures.amenity_count.items():
            figures_rows.append(
                {
                    **base,
                    "kind": "amenity",
                    "category": cid,
                    **_labels(cid),
                    "value": count,
                    "unit": "pcs",
                    "share_of_site": "",
                }
            )
    tables["concept_figures"] = figures_rows
    summary, by_category, zones, matches, amenity_counts, paths = [], [], [], [], [], []
    for owner, result in analysis.comparisons.items():
        data = result.to_json()
        base = {"owner": owner, "team_name": names.get(owner, ""), "against": result.b}
        outcomes = {o: sum(z.outcome == o for z in result.zones) for o in ("kept", "replaced", "dropped", "moved")}
        summary.append(
            {
                **base,
                "site_area_m2": data["site_area_m2"],
                "designed_m2": data["designed_m2"],
                "agreement": data["agreement"],
                "kappa": data["kappa"],
                **{f"zones_{k}": v for k, v in outcomes.items()},
                "amenities_matched": len(result.matches),
                "amenities_new": len(result.new_amenities),
                "amenities_missing": len(result.missing_amenities),
                "match_distance_m": result.match_distance_m,
            }
        )
        for cid, fig in data["categories"].items():
            by_category.append({**base, "category": cid, **_labels(cid), **fig})
        for zone in data["zones"]:
            moved = zone["moved_to"] or ["", ""]
            zones.append(
                {
                    **base,
                    "zone_id": zone["id"],
                    "category": zone["category"],
                    **_labels(zone["category"]),
                    "area_m2": zone["area_m2"],
                    "outcome": zone["outcome"],
                    "dominant": zone["dominant"],
                    "shares": "; ".join(f"{c}={s}" for c, s in zone["shares"].items()),
                    "moved_lon": moved[0],
                    "moved_lat": moved[1],
                    "moved_m2": zone["moved_m2"],
                }
            )
        for match in data["amenities"]["matched"]:
            matches.append(
                {
                    **base,
                    "category": match["category"],
                    "concept_feature": match["a_id"],
                    "plan_feature": match["b_id"],
                    "distance_m": match["distance_m"],
                }
            )
        matched_by_type = {cid: sum(m.category == cid for m in result.matches) for cid in result.amenity_counts}
        for cid, counts in data["amenities"]["counts"].items():
            amenity_counts.append(
                {
                    **base,
                    "category": cid,
                    **_labels(cid),
                    "concept": counts["a"],
                    "plan": counts["b"],
                    "matched": matched_by_type[cid],
                }
            )
        for cid, lengths in data["paths"].items():
            paths.append(
                {**base, "category": cid, **_labels(cid), "concept_m": lengths["a_m"], "plan_m": lengths["b_m"]}
            )
    tables["comparison_summary"] = summary
    tables["comparison_categories"] = by_category
    tables["plan_zone_outcomes"] = zones
    tables["amenity_counts"] = amenity_counts
    tables["amenity_matches"] = matches
    tables["path_lengths"] = paths
    consensus = analysis.consensus
    data = consensus.to_json()
    tables["consensus_summary"] = [
        {
            "voices": ", ".join(consensus.voices),
            "voice_names": ", ".join(names.get(v, v) for v in consensus.voices),
            "n": consensus.n,
            "threshold": consensus.threshold,
            **{k: data[k] for k in ("site_area_m2", "designed_m2", "agreed_m2", "contested_m2", "single_m2")},
            "faces": data["faces"],
            "fleiss_kappa": "" if data["fleiss_kappa"] is None else data["fleiss_kappa"],
        }
    ]
    tables["consensus_k_of_n"] = [
        {"category": cid, **_labels(cid), "k": int(k), "n": consensus.n, "area_m2": area}
        for cid, by_k in data["k_of_n"].items()
        for k, area in by_k.items()
    ]
    tables["amenity_clusters"] = [
        {k: v for k, v in row.items() if k != "geometry"} | {"team_names": ", ".join(names.get(t, t) for t in c.teams)}
        for row, c in zip(_cluster_rows(analysis), consensus.clusters, strict=True)
    ]
    for which, name in (("asks", "residents_ask"), ("agreements", "plan_agrees")):
        rows = _place_rows(analysis, which) if analysis.plan is not None else []
        tables[name] = [
            {k: v for k, v in row.items() if k != "geometry"} | _labels(row["plan_category"]) for row in rows
        ]
        for row in tables[name]:  # the plan's labels under their own names
            for lang in LANGUAGES:
                row[f"plan_category_{lang}"] = row.pop(f"category_{lang}")
            row.update({f"category_{lang}": _labels(row["category"])[f"category_{lang}"] for lang in LANGUAGES})
    return tables


def _csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV (UTF-8 with BOM so spreadsheets read Cyrillic), text cells neutralised."""
    buffer = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(buffer, fieldnames=columns or ["empty"], lineterminator="\r\n", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise_cell(_plain_cell(v)) for k, v in row.items()})
    return "\ufeff" + buffer.getvalue()


def _plain_cell(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export_csv(
    store: FileStore,
    session_id: str,
    path_or_zip: PathOrFile,
    *,
    analysis: SessionAnalysis | None = None,
) -> None:
    """Every table as ``<table>.csv``: into a zip (a ``.zip`` path or a binary file object) or a folder."""
    analysis = _analysis(store, session_id, analysis)
    tables = _csv_tables(analysis)
    if isinstance(path_or_zip, str | os.PathLike) and Path(path_or_zip).suffix.lower() != ".zip":
        folder = Path(path_or_zip)
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            (folder / f"{name}.csv").write_text(_csv_text(rows), encoding="utf-8", newline="")
        return
    with zipfile.ZipFile(path_or_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv_text(rows).encode("utf-8"))


# ============================================================================ bytes for downloads


def export_to(fmt: str, store: FileStore, session_id: str, *, analysis: SessionAnalysis | None = None) -> bytes:
    """One export as bytes (for a download button): ``gpkg``, ``dxf``, ``geojson`` or ``csv``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}, got {fmt!r}")
    analysis = _analysis(store, session_id, analysis)
    if fmt in ("geojson", "csv"):
        buffer = io.BytesIO()
        (export_geojson_zip if fmt == "geojson" else export_csv)(store, session_id, buffer, analysis=analysis)
        return buffer.getvalue()
    with tempfile.TemporaryDirectory(prefix="codesign-export-") as folder:
        target = Path(folder) / f"export.{fmt}"
        (export_gpkg if fmt == "gpkg" else export_dxf)(store, session_id, target, analysis=analysis)
        return target.read_bytes()
