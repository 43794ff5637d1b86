"""Read an uploaded plan file through GDAL (pyogrio) into WGS84 features, or say clearly why not.

The steps: size limit; format from the content (zip, SQLite, JSON, XML root, DXF header)
or else the name; format-specific checks before GDAL: the magic bytes of the format (a
``.shp`` must start with the shapefile code, a ``.gpkg`` carry the GeoPackage application
id...), raw GeoJSON, XML without DOCTYPE, zip members, and a census of what GDAL would
build (features, vertices, text) so that expansion bombs are refused before they expand;
GDAL (configured by :mod:`codesign.gdal_env`: no VRT, no network, only our drivers) reads
every layer from a private temporary folder, checked to be opened by the format's own
driver, in batches that stop at the limits; then :mod:`codesign.io.assemble` merges the
layers, splits collections into parts and drops Z (each with a notice), and the CRS is
decided and checked (:mod:`codesign.io.coordinates`).

>>> point = b'{"type": "Point", "coordinates": [76.93, 52.03]}'
>>> data = b'{"type": "Feature", "properties": {"type": "Lawn"}, "geometry": ' + point + b'}'
>>> imported = read_file(data, "plan.geojson")
>>> imported.format, imported.source_crs, imported.attributes, len(imported.features)
('GeoJSON', 'EPSG:4326', ('type',), 1)
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from codesign.domain.notices import Notice
from codesign.errors import ImportFormatError
from codesign.gdal_env import checked_pyogrio
from codesign.io.assemble import Layer, assemble
from codesign.io.census import Census, shapefile_census, within_limits, xml_census
from codesign.io.containers import read_zip_member, unpack_zip, zip_member_names
from codesign.io.dxf_census import BINARY_SENTINEL, dxf_census
from codesign.io.geojson_checks import UTF8_BOM, parse_geojson
from codesign.io.geopackage import check_geopackage
from codesign.io.model import DEFAULT_LIMITS, ImportedFile, ImportLimits

if TYPE_CHECKING:
    from codesign.domain.site import Site

__all__ = ["detect_format", "read_file"]

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_EXTENSIONS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".gpkg": "GPKG",
    ".zip": "zip",
    ".dxf": "DXF",
    ".osm": "OSM",
}
_DXF_HEADER = re.compile(rb"^\s*(0\s*\r?\n\s*SECTION|999\s*\r?\n)")
#: The GDAL drivers each format may be opened with (GDAL_SKIP leaves no others; checked per file).
_DRIVERS = {
    "GeoJSON": ("GeoJSON",),
    "KML": ("LIBKML", "KML"),
    "KMZ": ("LIBKML", "KML"),
    "GPKG": ("GPKG",),
    "ESRI Shapefile": ("ESRI Shapefile",),
    "DXF": ("DXF",),
    "OSM": ("OSM",),
}
#: Features per batch read from GDAL; the limits are checked after every batch.
_BATCH = 1000
#: GDAL parses a KML whole each time it is opened, once per layer (and twice more to list the
#: layers and check the driver): (layers + 2) x size is kept under this (10-20 s of parsing).
_KML_PARSE_BUDGET = 400 * 1024 * 1024
_MB = 1024 * 1024


def _megabytes(size: int) -> str:
    """Bytes as MB for messages: ``25``, ``1.5``.

    >>> _megabytes(25 * 1024 * 1024), _megabytes(1_572_864)
    ('25', '1.5')
    """
    return f"{size / _MB:.1f}".removesuffix(".0")


def detect_format(data: bytes, file_name: str) -> str:
    r"""The format of an upload: one of :data:`codesign.io.FORMATS`, or ``"zip"`` / ``"XML"`` (decided later).

    The content decides where it can (zip, SQLite, JSON, XML, DXF), the name otherwise.

    >>> detect_format(b'{"type": "FeatureCollection"}', "plan.txt"), detect_format(b"PK\x03\x04...", "x.kmz")
    ('GeoJSON', 'zip')

    Parameters
    ----------
    data
        The upload.
    file_name
        Its name.

    Returns
    -------
    str
        The format.
    """
    head = data[:512]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "GPKG"
    if head.startswith(b"\x00\x00\x27\x0a"):
        raise ImportFormatError("import.shp_alone")
    suffix = PurePosixPath(file_name.lower()).suffix
    text = head.removeprefix(UTF8_BOM).lstrip()
    if text.startswith((b"{", b"[")):
        return "GeoJSON"
    if text.startswith(b"<"):
        return "XML"
    if _looks_like_dxf(head):
        return "DXF"
    if suffix == ".shp":
        raise ImportFormatError("import.shp_alone")
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    raise ImportFormatError("import.unknown_format", name=file_name[-60:])


def _looks_like_dxf(data: bytes) -> bool:
    r"""Whether the bytes start as a DXF does (``0`` / ``SECTION``, a ``999`` comment, or the binary sentinel).

    >>> _looks_like_dxf(b"  0\r\nSECTION\r\n"), _looks_like_dxf(b"<OGRVRTDataSource>")
    (True, False)
    """
    text = data[:512].removeprefix(UTF8_BOM).lstrip()
    return bool(_DXF_HEADER.match(text)) or data.startswith(BINARY_SENTINEL)


def read_file(
    data: bytes,
    file_name: str,
    *,
    crs: str | None = None,
    site: Site | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportedFile:
    """Read one uploaded file (GeoJSON, KML, KMZ, GPKG, zipped Shapefile, DXF, OSM XML).

    Parameters
    ----------
    data
        The upload.
    file_name
        Its name (a path is cut to the name).
    crs
        Overrides the file's coordinate system (needed for CAD files without one).
    site
        Enables the "far from the site" and swapped lat/lon checks.
    limits
        What the file may hold.

    Returns
    -------
    ImportedFile
        The features in lon/lat, their attributes ranked, the source CRS and the notices.

    Raises
    ------
    ImportFormatError
        With a message key naming the problem.
    """
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    if len(data) > limits.max_bytes:
        raise ImportFormatError("import.too_large", size=_megabytes(len(data)), limit=_megabytes(limits.max_bytes))
    if not data.strip():
        raise ImportFormatError("import.empty_file")
    fmt = detect_format(data, name)
    notices: list[Notice] = []
    with tempfile.TemporaryDirectory(prefix="codesign-import-") as tmp:
        folder = Path(tmp)
        fmt, paths, wgs84_by_default = _prepare(data, name, fmt, folder, limits, notices)
        layers = _read_layers(paths, fmt, folder, limits)
    return assemble(name, fmt, layers, notices, crs=crs, site=site, limits=limits, wgs84=wgs84_by_default)


def _prepare(
    data: bytes, name: str, fmt: str, folder: Path, limits: ImportLimits, notices: list[Notice]
) -> tuple[str, list[Path], bool]:
    """Check the upload for its format and write what GDAL should open; returns (format, paths, WGS84?)."""
    if fmt == "GeoJSON":
        parsed = parse_geojson(data, limits)
        notices.extend(parsed.notices)
        if parsed.codesign_concept:
            notices.append(Notice("import.codesign_concept"))
        return fmt, [_write(folder / "upload.geojson", parsed.clean_bytes)], True
    if fmt == "XML":
        census = xml_census(data)
        if census.root == "kml":
            _check_kml(census, len(data), limits)
            return "KML", [_write(folder / "upload.kml", data)], True
        if census.root == "osm":
            within_limits(census, limits, key="import.osm_too_many")
            return "OSM", [_write(folder / "upload.osm", data)], True
        raise ImportFormatError("import.unknown_format", name=name[-60:])
    if fmt in ("KML", "OSM"):  # named so, but not XML
        raise ImportFormatError("import.xml_syntax", line=1, column=1)
    if fmt in ("zip", "KMZ"):
        if name.lower().endswith(".kmz"):
            fmt = "KMZ"
        members = zip_member_names(data, limits)
        shapefiles = [m for m in members if m.suffix.lower() == ".shp"]
        kmls = [m for m in members if m.suffix.lower() == ".kml"]
        if shapefiles:
            paths = [_shapefile_path(folder / "zip", m, members) for m in shapefiles]
            unpack_zip(data, limits, folder / "zip", _SHAPEFILE_PARTS)
            _check_shapefiles(paths, limits)
            return "ESRI Shapefile", paths, False
        if kmls:
            main = next((m for m in kmls if str(m).lower() == "doc.kml"), min(kmls, key=lambda m: len(m.parts)))
            kml = read_zip_member(data, limits, main)
            census = xml_census(kml)
            if census.root != "kml":
                raise ImportFormatError("import.kmz_no_kml")
            _check_kml(census, len(kml), limits)
            return "KMZ", [_write(folder / "doc.kml", kml)], True
        raise ImportFormatError("import.kmz_no_kml" if fmt == "KMZ" else "import.zip_no_shp")
    if fmt == "GPKG":
        path = _write(folder / "upload.gpkg", data)
        check_geopackage(path, limits)
        return fmt, [path], False
    if not _looks_like_dxf(data):  # named .dxf, but not a DXF
        raise ImportFormatError("import.not_dxf")
    dxf_census(data, limits)
    return fmt, [_write(folder / "upload.dxf", data)], False


def _check_kml(census: Census, size: int, limits: ImportLimits) -> None:
    """Placemarks and coordinates within the limits, and not so many folders that re-parsing takes minutes."""
    within_limits(census, limits)
    if (max(1, census.layers) + 2) * size > _KML_PARSE_BUDGET:
        most = max(1, _KML_PARSE_BUDGET // size - 2)
        raise ImportFormatError("import.too_many_layers", count=census.layers, limit=most)


def _sibling(shp: Path, suffix: str) -> Path:
    """The unpacked part next to ``shp`` with this suffix, whatever the case of its name."""
    wanted = shp.stem.lower() + suffix
    for candidate in shp.parent.iterdir():
        if candidate.name.lower() == wanted:
            return candidate
    raise ImportFormatError("import.shp_missing_part", name=shp.name[:60], part=suffix)


def _check_shapefiles(paths: list[Path], limits: ImportLimits) -> None:
    """Every shapefile is one (magic bytes of .shp, .shx, .dbf); all of them together within the limits."""
    features = vertices = text = 0
    for shp in paths:
        census = shapefile_census(shp, _sibling(shp, ".shx"), _sibling(shp, ".dbf"), limits)
        features, vertices, text = features + census.features, vertices + census.vertices, text + census.text_bytes
        within_limits(Census(features=features, vertices=vertices, text_bytes=text), limits)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _shapefile_path(folder: Path, member: PurePosixPath, members: list[PurePosixPath]) -> Path:
    """The unpacked .shp, once its .shx and .dbf are known to be there."""
    present = {str(m.with_suffix("")).lower() + m.suffix.lower() for m in members}
    stem = str(member.with_suffix("")).lower()
    for part in (".shx", ".dbf"):
        if stem + part not in present:
            raise ImportFormatError("import.shp_missing_part", name=member.name[:60], part=part)
    return folder.joinpath(*member.parts)


# ----------------------------------------------------------------------------- GDAL


@dataclass
class _Budget:
    """What has been read so far, refused the moment it passes a limit."""

    limits: ImportLimits
    features: int = 0
    vertices: int = 0
    text_bytes: int = 0

    def take(self, features: int, vertices: int, text_bytes: int) -> None:
        self.features += features
        self.vertices += vertices
        self.text_bytes += text_bytes
        if self.features > self.limits.max_features:
            raise ImportFormatError("import.over_feature_limit", limit=self.limits.max_features)
        if self.vertices > self.limits.max_vertices:
            raise ImportFormatError("import.too_many_vertices", limit=self.limits.max_vertices)
        if self.text_bytes > self.limits.max_text_bytes:
            raise ImportFormatError("import.too_much_text", limit=self.limits.max_text_bytes // _MB)


def _read_layers(paths: list[Path], fmt: str, folder: Path, limits: ImportLimits) -> list[Layer]:
    """Every vector layer of every path, streamed from GDAL in batches within the limits.

    Each path must lie in the upload's own folder, and GDAL must have opened it with the
    driver of its format (GeoJSON is opened as ``GeoJSON:path``, which forces that driver).
    """
    gdal = checked_pyogrio()
    from pyogrio import raw

    inside = folder.resolve()
    budget = _Budget(limits)
    layers: list[Layer] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path in paths:
                if not path.resolve().is_relative_to(inside):
                    raise ImportFormatError("import.zip_unsafe_path", name=path.name[:80])
                listed: list[tuple[str | int, str | None]]
                if fmt == "GeoJSON":
                    source, listed = f"GeoJSON:{path}", [(0, "Unknown")]
                else:
                    source = str(path)
                    listed = [(str(layer), kind) for layer, kind in gdal.list_layers(source)]
                    if listed and gdal.read_info(source, layer=listed[0][0])["driver"] not in _DRIVERS[fmt]:
                        raise ImportFormatError("import.not_recognised", format=fmt)
                for layer_name, geometry_type in listed:
                    if geometry_type is None:
                        continue  # a table without geometry (GeoPackage attributes)
                    name = path.stem if fmt == "ESRI Shapefile" else str(layer_name)
                    layers.append(_read_layer(raw, source, layer_name, name, budget))
    except ImportFormatError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever GDAL dislikes becomes a message, never a traceback
        reason = " ".join(str(err).split()) or type(err).__name__
        if "not recognized as" in reason or "not a database" in reason:
            raise ImportFormatError("import.not_recognised", format=fmt) from None
        for path in paths:  # never show the server's temporary folder
            reason = reason.replace(str(path.parent) + "/", "")
        reason = reason[:200]
        raise ImportFormatError("import.unreadable", format=fmt, reason=reason) from None
    return layers


def _read_layer(raw: Any, source: str, layer: str | int, name: str, budget: _Budget) -> Layer:
    """One layer through GDAL's Arrow stream: each batch counted against the limits before the next is read."""
    parts: list[np.ndarray] = []
    rows: list[dict[str, Any]] = []
    with raw.open_arrow(source, layer=layer, batch_size=_BATCH, use_pyarrow=True) as (meta, reader):
        for batch in reader:
            count = batch.num_rows
            geometry = _geometry_column(batch.schema)
            wkb = batch.column(geometry).to_numpy(zero_copy_only=False) if geometry is not None else None
            geometries = _geometries(wkb if wkb is not None else np.full(count, None, dtype=object), budget.features)
            columns = [(field.name, batch.column(i)) for i, field in enumerate(batch.schema) if i != geometry]
            text_bytes = sum(column.nbytes for _, column in columns)
            budget.take(count, int(shapely.get_num_coordinates(geometries).sum()), text_bytes)
            parts.append(geometries)
            rows.extend(_rows([n for n, _ in columns], [column.to_pylist() for _, column in columns], count))
    geometries = np.concatenate(parts) if parts else np.empty(0, dtype=object)
    return Layer(name, geometries, rows, meta.get("crs"))


def _geometry_column(schema: Any) -> int | None:
    """The index of the WKB geometry column GDAL's Arrow stream marks as such, if any."""
    for index, field in enumerate(schema):
        if (field.metadata or {}).get(b"ARROW:extension:name") in (b"geoarrow.wkb", b"ogc.wkb"):
            return index
    return None


_FOUND_POINTS = re.compile(r"found (\d+)")


def _geometries(wkb: np.ndarray | None, offset: int) -> np.ndarray:
    """WKB -> shapely; a geometry GEOS refuses (unclosed or too short ring...) is named by feature number."""
    if wkb is None:
        return np.empty(0, dtype=object)
    geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    for index in np.flatnonzero(shapely.is_missing(geometries)):
        if wkb[index] is None:
            continue  # no geometry in the file: not an error
        try:
            shapely.from_wkb(wkb[index])
        except shapely.errors.GEOSException as err:
            number = offset + int(index) + 1
            message = str(err)
            if "closed linestring" in message:
                raise ImportFormatError("import.unclosed_ring", index=number) from None
            if "LinearRing" in message and (found := _FOUND_POINTS.search(message)):
                raise ImportFormatError("import.short_ring", index=number, count=int(found.group(1))) from None
            raise ImportFormatError("import.bad_geometry", index=number, reason=message[:120]) from None
    return geometries


def _rows(names: Iterable[str], columns: list[list[Any]], count: int) -> list[dict[str, Any]]:
    """Attribute rows as plain Python values, missing values left out."""
    rows: list[dict[str, Any]] = [{} for _ in range(count)]
    for name, column in zip(names, columns, strict=True):
        key = str(name)
        for row, value in zip(rows, column, strict=True):
            plain = _plain(value)
            if plain is not None and plain != "":
                row[key] = plain
    return rows


def _plain(value: Any) -> Any:
    """A value from GDAL as plain JSON-friendly Python (None for missing: NaN, NaT, bytes, lists)."""
    if value is None or isinstance(value, bytes | bytearray | memoryview | list | dict):
        return None
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _plain(value.item())
    return str(value)
