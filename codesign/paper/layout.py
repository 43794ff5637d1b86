"""Where everything sits on a sheet, and how a point on the sheet maps to the site.

Positions are in *sheet units*: millimetres of an A4 landscape page (297 x 210). An A3 sheet is
the same layout enlarged by the square root of two (:func:`paper_factor`), so one scan reads
both; only the corner markers differ (ids 0-3 on A4, 4-7 on A3), which tells the scan the
paper size before it reads the QR code.

The map is printed at a round scale (1:500, 1:750, 1:1000, ...), chosen so the site and a
margin around it fit (:func:`map_placement`); the QR code records the map's centre and scale,
so :class:`Georeference` turns sheet units into the site's metres exactly as the map was drawn.

>>> g = Georeference("a4", (1000, 2000), 1500)
>>> [float(round(v, 1)) for v in g.to_metres([[MAP.x0, MAP.y0], [MAP.x1, MAP.y1]]).ravel()]
[858.2, 2117.0, 1141.8, 1883.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from codesign.domain.paper import PAPER_SIZES

__all__ = [
    "CORNERS",
    "FOOT",
    "LEGEND",
    "MAP",
    "MARKER_MM",
    "PAGE",
    "QR",
    "SIDE",
    "TITLE",
    "Georeference",
    "Rect",
    "map_placement",
    "marker_ids",
    "marker_square",
    "nice_scale",
    "paper_factor",
]


@dataclass(frozen=True)
class Rect:
    """A rectangle on the sheet, in sheet units (x grows right, y grows down)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Width, sheet units.

        Returns
        -------
        float
            ``x1 - x0``.
        """
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Height, sheet units.

        Returns
        -------
        float
            ``y1 - y0``.
        """
        return self.y1 - self.y0


#: The page (A4 landscape, mm).
PAGE = Rect(0, 0, 297, 210)
#: The side of a corner marker (a 4x4 ArUco code with its black border: 6 x 6 cells).
MARKER_MM = 16.0
_M = 7.0  # the page margin: printers leave about 5 mm blank
#: The corner markers' top-left corners, clockwise from the top left.
CORNERS = {
    "top_left": (_M, _M),
    "top_right": (PAGE.x1 - _M - MARKER_MM, _M),
    "bottom_right": (PAGE.x1 - _M - MARKER_MM, PAGE.y1 - _M - MARKER_MM),
    "bottom_left": (_M, PAGE.y1 - _M - MARKER_MM),
}
#: The map (the site at a round scale), between the corner markers on the left.
MAP = Rect(_M, _M + MARKER_MM + 4, 196, PAGE.y1 - _M - MARKER_MM - 4)
#: The strip between the top markers: the team, the session.
TITLE = Rect(_M + MARKER_MM + 4, _M, PAGE.x1 - _M - MARKER_MM - 4, _M + MARKER_MM)
#: The strip between the bottom markers: the sheet id and a reminder.
FOOT = Rect(TITLE.x0, PAGE.y1 - _M - MARKER_MM + 2, TITLE.x1, PAGE.y1 - _M)
#: The column right of the map: instructions, the pen legend, the QR code.
SIDE = Rect(MAP.x1 + 6, MAP.y0, PAGE.x1 - _M, MAP.y1)
#: The QR code, in the column's bottom-right corner.
QR = Rect(SIDE.x1 - 30, SIDE.y1 - 30, SIDE.x1, SIDE.y1)
#: The pen legend: five rows above the QR code.
LEGEND = Rect(SIDE.x0, QR.y0 - 4 - 5 * 14.0, SIDE.x1, QR.y0 - 4)
#: Round scale denominators (times a power of ten).
_NICE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5)
#: Margin around the site on the map, as a share of the site's larger side.
_PAD = 0.06


def paper_factor(paper: str) -> float:
    """How much larger than the A4 layout a sheet is printed.

    >>> paper_factor("a4"), round(paper_factor("a3"), 4)
    (1.0, 1.4141)

    Parameters
    ----------
    paper
        ``a4`` or ``a3``.

    Returns
    -------
    float
        Real millimetres per sheet unit.
    """
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, got {paper!r}")
    return 1.0 if paper == "a4" else 420.0 / 297.0


def marker_ids(paper: str) -> dict[str, int]:
    """The ArUco ids of the corner markers (4x4, dictionary of 50): A4 0-3, A3 4-7.

    >>> marker_ids("a3")["bottom_left"]
    7

    Parameters
    ----------
    paper
        ``a4`` or ``a3``.

    Returns
    -------
    dict
        Corner name -> marker id.
    """
    first = PAPER_SIZES.index(paper) * 4
    return {corner: first + i for i, corner in enumerate(CORNERS)}


def marker_square(corner: str) -> np.ndarray:
    """The four corners of a marker on the sheet (units), in ArUco's order: TL, TR, BR, BL.

    Parameters
    ----------
    corner
        A key of :data:`CORNERS`.

    Returns
    -------
    numpy.ndarray
        A 4 x 2 array.
    """
    x, y = CORNERS[corner]
    s = MARKER_MM
    return np.array([[x, y], [x + s, y], [x + s, y + s], [x, y + s]], dtype=float)


def nice_scale(minimum: float) -> int:
    """The smallest round scale denominator at least ``minimum``.

    >>> nice_scale(1437.2), nice_scale(101), nice_scale(8000)
    (1500, 125, 10000)

    Parameters
    ----------
    minimum
        The scale denominator needed (metres per metre of paper).

    Returns
    -------
    int
        1, 1.25, 1.5, 2, 2.5, 3, 4, 5 or 7.5 times a power of ten.
    """
    power = 10.0 ** math.floor(math.log10(max(minimum, 1.0)))
    for step in (*_NICE, 10.0):
        if step * power >= minimum - 1e-9:
            return round(step * power)
    raise AssertionError("unreachable")  # pragma: no cover


def map_placement(bounds: tuple[float, float, float, float], paper: str) -> tuple[tuple[int, int], int]:
    """Where the map is centred and at which round scale, for a site's metric bounds.

    >>> map_placement((0.0, 0.0, 244.0, 183.0), "a4")
    ((122, 92), 1500)
    >>> map_placement((0.0, 0.0, 244.0, 183.0), "a3")
    ((122, 92), 1250)

    Parameters
    ----------
    bounds
        The site's boundary bounds (minx, miny, maxx, maxy) in its metric CRS.
    paper
        ``a4`` or ``a3``.

    Returns
    -------
    tuple
        The centre (whole metres) and the scale denominator.
    """
    minx, miny, maxx, maxy = bounds
    pad = _PAD * max(maxx - minx, maxy - miny)
    k = paper_factor(paper)
    needed = max((maxx - minx + 2 * pad) / (MAP.width * k), (maxy - miny + 2 * pad) / (MAP.height * k)) * 1000
    centre = (round((minx + maxx) / 2), round((miny + maxy) / 2))
    return centre, nice_scale(needed)


@dataclass(frozen=True)
class Georeference:
    """Sheet units <-> the site's metres, for a map centred at ``centre`` at 1:``scale``."""

    paper: str
    centre: tuple[float, float]
    scale: int

    @property
    def metres_per_unit(self) -> float:
        """Metres on the ground per sheet unit.

        Returns
        -------
        float
            ``scale / 1000`` times the paper factor.
        """
        return self.scale / 1000 * paper_factor(self.paper)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The map's extent (x0, y0, x1, y1), metres.

        Returns
        -------
        tuple of float
            What the printed map shows.
        """
        half_w = MAP.width * self.metres_per_unit / 2
        half_h = MAP.height * self.metres_per_unit / 2
        cx, cy = self.centre
        return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)

    def to_metres(self, units: np.ndarray | list[list[float]]) -> np.ndarray:
        """Points on the sheet (units) -> metres in the site's CRS.

        Parameters
        ----------
        units
            An N x 2 array of (x, y) sheet units.

        Returns
        -------
        numpy.ndarray
            N x 2 (easting, northing).
        """
        xy = np.asarray(units, dtype=float).reshape(-1, 2)
        x0, _, _, y1 = self.extent
        m = self.metres_per_unit
        return np.column_stack([x0 + (xy[:, 0] - MAP.x0) * m, y1 - (xy[:, 1] - MAP.y0) * m])

    def to_units(self, metres: np.ndarray | list[list[float]]) -> np.ndarray:
        """Metres in the site's CRS -> points on the sheet (units).

        Parameters
        ----------
        metres
            An N x 2 array of (easting, northing).

        Returns
        -------
        numpy.ndarray
            N x 2 sheet units.
        """
        xy = np.asarray(metres, dtype=float).reshape(-1, 2)
        x0, _, _, y1 = self.extent
        m = self.metres_per_unit
        return np.column_stack([MAP.x0 + (xy[:, 0] - x0) / m, MAP.y0 + (y1 - xy[:, 1]) / m])
