"""Small SVG pictures of a concept on its site, for the live gallery (no map library needed).

>>> from codesign.domain.site import load_site
>>> from codesign.domain.concept import Concept
>>> svg = concept_svg(Concept("aksu-city-square", "team-1"), load_site("aksu-city-square"))
>>> svg.startswith("<svg") and "</svg>" in svg
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from html import escape

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.site import Site
from codesign.domain.taxonomy import category
from codesign.render.icons import icon_path_data
from codesign.render.styles import CONTEXT

__all__ = ["concept_svg"]

#: Characters XML 1.0 does not allow (an SVG holding one is not shown at all): left out of text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_CONTEXT_STYLE = {
    "building": f'fill="{CONTEXT["building_fill"]}" stroke="{CONTEXT["building_edge"]}" stroke-width="0.5"',
    "water": f'fill="{CONTEXT["water_fill"]}" stroke="none"',
    "street": f'fill="none" stroke="{CONTEXT["street"]}" stroke-width="{{street}}" stroke-linecap="round"',
}
#: Zones on a thumbnail: their category colour, fairly opaque (the picture is small).
ZONE_OPACITY = 0.8
#: An icon on a thumbnail (an amenity, or a zone big enough): its side, px.
_ICON_PX = 10.0


def _icon_at(x: float, y: float, name: str, colour: str) -> str:
    """A category's icon (vendored Material Symbol) in a white disc centred on (x, y) px."""
    half, scale = _ICON_PX / 2, _ICON_PX / 960
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{half + 1.5:.1f}" fill="#fff" stroke="{colour}" stroke-width="1"/>'
        f'<path transform="translate({x - half:.1f} {y + half:.1f}) scale({scale:.5f})" fill="{colour}" '
        f'd="{icon_path_data(name)}"/>'
    )


def _path(geom: BaseGeometry, to_px: Callable[[np.ndarray], np.ndarray]) -> str:
    parts = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            for ring in [part.exterior, *part.interiors]:
                xy = to_px(np.asarray(ring.coords))
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
        elif part.geom_type == "LineString":
            xy = to_px(np.asarray(part.coords))
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy))
    return " ".join(parts)


@dataclass(frozen=True)
class _Backdrop:
    svg: str  # the site and its context, already drawn
    minx: float
    miny: float
    scale: float
    off_x: float
    off_y: float
    height: int

    def to_px(self, coords: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [
                self.off_x + (coords[:, 0] - self.minx) * self.scale,
                self.height - self.off_y - (coords[:, 1] - self.miny) * self.scale,
            ]
        )


@cache
def _backdrop(site: Site, width: int, height: int) -> _Backdrop:
    """The site drawn once per size (the context layers never change)."""
    frame = site.frame
    minx, miny, maxx, maxy = frame.boundary.bounds
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    scale = min(width / (maxx - minx), height / (maxy - miny))
    backdrop = _Backdrop(
        "", minx, miny, scale, (width - (maxx - minx) * scale) / 2, (height - (maxy - miny) * scale) / 2, height
    )
    view = shapely.box(minx, miny, maxx, maxy)
    out = [f'<rect width="{width}" height="{height}" fill="{CONTEXT["background"]}"/>']
    for feature in site.context.get("features", []):
        layer = (feature.get("properties") or {}).get("layer")
        if layer not in _CONTEXT_STYLE:
            continue
        geom = shapely.intersection(frame.to_metric(shapely.geometry.shape(feature["geometry"])), view)
        if not geom.is_empty:
            style = _CONTEXT_STYLE[layer].format(street=max(1.0, 7 * scale))
            out.append(f'<path d="{_path(geom, backdrop.to_px)}" {style}/>')
    out.append(
        f'<path d="{_path(frame.boundary, backdrop.to_px)}" fill="{CONTEXT["site_fill"]}" '
        f'stroke="{CONTEXT["site_edge"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    return replace(backdrop, svg="".join(out))


def concept_svg(concept: Concept, site: Site, width: int = 360, height: int = 260, title: str = "") -> str:
    """The concept drawn over its site's boundary and context, fitted into ``width`` x ``height``.

    Parameters
    ----------
    concept : Concept
        The concept (lon/lat).
    site : Site
        Its site.
    width : int
        The picture's width, pixels.
    height : int
        Its height, pixels.
    title : str
        The (escaped) SVG title, shown as a tooltip.

    Returns
    -------
    str
        The SVG document.
    """
    frame = site.frame
    backdrop = _backdrop(site, width, height)
    to_px = backdrop.to_px
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    if title:
        out.append(f"<title>{escape(_XML_INVALID.sub('', title))}</title>")
    out.append(backdrop.svg)
    icons: list[str] = []
    for kind in ("zone", "path", "amenity"):
        for f in concept.features:
            if f.kind != kind:
                continue
            colour = category(f.category).colour
            geom = frame.to_metric(f.geometry)
            icon = category(f.category).icon
            if kind == "zone":
                out.append(
                    f'<path d="{_path(geom, to_px)}" fill="{colour}" fill-opacity="{ZONE_OPACITY}" stroke="{colour}"/>'
                )
                (x0, y0), (x1, y1) = to_px(np.asarray(geom.bounds).reshape(2, 2))
                if min(abs(x1 - x0), abs(y1 - y0)) >= 3 * _ICON_PX:  # big enough to carry its icon
                    ((x, y),) = to_px(np.asarray(geom.point_on_surface().coords))
                    icons.append(_icon_at(x, y, icon, colour))
            elif kind == "path":
                out.append(f'<path d="{_path(geom, to_px)}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
            else:
                ((x, y),) = to_px(np.asarray(geom.coords))
                icons.append(_icon_at(x, y, icon, colour))
    out.extend(icons)  # above every shape
    out.append("</svg>")
    return "".join(out)
