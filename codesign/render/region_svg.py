"""A contested region on its site as a small SVG: where the room is asked to decide.

>>> from shapely.geometry import box
>>> from codesign.domain.site import load_site
>>> site = load_site("aksu-city-square")
>>> svg = region_svg(site.frame.boundary.centroid.buffer(10), site, lonlat=False)
>>> svg.startswith("<svg") and "stroke-width" in svg
True
"""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from codesign.domain.site import Site
from codesign.render.styles import DISPUTE_OUTLINE
from codesign.render.svg import _backdrop, _path

__all__ = ["region_svg"]


def region_svg(region: BaseGeometry, site: Site, width: int = 320, height: int = 220, *, lonlat: bool = True) -> str:
    """The region outlined over the site's boundary and context.

    Parameters
    ----------
    region : BaseGeometry
        The region (lon/lat, or metres with ``lonlat=False``).
    site : Site
        Its site.
    width : int
        The picture's width, pixels.
    height : int
        Its height, pixels.
    lonlat : bool
        Whether ``region`` is in lon/lat (else in the site's metres).

    Returns
    -------
    str
        The SVG document.
    """
    backdrop = _backdrop(site, width, height)
    geom = site.frame.to_metric(region) if lonlat else region
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"{backdrop.svg}"
        f'<path d="{_path(geom, backdrop.to_px)}" fill="{DISPUTE_OUTLINE}" fill-opacity="0.35" '
        f'stroke="{DISPUTE_OUTLINE}" stroke-width="3"/></svg>'
    )
