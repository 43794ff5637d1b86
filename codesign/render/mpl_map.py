r"""Static maps of a site on paper, drawn offline with matplotlib (the report's maps).

:class:`SiteMap` draws the site's context layers in its metric CRS at equal scale (so the
scale bar is true), then whatever a map adds (zones, lines, amenity markers, numbers), the
site's boundary on top, a scale bar, an arrow to true north and a legend on the right.
Text is set in DejaVu Sans (Cyrillic and Kazakh letters print) and never read as mathtext
or TeX: a ``$`` in a team or street name prints as typed.

>>> from codesign.domain.site import load_site
>>> site_map = SiteMap(load_site("aksu-city-square"), "kk", (120, 90), legend_mm=40, dpi=40)
>>> site_map.png().startswith(b"\x89PNG")
True
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from shapely import Point
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.site import Site
from codesign.domain.taxonomy import categories, category
from codesign.i18n import translate
from codesign.render.glyphs import printable
from codesign.render.icons import icon_mpl_path
from codesign.render.mpl_parts import (
    Extent,
    draw_context,
    draw_north_arrow,
    draw_scale_bar,
    font,
    line_coords,
    polygon_path,
)
from codesign.render.styles import CONTEXT, amenity_marker

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.path import Path as MplPath
    from matplotlib.typing import LineStyleType

#: Amenity icons are drawn this many times the area a plain marker would get.
_ICON_AREA = 1.8

__all__ = ["MAP_DPI", "SiteMap", "legend_width_mm", "render_concept_map"]

#: Resolution of the report's maps (dots per inch).
MAP_DPI = 144


class SiteMap:
    """A static map of the site at a given paper size, drawn offline with matplotlib.

    The map area keeps the site's metric CRS at equal scale (so the scale bar is true),
    with the context layers under whatever is added; the legend sits on the right.

    Parameters
    ----------
    site : Site
        The site drawn.
    lang : str
        The language of the legend, the scale bar and the north arrow.
    size_mm : tuple of float
        Width and height of the whole picture on paper, mm.
    legend_mm : float
        Width of the legend column on the right, mm.
    dpi : int
        Resolution, dots per inch.
    extent : tuple of float or None
        The area drawn (x0, y0, x1, y1) in the site's metres, with the map's proportions (a paper
        sheet prints its map at a round scale); default: the site with a margin around it.
    """

    def __init__(
        self,
        site: Site,
        lang: str,
        size_mm: tuple[float, float],
        legend_mm: float,
        dpi: int = MAP_DPI,
        extent: Extent | None = None,
    ) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.site, self.lang, self.frame = site, lang, site.frame
        width, height = size_mm
        self.map_mm = (width - legend_mm, height)
        self.figure = Figure(figsize=(width / 25.4, height / 25.4), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes((0, 0, self.map_mm[0] / width, 1))
        self.ax.set_axis_off()
        self.legend_left = self.map_mm[0] / width + 0.015
        self.legend_mm = legend_mm
        self.handles: list[Artist | tuple[Artist, Artist]] = []
        self._extent(extent)
        self._context()

    # ------------------------------------------------------------------ frame
    def _extent(self, given: Extent | None) -> None:
        if given is not None:
            self.extent = given
            self.ax.set_xlim(given[0], given[2])
            self.ax.set_ylim(given[1], given[3])
            self.ax.set_aspect("equal", adjustable="box")
            self.metres_per_mm = (given[2] - given[0]) / self.map_mm[0]
            return
        minx, miny, maxx, maxy = self.frame.boundary.bounds
        pad = 0.06 * max(maxx - minx, maxy - miny)
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        want = self.map_mm[0] / self.map_mm[1]
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        w, h = maxx - minx, maxy - miny
        if w / h < want:
            w = h * want
        else:
            h = w / want
        self.extent = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        self.ax.set_xlim(self.extent[0], self.extent[2])
        self.ax.set_ylim(self.extent[1], self.extent[3])
        self.ax.set_aspect("equal", adjustable="box")
        self.metres_per_mm = w / self.map_mm[0]

    def _context(self) -> None:
        draw_context(self.ax, self.site, self.extent, self.metres_per_mm)

    # ------------------------------------------------------------------ layers
    def zones(
        self,
        geoms: Sequence[BaseGeometry],
        colours: Sequence[str],
        *,
        alpha: float | Sequence[float] = 0.82,
        edge: str | Sequence[str] = "#3a3a3a",
        linewidth: float = 0.5,
        hatch: str | None = None,
        zorder: float = 3,
    ) -> None:
        """Polygons (metres) filled in ``colours``.

        Parameters
        ----------
        geoms : Sequence of BaseGeometry
            (Multi)Polygons in the site's metric CRS.
        colours : Sequence of str
            A fill colour per polygon.
        alpha : float or Sequence of float
            Fill opacity, for all or per polygon.
        edge : str or Sequence of str
            Edge colour, for all or per polygon.
        linewidth : float
            Edge width, points.
        hatch : str or None
            A matplotlib hatch pattern over the fill (drawn in the edge colour).
        zorder : float
            Drawing order (the context is below 2).
        """
        from matplotlib.collections import PathCollection
        from matplotlib.colors import to_rgba

        paths: list[MplPath] = []
        faces: list[tuple[float, float, float, float]] = []
        edges: list[str] = []
        alphas = [alpha] * len(geoms) if isinstance(alpha, int | float) else list(alpha)
        edge_list = [edge] * len(geoms) if isinstance(edge, str) else list(edge)
        for geom, colour, a, e in zip(geoms, colours, alphas, edge_list, strict=True):
            path = polygon_path(geom)
            if path is not None:
                paths.append(path)
                faces.append(to_rgba(colour, a))
                edges.append(e)
        if paths:
            collection = PathCollection(paths, facecolors=faces, edgecolors=edges, linewidths=linewidth, zorder=zorder)
            if hatch:
                collection.set_hatch(hatch)
            self.ax.add_collection(collection)

    def lines(self, geoms: Sequence[BaseGeometry], colours: Sequence[str], width: float = 2.0) -> None:
        """Lines (metres) in ``colours``.

        Parameters
        ----------
        geoms : Sequence of BaseGeometry
            (Multi)LineStrings in the site's metric CRS.
        colours : Sequence of str
            A colour per line.
        width : float
            Line width, points.
        """
        from matplotlib.collections import LineCollection

        segments: list[np.ndarray] = []
        line_colours: list[str] = []
        for geom, colour in zip(geoms, colours, strict=True):
            for coords in line_coords(geom):
                segments.append(coords)
                line_colours.append(colour)
        if segments:
            self.ax.add_collection(
                LineCollection(segments, colors=line_colours, linewidths=width, capstyle="round", zorder=4)
            )

    def points(self, xy: Sequence[tuple[float, float]], cid: str, size: float | Sequence[float] = 28.0) -> None:
        """Amenity points (metres) of one category, with its marker shape.

        Parameters
        ----------
        xy : Sequence of (float, float)
            Points in the site's metric CRS.
        cid : str
            Their amenity category.
        size : float or Sequence of float
            Marker area, points², for all or per point.
        """
        if not xy:
            return
        arr = np.asarray(xy)
        self.ax.scatter(
            arr[:, 0],
            arr[:, 1],
            s=np.asarray(size) * _ICON_AREA,  # an icon fills less of its box than a disc
            marker=amenity_marker(cid),
            c=category(cid).colour,
            edgecolors="#1a1a1a",
            linewidths=0.5,
            zorder=5,
        )

    def number(self, x: float, y: float, text: str, colour: str) -> None:
        """A bold number on the map, with a white halo.

        Parameters
        ----------
        x : float
            Easting, metres.
        y : float
            Northing, metres.
        text : str
            The number (any text).
        colour : str
            Its colour.
        """
        from matplotlib import patheffects

        self.ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            color=colour,
            fontproperties=font(7, bold=True),
            zorder=7,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )

    # ------------------------------------------------------------------ legend
    def legend_patch(
        self,
        colour: str,
        label: str,
        *,
        alpha: float = 0.82,
        hatch: str | None = None,
        edge: str = "#3a3a3a",
        icon: str | None = None,
    ) -> None:
        """A filled square in the legend, with a category's icon on it if given.

        Parameters
        ----------
        colour : str
            Fill colour.
        label : str
            The text beside it.
        alpha : float
            Fill opacity.
        hatch : str or None
            A matplotlib hatch pattern.
        edge : str
            Edge colour.
        icon : str or None
            A category's icon (:mod:`codesign.render.icons`), drawn on the square.
        """
        from matplotlib.colors import to_rgba
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        patch = Patch(facecolor=to_rgba(colour, alpha), edgecolor=edge, hatch=hatch, linewidth=0.6, label=label)
        if icon is None:
            self.handles.append(patch)
            return
        mark = Line2D([], [], linestyle="none", marker=icon_mpl_path(icon), markersize=5.5, color="#2a2a2a")
        self.handles.append((patch, mark))

    def legend_line(self, colour: str, label: str, *, width: float = 2.0, style: LineStyleType = "-") -> None:
        """A line in the legend.

        Parameters
        ----------
        colour : str
            Line colour.
        label : str
            The text beside it.
        width : float
            Line width, points.
        style : str
            A matplotlib line style.
        """
        from matplotlib.lines import Line2D

        self.handles.append(Line2D([], [], color=colour, linewidth=width, linestyle=style, label=label))

    def legend_marker(self, cid: str, label: str) -> None:
        """An amenity marker in the legend.

        Parameters
        ----------
        cid : str
            The amenity category (its marker and colour).
        label : str
            The text beside it.
        """
        from matplotlib.lines import Line2D

        self.handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=amenity_marker(cid),
                markersize=8,
                markerfacecolor=category(cid).colour,
                markeredgecolor="#1a1a1a",
                markeredgewidth=0.5,
                label=label,
            )
        )

    def concept(self, concept: Concept) -> None:
        """A concept in taxonomy colours (later zones on top), with legend entries.

        Parameters
        ----------
        concept : Concept
            The concept (lon/lat), drawn over the site.
        """
        frame = self.frame
        zones = [f for f in concept.features if f.kind == "zone"]
        self.zones([frame.to_metric(f.geometry) for f in zones], [category(f.category).colour for f in zones])
        paths = [f for f in concept.features if f.kind == "path"]
        self.lines([frame.to_metric(f.geometry) for f in paths], [category(f.category).colour for f in paths])
        present = {f.category for f in concept.features}
        for cat in categories("amenity"):
            if cat.id in present:
                points = [cast(Point, frame.to_metric(f.geometry)) for f in concept.features if f.category == cat.id]
                self.points([(p.x, p.y) for p in points], cat.id)
        for cat in categories():
            if cat.id not in present:
                continue
            if cat.kind == "zone":
                self.legend_patch(cat.colour, cat.label(self.lang), icon=cat.icon)
            elif cat.kind == "path":
                self.legend_line(cat.colour, cat.label(self.lang))
            else:
                self.legend_marker(cat.id, cat.label(self.lang))

    def png(self, note: str = "") -> bytes:
        """The map as PNG bytes: boundary on top, scale bar, north arrow and legend added.

        Parameters
        ----------
        note : str
            A note under the legend.

        Returns
        -------
        bytes
            A 256-colour PNG.
        """
        from matplotlib.collections import PathCollection
        from matplotlib.legend_handler import HandlerTuple
        from matplotlib.lines import Line2D

        self.ax.add_collection(
            PathCollection(
                [cast("MplPath", polygon_path(self.frame.boundary))],
                facecolors="none",
                edgecolors=CONTEXT["site_edge"],
                linewidths=1.4,
                linestyles="--",
                zorder=6,
            )
        )
        draw_scale_bar(self.ax, self.extent, self.metres_per_mm, self.lang)
        draw_north_arrow(self.ax, self.frame, self.extent, self.metres_per_mm, self.lang)
        site_label = translate("report.map.site", self.lang)
        site_line = Line2D([], [], color=CONTEXT["site_edge"], linewidth=1.4, linestyle="--", label=site_label)
        handles = [*self.handles, site_line]
        chars = max(14, int(self.legend_mm / 1.75))
        labels = [textwrap.fill(str((h[0] if isinstance(h, tuple) else h).get_label()), chars) for h in handles]
        self.figure.legend(
            handles=handles,
            labels=labels,
            handler_map={tuple: HandlerTuple(ndivide=1, pad=0)},  # a zone's square with its icon on it
            loc="upper left",
            bbox_to_anchor=(self.legend_left, 0.995),
            frameon=False,
            prop=font(6.5),
            handlelength=1.6,
            handleheight=1.1,
            borderaxespad=0,
            labelspacing=0.45,
        )
        if note:
            self.figure.text(
                self.legend_left,
                0.01,
                textwrap.fill(note, chars),
                fontproperties=font(5.8),
                color="#555555",
                va="bottom",
            )
        from matplotlib.text import Text
        from PIL import Image

        missing = translate("report.missing_glyph", self.lang)
        for text in self.figure.findobj(Text):
            # a "$" in a team name, a street or a legend is a dollar sign: never mathtext, never TeX
            text.set_parse_math(False)
            text.set_usetex(False)
            text.set_text(printable(text.get_text(), missing))  # an emoji: a mark, not an empty box
        self.canvas.draw()
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()).convert("RGB")
        # 256 colours hold these flat maps; the PDF gets about 2.5 times smaller
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(self.figure.dpi, self.figure.dpi))
        return buffer.getvalue()


def legend_width_mm(size_mm: tuple[float, float]) -> float:
    """The legend column's width for a map of this size: 27 % of it, 40 to 58 mm.

    Parameters
    ----------
    size_mm : tuple of float
        Width and height of the map on paper, mm.

    Returns
    -------
    float
        The legend's width, mm.
    """
    return min(58.0, max(40.0, size_mm[0] * 0.27))


def render_concept_map(site: Site, concept: Concept, lang: str, size_mm: tuple[float, float] = (170, 150)) -> bytes:
    """One concept on its site as a PNG (also handy for previews).

    Parameters
    ----------
    site : Site
        The concept's site.
    concept : Concept
        The concept.
    lang : str
        The legend's language.
    size_mm : tuple of float
        Width and height on paper, mm.

    Returns
    -------
    bytes
        The PNG.
    """
    site_map = SiteMap(site, lang, size_mm, legend_mm=legend_width_mm(size_mm))
    site_map.concept(concept)
    return site_map.png()
