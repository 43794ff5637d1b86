"""Synthetic phone photos of a drawn-on paper sheet, with the drawn geometry as the known answer.

A real sheet (:func:`codesign.paper.sheet.build_sheets`) is rendered to pixels with pypdfium2;
shapes of known geometry (site metres) are drawn on it in the pen colours, outlined and filled
(solid or hatched) with a hand's wobble, dots are pressed in, black handwriting is scribbled over
the legend and the map; then the page is photographed: laid on a table, rotated, seen in
perspective, lit unevenly with a shadow and a warm colour cast, blurred, noised and saved as
JPEG. Every stroke is drawn by multiplying the paper by the ink, as felt-tip ink does.

The known answer is what the hand drew: each outline's wobbly centre line, as a polygon in the
site's metres, and each dot's centre.

>>> from codesign.domain.site import load_site
>>> len(aksu_drawing(load_site("aksu-city-square")))
9
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
import shapely
from shapely.affinity import rotate
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from codesign.domain.site import Site
from codesign.paper.layout import PAGE, Georeference, map_placement, paper_factor

__all__ = [
    "INKS",
    "Drawn",
    "Photo",
    "PhotoSettings",
    "Shape",
    "aksu_drawing",
    "draw_on_page",
    "photograph",
    "render_page",
]

#: Felt-tip inks as they look on white paper (sRGB), a little off the printed legend's swatches.
INKS = {
    "red": (205, 38, 48),
    "blue": (38, 78, 182),
    "green": (28, 138, 70),
    "orange": (242, 128, 30),
    "purple": (112, 52, 146),
}
BLACK_INK = (32, 32, 38)


@dataclass(frozen=True)
class Shape:
    """Something a resident draws: an area (outlined, and filled ``solid`` or ``hatch`` or not), a dot or a line."""

    colour: str
    geometry: BaseGeometry  # site metres: a Polygon (area), a Point (dot) or a LineString (line)
    fill: str = "outline"  # outline | solid | hatch (areas)


@dataclass(frozen=True)
class Drawn:
    """What was drawn, in site metres: an area's wobbly centre line as a polygon, or a dot's centre."""

    colour: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class PhotoSettings:
    """How the phone sees the sheet."""

    size: tuple[int, int] = (4032, 3024)  # width, height: 12.2 megapixels
    fill: float = 0.8  # the sheet's width as a share of the photo's
    rotation: float = 8.0  # degrees
    tilt: float = 0.08  # perspective: corners moved by this share of the sheet's size
    light: float = 0.45  # darkest corner of the lighting gradient: 1 - light
    shadow: float = 0.3  # a soft shadow's depth
    warm: bool = True
    blur: float = 1.2  # Gaussian sigma, photo pixels
    noise: float = 4.0  # Gaussian sigma, grey levels
    quality: int = 85  # JPEG
    seed: int = 1


@dataclass
class Photo:
    """A synthetic photo (JPEG bytes) and what was drawn on the sheet."""

    jpeg: bytes
    drawn: list[Drawn] = field(default_factory=list)


def render_page(pdf: bytes, px_per_mm: float, page: int = 0) -> np.ndarray:
    """A PDF page as an RGB array (pypdfium2), ``px_per_mm`` pixels per real millimetre.

    Parameters
    ----------
    pdf
        The PDF.
    px_per_mm
        Resolution.
    page
        The page's index.

    Returns
    -------
    numpy.ndarray
        H x W x 3 uint8.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    bitmap = document[page].render(scale=px_per_mm * 25.4 / 72)
    return np.array(bitmap.to_pil().convert("RGB"))


def aksu_drawing(site: Site) -> list[Shape]:
    """A team's drawing on the Aksu square: five colours, outlined, solid and hatched areas, and dots.

    Parameters
    ----------
    site
        The Aksu demo site.

    Returns
    -------
    list of Shape
        Areas of 150 to 2,400 m² and five dots, inside the site.
    """
    cx, cy = site.frame.boundary.centroid.coords[0]

    def box(dx: float, dy: float, w: float, h: float, angle: float) -> Polygon:
        b = shapely.box(cx + dx - w / 2, cy + dy - h / 2, cx + dx + w / 2, cy + dy + h / 2)
        return rotate(b, angle, origin="centroid")

    def blob(dx: float, dy: float, r: float, n: int, seed: int) -> Polygon:
        rng = np.random.default_rng(seed)
        angles = np.sort(rng.uniform(0, 2 * math.pi, n))
        radii = r * rng.uniform(0.7, 1.1, n)
        return Polygon(np.column_stack([cx + dx + radii * np.cos(angles), cy + dy + radii * np.sin(angles)]))

    return [
        Shape("red", box(-60, 35, 32, 22, 8), "hatch"),
        Shape("green", blob(10, -5, 34, 9, 3), "solid"),
        Shape("blue", Point(cx + 55, cy + 40).buffer(12, quad_segs=8), "outline"),
        Shape("orange", box(50, -45, 30, 18, -6), "solid"),
        Shape("red", box(-70, -45, 14, 12, 0), "outline"),
        *(Shape("purple", Point(cx - 30 + 14 * i, cy + 62 - 2 * i)) for i in range(4)),
    ]


def _wobble(points_mm: np.ndarray, rng: np.random.Generator, amplitude: float, closed: bool) -> np.ndarray:
    """A line through ``points_mm`` as a hand draws it: densified, with a slow sideways wobble."""
    steps = np.linalg.norm(np.diff(points_mm, axis=0), axis=1)
    along = np.concatenate([[0], np.cumsum(steps)])
    n = max(8, int(along[-1] / 0.4))
    at = np.linspace(0, along[-1], n)
    pts = np.column_stack([np.interp(at, along, points_mm[:, 0]), np.interp(at, along, points_mm[:, 1])])
    tangent = np.gradient(pts, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
    t = np.linspace(0, 1, n)
    offset = np.zeros(n)
    for waves in (2, 5, 11):
        cycles = waves if closed else waves / 2
        offset += amplitude / waves**0.5 * np.sin(2 * math.pi * cycles * t + rng.uniform(0, 2 * math.pi))
    offset += rng.normal(0, amplitude * 0.08, n)
    if closed:
        offset -= np.linspace(0, offset[-1] - offset[0], n)  # the hand comes back to where it started
    return pts + normal * offset[:, None]


class _Canvas:
    """The page in pixels with an ink coverage layer per ink; strokes in real millimetres."""

    def __init__(self, page: np.ndarray, px_per_mm: float) -> None:
        self.page = page.astype(np.float32) / 255
        self.px = px_per_mm
        self.cover: dict[tuple[int, int, int], np.ndarray] = {}
        self.dirty: dict[tuple[int, int, int], list[float]] = {}  # x0, y0, x1, y1 in pixels

    def layer(self, ink: tuple[int, int, int], mm: np.ndarray | None = None, reach_mm: float = 0) -> np.ndarray:
        if ink not in self.cover:
            self.cover[ink] = np.zeros(self.page.shape[:2], np.float32)
            self.dirty[ink] = [math.inf, math.inf, -math.inf, -math.inf]
        if mm is not None:
            box = self.dirty[ink]
            lo, hi = (mm.min(axis=0) - reach_mm) * self.px, (mm.max(axis=0) + reach_mm) * self.px
            self.dirty[ink] = [min(box[0], lo[0]), min(box[1], lo[1]), max(box[2], hi[0]), max(box[3], hi[1])]
        return self.cover[ink]

    def _px(self, mm: np.ndarray) -> np.ndarray:
        # 4 fractional bits for cv2's shift; cv2 puts pixel centres on whole numbers, the page's mm on pixel edges
        return np.round((mm * self.px - 0.5) * 16).astype(np.int32)

    def stroke(self, ink: tuple[int, int, int], mm: np.ndarray, width_mm: float, closed: bool = False) -> None:
        width = max(1, round(width_mm * self.px))
        cv2.polylines(self.layer(ink, mm, width_mm + 1), [self._px(mm)], closed, 1.0, width, cv2.LINE_AA, shift=4)

    def fill(self, ink: tuple[int, int, int], mm: np.ndarray, strength: float) -> None:
        mask = np.zeros(self.page.shape[:2], np.float32)
        cv2.fillPoly(mask, [self._px(mm)], strength, cv2.LINE_AA, shift=4)
        layer = self.layer(ink, mm, 1)
        np.maximum(layer, mask, out=layer)

    def dot(self, ink: tuple[int, int, int], centre_mm: np.ndarray, radius_mm: float) -> None:
        c = self._px(centre_mm)
        cv2.circle(
            self.layer(ink, centre_mm[None, :], radius_mm + 1),
            (int(c[0]), int(c[1])),
            round(radius_mm * self.px * 16),
            1.0,
            -1,
            cv2.LINE_AA,
            4,
        )

    def result(self) -> np.ndarray:
        out = self.page.copy()
        height, width = out.shape[:2]
        for ink, cover in self.cover.items():
            x0, y0, x1, y1 = self.dirty[ink]
            cols = slice(max(0, int(x0)), min(width, int(x1) + 2))
            rows = slice(max(0, int(y0)), min(height, int(y1) + 2))
            colour = np.asarray(ink, np.float32) / 255
            part = np.clip(cover[rows, cols], 0, 1)
            out[rows, cols] *= 1 - part[..., None] * (1 - colour)  # felt-tip ink multiplies the paper
        return (out * 255).round().astype(np.uint8)


def draw_on_page(
    page: np.ndarray, px_per_mm: float, site: Site, paper: str, shapes: list[Shape], seed: int = 1
) -> tuple[np.ndarray, list[Drawn]]:
    """Draw ``shapes`` on a rendered sheet, and scribble handwriting in black.

    Parameters
    ----------
    page
        The rendered sheet (RGB), ``px_per_mm`` pixels per real millimetre.
    px_per_mm
        Its resolution.
    site
        The sheet's site.
    paper
        ``a4`` or ``a3``.
    shapes
        What to draw.
    seed
        The hand's randomness.

    Returns
    -------
    tuple
        The drawn-on page (RGB) and what was drawn (site metres).
    """
    rng = np.random.default_rng(seed)
    k = paper_factor(paper)
    centre, scale = map_placement(site.frame.boundary.bounds, paper)
    georef = Georeference(paper, centre, scale)
    canvas = _Canvas(page, px_per_mm)
    drawn: list[Drawn] = []
    for shape in shapes:
        ink = tuple(int(np.clip(v + rng.normal(0, 6), 0, 255)) for v in INKS[shape.colour])
        if isinstance(shape.geometry, Point):
            centre_mm = georef.to_units([shape.geometry.coords[0]])[0] * k
            centre_mm = centre_mm + rng.normal(0, 0.1, 2)
            canvas.dot(ink, centre_mm, rng.uniform(1.3, 1.8))
            drawn.append(Drawn(shape.colour, Point(georef.to_metres([centre_mm / k])[0])))
            continue
        if shape.geometry.geom_type == "LineString":  # a line the pen draws (an outline left open)
            line = _wobble(georef.to_units(np.asarray(shape.geometry.coords)) * k, rng, 0.35, closed=False)
            canvas.stroke(ink, line, rng.uniform(0.8, 1.0))
            drawn.append(Drawn(shape.colour, shapely.LineString(georef.to_metres(line / k))))
            continue
        ring_mm = georef.to_units(np.asarray(shape.geometry.exterior.coords)) * k
        line = _wobble(ring_mm, rng, 0.35, closed=True)
        if shape.fill == "solid":
            canvas.fill(ink, line, rng.uniform(0.75, 0.9))
        elif shape.fill == "hatch":
            _hatch(canvas, ink, line, rng)
        canvas.stroke(ink, line, rng.uniform(0.8, 1.0), closed=True)
        metres = shapely.make_valid(Polygon(georef.to_metres(line / k)))
        drawn.append(Drawn(shape.colour, metres))
    _handwriting(canvas, georef, k, shapes, rng)
    return canvas.result(), drawn


def _hatch(canvas: _Canvas, ink: tuple[int, int, int], ring_mm: np.ndarray, rng: np.random.Generator) -> None:
    """Colouring in with strokes about 2 mm apart at an angle, inside the outline."""
    outline = Polygon(ring_mm)
    minx, miny, maxx, maxy = outline.bounds
    angle = math.radians(rng.uniform(30, 60))
    direction = np.array([math.cos(angle), math.sin(angle)])
    normal = np.array([-direction[1], direction[0]])
    centre = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
    reach = math.hypot(maxx - minx, maxy - miny)
    for offset in np.arange(-reach / 2, reach / 2, rng.uniform(1.8, 2.4)):
        a = centre + normal * offset - direction * reach
        b = centre + normal * offset + direction * reach
        inside = outline.buffer(-0.3).intersection(shapely.LineString([a, b]))
        for part in shapely.get_parts(inside):
            if part.geom_type == "LineString" and part.length > 0.5:
                canvas.stroke(ink, _wobble(np.asarray(part.coords), rng, 0.15, closed=False), 0.7)


def _scribble(canvas: _Canvas, start_mm: np.ndarray, length_mm: float, height_mm: float, rng: np.random.Generator):
    """A handwritten word: loops advancing to the right."""
    n = int(length_mm * 12)
    t = np.linspace(0, length_mm, n)
    letter = height_mm * rng.uniform(0.7, 0.95)  # one loop a letter
    phase = 2 * math.pi * t / letter
    tall = 1 + 0.8 * (np.sin(phase / 5.3 + rng.uniform(0, 6)) > 0.7)  # now and then a tall letter
    x = start_mm[0] + t - 0.3 * letter * np.sin(phase)
    y = start_mm[1] - height_mm * 0.5 * tall * (1 - np.cos(phase)) / 2 - 0.15 * height_mm * np.sin(t / 7)
    canvas.stroke(BLACK_INK, np.column_stack([x, y]), 0.45)


def _handwriting(canvas: _Canvas, georef: Georeference, k: float, shapes: list[Shape], rng: np.random.Generator):
    """Words in the legend's boxes (what each colour means) and a few on the map, one across an outline."""
    from codesign.paper.layout import LEGEND

    rows = np.linspace(LEGEND.y0 + 8, LEGEND.y1 - 4, 5)
    for y in rows:
        _scribble(canvas, np.array([LEGEND.x0 + 36, y]) * k, rng.uniform(25, 45) * k, 3.0 * k, rng)
    for shape in shapes[:3]:
        if isinstance(shape.geometry, Point):
            continue
        x, y = georef.to_units([shape.geometry.centroid.coords[0]])[0]
        _scribble(canvas, np.array([x - 8, y + 2]) * k, 22 * k, 2.6 * k, rng)  # crosses the outline
    _scribble(canvas, np.array([PAGE.x0 + 40, PAGE.y0 + 150]) * k, 30 * k, 3 * k, rng)


def photograph(page: np.ndarray, settings: PhotoSettings | None = None) -> bytes:
    """The page as a phone photographs it on a table: placed, rotated, tilted, lit, blurred, noised, JPEG.

    Parameters
    ----------
    page
        The drawn-on page (RGB).
    settings
        How the photo is taken.

    Returns
    -------
    bytes
        The JPEG.
    """
    s = settings or PhotoSettings()
    rng = np.random.default_rng(s.seed)
    width, height = s.size
    table = _table(width, height, rng)
    h, w = page.shape[:2]
    sheet_w = s.fill * width
    sheet_h = sheet_w * h / w
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float) * [sheet_w / 2, sheet_h / 2]
    corners += rng.uniform(-s.tilt, s.tilt, (4, 2)) * [sheet_w, sheet_h]
    theta = math.radians(s.rotation)
    turn = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    corners = corners @ turn.T + [width / 2, height / 2] + rng.uniform(-0.03, 0.03, 2) * [width, height]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (width, height), flags=cv2.INTER_AREA, borderValue=0)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (width, height), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    photo = warped.astype(np.float32) * alpha + table * (1 - alpha)
    photo *= _lighting(width, height, s, rng)[..., None]
    if s.warm:
        photo *= np.array([1.0, 0.95, 0.84], np.float32)  # RGB: indoor light
    if s.blur > 0:
        photo = cv2.GaussianBlur(photo, (0, 0), s.blur)
    photo += rng.normal(0, s.noise, photo.shape).astype(np.float32)
    rgb = np.clip(photo, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, s.quality])
    assert ok
    return jpeg.tobytes()


def _table(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A wooden-looking table: brown with a smooth grain."""
    grain = cv2.resize(rng.normal(0, 1, (height // 40, width // 4)).astype(np.float32), (width, height))
    base = np.array([150, 112, 78], np.float32)
    return np.clip(base + grain[..., None] * 14, 0, 255)


def _lighting(width: int, height: int, s: PhotoSettings, rng: np.random.Generator) -> np.ndarray:
    """Light falling off across the photo, and a soft shadow (a hand, a phone)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = (xx - width / 2) * math.cos(angle) + (yy - height / 2) * math.sin(angle)
    along = (along - along.min()) / (along.max() - along.min())
    light = 1 - s.light * along
    sx, sy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height
    radius = 0.18 * width
    light *= 1 - s.shadow * np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * radius**2)))
    return light
