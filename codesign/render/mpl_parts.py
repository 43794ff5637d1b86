"""The pieces of a paper map, drawn with matplotlib: context layers, scale bar, north arrow, paths.

:class:`codesign.render.mpl_map.SiteMap` puts them together. Everything is in the site's
metric CRS; ``extent`` is the drawn area ``(x0, y0, x1, y1)`` in metres, ``metres_per_mm``
the map's scale on paper.

>>> nice_length(137.0), nice_length(0.9)
(100, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, cast

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from codesign.domain.geometry import MetricFrame
from codesign.domain.site import Site
from codesign.i18n import format_number, translate
from codesign.render.styles import CONTEXT, FONT_BOLD, FONT_REGULAR

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath

__all__ = [
    "Extent",
    "draw_context",
    "draw_north_arrow",
    "draw_scale_bar",
    "font",
    "line_coords",
    "nice_length",
    "polygon_path",
]

#: The drawn area (x0, y0, x1, y1), metres.
Extent = tuple[float, float, float, float]


@dataclass(frozen=True)
class _StreetLabel:
    text: str
    x: float
    y: float
    angle: float


@cache
def _context_metric(site: Site) -> tuple[dict[str, list[BaseGeometry]], tuple[_StreetLabel, ...]]:
    """The site's context layers in metres, and the street names with their angle."""
    frame = site.frame
    layers: dict[str, list[BaseGeometry]] = {}
    labels: list[_StreetLabel] = []
    for feature in site.context.get("features", []):
        props = feature.get("properties") or {}
        layer = str(props.get("layer"))
        geom = frame.to_metric(shape(feature["geometry"]))
        if geom.is_empty:
            continue
        layers.setdefault(layer, []).append(geom)
        name = props.get("name")
        if layer == "street" and name and geom.length > 40:
            mid, ahead = geom.interpolate(0.48, normalized=True), geom.interpolate(0.52, normalized=True)
            angle = math.degrees(math.atan2(ahead.y - mid.y, ahead.x - mid.x))
            angle = (angle + 90) % 180 - 90  # keep the text upright
            labels.append(_StreetLabel(str(name)[:60], mid.x, mid.y, angle))
    return layers, tuple(labels)


def font(size: float, bold: bool = False) -> FontProperties:
    """DejaVu Sans at a size, for any text on a map.

    Parameters
    ----------
    size : float
        Size in points.
    bold : bool
        The bold face.

    Returns
    -------
    FontProperties
        The font, from the file shipped in ``codesign/data/fonts``.
    """
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(FONT_BOLD if bold else FONT_REGULAR), size=size)


def polygon_path(geom: BaseGeometry) -> MplPath | None:
    """A (Multi)Polygon as one matplotlib path, exteriors counter-clockwise, holes clockwise.

    Parameters
    ----------
    geom : BaseGeometry
        Any geometry; its polygons are drawn, other parts and degenerate rings left out.

    Returns
    -------
    matplotlib.path.Path or None
        The path, or None when nothing is left to draw.
    """
    from matplotlib.path import Path as MplPath

    vertices: list[np.ndarray] = []
    codes: list[list[np.uint8]] = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        poly = shapely.orient_polygons(poly)
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 4:
                continue
            vertices.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def line_coords(geom: BaseGeometry) -> list[np.ndarray]:
    """The coordinates (x, y) of each line of a geometry.

    Parameters
    ----------
    geom : BaseGeometry
        Any geometry; its LineStrings are taken.

    Returns
    -------
    list of numpy.ndarray
        One (n, 2) array per line.
    """
    return [np.asarray(part.coords)[:, :2] for part in shapely.get_parts(geom) if part.geom_type == "LineString"]


def nice_length(limit: float) -> float:
    """The largest 1, 2, 2.5 or 5 x 10^k not above ``limit``: a scale bar's length.

    Parameters
    ----------
    limit : float
        The longest the bar may be, metres (positive).

    Returns
    -------
    float
        The length, metres.
    """
    exponent = math.floor(math.log10(limit))
    for step in (5, 2.5, 2, 1):
        if step * 10**exponent <= limit:
            return step * 10**exponent
    return 10**exponent


def draw_context(ax: Axes, site: Site, extent: Extent, metres_per_mm: float) -> None:
    """The background, the site's context layers, the site's ground and the street names.

    Parameters
    ----------
    ax : Axes
        The map's axes, in the site's metric CRS.
    site : Site
        The site.
    extent : Extent
        The drawn area, metres.
    metres_per_mm : float
        The scale: metres per mm of paper (streets are drawn about 9 m wide).
    """
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = extent
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=CONTEXT["background"], edgecolor="none", zorder=0))
    layers, labels = _context_metric(site)
    line_pt = 1 / metres_per_mm * 72 / 25.4  # points per metre at this scale

    def polygons(name: str, face: str, edge: str) -> None:
        paths = [p for g in layers.get(name, []) if (p := polygon_path(g)) is not None]
        if paths:
            ax.add_collection(PathCollection(paths, facecolors=face, edgecolors=edge, linewidths=0.4, zorder=1))

    polygons("water", CONTEXT["water_fill"], CONTEXT["water_edge"])
    polygons("building", CONTEXT["building_fill"], CONTEXT["building_edge"])
    streets = [c for g in layers.get("street", []) for c in line_coords(g)]
    if streets:
        width = max(2.0, min(9.0, 9 * line_pt))
        casing = CONTEXT["street_casing"]
        ax.add_collection(LineCollection(streets, colors=casing, linewidths=width + 1.2, zorder=1.1))
        street = CONTEXT["street"]
        ax.add_collection(LineCollection(streets, colors=street, linewidths=width, capstyle="round", zorder=1.2))
    site_path = cast("MplPath", polygon_path(site.frame.boundary))
    ax.add_collection(PathCollection([site_path], facecolors=CONTEXT["site_fill"], edgecolors="none", zorder=1.5))
    paths = [c for g in layers.get("path", []) for c in line_coords(g)]
    if paths:
        ax.add_collection(LineCollection(paths, colors=CONTEXT["path"], linewidths=0.8, linestyles="--", zorder=1.6))
    points = [g for g in layers.get("tree", []) if g.geom_type == "Point"]
    trees = shapely.get_coordinates(points) if points else np.empty((0, 2))
    if len(trees):
        ax.scatter(
            trees[:, 0],
            trees[:, 1],
            s=6,
            c=CONTEXT["tree_fill"],
            edgecolors=CONTEXT["tree_edge"],
            linewidths=0.3,
            zorder=1.7,
        )
    for label in labels:
        if x0 < label.x < x1 and y0 < label.y < y1:
            ax.text(
                label.x,
                label.y,
                label.text,
                rotation=label.angle,
                rotation_mode="anchor",
                ha="center",
                va="center",
                color=CONTEXT["street_label"],
                fontproperties=font(5.5),
                zorder=1.8,
                clip_on=True,
            )


def draw_scale_bar(ax: Axes, extent: Extent, metres_per_mm: float, lang: str) -> None:
    """A scale bar in the lower left corner, on a white box: four blocks, 0, half and the length.

    Parameters
    ----------
    ax : Axes
        The map's axes, in metres.
    extent : Extent
        The drawn area, metres.
    metres_per_mm : float
        The scale: metres per mm of paper.
    lang : str
        The language of the numbers and the unit.
    """
    from matplotlib.patches import Rectangle

    x0, y0, x1, _ = extent
    length = nice_length((x1 - x0) * 0.28)
    mm = metres_per_mm
    left, bottom, bar_h = x0 + 5 * mm, y0 + 5 * mm, 1.4 * mm
    ax.add_patch(
        Rectangle(
            (left - 2 * mm, bottom - 2 * mm),
            length + 10 * mm,
            bar_h + 7.5 * mm,
            facecolor="white",
            edgecolor="#888888",
            linewidth=0.4,
            alpha=0.9,
            zorder=8,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + i * length / 4, bottom),
                length / 4,
                bar_h,
                facecolor="#1a1a1a" if i % 2 == 0 else "white",
                edgecolor="#1a1a1a",
                linewidth=0.5,
                zorder=9,
            )
        )
    unit = translate("unit.m", lang)
    for value in (0, length / 2, length):
        ax.text(
            left + value,
            bottom + bar_h + 1.0 * mm,
            format_number(value, lang, 0 if value == int(value) else 1) + (f" {unit}" if value == length else ""),
            ha="center",
            va="bottom",
            fontproperties=font(6),
            zorder=9,
        )


def draw_north_arrow(ax: Axes, frame: MetricFrame, extent: Extent, metres_per_mm: float, lang: str) -> None:
    """An arrow to true north in the upper right corner (UTM grid north differs by the convergence angle).

    Parameters
    ----------
    ax : Axes
        The map's axes, in metres.
    frame : MetricFrame
        The site's metric frame (to find true north).
    extent : Extent
        The drawn area, metres.
    metres_per_mm : float
        The scale: metres per mm of paper.
    lang : str
        The language of the letter under the arrow.
    """
    from matplotlib.patches import Polygon as MplPolygon

    centre = frame.boundary_lonlat.centroid
    a = cast(shapely.Point, frame.to_metric(shapely.Point(centre.x, centre.y)))
    b = cast(shapely.Point, frame.to_metric(shapely.Point(centre.x, centre.y + 0.001)))
    angle = math.atan2(b.x - a.x, b.y - a.y)  # clockwise from grid north
    _, _, x1, y1 = extent
    mm = metres_per_mm
    cx, cy, size = x1 - 10 * mm, y1 - 15 * mm, 9 * mm

    def at(dx: float, dy: float) -> tuple[float, float]:
        return (
            cx + dx * math.cos(angle) + dy * math.sin(angle),
            cy - dx * math.sin(angle) + dy * math.cos(angle),
        )

    tip, left, right, notch = at(0, size / 2), at(-size / 3, -size / 2), at(size / 3, -size / 2), at(0, -size / 4)
    ax.add_patch(MplPolygon([tip, left, notch], facecolor="white", edgecolor="#1a1a1a", lw=0.6, zorder=9))
    ax.add_patch(MplPolygon([tip, notch, right], facecolor="#1a1a1a", edgecolor="#1a1a1a", lw=0.6, zorder=9))
    nx, ny = at(0, size / 2 + 3 * mm)
    ax.text(
        nx,
        ny,
        translate("report.map.north", lang),
        ha="center",
        va="center",
        fontproperties=font(8, bold=True),
        zorder=9,
    )
