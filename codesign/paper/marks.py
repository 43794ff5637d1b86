"""What a pen drew, from its ink mask: areas (closed outlines, coloured-in shapes), dots, lines.

Each connected patch of one colour is one mark. A patch that encloses paper (an outline) or is
thick (coloured in) is an *area*: its outer edge, moved in by half the pen's width, since the
drawn shape is the middle of the pen's line. A small round patch is a *dot* (its centre). A
thin open stroke is a *line*; if closing a small gap (up to :data:`MAX_GAP_MM`) makes it enclose
paper, it was an outline drawn not quite closed, and is an area. Sizes are in real millimetres
on the paper, whatever its size; geometry comes out in sheet units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["DEFAULT_PEN_MM", "MAX_DOT_MM", "MAX_GAP_MM", "MIN_MARK_MM2", "Mark", "find_marks"]

MarkKind = Literal["area", "dot", "line"]
#: Smallest patch of ink read, mm² (a pen's dot is 3 to 10).
MIN_MARK_MM2 = 1.5
#: Widest a dot may be, mm (its patch's equivalent diameter); larger round patches are areas.
MAX_DOT_MM = 6.0
#: Widest gap closed in an outline drawn not quite closed, mm.
MAX_GAP_MM = 5.0
#: A felt-tip pen's line, mm, where a patch gives no measure of its own (coloured in solid).
DEFAULT_PEN_MM = 0.9
_THICK_MM = 2.6  # a patch this thick somewhere is coloured in, not a stroke
_HOLE_SHARE = 0.15  # paper enclosed: at least this share of the patch's outline


@dataclass(frozen=True)
class Mark:
    """One mark of one colour: ``area`` (Polygon), ``dot`` (Point) or ``line`` (LineString), in sheet units."""

    colour: str
    kind: MarkKind
    geometry: BaseGeometry


@dataclass(frozen=True)
class _Scale:
    """Pixels of the rectified sheet <-> sheet units <-> real mm."""

    res: float  # pixels per sheet unit
    k: float  # real mm per sheet unit
    origin: tuple[float, float]  # the units of the mask's pixel (0, 0)'s corner

    def mm(self, pixels: float) -> float:
        return pixels / self.res * self.k

    def px(self, mm: float) -> float:
        return mm / self.k * self.res

    def units(self, xy: np.ndarray) -> np.ndarray:
        return (xy + 0.5) / self.res + np.asarray(self.origin)


def find_marks(
    masks: dict[str, np.ndarray], res: float, k: float, origin: tuple[float, float] = (0.0, 0.0)
) -> list[Mark]:
    """Every mark of every colour.

    Parameters
    ----------
    masks
        Colour -> uint8 mask (255: that ink), as :func:`codesign.paper.inks.ink_masks` gives them.
    res
        Pixels per sheet unit.
    k
        Real mm per sheet unit (1 on A4, the square root of 2 on A3).
    origin
        The sheet units of the masks' top-left corner.

    Returns
    -------
    list of Mark
        In sheet units.
    """
    import cv2

    scale = _Scale(res, k, origin)
    marks: list[Mark] = []
    for colour, mask in masks.items():
        if not mask.any():
            continue
        cleaned = _cleaned(mask, scale)
        distance = cv2.distanceTransform(cleaned, cv2.DIST_L2, 5)
        contours, hierarchy = cv2.findContours(cleaned, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if hierarchy is None:
            continue
        patches = []
        for index, contour in enumerate(contours):
            if hierarchy[0][index][3] != -1:
                continue  # a hole: read with its patch
            holes = [contours[i] for i in _children(hierarchy[0], index)]
            patch = _patch(contour, holes, distance, scale)
            if patch is not None:
                patches.append(patch)
        pen = _pen_width(patches, scale)
        found = [m for m in (_mark(colour, patch, pen, cleaned, scale) for patch in patches) if m is not None]
        marks.extend(_outside_areas(found))
    return marks


def _outside_areas(marks: list[Mark]) -> list[Mark]:
    """Areas, and the dots and lines of the same colour not inside one of them.

    Writing across a coloured-in area leaves islands of ink inside its letters' loops; they are
    the area, not dots of their own.
    """
    areas = [m.geometry for m in marks if m.kind == "area"]
    if not areas:
        return marks
    union = shapely.union_all(areas)
    return [m for m in marks if m.kind == "area" or not union.contains(m.geometry)]


def _cleaned(mask: np.ndarray, scale: _Scale) -> np.ndarray:
    """Specks removed; strokes broken by a crossing black line (about a millimetre) joined again."""
    import cv2

    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    size = max(3, round(scale.px(1.2))) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return np.asarray(cv2.morphologyEx(opened, cv2.MORPH_CLOSE, kernel))


def _children(hierarchy: np.ndarray, parent: int) -> list[int]:
    child, out = int(hierarchy[parent][2]), []
    while child != -1:
        out.append(child)
        child = int(hierarchy[child][0])
    return out


@dataclass(frozen=True)
class _Patch:
    contour: np.ndarray  # outer edge, pixels
    area_px: float  # inside the outer edge
    hole_px: float  # the largest enclosed paper
    thick_px: float  # the largest distance from paper inside (half the thickest part)
    ridge_px: float  # the typical half-width of its strokes
    bbox: tuple[int, int, int, int]


def _patch(contour: np.ndarray, holes: list[np.ndarray], distance: np.ndarray, scale: _Scale) -> _Patch | None:
    import cv2

    area = float(cv2.contourArea(contour)) + len(contour) / 2  # the edge pixels count half outside the contour
    if scale.mm(1) ** 2 * area < MIN_MARK_MM2:
        return None
    x, y, w, h = cv2.boundingRect(contour)
    inside = np.zeros((h, w), np.uint8)
    cv2.drawContours(inside, [contour - [x, y]], -1, 255, -1)
    values = distance[y : y + h, x : x + w][inside > 0]
    ridge = _ridge(distance[y : y + h, x : x + w], inside)
    hole = max((float(cv2.contourArea(hole)) for hole in holes), default=0.0)
    return _Patch(contour, area, hole, float(values.max(initial=0)), ridge, (x, y, w, h))


def _ridge(distance: np.ndarray, inside: np.ndarray) -> float:
    """The median of the distance transform's ridge: half a stroke's width."""
    import cv2

    peaks = (distance >= cv2.dilate(distance, np.ones((3, 3), np.uint8))) & (distance > 0) & (inside > 0)
    values = distance[peaks]
    return float(np.median(values)) if len(values) else 0.0


def _pen_width(patches: list[_Patch], scale: _Scale) -> float:
    """The pen's width in pixels, from the strokes of this colour's outlines and lines."""
    strokes = [p.ridge_px for p in patches if p.thick_px < scale.px(_THICK_MM) / 2 and p.ridge_px > 0]
    if not strokes:
        return scale.px(DEFAULT_PEN_MM)
    return max(1.0, 2 * float(np.median(strokes)) - 0.5)


def _mark(colour: str, patch: _Patch, pen: float, mask: np.ndarray, scale: _Scale) -> Mark | None:
    diameter_mm = 2 * math.sqrt(patch.area_px / math.pi) * scale.mm(1)
    encloses = patch.hole_px >= _HOLE_SHARE * patch.area_px and scale.mm(1) ** 2 * patch.hole_px >= 4
    thick = 2 * patch.thick_px >= scale.px(_THICK_MM)
    if not encloses and diameter_mm <= MAX_DOT_MM:
        return Mark(colour, "dot", Point(scale.units(_centre(patch.contour))[0]))
    if encloses or thick:
        return _area(colour, patch.contour, pen, scale)
    closed = _closed_gap(mask, patch, scale)
    if closed is not None:
        return _area(colour, closed, pen, scale)
    line = _centre_line(mask, patch, scale)
    return Mark(colour, "line", line) if line is not None else None


def _centre(contour: np.ndarray) -> np.ndarray:
    import cv2

    moments = cv2.moments(contour)
    if moments["m00"] == 0:
        return np.asarray(contour.reshape(-1, 2).mean(axis=0))[None, :]
    return np.array([[moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]]])


def _area(colour: str, contour: np.ndarray, pen: float, scale: _Scale) -> Mark | None:
    """The polygon a pen's outline stands for: the patch's outer edge moved in to the middle of the line."""
    points = contour.reshape(-1, 2).astype(float)
    if len(points) < 3:
        return None
    outer = shapely.make_valid(Polygon(points))
    # the contour runs through the edge pixels' centres, half a pixel inside the ink's edge
    inset = max(0.0, pen / 2 - 0.5)
    polygon = outer.buffer(-inset, join_style="mitre", mitre_limit=3).simplify(0.12 * scale.res)
    parts = [p for p in shapely.get_parts(polygon) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return None
    largest = max(parts, key=lambda p: p.area)
    units = shapely.transform(largest, lambda xy: scale.units(xy))
    return Mark(colour, "area", units)


def _closed_gap(mask: np.ndarray, patch: _Patch, scale: _Scale) -> np.ndarray | None:
    """The outer edge of an outline drawn not quite closed, once its gap is bridged; None if it was a line."""
    import cv2

    x, y, w, h = patch.bbox
    pad = round(scale.px(MAX_GAP_MM)) + 2
    crop = np.zeros((h + 2 * pad, w + 2 * pad), np.uint8)
    cv2.drawContours(crop, [patch.contour - [x - pad, y - pad]], -1, 255, -1)
    crop &= np.pad(mask[y : y + h, x : x + w], pad)
    for gap_mm in (1.5, 3.0, MAX_GAP_MM):
        size = max(3, round(scale.px(gap_mm))) | 1
        closed = cv2.morphologyEx(crop, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
        contours, hierarchy = cv2.findContours(closed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if hierarchy is None:
            continue
        for index, contour in enumerate(contours):
            holes = [contours[i] for i in _children(hierarchy[0], index)] if hierarchy[0][index][3] == -1 else []
            area = float(cv2.contourArea(contour))
            hole = max((float(cv2.contourArea(c)) for c in holes), default=0.0)
            if area > 0 and hole >= 0.25 * area:
                return np.asarray(contour + [x - pad, y - pad])
    return None


def _centre_line(mask: np.ndarray, patch: _Patch, scale: _Scale) -> BaseGeometry | None:
    """An open stroke's middle line (its skeleton's longest path), or None when too short."""
    from codesign.paper.skeleton import longest_path, thin

    x, y, w, h = patch.bbox
    crop = np.zeros((h + 2, w + 2), np.uint8)
    import cv2

    cv2.drawContours(crop, [patch.contour - [x - 1, y - 1]], -1, 1, -1)
    crop &= (np.pad(mask[y : y + h, x : x + w], 1) > 0).astype(np.uint8)
    path = longest_path(thin(crop))
    if len(path) < 2:
        return None
    line = shapely.LineString(scale.units(path[:, ::-1] + [x - 1, y - 1])).simplify(0.25)
    return line if line.length * scale.k >= 3 else None
