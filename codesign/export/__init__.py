"""Files for the architecture department: GeoPackage, DXF, GeoJSON and CSV.

Every export takes a :class:`~codesign.analysis.session.SessionAnalysis` (the latest version of
every concept, loaded by :func:`codesign.services.analysis.load_analysis`), the same the PDF
report shows, so the files hold the same numbers as the report; none reads a store.

- :mod:`codesign.export.gis`: :func:`export_gpkg`, one GeoPackage with a layer per concept
  (``plan``, ``concept_team_1``, ..., ``vision``) plus ``site``, ``consensus_faces``,
  ``amenity_clusters``, ``residents_ask`` and ``plan_agrees``; :func:`export_geojson_zip`,
  the same layers as one RFC 7946 ``.geojson`` each, in a zip;
- :mod:`codesign.export.dxf`: :func:`export_dxf`, a DXF drawing in the site's UTM zone
  (metres), a layer per concept and category;
- :mod:`codesign.export.csv`: :func:`export_csv`, every table of the report as CSV files in a
  zip (or a folder), safe from spreadsheet formulas;
- :mod:`codesign.export.rows`: the rows the GIS layers and the tables share.

:func:`export_to` gives any of them as bytes, for a download button.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from codesign.analysis.session import SessionAnalysis
from codesign.export.csv import export_csv, neutralise_cell
from codesign.export.dxf import dxf_layer_name, export_dxf
from codesign.export.gis import concept_layer_name, export_geojson_zip, export_gpkg

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

#: The formats :func:`export_to` writes.
EXPORT_FORMATS = ("gpkg", "dxf", "geojson", "csv")


def export_to(fmt: str, analysis: SessionAnalysis) -> bytes:
    """One export as bytes (for a download button).

    Parameters
    ----------
    fmt : str
        ``gpkg``, ``dxf``, ``geojson`` (zipped) or ``csv`` (zipped).
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    ValueError
        For another format.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}, got {fmt!r}")
    if fmt in ("geojson", "csv"):
        buffer = io.BytesIO()
        (export_geojson_zip if fmt == "geojson" else export_csv)(analysis, buffer)
        return buffer.getvalue()
    with tempfile.TemporaryDirectory(prefix="codesign-export-") as folder:
        target = Path(folder) / f"export.{fmt}"
        (export_gpkg if fmt == "gpkg" else export_dxf)(analysis, target)
        return target.read_bytes()
