"""Magic bytes and counts checked on an upload's own bytes before GDAL opens it.

GDAL picks a driver by content and builds everything a file describes; these checks make
sure the file is what its format says, and that what GDAL would build stays within the
limits, so the limits hold while reading rather than after:

- KML and OSM XML are parsed once with expat (syntax errors reported with line and
  column, any DOCTYPE or ENTITY refused before it is expanded) and counted: placemarks,
  coordinate tuples and folders for KML; tagged nodes, tagged ways, relations and the
  vertices of ways that relations use (a relation naming one way 300,000 times) for OSM;
- a shapefile must have the shapefile file code (9994) in its ``.shp`` and ``.shx`` and a
  dBASE header in its ``.dbf``; its records and points are counted from the index;
- :func:`within_limits` compares a :class:`Census` with the :class:`ImportLimits`.

DXF and GeoPackage have their own modules (:mod:`codesign.io.dxf_census`,
:mod:`codesign.io.geopackage`).

>>> xml_census(b'<kml><Placemark><Point><coordinates>76.9,52.0 76.8,52.1</coordinates></Point></Placemark></kml>')
Census(root='kml', features=1, vertices=2, layers=0, text_bytes=0)
>>> xml_census(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><osm>&a;</osm>')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
codesign.errors.ImportFormatError: The XML file contains DOCTYPE or ENTITY declarations ...
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from codesign.errors import ImportFormatError
from codesign.io.model import ImportLimits

__all__ = ["Census", "shapefile_census", "within_limits", "xml_census"]

_KML_FEATURES = frozenset({"Placemark", "GroundOverlay", "PhotoOverlay"})
_KML_CONTAINERS = frozenset({"Document", "Folder"})
_SHAPEFILE_CODE = 9994
#: dBASE version bytes GDAL's shapefile driver reads (III, IV, 5, 7, FoxPro, with or without memo).
_DBF_VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0x8E, 0xCB, 0xF5, 0xFB})
_PARTS_TYPES = frozenset({3, 5, 13, 15, 23, 25, 31})  # polyline, polygon (+Z, +M), multipatch
_MULTIPOINT_TYPES = frozenset({8, 18, 28})
_POINT_TYPES = frozenset({1, 11, 21})


@dataclass(frozen=True)
class Census:
    """What a file would give GDAL to build: features, vertices, layers (read one by one), text."""

    root: str = ""
    features: int = 0
    vertices: int = 0
    layers: int = 0
    text_bytes: int = 0


class _Refused(Exception):
    pass


class _XmlCounter:
    """expat handlers counting KML or OSM content; the root element decides which.

    Parameters
    ----------
    parser
        The expat parser the handlers are set on (its position is read while counting).
    """

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.root = ""
        self.features = self.vertices = self.layers = 0
        # KML coordinates
        self.in_coordinates = False
        self.inside_token = False
        # OSM
        self.element = ""
        self.tagged = False
        self.way_id = ""
        self.way_nodes: dict[str, int] = {}
        self.nodes = 0
        self.member_vertices = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if not self.root:
            self.root = local
            if local not in ("kml", "osm"):
                raise _Refused  # not a format of ours: the caller says so, no need to read further
            return
        if self.root == "kml":
            if local in _KML_FEATURES:
                self.features += 1
            elif local in _KML_CONTAINERS:
                self.layers += 1
            elif local == "coordinates":
                self.in_coordinates = True
                self.inside_token = False
            elif local == "coord":  # gx:coord, one position of a gx:Track
                self.vertices += 1
            return
        if local in ("node", "way", "relation"):
            self.element, self.tagged, self.nodes, self.member_vertices = local, False, 0, 0
            self.way_id = attrs.get("id", "")
        elif local == "tag":
            self.tagged = True
        elif local == "nd" and self.element == "way":
            self.nodes += 1
        elif local == "member" and self.element == "relation":
            kind = attrs.get("type")
            if kind == "way":
                self.member_vertices += self.way_nodes.get(attrs.get("ref", ""), 0)
            elif kind == "node":
                self.member_vertices += 1

    def end(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if self.root == "kml":
            if local == "coordinates":
                self.in_coordinates = False
            return
        if local == "node" and self.tagged:
            self.features += 1
            self.vertices += 1
        elif local == "way":
            self.way_nodes[self.way_id] = self.nodes
            if self.tagged:
                self.features += 1
                self.vertices += self.nodes
        elif local == "relation":
            self.features += 1
            self.vertices += self.member_vertices
        if local in ("node", "way", "relation"):
            self.element = ""

    def text(self, data: str) -> None:
        if not self.in_coordinates or not data:
            return
        tokens = len(data.split())
        if tokens and self.inside_token and not data[0].isspace():
            tokens -= 1  # the first token continues the one the last chunk ended with
        self.vertices += tokens
        self.inside_token = not data[-1].isspace()


def xml_census(data: bytes) -> Census:
    """Parse XML once: the root's local name and, for KML and OSM, what GDAL would build.

    Refuses malformed XML (``import.xml_syntax`` with line and column) and any DOCTYPE or
    ENTITY declaration (``import.xml_entities``); a root other than ``kml``/``osm`` stops the
    parse at once and is reported as the root alone.

    Parameters
    ----------
    data
        The XML file.

    Returns
    -------
    Census
        The root's local name and, for KML and OSM, features, vertices and layers.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    counter = _XmlCounter(parser)

    def refuse(*_args: object) -> NoReturn:
        raise _Refused("entities")

    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.CharacterDataHandler = counter.text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused as stop:
        if stop.args:
            raise ImportFormatError("import.xml_entities") from None
        return Census(root=counter.root)
    except expat.ExpatError as err:
        raise ImportFormatError("import.xml_syntax", line=err.lineno, column=err.offset + 1) from None
    if not counter.root:
        raise ImportFormatError("import.xml_syntax", line=1, column=1)
    return Census(root=counter.root, features=counter.features, vertices=counter.vertices, layers=counter.layers)


def _header(path: Path, size: int) -> bytes:
    with open(path, "rb") as file:
        return file.read(size)


def shapefile_census(shp: Path, shx: Path, dbf: Path, limits: ImportLimits) -> Census:
    """Check the three files are a shapefile (magic bytes); count records, points and attribute bytes.

    Parameters
    ----------
    shp, shx, dbf
        The shapefile's geometry, index and attribute files.
    limits
        ``max_features`` is checked on the record count before any point is read.

    Returns
    -------
    Census
        Records, points and attribute bytes.

    Raises
    ------
    ImportFormatError
        ``import.not_shapefile`` naming the part that is not what it should be,
        ``import.too_many_features``.
    """
    for part in (shp, shx):
        header = _header(part, 100)
        if len(header) < 100 or struct.unpack(">i", header[:4])[0] != _SHAPEFILE_CODE:
            raise ImportFormatError("import.not_shapefile", name=part.name[:60])
        if struct.unpack("<i", header[28:32])[0] != 1000:
            raise ImportFormatError("import.not_shapefile", name=part.name[:60])
    dbf_header = _header(dbf, 32)
    if len(dbf_header) < 32 or dbf_header[0] not in _DBF_VERSIONS:
        raise ImportFormatError("import.not_shapefile", name=dbf.name[:60])
    dbf_records, header_length, record_length = struct.unpack("<IHH", dbf_header[4:12])
    if header_length < 33 or record_length < 1:
        raise ImportFormatError("import.not_shapefile", name=dbf.name[:60])
    records = max(0, (shx.stat().st_size - 100) // 8)
    if records > limits.max_features:
        raise ImportFormatError("import.too_many_features", count=records, limit=limits.max_features)
    text_bytes = min(dbf_records, records) * record_length
    return Census("shapefile", features=records, vertices=_points(shp, shx, records), text_bytes=text_bytes)


def _points(shp: Path, shx: Path, records: int) -> int:
    """The points of every record, read from the record headers the ``.shx`` index points at."""
    total = 0
    with open(shx, "rb") as index, open(shp, "rb") as shapes:
        index.seek(100)
        for _ in range(records):
            entry = index.read(8)
            if len(entry) < 8:
                break
            shapes.seek(struct.unpack(">i", entry[:4])[0] * 2 + 8)
            content = shapes.read(44)
            kind = struct.unpack("<i", content[:4])[0] if len(content) >= 4 else 0
            if kind in _PARTS_TYPES and len(content) >= 44:
                total += max(0, struct.unpack("<i", content[40:44])[0])
            elif kind in _MULTIPOINT_TYPES and len(content) >= 40:
                total += max(0, struct.unpack("<i", content[36:40])[0])
            elif kind in _POINT_TYPES:
                total += 1
    return total


def within_limits(census: Census, limits: ImportLimits, *, key: str = "import.too_many_features") -> None:
    """Refuse a census past the limits (features with ``key``, then vertices, then text).

    Parameters
    ----------
    census
        What was counted.
    limits
        The limits it must be within.
    key
        The message key for too many features.
    """
    if census.features > limits.max_features:
        raise ImportFormatError(key, count=census.features, limit=limits.max_features)
    if census.vertices > limits.max_vertices:
        raise ImportFormatError("import.too_many_vertices", limit=limits.max_vertices)
    if census.text_bytes > limits.max_text_bytes:
        raise ImportFormatError("import.too_much_text", limit=limits.max_text_bytes // (1024 * 1024))
