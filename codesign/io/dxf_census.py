r"""What GDAL would build from a DXF, counted on its group codes before GDAL reads it.

A DXF is small but can describe a lot: a block inserted as a MINSERT grid of 1000 x 1000
cells, blocks inserting blocks ten times at each of six levels, a polyline of half-circle
bulges or a circle, which GDAL draws with a vertex every 4 degrees. GDAL expands all of
that while it reads. :func:`dxf_census` walks the group codes once (the sections, the
blocks and the model-space entities), expands blocks arithmetically, and stops as soon as
the features or vertices GDAL would produce pass the limits: a 16 KB bomb is refused in
milliseconds instead of being expanded to a million entities.

The counts follow GDAL's DXF driver with its defaults (blocks inlined and merged): an
INSERT cell is one feature holding the block's geometry, plus one point feature per text
in the block; a circle is 91 vertices, an arc one per 4 degrees of sweep (at least 2),
a bulged polyline segment likewise. The features are GDAL's own count; the vertices are
at most what GDAL draws (a unit test compares both with GDAL), so a file refused here
would also fail the limits after reading.

>>> square = "0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n90\n4\n10\n0\n20\n0\n10\n1\n20\n0\n"
>>> dxf_census((square + "10\n1\n20\n1\n10\n0\n20\n1\n0\nENDSEC\n0\nEOF\n").encode())
DxfCensus(features=1, vertices=4)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from codesign.errors import ImportFormatError
from codesign.io.model import DEFAULT_LIMITS, ImportLimits

__all__ = ["BINARY_SENTINEL", "DxfCensus", "dxf_census"]

BINARY_SENTINEL = b"AutoCAD Binary DXF\r\n\x1a\x00"
#: GDAL's default arc step (``OGR_ARC_STEPSIZE``), in degrees.
_ARC_STEP = 4.0
_CIRCLE_VERTICES = int(360 / _ARC_STEP) + 1
#: Control points -> drawn points for a SPLINE (GDAL interpolates 8 points per control point).
_SPLINE_FACTOR = 8
_TEXTS = frozenset({"TEXT", "MTEXT", "ATTRIB", "ATTDEF"})
_INSERTS = frozenset({"INSERT", "DIMENSION"})  # a DIMENSION is drawn by inserting its anonymous block
_PAIR = re.compile(rb"([^\n]*)\n([^\n]*)(?:\n|$)")
_CODES = {str(code).encode(): code for code in (0, 2, 10, 11, 12, 13, 41, 42, 50, 51, 70, 71, 91, 98)}
_CODE_NUMBERS = frozenset(_CODES.values())
_BULGED = frozenset({"LWPOLYLINE", "VERTEX", "HATCH"})
#: Entities whose corners after the first are groups 11, 12 and 13.
_CORNERS = frozenset({"LINE", "3DFACE", "SOLID", "TRACE"})


@dataclass(frozen=True)
class DxfCensus:
    """The features and vertices GDAL would produce from the file's model space."""

    features: int
    vertices: int


@dataclass
class _Entity:
    kind: str
    block: str = ""
    columns: int = 1
    rows: int = 1
    points: int = 0
    arc_degrees: float = 0.0
    start: float | None = None
    end: float | None = None
    ellipse_start: float = 0.0
    ellipse_end: float = math.tau
    #: A HATCH's points are its boundary's: after the path count (91), before the seed points (98).
    in_boundary: bool = False

    def vertices(self) -> int:
        """The vertices GDAL draws for this entity (texts and block inserts are counted elsewhere).

        Returns
        -------
        int
            The vertex count.
        """
        arcs = int(self.arc_degrees / _ARC_STEP)
        if self.kind == "CIRCLE":
            return _CIRCLE_VERTICES
        if self.kind == "ARC":
            sweep = ((self.end or 0.0) - (self.start or 0.0)) % 360 or 360
            return max(2, int(sweep / _ARC_STEP) + 1)
        if self.kind == "ELLIPSE":
            sweep = math.degrees((self.ellipse_end - self.ellipse_start) % math.tau or math.tau)
            return max(2, int(sweep / _ARC_STEP) + 1)
        if self.kind == "SPLINE":
            return max(2, self.points * _SPLINE_FACTOR)
        return max(1, self.points) + arcs


@dataclass
class _Container:
    """Model space or one block: what it draws itself, and the blocks it inserts (name, cells)."""

    vertices: int = 0
    shapes: int = 0
    texts: int = 0
    inserts: list[tuple[str, int]] = field(default_factory=list)


def _ascii_pairs(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(group code, raw value) for the codes the census needs; every other pair is skipped."""
    codes = _CODES
    for match in _PAIR.finditer(data):
        code = codes.get(match.group(1).strip())
        if code is not None:
            yield code, match.group(2).strip()


def _binary_pairs(data: bytes) -> Iterator[tuple[int, bytes]]:
    from ezdxf.lldxf.tagger import binary_tags_loader

    try:
        for tag in binary_tags_loader(data):
            if tag.code in _CODE_NUMBERS:
                value = tag.value
                yield tag.code, value if isinstance(value, bytes) else str(value).encode()
    except Exception:  # noqa: BLE001 - a damaged binary DXF: GDAL will say what it makes of it
        return


def _number(value: bytes, default: float) -> float:
    try:
        number = float(value)
    except ValueError:
        return default
    return number if math.isfinite(number) else default


class _Census:
    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.blocks: dict[str, _Container] = {}
        self.model = _Container()
        self.features = 0
        self.section = ""
        self.block: _Container | None = None
        self.entity: _Entity | None = None
        self.expanded: dict[str, tuple[int, int, int]] = {}

    # ---------------------------------------------------------------- reading

    def feed(self, pairs: Iterator[tuple[int, bytes]]) -> None:
        expect_section_name = False
        for code, value in pairs:
            if code == 0:
                self._finish()
                kind = value.decode("ascii", "replace").upper()
                expect_section_name = kind == "SECTION"
                if kind == "ENDSEC":
                    self.section = ""
                elif kind == "ENDBLK":
                    self.block = None
                elif kind == "EOF":
                    break
                self.entity = _Entity(kind)
                continue
            entity = self.entity
            if entity is None:
                continue
            if code == 2:
                if expect_section_name:
                    self.section = value.decode("ascii", "replace").upper()
                    expect_section_name = False
                elif entity.kind == "BLOCK" and self.section == "BLOCKS":
                    self.block = self.blocks.setdefault(value.decode("utf-8", "replace"), _Container())
                else:
                    entity.block = value.decode("utf-8", "replace")
            elif code == 10:
                if entity.kind != "HATCH" or entity.in_boundary:
                    entity.points += 1
            elif code in (11, 12, 13) and entity.kind in _CORNERS:
                entity.points += 1
            elif code in (91, 98) and entity.kind == "HATCH":
                entity.in_boundary = code == 91
            elif code == 70 and entity.kind == "INSERT":
                entity.columns = max(1, abs(int(_number(value, 1))))
            elif code == 71 and entity.kind == "INSERT":
                entity.rows = max(1, abs(int(_number(value, 1))))
            elif code == 42 and entity.kind in _BULGED:
                bulge = abs(_number(value, 0.0))
                entity.arc_degrees += math.degrees(4 * math.atan(min(bulge, 1e6)))
            elif code == 42 and entity.kind == "ELLIPSE":
                entity.ellipse_end = _number(value, math.tau)
            elif code == 41 and entity.kind == "ELLIPSE":
                entity.ellipse_start = _number(value, 0.0)
            elif code == 50:
                entity.start = _number(value, 0.0)
            elif code == 51:
                entity.end = _number(value, 0.0)
                if entity.kind == "HATCH" and entity.start is not None:  # a circular edge of the boundary
                    entity.arc_degrees += (entity.end - entity.start) % 360 or 360
                    entity.start = None
        self._finish()

    def _finish(self) -> None:
        """Count the entity just read into its block, or into model space (checking the limits)."""
        entity, self.entity = self.entity, None
        if entity is None or entity.kind in ("BLOCK", "ENDBLK", "SECTION", "ENDSEC", "EOF", "SEQEND"):
            return
        if self.section == "BLOCKS" and self.block is not None:
            container = self.block
        elif self.section == "ENTITIES":
            container = self.model
        else:
            return
        if entity.kind in _INSERTS:
            if entity.block:
                cells = entity.columns * entity.rows
                if container is self.model:
                    self._count_insert(entity.block, cells)
                else:
                    container.inserts.append((entity.block, cells))
            return
        if entity.kind == "VERTEX":  # part of the POLYLINE before it
            container.vertices += entity.vertices()
        elif entity.kind in _TEXTS:
            container.texts += 1
            container.vertices += 1
        else:
            container.shapes += 1
            container.vertices += entity.vertices()
        if container is self.model:
            self.features += 0 if entity.kind == "VERTEX" else 1
            self._check(self.features, self.model.vertices)

    # ---------------------------------------------------------------- expanding blocks

    def _count_insert(self, name: str, cells: int) -> None:
        if name not in self.blocks:
            return  # GDAL skips an insert of a block that does not exist
        vertices, texts, shapes = self._expand(name)
        self.features += cells * ((1 if shapes else 0) + texts)
        self.model.vertices += cells * vertices
        self._check(self.features, self.model.vertices)

    def _expand(self, name: str) -> tuple[int, int, int]:
        """(vertices, text features, shapes) one insert of the block draws, nested blocks included."""
        if name in self.expanded:
            return self.expanded[name]
        on_path: set[str] = set()
        stack: list[tuple[str, bool]] = [(name, False)]
        while stack:
            current, children_done = stack.pop()
            if current in self.expanded:
                continue
            block = self.blocks[current]
            if not children_done:
                on_path.add(current)
                stack.append((current, True))
                for child, _ in block.inserts:
                    if child in on_path:
                        raise ImportFormatError("import.dxf_block_loop", name=child[:60])
                    if child in self.blocks and child not in self.expanded:
                        stack.append((child, False))
                continue
            on_path.discard(current)
            vertices, texts, shapes = block.vertices, block.texts, block.shapes
            for child, cells in block.inserts:
                child_vertices, child_texts, child_shapes = self.expanded.get(child, (0, 0, 0))
                vertices += cells * child_vertices
                texts += cells * child_texts
                shapes += cells * child_shapes
            self.expanded[current] = (vertices, texts, shapes)
        return self.expanded[name]

    def _check(self, features: int, vertices: int) -> None:
        if features > self.limits.max_features:
            raise ImportFormatError("import.too_many_features", count=features, limit=self.limits.max_features)
        if vertices > self.limits.max_vertices:
            raise ImportFormatError("import.too_many_vertices", limit=self.limits.max_vertices)


def dxf_census(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> DxfCensus:
    """Count what GDAL would draw from a DXF (ASCII or binary); refuse it past ``limits``.

    Parameters
    ----------
    data
        The DXF file.
    limits
        ``max_features`` and ``max_vertices``, checked while counting (a bomb stops early).

    Returns
    -------
    DxfCensus
        Features and vertices of the model space.

    Raises
    ------
    ImportFormatError
        ``import.too_many_features``, ``import.too_many_vertices`` or ``import.dxf_block_loop``
        (a block that inserts itself).
    """
    census = _Census(limits)
    if data.startswith(BINARY_SENTINEL):
        census.feed(_binary_pairs(data))
    else:  # blank lines or a BOM before the first group code would shift every pair
        census.feed(_ascii_pairs(data.removeprefix(b"\xef\xbb\xbf").lstrip()))
    return DxfCensus(features=census.features, vertices=census.model.vertices)
