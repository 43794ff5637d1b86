"""A DXF drawing of a session for CAD, in the site's UTM zone (metres).

A layer per concept and category (``TEAM_1__PLAYGROUND``, ``PLAN__PARKING``, and
``CONSENSUS__LAWN`` for the agreed ground), in the category's colour: closed LWPOLYLINEs for
zones (each hole its own closed polyline; exteriors counter-clockwise, holes clockwise, so
signed areas add up to the zone's area), LWPOLYLINEs for paths, POINTs for amenities, and the
site's boundary on ``SITE__BOUNDARY``. GDAL reads closed polylines as closed lines (as polygons
with its option ``DXF_CLOSED_LINE_AS_POLYGON=TRUE``). The joint vision's entities carry their
provenance as extended data, with a label of it in words on ``VISION__PROVENANCE``
(:mod:`codesign.export.dxf_provenance`).

>>> dxf_layer_name("team-1", "playground")
'TEAM_1__PLAYGROUND'
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.session import SessionAnalysis
from codesign.domain.session import VISION_OWNER
from codesign.domain.taxonomy import category
from codesign.export.dxf_provenance import tag_vision_feature
from codesign.render.styles import CONTEXT

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.layouts import Modelspace

__all__ = ["dxf_layer_name", "export_dxf"]


def dxf_layer_name(owner: str, category_id: str) -> str:
    """CAD layer of one category of one concept: ``team-1``, ``playground`` -> ``TEAM_1__PLAYGROUND``.

    Parameters
    ----------
    owner : str
        A team id, ``plan``, ``vision`` or ``consensus``.
    category_id : str
        The category.

    Returns
    -------
    str
        The layer's name (upper-case letters, digits and underscores).
    """
    return f"{re.sub(r'[^A-Z0-9]+', '_', owner.upper()).strip('_')}__{category_id.upper()}"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return r, g, b


def _rings(polygon: shapely.Polygon) -> list[list[tuple[float, float]]]:
    """The exterior and each hole of a polygon, as open point lists (the polyline closes them)."""
    return [[(x, y) for x, y, *_ in ring.coords[:-1]] for ring in (polygon.exterior, *polygon.interiors)]


class _Drawing:
    """The DXF document and its modelspace, with layers made on first use.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session (its id and metric CRS go into the header).
    """

    def __init__(self, analysis: SessionAnalysis) -> None:
        import ezdxf
        from ezdxf import units

        self.doc: Drawing = ezdxf.new("R2010", setup=False)
        self.doc.units = units.M
        self.doc.header["$MEASUREMENT"] = 1
        self.doc.header["$INSUNITS"] = units.M
        self.doc.header.custom_vars.append("CRS", f"EPSG:{analysis.frame.crs.to_epsg()}")
        self.doc.header.custom_vars.append("SESSION", analysis.session.id)
        self.modelspace: Modelspace = self.doc.modelspace()

    def layer(self, name: str, colour: str) -> str:
        """A layer, made in ``colour`` the first time it is asked for.

        Parameters
        ----------
        name : str
            The layer's name.
        colour : str
            ``#RRGGBB``.

        Returns
        -------
        str
            The name.
        """
        import ezdxf

        if name not in self.doc.layers:
            self.doc.layers.add(name, true_color=ezdxf.rgb2int(_rgb(colour)))
        return name

    def polygons(self, geom: BaseGeometry, layer: str) -> list[Any]:
        """Every ring of every polygon of ``geom`` as a closed polyline.

        Parameters
        ----------
        geom : BaseGeometry
            Metres.
        layer : str
            The layer.

        Returns
        -------
        list
            The polylines drawn.
        """
        drawn = []
        for polygon in shapely.get_parts(geom):
            if polygon.geom_type == "Polygon":
                for ring in _rings(polygon):
                    drawn.append(self.modelspace.add_lwpolyline(ring, close=True, dxfattribs={"layer": layer}))
        return drawn

    def feature(self, metric: BaseGeometry, layer: str) -> list[Any]:
        """A feature's parts: polygons as closed polylines, lines as polylines, points.

        Parameters
        ----------
        metric : BaseGeometry
            The feature, metres.
        layer : str
            The layer.

        Returns
        -------
        list
            The entities drawn.
        """
        drawn = []
        for part in shapely.get_parts(metric):
            if part.geom_type == "Polygon":
                drawn += self.polygons(part, layer)
            elif part.geom_type == "LineString":
                coords = [(x, y) for x, y, *_ in part.coords]
                drawn.append(self.modelspace.add_lwpolyline(coords, dxfattribs={"layer": layer}))
            elif part.geom_type == "Point":
                drawn.append(self.modelspace.add_point((part.x, part.y), dxfattribs={"layer": layer}))
        return drawn


def export_dxf(analysis: SessionAnalysis, path: str | os.PathLike[str], lang: str = "ru") -> Path:
    """Write the session's concepts and agreed ground as a DXF drawing in the site's UTM zone (metres).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    path : str or os.PathLike
        The file to write.
    lang : str
        The language of the joint vision's provenance labels.

    Returns
    -------
    Path
        The file written.
    """
    frame = analysis.frame
    drawing = _Drawing(analysis)
    drawing.polygons(frame.boundary, drawing.layer("SITE__BOUNDARY", CONTEXT["site_edge"]))
    team_names = {team.id: team.name for team in analysis.session.teams}
    for owner, concept in analysis.concepts():
        for feature in concept.features:
            cat = category(feature.category)
            metric = frame.to_metric(feature.geometry)
            if cat.kind == "zone":  # exteriors counter-clockwise, holes clockwise
                metric = shapely.orient_polygons(metric, exterior_cw=False)
            drawn = drawing.feature(metric, drawing.layer(dxf_layer_name(owner, cat.id), cat.colour))
            if owner == VISION_OWNER and drawn:
                tag_vision_feature(drawing.doc, drawing.modelspace, drawn, feature, metric, team_names, lang)
    consensus = analysis.consensus
    agreed: dict[str, list[BaseGeometry]] = {}
    for face, state, cid in zip(consensus.faces, consensus.states, consensus.majority, strict=True):
        if state == "agreed":
            agreed.setdefault(cid, []).append(face)
    for cid, faces in agreed.items():
        merged = shapely.orient_polygons(shapely.union_all(faces), exterior_cw=False)
        drawing.polygons(merged, drawing.layer(dxf_layer_name("consensus", cid), category(cid).colour))
    path = Path(path)
    drawing.doc.saveas(path)
    return path
