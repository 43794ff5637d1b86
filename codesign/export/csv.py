"""Every table of the report as CSV files, in a zip or a folder, safe to open in a spreadsheet.

Tables: ``concept_figures``, ``comparison_summary``, ``comparison_categories``,
``plan_zone_outcomes``, ``amenity_counts``, ``amenity_matches``, ``path_lengths``,
``consensus_summary``, ``consensus_k_of_n``, ``amenity_clusters``, ``residents_ask`` (with the
room's reasons for each use) and ``plan_agrees``, then the costs (``cost_summary``,
``cost_by_category``, ``cost_vs_plan``), ``vision_provenance`` and ``reasons``
(:mod:`codesign.export.decision_tables`). Files are UTF-8 with a BOM (spreadsheets then read Cyrillic). Text cells
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading apostrophe, so
a spreadsheet never runs them as formulas.

>>> neutralise_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> neutralise_cell(-0.25)
-0.25
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from codesign.analysis.compare import Comparison
from codesign.analysis.session import SessionAnalysis
from codesign.export.decision_tables import cost_tables, provenance_table, reason_columns, reasons_table
from codesign.export.gis import PathOrFile
from codesign.export.rows import Row, category_labels, cluster_rows, place_rows
from codesign.i18n import LANGUAGES

__all__ = ["csv_tables", "export_csv", "neutralise_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The tables made from each comparison with the plan, in the order they are written.
_COMPARISON_TABLES = (
    "comparison_summary",
    "comparison_categories",
    "plan_zone_outcomes",
    "amenity_counts",
    "amenity_matches",
    "path_lengths",
)


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, made inert with a leading apostrophe.

    Parameters
    ----------
    value : Any
        A cell's value.

    Returns
    -------
    Any
        The value, with an apostrophe before a text that starts like a formula.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_tables(analysis: SessionAnalysis) -> dict[str, list[Row]]:
    """Every table of the report, as rows.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    dict of str to list of Row
        Table name -> rows, in the order the files are written.
    """
    names = {team.id: team.name for team in analysis.session.teams}
    tables: dict[str, list[Row]] = {"concept_figures": _figures_rows(analysis, names)}
    tables |= {name: [] for name in _COMPARISON_TABLES}
    for owner, result in analysis.comparisons.items():
        base = {"owner": owner, "team_name": names.get(owner, ""), "against": result.b}
        for name, rows in _comparison_rows(result, base).items():
            tables[name] += rows
    tables |= _consensus_tables(analysis, names)
    for which, name in (("asks", "residents_ask"), ("agreements", "plan_agrees")):
        tables[name] = _place_table(analysis, which)
    reason_columns(tables["residents_ask"], analysis)
    tables |= cost_tables(analysis)
    tables["vision_provenance"] = provenance_table(analysis)
    tables["reasons"] = reasons_table(analysis)
    return tables


def _figures_rows(analysis: SessionAnalysis, names: Mapping[str, str]) -> list[Row]:
    """Every concept's zone areas, path lengths and amenity counts, a row per category."""
    rows = []
    for owner, concept in analysis.concepts():
        figures = analysis.figures[owner]
        base = {"owner": owner, "team_name": names.get(owner, ""), "concept_title": concept.title}

        def row(kind: str, cid: str, value: float, unit: str, share: float | str, base: Row = base) -> Row:
            return {
                **base,
                "kind": kind,
                "category": cid,
                **category_labels(cid),
                "value": value,
                "unit": unit,
                "share_of_site": share,
            }

        rows += [
            row("zone", c, round(m2, 2), "m2", round(figures.zone_share(c), 4))
            for c, m2 in figures.zone_area_m2.items()
        ]
        rows += [row("path", c, round(m, 2), "m", "") for c, m in figures.path_length_m.items()]
        rows += [row("amenity", c, n, "pcs", "") for c, n in figures.amenity_count.items()]
    return rows


def _comparison_rows(result: Comparison, base: Row) -> dict[str, list[Row]]:
    """The rows one comparison with the plan adds to each of :data:`_COMPARISON_TABLES`."""
    data = result.to_json()
    summary = {
        **base,
        "site_area_m2": data["site_area_m2"],
        "designed_m2": data["designed_m2"],
        "agreement": data["agreement"],
        "kappa": data["kappa"],
        **{f"zones_{k}": v for k, v in result.outcome_counts().items()},
        "amenities_matched": len(result.matches),
        "amenities_new": len(result.new_amenities),
        "amenities_missing": len(result.missing_amenities),
        "match_distance_m": result.match_distance_m,
    }
    matched_by_type = result.matched_counts()
    return {
        "comparison_summary": [summary],
        "comparison_categories": [
            {**base, "category": cid, **category_labels(cid), **fig} for cid, fig in data["categories"].items()
        ],
        "plan_zone_outcomes": [_zone_row(zone, base) for zone in data["zones"]],
        "amenity_counts": [
            {
                **base,
                "category": cid,
                **category_labels(cid),
                "concept": counts["a"],
                "plan": counts["b"],
                "matched": matched_by_type[cid],
            }
            for cid, counts in data["amenities"]["counts"].items()
        ],
        "amenity_matches": [
            {
                **base,
                "category": match["category"],
                "concept_feature": match["a_id"],
                "plan_feature": match["b_id"],
                "distance_m": match["distance_m"],
            }
            for match in data["amenities"]["matched"]
        ],
        "path_lengths": [
            {**base, "category": cid, **category_labels(cid), "concept_m": lengths["a_m"], "plan_m": lengths["b_m"]}
            for cid, lengths in data["paths"].items()
        ],
    }


def _zone_row(zone: Mapping[str, Any], base: Row) -> Row:
    """One plan zone's outcome (from the comparison's JSON form)."""
    moved = zone["moved_to"] or ["", ""]
    return {
        **base,
        "zone_id": zone["id"],
        "category": zone["category"],
        **category_labels(zone["category"]),
        "area_m2": zone["area_m2"],
        "outcome": zone["outcome"],
        "dominant": zone["dominant"],
        "shares": "; ".join(f"{c}={s}" for c, s in zone["shares"].items()),
        "moved_lon": moved[0],
        "moved_lat": moved[1],
        "moved_m2": zone["moved_m2"],
    }


def _consensus_tables(analysis: SessionAnalysis, names: Mapping[str, str]) -> dict[str, list[Row]]:
    """The consensus in figures, its k-of-N areas and its amenity clusters."""
    consensus = analysis.consensus
    data = consensus.to_json()
    summary = {
        "voices": ", ".join(consensus.voices),
        "voice_names": ", ".join(names.get(v, v) for v in consensus.voices),
        "n": consensus.n,
        "threshold": consensus.threshold,
        **{k: data[k] for k in ("site_area_m2", "designed_m2", "agreed_m2", "contested_m2", "single_m2")},
        "faces": data["faces"],
        "fleiss_kappa": "" if data["fleiss_kappa"] is None else data["fleiss_kappa"],
    }
    return {
        "consensus_summary": [summary],
        "consensus_k_of_n": [
            {"category": cid, **category_labels(cid), "k": int(k), "n": consensus.n, "area_m2": area}
            for cid, by_k in data["k_of_n"].items()
            for k, area in by_k.items()
        ],
        "amenity_clusters": [
            {k: v for k, v in row.items() if k != "geometry"}
            | {"team_names": ", ".join(names.get(t, t) for t in c.teams)}
            for row, c in zip(cluster_rows(analysis), consensus.clusters, strict=True)
        ],
    }


def _place_table(analysis: SessionAnalysis, which: str) -> list[Row]:
    """The places, with the plan's category labels under their own names (``plan_category_ru``, ...)."""
    rows = place_rows(analysis, which) if analysis.plan is not None else []
    table = [{k: v for k, v in row.items() if k != "geometry"} | category_labels(row["plan_category"]) for row in rows]
    for row in table:
        for lang in LANGUAGES:
            row[f"plan_category_{lang}"] = row.pop(f"category_{lang}")
        row.update({f"category_{lang}": category_labels(row["category"])[f"category_{lang}"] for lang in LANGUAGES})
    return table


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


def export_csv(analysis: SessionAnalysis, path_or_zip: PathOrFile) -> None:
    """Every table as ``<table>.csv``: into a zip (a ``.zip`` path or a binary file object) or a folder.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    path_or_zip : PathOrFile
        A folder (made if missing), a ``.zip`` path, or a binary file object for the zip.
    """
    tables = csv_tables(analysis)
    if isinstance(path_or_zip, str | os.PathLike) and Path(path_or_zip).suffix.lower() != ".zip":
        folder = Path(path_or_zip)
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            (folder / f"{name}.csv").write_text(_csv_text(rows), encoding="utf-8", newline="")
        return
    with zipfile.ZipFile(path_or_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv_text(rows).encode("utf-8"))
