r"""The comparison report (PDF) for the architecture department, and the analysis behind it.

:func:`analyse_session` gathers what a session holds: every team's latest concept, the
akimat's plan, the joint vision, their figures, each one compared with the plan, the
consensus of the teams, and the places where residents ask for what the plan lacks or
agree with it. The exports (:mod:`codesign.export`) use the same analysis.

:func:`build_report` lays it out as an A4 (or A3) landscape PDF in ru, kk or en with
fpdf2. Maps are drawn offline with matplotlib from the same data as the app, in the
site's metric CRS (so the scale bar is true), with a legend and a north arrow. The text
uses DejaVu Sans, shipped in ``codesign/data/fonts`` and embedded in the PDF, so Cyrillic
and the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) print everywhere. Team names, titles and
descriptions are printed as plain text: neither markdown nor HTML is ever interpreted, and
on the maps neither is matplotlib's mathtext (``$x^2$`` in a team name prints as typed).

>>> format_area(1234.56, "ru") == "1\xa0235"
True
>>> format_percent(0.6815, "en")
'68.2 %'
"""

from __future__ import annotations

import contextlib
import io
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from codesign.analysis.compare import (
    MOVED_MIN_SHARE,
    UNASSIGNED,
    Comparison,
    agreement_map,
    categorical_map,
    category_label,
    compare_concepts,
    describe,
)
from codesign.analysis.consensus import (
    DEFAULT_CLUSTER_DISTANCE_M,
    DEFAULT_THRESHOLD,
    Consensus,
    build_consensus,
    consensus_sentences,
    describe_finding,
    direction,
)
from codesign.analysis.figures import Figures, concept_figures
from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session, Team
from codesign.domain.site import Site, load_site
from codesign.domain.taxonomy import categories, category
from codesign.domain.votes import CONSENSUS_TARGET, tally
from codesign.errors import CodesignError
from codesign.i18n import LANGUAGES, format_number, translate
from codesign.storage.files import FileStore

__all__ = [
    "FONT_BOLD",
    "FONT_REGULAR",
    "MIN_PLACE_M2",
    "MIN_PLACE_WIDTH_M",
    "PAPER_SIZES_MM",
    "Place",
    "SessionAnalysis",
    "agreed_places",
    "analyse_session",
    "build_report",
    "format_area",
    "format_kappa",
    "format_percent",
    "owner_name",
    "render_concept_map",
]

FONTS_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
FONT_REGULAR = FONTS_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
#: Landscape page sizes (width, height) in mm.
PAPER_SIZES_MM = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
#: Agreed ground is listed as a place only from this area (m²) ...
MIN_PLACE_M2 = 25.0
#: ... and only if it is at least this wide somewhere (m): thin slivers where two outlines
#: differ by a step are drawing slop, not a wish.
MIN_PLACE_WIDTH_M = 2.0
#: Places and amenity clusters listed in the PDF at most (the exports hold them all).
MAX_LISTED = 20
MAP_DPI = 144
MARGIN_MM = 12.0
_EMPTY = shapely.Polygon()
#: Okabe-Ito colours, as on the comparison page.
STATE_COLOURS = {"same": "#009E73", "a_only": "#0072B2", "b_only": "#E69F00", "different": "#CC79A7"}
ASK_OUTLINE = "#D55E00"
AGREE_OUTLINE = "#004D40"
#: Amenities are told apart by marker shape as well as colour.
AMENITY_MARKERS = {
    "bench": "s",
    "lamp": "^",
    "bin": "v",
    "drinking_water": "D",
    "toilet": "P",
    "bike_rack": "X",
    "shade_pavilion": "p",
    "art_object": "*",
    "info_board": "h",
    "tree": "o",
}
ProgressCallback = Callable[[float, str], None]


# ============================================================================ numbers


def format_area(value: float, lang: str) -> str:
    """An area in m², as the report prints it (whole square metres)."""
    return format_number(value, lang, 0)


def format_percent(share: float, lang: str, digits: int = 1) -> str:
    """A share 0..1 as the report prints it: ``68.2 %``."""
    return f"{format_number(100 * share, lang, digits)} %"


def format_kappa(value: float | None, lang: str) -> str:
    """A kappa with two decimals, or a dash when there is none."""
    return "—" if value is None or math.isnan(value) else format_number(value, lang, 2)


def format_time(iso: str | None) -> str:
    """``2026-12-01T10:15:02+00:00`` -> ``2026-12-01 10:15 UTC``."""
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso[:40]


# ============================================================================ analysis


@dataclass(frozen=True)
class Place:
    """A piece of ground the teams agree on, set against the plan.

    In :attr:`SessionAnalysis.asks` the plan has another use (or none) there; in
    :attr:`SessionAnalysis.agreements` the plan has the same use.
    """

    category: str
    area_m2: float
    direction: str  # n, ne, ..., centre, spread (codesign.analysis.consensus.direction)
    lon: float  # a point inside the place
    lat: float
    plan_category: str  # the plan's largest class there, or "unassigned"
    teams: float  # how many teams give it this use (area-weighted mean)
    geometry: BaseGeometry = field(repr=False)  # metres, site CRS


@dataclass(frozen=True)
class SessionAnalysis:
    """Everything the report and the exports show for one session."""

    session: Session
    site: Site
    teams: tuple[tuple[Team, Concept], ...]  # teams with a saved concept, in session order
    plan: Concept | None
    vision: Concept | None
    figures: Mapping[str, Figures]  # owner (team id, plan, vision) -> figures
    comparisons: Mapping[str, Comparison]  # team id or vision -> compared with the plan
    consensus: Consensus
    plan_map: Mapping[str, BaseGeometry]  # the plan's categorical map (metres)
    asks: tuple[Place, ...]
    agreements: tuple[Place, ...]
    #: Dot votes: ((team id, feature id), dots), most first; empty when nobody voted.
    votes: tuple[tuple[tuple[str, str], int], ...] = ()

    @property
    def frame(self) -> MetricFrame:
        """The site's metric frame."""
        return self.site.frame

    def concepts(self) -> list[tuple[str, Concept]]:
        """(owner, concept) for the teams, the plan and the vision that are saved."""
        found = [(team.id, concept) for team, concept in self.teams]
        found += [(owner, c) for owner, c in ((PLAN_OWNER, self.plan), (VISION_OWNER, self.vision)) if c is not None]
        return found

    def illustrative_concepts(self) -> list[str]:
        """Owners whose concept is marked illustrative."""
        return [owner for owner, concept in self.concepts() if concept.illustrative]

    @property
    def illustrative(self) -> bool:
        """Whether any of the data is invented (site, session or a concept)."""
        return self.site.illustrative or self.session.illustrative or bool(self.illustrative_concepts())


def owner_name(session: Session, owner: str, lang: str) -> str:
    """A team's name, or the translated name of the plan or the joint vision."""
    if owner == PLAN_OWNER:
        return translate("compare.plan", lang)
    if owner == VISION_OWNER:
        return translate("vision.name", lang)
    return session.team(owner).name


def analyse_session(
    store: FileStore,
    session_id: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cluster_distance_m: float = DEFAULT_CLUSTER_DISTANCE_M,
) -> SessionAnalysis:
    """Load the session's latest concepts and compute figures, comparisons and consensus.

    Refuses (``cli.no_concepts``) when no team has saved a concept yet.
    """
    session = store.load_session(session_id)
    site = load_site(session.site)
    frame = site.frame
    teams = tuple(
        (team, concept) for team in session.teams if (concept := store.load_latest(session.id, team.id)) is not None
    )
    if not teams:
        raise CodesignError("cli.no_concepts", session_id=session.id)
    plan = store.load_latest(session.id, PLAN_OWNER)
    vision = store.load_latest(session.id, VISION_OWNER)
    figures: dict[str, Figures] = {team.id: concept_figures(concept, frame) for team, concept in teams}
    comparisons: dict[str, Comparison] = {}
    for owner, concept in ((PLAN_OWNER, plan), (VISION_OWNER, vision)):
        if concept is not None:
            figures[owner] = concept_figures(concept, frame)
    if plan is not None:
        for team, concept in teams:
            comparisons[team.id] = compare_concepts(concept, plan, frame)
        if vision is not None:
            comparisons[VISION_OWNER] = compare_concepts(vision, plan, frame)
    consensus = build_consensus(
        [concept for _, concept in teams], frame, threshold=threshold, cluster_distance_m=cluster_distance_m
    )
    plan_map = categorical_map(plan, frame) if plan is not None else {}
    asks = agreed_places(consensus, plan_map, lacking=True) if plan is not None else ()
    agreements = agreed_places(consensus, plan_map, lacking=False) if plan is not None else ()
    _, dots = store.load_votes(session.id)
    return SessionAnalysis(
        session,
        site,
        teams,
        plan,
        vision,
        figures,
        comparisons,
        consensus,
        plan_map,
        asks,
        agreements,
        tuple(tally(dots).items()),
    )


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    return shapely.union_all(polys) if polys else _EMPTY


def agreed_places(consensus: Consensus, plan_map: Mapping[str, BaseGeometry], *, lacking: bool) -> tuple[Place, ...]:
    """Agreed ground where the plan lacks the teams' use (``lacking``), or has the same use; largest first.

    ``plan_map`` is the plan's categorical map (:func:`codesign.analysis.compare.categorical_map`). Pieces
    under :data:`MIN_PLACE_M2` or nowhere :data:`MIN_PLACE_WIDTH_M` wide are left out.
    """
    frame = consensus.frame
    zone_ids = [c.id for c in categories("zone")]
    agreed: dict[str, list[int]] = {}
    for i, (state, cid) in enumerate(zip(consensus.states, consensus.majority, strict=True)):
        if state == "agreed":
            agreed.setdefault(cid, []).append(i)
    plan_classes = dict(plan_map)
    plan_union = shapely.union_all(list(plan_map.values())) if plan_map else _EMPTY
    plan_classes[UNASSIGNED] = shapely.difference(frame.boundary, plan_union)
    places: list[Place] = []
    for cid, idx in agreed.items():
        faces = consensus.faces[idx]
        region = shapely.union_all(faces)
        in_plan = plan_map.get(cid, _EMPTY)
        chosen = shapely.difference(region, in_plan) if lacking else shapely.intersection(region, in_plan)
        tree = shapely.STRtree(faces)
        for part in shapely.get_parts(_polygonal(chosen)):
            if part.area < MIN_PLACE_M2 or shapely.buffer(part, -MIN_PLACE_WIDTH_M / 2).is_empty:
                continue
            near = tree.query(part, predicate="intersects")
            weights = shapely.area(shapely.intersection(faces[near], part))
            counts = consensus.counts[np.asarray(idx)[near], zone_ids.index(cid)]
            teams = float(np.average(counts, weights=weights)) if weights.sum() > 0 else 0.0
            there = {c: float(shapely.intersection(g, part).area) for c, g in plan_classes.items() if not g.is_empty}
            plan_category = max(there, key=there.__getitem__) if there else UNASSIGNED
            point = frame.to_lonlat(shapely.point_on_surface(part))
            places.append(
                Place(
                    cid,
                    float(part.area),
                    direction(part, frame.boundary),
                    round(point.x, 6),
                    round(point.y, 6),
                    plan_category,
                    teams,
                    part,
                )
            )
    places.sort(key=lambda p: -p.area_m2)
    return tuple(places)


# ============================================================================ maps


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


def _font(size: float, bold: bool = False):  # noqa: ANN202 - matplotlib type
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(FONT_BOLD if bold else FONT_REGULAR), size=size)


def _polygon_path(geom: BaseGeometry):  # noqa: ANN202 - matplotlib type
    """A (Multi)Polygon as one matplotlib path, exteriors counter-clockwise, holes clockwise."""
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
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


def _line_coords(geom: BaseGeometry) -> list[np.ndarray]:
    return [np.asarray(part.coords)[:, :2] for part in shapely.get_parts(geom) if part.geom_type == "LineString"]


def _nice_length(limit: float) -> float:
    """The largest 1, 2, 2.5 or 5 x 10^k not above ``limit``."""
    exponent = math.floor(math.log10(limit))
    for step in (5, 2.5, 2, 1):
        if step * 10**exponent <= limit:
            return step * 10**exponent
    return 10**exponent


class SiteMap:
    """A static map of the site at a given paper size, drawn offline with matplotlib.

    The map area keeps the site's metric CRS at equal scale (so the scale bar is true),
    with the context layers under whatever is added; the legend sits on the right.
    """

    def __init__(self, site: Site, lang: str, size_mm: tuple[float, float], legend_mm: float, dpi: int = MAP_DPI):
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
        self.handles: list[object] = []
        self._extent()
        self._context()

    # ------------------------------------------------------------------ frame
    def _extent(self) -> None:
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
        from matplotlib.collections import LineCollection, PathCollection
        from matplotlib.patches import Rectangle

        ax = self.ax
        x0, y0, x1, y1 = self.extent
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="#f2efe9", edgecolor="none", zorder=0))
        layers, labels = _context_metric(self.site)
        line_pt = 1 / self.metres_per_mm * 72 / 25.4  # points per metre at this scale

        def polygons(name: str, face: str, edge: str) -> None:
            paths = [p for g in layers.get(name, []) if (p := _polygon_path(g)) is not None]
            if paths:
                ax.add_collection(PathCollection(paths, facecolors=face, edgecolors=edge, linewidths=0.4, zorder=1))

        polygons("water", "#aad3df", "#7fb2c9")
        polygons("building", "#d9d0c9", "#b3a89e")
        streets = [c for g in layers.get("street", []) for c in _line_coords(g)]
        if streets:
            width = max(2.0, min(9.0, 9 * line_pt))
            ax.add_collection(LineCollection(streets, colors="#cfc6bb", linewidths=width + 1.2, zorder=1.1))
            ax.add_collection(LineCollection(streets, colors="#ffffff", linewidths=width, capstyle="round", zorder=1.2))
        site_path = _polygon_path(self.frame.boundary)
        ax.add_collection(PathCollection([site_path], facecolors="#dcebd0", edgecolors="none", zorder=1.5))
        paths = [c for g in layers.get("path", []) for c in _line_coords(g)]
        if paths:
            ax.add_collection(LineCollection(paths, colors="#b59c74", linewidths=0.8, linestyles="--", zorder=1.6))
        trees = np.array([(g.x, g.y) for g in layers.get("tree", []) if g.geom_type == "Point"])
        if len(trees):
            ax.scatter(trees[:, 0], trees[:, 1], s=6, c="#5e9e4e", edgecolors="#2f6b2f", linewidths=0.3, zorder=1.7)
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
                    color="#6b6259",
                    fontproperties=_font(5.5),
                    zorder=1.8,
                    clip_on=True,
                )

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
        """Polygons (metres) filled in ``colours``."""
        from matplotlib.collections import PathCollection
        from matplotlib.colors import to_rgba

        paths, faces, edges = [], [], []
        alphas = [alpha] * len(geoms) if isinstance(alpha, int | float) else list(alpha)
        edge_list = [edge] * len(geoms) if isinstance(edge, str) else list(edge)
        for geom, colour, a, e in zip(geoms, colours, alphas, edge_list, strict=True):
            path = _polygon_path(geom)
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
        """Lines (metres) in ``colours``."""
        from matplotlib.collections import LineCollection

        segments, line_colours = [], []
        for geom, colour in zip(geoms, colours, strict=True):
            for coords in _line_coords(geom):
                segments.append(coords)
                line_colours.append(colour)
        if segments:
            self.ax.add_collection(
                LineCollection(segments, colors=line_colours, linewidths=width, capstyle="round", zorder=4)
            )

    def points(self, xy: Sequence[tuple[float, float]], cid: str, size: float | Sequence[float] = 28.0) -> None:
        """Amenity points (metres) of one category, with its marker shape."""
        if not xy:
            return
        arr = np.asarray(xy)
        self.ax.scatter(
            arr[:, 0],
            arr[:, 1],
            s=size,
            marker=AMENITY_MARKERS.get(cid, "o"),
            c=category(cid).colour,
            edgecolors="#1a1a1a",
            linewidths=0.5,
            zorder=5,
        )

    def number(self, x: float, y: float, text: str, colour: str) -> None:
        """A bold number on the map, with a white halo."""
        from matplotlib import patheffects

        self.ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            color=colour,
            fontproperties=_font(7, bold=True),
            zorder=7,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )

    # ------------------------------------------------------------------ legend
    def legend_patch(
        self, colour: str, label: str, *, alpha: float = 0.82, hatch: str | None = None, edge: str = "#3a3a3a"
    ) -> None:
        """A filled square in the legend."""
        from matplotlib.colors import to_rgba
        from matplotlib.patches import Patch

        self.handles.append(
            Patch(facecolor=to_rgba(colour, alpha), edgecolor=edge, hatch=hatch, linewidth=0.6, label=label)
        )

    def legend_line(self, colour: str, label: str, *, width: float = 2.0, style: str = "-") -> None:
        """A line in the legend."""
        from matplotlib.lines import Line2D

        self.handles.append(Line2D([], [], color=colour, linewidth=width, linestyle=style, label=label))

    def legend_marker(self, cid: str, label: str) -> None:
        """An amenity marker in the legend."""
        from matplotlib.lines import Line2D

        self.handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=AMENITY_MARKERS.get(cid, "o"),
                markersize=6,
                markerfacecolor=category(cid).colour,
                markeredgecolor="#1a1a1a",
                markeredgewidth=0.5,
                label=label,
            )
        )

    def concept(self, concept: Concept) -> None:
        """A concept in taxonomy colours (later zones on top), with legend entries."""
        frame = self.frame
        zones = [f for f in concept.features if f.kind == "zone"]
        self.zones([frame.to_metric(f.geometry) for f in zones], [category(f.category).colour for f in zones])
        paths = [f for f in concept.features if f.kind == "path"]
        self.lines([frame.to_metric(f.geometry) for f in paths], [category(f.category).colour for f in paths])
        present = {f.category for f in concept.features}
        for cat in categories("amenity"):
            if cat.id in present:
                points = [frame.to_metric(f.geometry) for f in concept.features if f.category == cat.id]
                self.points([(p.x, p.y) for p in points], cat.id)
        for cat in categories():
            if cat.id not in present:
                continue
            if cat.kind == "zone":
                self.legend_patch(cat.colour, cat.label(self.lang))
            elif cat.kind == "path":
                self.legend_line(cat.colour, cat.label(self.lang))
            else:
                self.legend_marker(cat.id, cat.label(self.lang))

    # ------------------------------------------------------------------ furniture
    def _scale_bar(self) -> None:
        from matplotlib.patches import Rectangle

        x0, y0, x1, _ = self.extent
        length = _nice_length((x1 - x0) * 0.28)
        mm = self.metres_per_mm
        left, bottom, bar_h = x0 + 5 * mm, y0 + 5 * mm, 1.4 * mm
        self.ax.add_patch(
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
            self.ax.add_patch(
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
        unit = translate("unit.m", self.lang)
        for value in (0, length / 2, length):
            self.ax.text(
                left + value,
                bottom + bar_h + 1.0 * mm,
                format_number(value, self.lang, 0 if value == int(value) else 1)
                + (f" {unit}" if value == length else ""),
                ha="center",
                va="bottom",
                fontproperties=_font(6),
                zorder=9,
            )

    def _north_arrow(self) -> None:
        """An arrow to true north (UTM grid north differs from it by the convergence angle)."""
        from matplotlib.patches import Polygon as MplPolygon

        centre = self.frame.boundary_lonlat.centroid
        a = self.frame.to_metric(shapely.Point(centre.x, centre.y))
        b = self.frame.to_metric(shapely.Point(centre.x, centre.y + 0.001))
        angle = math.atan2(b.x - a.x, b.y - a.y)  # clockwise from grid north
        _, _, x1, y1 = self.extent
        mm = self.metres_per_mm
        cx, cy, size = x1 - 10 * mm, y1 - 15 * mm, 9 * mm

        def at(dx: float, dy: float) -> tuple[float, float]:
            return (
                cx + dx * math.cos(angle) + dy * math.sin(angle),
                cy - dx * math.sin(angle) + dy * math.cos(angle),
            )

        tip, left, right, notch = at(0, size / 2), at(-size / 3, -size / 2), at(size / 3, -size / 2), at(0, -size / 4)
        self.ax.add_patch(MplPolygon([tip, left, notch], facecolor="white", edgecolor="#1a1a1a", lw=0.6, zorder=9))
        self.ax.add_patch(MplPolygon([tip, notch, right], facecolor="#1a1a1a", edgecolor="#1a1a1a", lw=0.6, zorder=9))
        nx, ny = at(0, size / 2 + 3 * mm)
        self.ax.text(
            nx,
            ny,
            translate("report.map.north", self.lang),
            ha="center",
            va="center",
            fontproperties=_font(8, bold=True),
            zorder=9,
        )

    def png(self, note: str = "") -> bytes:
        """The map as PNG bytes: boundary on top, scale bar, north arrow and legend added."""
        from matplotlib.collections import PathCollection
        from matplotlib.lines import Line2D

        self.ax.add_collection(
            PathCollection(
                [_polygon_path(self.frame.boundary)],
                facecolors="none",
                edgecolors="#2d6a2d",
                linewidths=1.4,
                linestyles="--",
                zorder=6,
            )
        )
        self._scale_bar()
        self._north_arrow()
        site_label = translate("report.map.site", self.lang)
        handles = [*self.handles, Line2D([], [], color="#2d6a2d", linewidth=1.4, linestyle="--", label=site_label)]
        chars = max(14, int(self.legend_mm / 1.75))
        for handle in handles:
            handle.set_label(textwrap.fill(str(handle.get_label()), chars))
        self.figure.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(self.legend_left, 0.995),
            frameon=False,
            prop=_font(6.5),
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
                fontproperties=_font(5.8),
                color="#555555",
                va="bottom",
            )
        from matplotlib.text import Text
        from PIL import Image

        for text in self.figure.findobj(Text):
            # a "$" in a team name, a street or a legend is a dollar sign: never mathtext, never TeX
            text.set_parse_math(False)
            text.set_usetex(False)
        self.canvas.draw()
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()).convert("RGB")
        # 256 colours hold these flat maps; the PDF gets about 2.5 times smaller
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(self.figure.dpi, self.figure.dpi))
        return buffer.getvalue()


def render_concept_map(site: Site, concept: Concept, lang: str, size_mm: tuple[float, float] = (170, 150)) -> bytes:
    """One concept on its site as a PNG (also handy for previews)."""
    site_map = SiteMap(site, lang, size_mm, legend_mm=_legend_mm(size_mm))
    site_map.concept(concept)
    return site_map.png()


def _legend_mm(size_mm: tuple[float, float]) -> float:
    return min(58.0, max(40.0, size_mm[0] * 0.27))


def _overlay_map(
    analysis: SessionAnalysis, comparison_of: Concept, name: str, lang: str, size: tuple[float, float]
) -> bytes:
    """Where a concept and the plan give the same use, a different one, or only one designs."""
    assert analysis.plan is not None
    site_map = SiteMap(analysis.site, lang, size, _legend_mm(size))
    states = agreement_map(comparison_of, analysis.plan, analysis.frame)
    labels = {
        "same": translate("compare.state.same", lang),
        "a_only": translate("compare.state.a_only", lang, name=name),
        "b_only": translate("compare.state.b_only", lang, name=translate("compare.plan", lang)),
        "different": translate("compare.state.different", lang),
    }
    shown = [s for s in STATE_COLOURS if s in states]
    site_map.zones([analysis.frame.to_metric(states[s]) for s in shown], [STATE_COLOURS[s] for s in shown], alpha=0.8)
    for state in shown:
        site_map.legend_patch(STATE_COLOURS[state], labels[state], alpha=0.8)
    return site_map.png()


def _consensus_map(analysis: SessionAnalysis, lang: str, size: tuple[float, float]) -> bytes:
    """Majority colour, opacity by the share of teams, contested ground hatched, amenity clusters."""
    result = analysis.consensus
    site_map = SiteMap(analysis.site, lang, size, _legend_mm(size))
    groups: dict[tuple[str, str, float], list[BaseGeometry]] = {}
    for face, state, cid, share in zip(result.faces, result.states, result.majority, result.share, strict=True):
        groups.setdefault((state == "contested", cid, round(float(share), 1)), []).append(face)
    plain = [(k, v) for k, v in sorted(groups.items()) if not k[0]]
    hatched = [(k, v) for k, v in sorted(groups.items()) if k[0]]
    for chosen, hatch in ((plain, None), (hatched, "////")):
        if chosen:
            site_map.zones(
                [shapely.union_all(faces) for _, faces in chosen],
                [category(cid).colour for (_, cid, _), _ in chosen],
                alpha=[0.2 + 0.7 * share for (_, _, share), _ in chosen],
                edge="#444444" if hatch else "none",  # the hatching takes the edge colour
                linewidth=0,
                hatch=hatch,
            )
    for cluster in result.supported_clusters():
        point = analysis.frame.to_metric(shapely.Point(cluster.lon, cluster.lat))
        site_map.points([(point.x, point.y)], cluster.category, size=14 + 50 * cluster.support)
    present_zones = set(result.majority)
    for cat in categories("zone"):
        if cat.id in present_zones:
            site_map.legend_patch(cat.colour, cat.label(lang), alpha=0.75)
    if "contested" in result.states:
        site_map.legend_patch(
            "#ffffff", translate("consensus.contested", lang), alpha=1.0, hatch="////", edge="#555555"
        )
    for cid in dict.fromkeys(c.category for c in result.supported_clusters()):
        site_map.legend_marker(cid, category(cid).label(lang))
    return site_map.png(note=translate("consensus.legend", lang))


def _places_map(
    analysis: SessionAnalysis, places: Sequence[Place], outline: str, lang: str, size: tuple[float, float]
) -> bytes:
    """The plan faded underneath, the places in their category colour, numbered."""
    site_map = SiteMap(analysis.site, lang, size, _legend_mm(size))
    plan_items = list(analysis.plan_map.items())
    site_map.zones(
        [g for _, g in plan_items], [category(c).colour for c, _ in plan_items], alpha=0.3, edge="none", zorder=2
    )
    site_map.zones(
        [p.geometry for p in places], [category(p.category).colour for p in places], edge=outline, linewidth=1.3
    )
    for number, place in enumerate(places, start=1):
        point = shapely.point_on_surface(place.geometry)
        site_map.number(point.x, point.y, str(number), outline)
    for cid in dict.fromkeys(p.category for p in places):
        site_map.legend_patch(category(cid).colour, category(cid).label(lang), edge=outline)
    site_map.legend_patch("#bbbbbb", translate("report.map.plan_faded", lang), alpha=0.4, edge="none")
    return site_map.png()


# ============================================================================ PDF


class _Pdf:
    """fpdf2 with the report's fonts, page furniture and a few layout helpers."""

    def __init__(self, paper: str, lang: str, running_title: str, illustrative: bool):
        from fpdf import FPDF

        lang_code = lang
        running = running_title
        marker = translate("report.illustrative_title", lang) if illustrative else ""

        class _Document(FPDF):
            def header(self) -> None:
                if self.page_no() == 1:
                    return
                # a table may have moved the left margin to its column: use the page's own
                width = self.w - 2 * MARGIN_MM
                self.set_font("DejaVu", "", 7.5)
                self.set_text_color(110, 110, 110)
                self.set_xy(MARGIN_MM, 5)
                self.cell(width * 0.7, 4, running[:150], new_x="RIGHT", new_y="TOP")
                self.set_text_color(180, 80, 0)
                self.cell(width * 0.3, 4, marker, align="R")
                self.set_text_color(0, 0, 0)
                self.set_xy(self.l_margin, self.t_margin)

            def footer(self) -> None:
                self.set_xy(MARGIN_MM, self.h - 9)
                self.set_font("DejaVu", "", 7.5)
                self.set_text_color(110, 110, 110)
                page = translate("report.page", lang_code, page=self.page_no())
                self.cell(self.w - 2 * MARGIN_MM, 4, page, align="R")
                self.set_text_color(0, 0, 0)

        width, height = PAPER_SIZES_MM[paper]
        self.doc = _Document(orientation="L", unit="mm", format=(height, width))
        self.doc.alias_nb_pages(None)  # "{nb}" in a team name must stay text
        self.doc.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.doc.set_auto_page_break(True, margin=MARGIN_MM)
        self.doc.add_font("DejaVu", "", str(FONT_REGULAR))
        self.doc.add_font("DejaVu", "B", str(FONT_BOLD))
        self.doc.set_font("DejaVu", "", 9)
        self.doc.set_lang(lang)
        self.doc.set_creator("Tugan Qala Co-design")
        self.width, self.height = width, height
        self.lang = lang
        self.line = 4.4  # body line height, mm

    # ------------------------------------------------------------------ text
    @property
    def epw(self) -> float:
        return self.doc.epw

    @property
    def bottom(self) -> float:
        return self.height - MARGIN_MM

    def page(self) -> None:
        self.doc.add_page()

    def gap(self, height: float, x: float | None = None) -> None:
        """Move down ``height`` mm, keeping the column (``ln`` would return to the margin)."""
        self.doc.set_xy(self.doc.x if x is None else x, self.doc.y + height)

    def heading(self, text: str, size: float = 15) -> None:
        x = self.doc.x
        self.doc.set_font("DejaVu", "B", size)
        self.doc.multi_cell(0, size * 0.5, text, new_x="LEFT", new_y="NEXT", align="L")
        self.gap(1.5, x)
        self.doc.set_font("DejaVu", "", 9)

    def subheading(self, text: str, width: float = 0, keep: float = 25) -> None:
        """A bold line; in the full-width flow it starts a new page unless ``keep`` mm follow it."""
        x = self.doc.x
        if x <= self.doc.l_margin + 0.01 and self.doc.y + keep > self.bottom:
            self.page()
            x = self.doc.x
        self.doc.set_font("DejaVu", "B", 10.5)
        self.doc.multi_cell(width, 5.2, text, new_x="LEFT", new_y="NEXT", align="L")
        self.gap(0.8, x)
        self.doc.set_font("DejaVu", "", 9)

    def paragraph(self, text: str, width: float = 0, size: float = 9, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        x = self.doc.x
        self.doc.set_font("DejaVu", "", size)
        self.doc.set_text_color(*colour)
        self.doc.multi_cell(width, size * 0.49, text, new_x="LEFT", new_y="NEXT", align="L")
        self.doc.set_text_color(0, 0, 0)
        self.doc.set_font("DejaVu", "", 9)
        self.gap(1.2, x)

    def bullets(self, lines: Iterable[str], width: float = 0) -> None:
        x = self.doc.x
        width = width or (self.doc.w - self.doc.r_margin - x)
        for line in lines:
            self.doc.set_x(x)
            self.doc.cell(4, self.line, "•")
            self.doc.multi_cell(width - 4, self.line, line, new_x="LEFT", new_y="NEXT", align="L")
            self.gap(0.6, x)
        self.gap(0.8, x)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        align: str = "",
        x: float | None = None,
        width: float | None = None,
        size: float = 8,
    ) -> None:
        """A table with wrapped cells; ``align`` per column ``L``/``R``/``C`` (default: first L, rest R)."""
        from fpdf.fonts import FontFace

        doc = self.doc
        x = doc.l_margin if x is None else x
        width = width or (doc.w - doc.r_margin - x)
        align = align or "L" + "R" * (len(header) - 1)
        doc.set_font("DejaVu", "", size)
        doc.set_fill_color(255, 255, 255)
        doc.set_x(x)
        with doc.table(
            col_widths=tuple(widths),
            width=width,
            align="LEFT",
            text_align=tuple({"L": "LEFT", "R": "RIGHT", "C": "CENTER"}[a] for a in align),
            line_height=size * 0.5,
            padding=(0.6, 1.0),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 228)),
            cell_fill_color=(247, 247, 244),
            cell_fill_mode="ROWS",
            markdown=False,
            first_row_as_headings=True,
        ) as table:
            for row in (header, *rows):
                cells = table.row()
                for cell in row:
                    cells.cell(str(cell))
        doc.set_font("DejaVu", "", 9)
        self.gap(2.5, x)

    def image(self, png: bytes, x: float, y: float, w: float, h: float) -> None:
        self.doc.image(io.BytesIO(png), x=x, y=y, w=w, h=h)
        self.doc.set_draw_color(170, 170, 170)
        self.doc.rect(x, y, w, h)
        self.doc.set_draw_color(0, 0, 0)

    def swatch(self, colour: str, size: float = 3.2) -> None:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        x, y = self.doc.x, self.doc.y
        self.doc.set_fill_color(r, g, b)
        self.doc.rect(x, y + 0.6, size, size, style="F")
        self.doc.set_fill_color(255, 255, 255)
        self.doc.set_x(x + size + 1.5)

    def notice_box(self, title: str, lines: Sequence[str], width: float) -> None:
        doc = self.doc
        x, y = doc.x, doc.y
        doc.set_draw_color(213, 94, 0)
        doc.set_line_width(0.5)
        doc.set_xy(x + 3, y + 2.5)
        doc.set_font("DejaVu", "B", 9.5)
        doc.set_text_color(170, 60, 0)
        doc.multi_cell(width - 6, 4.8, title, new_x="LEFT", new_y="NEXT", align="L")
        doc.set_text_color(0, 0, 0)
        doc.set_font("DejaVu", "", 8.5)
        for line in lines:
            doc.multi_cell(width - 6, 4.1, line, new_x="LEFT", new_y="NEXT", align="L")
            self.gap(0.6, x + 3)
        bottom = doc.y + 1.5
        doc.rect(x, y, width, bottom - y)
        doc.set_line_width(0.2)
        doc.set_draw_color(0, 0, 0)
        doc.set_xy(x, bottom + 3)
        doc.set_font("DejaVu", "", 9)

    def output(self) -> bytes:
        return bytes(self.doc.output())


class _Report:
    """Lays out one :class:`SessionAnalysis` as the report's pages."""

    def __init__(self, analysis: SessionAnalysis, lang: str, paper: str, progress: ProgressCallback | None):
        self.a = analysis
        self.lang = lang
        self.paper = paper
        self._progress = progress
        session = analysis.session
        site = analysis.site
        self.running = f"{session.title} · {site.name(lang)}"
        self.pdf = _Pdf(paper, lang, self.running, analysis.illustrative)
        self.pdf.doc.set_title(f"{translate('report.document_title', lang)}: {session.title}")
        self.maps_total = self._count_maps()
        self.maps_done = 0

    # ------------------------------------------------------------------ helpers
    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def area(self, value: float) -> str:
        return format_area(value, self.lang)

    def name(self, owner: str) -> str:
        return owner_name(self.a.session, owner, self.lang)

    def label(self, cid: str) -> str:
        return category_label(cid, self.lang)

    def _count_maps(self) -> int:
        a = self.a
        count = 1 + len(a.teams) + (a.plan is not None) + (a.vision is not None)  # overview + concepts
        if a.plan is not None:
            count += len(a.comparisons) + bool(a.asks) + bool(a.agreements)  # overlays, places
        return count + 1  # consensus

    def step(self, message: str) -> None:
        if self._progress is not None:
            self._progress(min(0.97, 0.1 + 0.85 * self.maps_done / max(1, self.maps_total)), message)

    def map_image(self, render: Callable[[tuple[float, float]], bytes], size: tuple[float, float]) -> bytes:
        self.maps_done += 1
        self.step(self.t("report.progress.map", index=self.maps_done, total=self.maps_total))
        return render(size)

    def map_with_side(
        self,
        render: Callable[[tuple[float, float]], bytes],
        side: Callable[[float, float], None],
        *,
        share: float = 0.6,
    ) -> None:
        """A map on the left (``share`` of the width) and ``side(x, width)`` in the column on its right."""
        doc = self.pdf.doc
        top = doc.y
        available = self.pdf.bottom - top
        if available < 95:
            self.pdf.page()
            top = doc.y
            available = self.pdf.bottom - top
        width = self.pdf.epw * share
        height = min(available, width * 0.9)
        png = self.map_image(render, (width, height))
        self.pdf.image(png, doc.l_margin, top, width, height)
        gap = 6
        side_x = doc.l_margin + width + gap
        doc.set_xy(side_x, top)
        start_page = doc.page
        side(side_x, self.pdf.epw - width - gap)
        if doc.page == start_page:
            doc.set_y(max(doc.y, top + height + 4))
        doc.set_x(doc.l_margin)

    # ------------------------------------------------------------------ pages
    def build(self) -> bytes:
        self.step(self.t("report.progress.pages"))
        self.title_page()
        self.summary_page()
        for team, concept in self.a.teams:
            self.concept_pages(team.id, concept, team.colour)
        if self.a.plan is not None:
            self.concept_pages(PLAN_OWNER, self.a.plan, None)
        for team, concept in self.a.teams:
            self.comparison_pages(team.id, concept)
        self.consensus_pages()
        self.votes_page()
        if self.a.vision is not None:
            self.concept_pages(VISION_OWNER, self.a.vision, None)
            self.comparison_pages(VISION_OWNER, self.a.vision)
        self.places_page("asks")
        self.places_page("agreements")
        self.methods_page()
        if self._progress is not None:
            self._progress(0.98, self.t("report.progress.writing"))
        data = self.pdf.output()
        if self._progress is not None:
            self._progress(1.0, self.t("report.progress.done"))
        return data

    def title_page(self) -> None:
        a, pdf, doc = self.a, self.pdf, self.pdf.doc
        session, site = a.session, a.site
        pdf.page()
        left = pdf.epw * 0.52
        map_x, map_w = doc.l_margin + left + 8, pdf.epw - left - 8
        map_h = min(pdf.bottom - 22, map_w * 1.05)
        png = self.map_image(lambda size: SiteMap(site, self.lang, size, legend_mm=0.001).png(), (map_w, map_h))
        pdf.image(png, map_x, 22, map_w, map_h)
        doc.set_xy(doc.l_margin, doc.t_margin)
        pdf.paragraph(self.t("report.document_title"), left, size=10, colour=(90, 90, 90))
        doc.set_font("DejaVu", "B", 20)
        doc.multi_cell(left, 9, session.title, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.gap(2)
        pdf.paragraph(
            self.t("report.site", name=site.name(self.lang), city=site.city(self.lang), region=site.region(self.lang)),
            left,
            size=11,
        )
        pdf.paragraph(self.t("report.date", date=session.date), left, size=10)
        crs = a.frame.crs
        pdf.paragraph(
            self.t("report.crs", crs=crs.name, epsg=crs.to_epsg() or "—", area=self.area(a.frame.area_m2)),
            left,
            size=8.5,
            colour=(80, 80, 80),
        )
        for owner, concept in ((PLAN_OWNER, a.plan), (VISION_OWNER, a.vision)):
            if concept is None:
                text = self.t(f"report.{owner}_missing")
            else:
                time = format_time(concept.saved_at)
                text = self.t("report.other_saved", name=self.name(owner), version=concept.version, time=time)
            pdf.paragraph(text, left, size=8.5)
        notices = self.illustrative_lines()
        if notices:
            pdf.gap(1)
            pdf.notice_box(self.t("report.illustrative_title"), notices, left)
        pdf.paragraph(
            self.t("report.generated", time=datetime.now(UTC).strftime("%Y-%m-%d %H:%M")),
            left,
            size=7.5,
            colour=(110, 110, 110),
        )
        needed = 14 + 6 * len(session.teams)
        if doc.y + needed > pdf.bottom:  # many teams: their list gets a page of its own
            pdf.page()
            left = pdf.epw
        pdf.subheading(self.t("report.teams"), left)
        self.teams_table(left)

    def teams_table(self, width: float) -> None:
        """Every team of the session with its colour, its concept's title and saved version."""
        from fpdf.fonts import FontFace

        saved = {team.id: concept for team, concept in self.a.teams}
        doc = self.pdf.doc
        doc.set_font("DejaVu", "", 8)
        doc.set_fill_color(255, 255, 255)
        with doc.table(
            col_widths=(0.25, 3.0, 3.1, 2.9),
            width=width,
            align="LEFT",
            text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
            line_height=4,
            padding=(0.6, 1.0),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 228)),
            markdown=False,
        ) as table:
            header = table.row()
            for text in (
                "",
                self.t("report.col.team"),
                self.t("report.col.concept_title"),
                self.t("report.col.version"),
            ):
                header.cell(text)
            for team in self.a.session.teams:
                concept = saved.get(team.id)
                row = table.row()
                row.cell("", style=FontFace(fill_color=team.colour))
                row.cell(team.name)
                row.cell(concept.title if concept else "")
                if concept is None:
                    row.cell(self.t("report.not_saved"))
                else:
                    row.cell(
                        self.t("report.version_short", version=concept.version, time=format_time(concept.saved_at))
                    )
        doc.set_font("DejaVu", "", 9)

    def illustrative_lines(self) -> list[str]:
        a = self.a
        lines = []
        if a.site.illustrative:
            lines.append(a.site.notice(self.lang) or self.t("map.illustrative"))
        if a.session.illustrative:
            lines.append(self.t("report.illustrative_session"))
        owners = a.illustrative_concepts()
        if owners:
            lines.append(self.t("report.illustrative_concepts", names=", ".join(self.name(o) for o in owners)))
        return lines

    def summary_page(self) -> None:
        a, pdf = self.a, self.pdf
        pdf.page()
        pdf.heading(self.t("report.summary.heading"))
        if a.plan is None:
            pdf.paragraph(self.t("report.no_plan"))
        else:
            pdf.subheading(self.t("report.summary.vs_plan"))
            rows = []
            for owner, result in a.comparisons.items():
                outcomes = [sum(z.outcome == o for z in result.zones) for o in ("kept", "replaced", "dropped", "moved")]
                rows.append(
                    [
                        self.name(owner),
                        format_percent(result.agreement, self.lang),
                        format_kappa(result.kappa, self.lang),
                        self.area(result.designed_m2),
                        *(str(n) for n in outcomes),
                    ]
                )
            pdf.table(
                [
                    self.t("report.col.concept"),
                    self.t("compare.agreement"),
                    self.t("compare.kappa"),
                    self.t("report.col.designed_m2"),
                    self.t("report.col.kept"),
                    self.t("report.col.replaced"),
                    self.t("report.col.dropped"),
                    self.t("report.col.moved"),
                ],
                rows,
                (30, 11, 11, 13, 9, 9, 9, 9),
            )
        result = a.consensus
        pdf.subheading(self.t("report.summary.consensus", n=result.n))
        designed = float(result.areas.sum())
        pdf.table(
            [
                self.t("report.col.designed_m2"),
                self.t("report.col.agreed_m2"),
                self.t("report.col.contested_m2"),
                self.t("report.col.single_m2"),
                self.t("consensus.fleiss"),
            ],
            [
                [
                    self.area(designed),
                    self.area(result.area_in("agreed")),
                    self.area(result.area_in("contested")),
                    self.area(result.area_in("single")),
                    format_kappa(result.fleiss_kappa, self.lang),
                ]
            ],
            (1, 1, 1, 1, 1),
            align="RRRRR",
        )
        sentences = [describe_finding(n, self.lang) for n in consensus_sentences(result, a.plan)]
        if sentences:
            pdf.subheading(self.t("compare.main_differences"))
            pdf.bullets(sentences)
        pdf.paragraph(self.t("report.summary.reading"), size=8, colour=(90, 90, 90))

    def concept_pages(self, owner: str, concept: Concept, colour: str | None) -> None:
        pdf = self.pdf
        pdf.page()
        if owner == PLAN_OWNER:
            pdf.heading(self.t("report.plan.heading"))
        elif owner == VISION_OWNER:
            pdf.heading(self.t("report.vision.heading"))
        else:
            if colour:
                pdf.swatch(colour, 4.5)
            pdf.heading(self.t("report.concept.heading", team=self.name(owner)))
        meta = self.t("report.saved_version", version=concept.version, time=format_time(concept.saved_at))
        if concept.title:
            pdf.subheading(concept.title)
        pdf.paragraph(meta, size=8, colour=(90, 90, 90))
        if concept.description:
            pdf.paragraph(concept.description, size=8.5)
        figures = self.a.figures[owner]

        def side(x: float, width: float) -> None:
            self.figures_tables(figures, x, width)

        self.map_with_side(lambda size: render_concept_map(self.a.site, concept, self.lang, size), side)

    def figures_tables(self, figures: Figures, x: float, width: float) -> None:
        pdf, lang = self.pdf, self.lang
        if not (figures.zone_area_m2 or figures.path_length_m or figures.amenity_count):
            pdf.paragraph(self.t("report.figures.none"), width)
            return
        if figures.zone_area_m2:
            rows = [
                [self.label(cid), self.area(m2), format_percent(figures.zone_share(cid), lang)]
                for cid, m2 in figures.zone_area_m2.items()
            ]
            pdf.table(
                [self.t("report.col.zone"), self.t("report.col.area_m2"), self.t("figures.share")],
                rows,
                (3, 1.4, 1.3),
                x=x,
                width=width,
            )
        if figures.path_length_m:
            rows = [[self.label(cid), format_number(m, lang, 0)] for cid, m in figures.path_length_m.items()]
            pdf.table([self.t("report.col.path"), self.t("report.col.length_m")], rows, (3, 2.7), x=x, width=width)
        if figures.amenity_count:
            rows = [[self.label(cid), str(n)] for cid, n in figures.amenity_count.items()]
            pdf.table([self.t("report.col.amenity"), self.t("report.col.count")], rows, (3, 2.7), x=x, width=width)

    def comparison_pages(self, owner: str, concept: Concept) -> None:
        result = self.a.comparisons.get(owner)
        if result is None:
            return
        pdf, lang = self.pdf, self.lang
        name = self.name(owner)
        pdf.page()
        pdf.heading(self.t("report.compare.heading", name=name))
        pdf.paragraph(
            self.t(
                "report.compare.summary",
                agreement=format_percent(result.agreement, lang),
                designed=self.area(result.designed_m2),
                kappa=format_kappa(result.kappa, lang),
            )
        )
        sentences = [describe(n, lang) for n in result.sentences()]

        def side(x: float, width: float) -> None:
            if sentences:
                pdf.subheading(self.t("compare.main_differences"), width)
                pdf.bullets(sentences, width)
            rows = [
                [
                    self.label(cid),
                    self.area(f.a_m2),
                    self.area(f.b_m2),
                    self.area(f.intersection_m2),
                    format_number(f.iou, lang, 2),
                ]
                for cid, f in result.categories.items()
            ]
            if rows:
                pdf.table(
                    [
                        self.t("figures.category"),
                        self.t("report.col.concept_m2"),
                        self.t("report.col.plan_m2"),
                        self.t("report.col.both_m2"),
                        self.t("compare.iou"),
                    ],
                    rows,
                    (2.6, 1.3, 1.3, 1.3, 0.9),
                    x=x,
                    width=width,
                    size=7.5,
                )

        self.map_with_side(lambda size: _overlay_map(self.a, concept, name, lang, size), side, share=0.5)
        counts = {o: sum(z.outcome == o for z in result.zones) for o in ("kept", "replaced", "dropped", "moved")}
        pdf.subheading(self.t("report.compare.outcomes", **counts))
        rows = []
        for zone in result.zones:
            there = ", ".join(f"{self.label(c)} {format_percent(s, lang)}" for c, s in list(zone.shares.items())[:3])
            if zone.outcome == "moved":
                there += "; " + self.t("report.compare.moved_elsewhere", area=self.area(zone.moved_m2))
            rows.append(
                [
                    f"{zone.id} · {self.label(zone.category)}",
                    self.area(zone.area_m2),
                    self.t(f"compare.outcome.{zone.outcome}"),
                    there or "—",
                ]
            )
        if rows:
            pdf.table(
                [
                    self.t("compare.zone"),
                    self.t("report.col.area_m2"),
                    self.t("compare.outcome"),
                    self.t("compare.there"),
                ],
                rows,
                (2.2, 1.0, 1.0, 5.0),
                align="LRLL",
            )
        if result.amenity_counts:
            matched = {cid: sum(m.category == cid for m in result.matches) for cid in result.amenity_counts}
            pdf.subheading(
                self.t(
                    "report.compare.amenities",
                    matched=len(result.matches),
                    distance=format_number(result.match_distance_m, lang, 0),
                    new=len(result.new_amenities),
                    missing=len(result.missing_amenities),
                )
            )
            rows = [
                [self.label(cid), str(na), str(nb), str(matched[cid])]
                for cid, (na, nb) in result.amenity_counts.items()
            ]
            pdf.table(
                [
                    self.t("report.col.amenity"),
                    self.t("report.col.concept_count"),
                    self.t("report.col.plan_count"),
                    self.t("compare.matched"),
                ],
                rows,
                (3, 1, 1, 1),
                width=pdf.epw * 0.6,
            )
        if result.path_length_m:
            pdf.subheading(self.t("report.col.path"))
            rows = [
                [self.label(cid), format_number(la, lang, 0), format_number(lb, lang, 0)]
                for cid, (la, lb) in result.path_length_m.items()
            ]
            pdf.table(
                [self.t("report.col.path"), self.t("report.col.concept_m"), self.t("report.col.plan_m")],
                rows,
                (3, 1, 1),
                width=pdf.epw * 0.6,
            )

    def votes_page(self) -> None:
        """Support by dot votes: the shapes the room put most dots on."""
        if not self.a.votes:
            return
        pdf = self.pdf
        concepts = {team.id: concept for team, concept in self.a.teams}
        rows = []
        for (owner, feature_id), dots in self.a.votes[:25]:
            if owner == CONSENSUS_TARGET:
                who, what = self.t("votes.consensus"), self.t("votes.agreed_area", category=self.label(feature_id))
            else:
                who, what = self.name(owner), feature_id
                concept = concepts.get(owner)
                with contextlib.suppress(CodesignError):
                    feature = concept.feature(feature_id) if concept is not None else None
                    if feature is not None:
                        what = f"{feature_id} · {self.label(feature.category)}" + (
                            f" · {feature.label}" if feature.label else ""
                        )
            rows.append([who, what, format_number(dots, self.lang, 0)])
        pdf.gap(4)
        pdf.subheading(self.t("consensus.votes", count=sum(d for _, d in self.a.votes)))
        pdf.table(
            [self.t("facilitator.team"), self.t("projector.shape"), self.t("projector.dots_col")], rows, (1.4, 2.6, 0.6)
        )

    def consensus_pages(self) -> None:
        a, pdf, lang = self.a, self.pdf, self.lang
        result = a.consensus
        pdf.page()
        pdf.heading(self.t("consensus.title"))
        names = ", ".join(self.name(v) for v in result.voices)
        pdf.paragraph(
            self.t(
                "report.consensus.intro", n=result.n, names=names, threshold=format_percent(result.threshold, lang, 0)
            )
        )
        if result.n == 1:
            pdf.paragraph(self.t("report.consensus.one_team"), colour=(170, 60, 0))
        designed = float(result.areas.sum())

        def side(x: float, width: float) -> None:
            rows = [
                [
                    self.t(f"consensus.{state}"),
                    self.area(result.area_in(state)),
                    format_percent(result.area_in(state) / designed if designed else 0, lang),
                ]
                for state in ("agreed", "contested", "single")
            ]
            rows.append(
                [self.t("report.col.designed_m2"), self.area(designed), format_percent(1.0 if designed else 0, lang)]
            )
            pdf.table(
                [self.t("report.col.state"), self.t("report.col.area_m2"), self.t("report.col.of_designed")],
                rows,
                (1.6, 1.2, 1.6),
                x=x,
                width=width,
            )
            pdf.paragraph(
                self.t(
                    "report.consensus.kappa",
                    kappa=format_kappa(result.fleiss_kappa, lang),
                    faces=format_number(len(result.states), lang, 0),
                ),
                width,
            )
            sentences = [describe_finding(n, lang) for n in consensus_sentences(result, a.plan)]
            if sentences:
                pdf.subheading(self.t("compare.main_differences"), width)
                pdf.bullets(sentences, width)

        self.map_with_side(lambda size: _consensus_map(a, lang, size), side)
        k_of_n = result.k_of_n()
        if k_of_n:
            pdf.subheading(self.t("consensus.k_table"))
            ks = range(1, result.n + 1)
            rows = [[self.label(cid), *(self.area(by_k[k]) for k in ks)] for cid, by_k in k_of_n.items()]
            pdf.table(
                [self.t("figures.category"), *(f"k ≥ {k}" for k in ks)],
                rows,
                (3, *([1] * result.n)),
                width=min(pdf.epw, 60 + 18 * result.n),
                size=7.5 if result.n <= 8 else 6.5,
            )
        clusters = result.supported_clusters()
        pdf.subheading(
            self.t(
                "report.consensus.clusters",
                count=len(clusters),
                total=len(result.clusters),
                threshold=format_percent(result.threshold, lang, 0),
                distance=format_number(DEFAULT_CLUSTER_DISTANCE_M, lang, 0),
            )
        )
        if clusters:
            rows = [
                [
                    self.label(c.category),
                    self.t("report.k_of_n", k=len(c.teams), n=result.n),
                    format_percent(c.support, lang),
                    str(c.points),
                    f"{c.lon:.6f}, {c.lat:.6f}",
                    ", ".join(self.name(v) for v in c.teams),
                ]
                for c in clusters[:MAX_LISTED]
            ]
            pdf.table(
                [
                    self.t("report.col.amenity"),
                    self.t("report.col.teams"),
                    self.t("report.col.support"),
                    self.t("report.col.points"),
                    self.t("report.col.location"),
                    self.t("report.col.which_teams"),
                ],
                rows,
                (2.2, 1, 1, 0.8, 2, 4),
                align="LRRRLL",
            )
            if len(clusters) > MAX_LISTED:
                pdf.paragraph(self.t("report.more_in_exports", count=len(clusters) - MAX_LISTED), size=8)

    def places_page(self, which: str) -> None:
        a, pdf, lang = self.a, self.pdf, self.lang
        places = a.asks if which == "asks" else a.agreements
        pdf.page()
        pdf.heading(self.t(f"report.{which}.heading"))
        if a.plan is None:
            pdf.paragraph(self.t("report.no_plan"))
            return
        pdf.paragraph(
            self.t(
                f"report.{which}.intro",
                threshold=format_percent(a.consensus.threshold, lang, 0),
                min_area=format_number(MIN_PLACE_M2, lang, 0),
                min_width=format_number(MIN_PLACE_WIDTH_M, lang, 0),
            ),
            size=8.5,
        )
        if not places:
            pdf.paragraph(self.t("report.places.none"))
            return
        total = sum(p.area_m2 for p in places)
        pdf.paragraph(self.t("report.places.total", count=len(places), area=self.area(total)))
        outline = ASK_OUTLINE if which == "asks" else AGREE_OUTLINE
        n = a.consensus.n
        fits = int((pdf.bottom - pdf.doc.y - 16) / 8.2)  # rows of about two lines beside the map
        listed = places[: max(5, min(MAX_LISTED, fits))]

        def side(x: float, width: float) -> None:
            rows = []
            for number, p in enumerate(listed, start=1):
                row = [
                    str(number),
                    self.label(p.category),
                    self.area(p.area_m2),
                    self.t("report.k_of_n", k=format_number(p.teams, lang, 1 if p.teams % 1 else 0), n=n),
                    self.t(f"consensus.direction.{p.direction}"),
                    f"{p.lon:.5f}, {p.lat:.5f}",
                ]
                if which == "asks":
                    row.append(self.label(p.plan_category))
                rows.append(row)
            header = [
                "№",
                self.t("figures.category"),
                self.t("report.col.area_m2"),
                self.t("report.col.teams"),
                self.t("report.col.where"),
                self.t("report.col.location"),
            ]
            widths = [0.45, 1.9, 1.4, 1.6, 2.3, 2.3]
            if which == "asks":
                header.append(self.t("report.col.plan_has"))
                widths.append(2.0)
            pdf.table(header, rows, widths, align="RLRRLLL", x=x, width=width, size=7)
            if len(places) > len(listed):
                pdf.paragraph(self.t("report.more_in_exports", count=len(places) - len(listed)), width, size=8)

        self.map_with_side(lambda size: _places_map(a, listed, outline, lang, size), side, share=0.45)

    def methods_page(self) -> None:
        a, pdf, lang = self.a, self.pdf, self.lang
        pdf.page()
        pdf.heading(self.t("report.methods.heading"))
        frame = a.frame
        centre = frame.boundary_lonlat.centroid
        from pyproj import Proj

        scale = Proj(frame.crs).get_factors(centre.x, centre.y).meridional_scale
        params = {
            "crs": frame.crs.name,
            "epsg": frame.crs.to_epsg() or "—",
            "scale": format_number(scale, lang, 5),
            "threshold": format_percent(a.consensus.threshold, lang, 0),
            "match": format_number(
                next(iter(a.comparisons.values())).match_distance_m if a.comparisons else 10.0, lang, 0
            ),
            "cluster": format_number(DEFAULT_CLUSTER_DISTANCE_M, lang, 0),
            "moved": format_percent(MOVED_MIN_SHARE, lang, 0),
            "min_area": format_number(MIN_PLACE_M2, lang, 0),
            "min_width": format_number(MIN_PLACE_WIDTH_M, lang, 0),
        }
        column = (pdf.epw - 8) / 2
        keys = [
            "crs",
            "maps",
            "figures",
            "categorical",
            "agreement",
            "kappa",
            "outcomes",
            "amenities",
            "consensus",
            "fleiss",
            "clusters",
            "places",
        ]
        doc = pdf.doc
        top = doc.y
        half = (len(keys) + 1) // 2
        for index, key in enumerate(keys):
            if index == half:
                doc.set_xy(doc.l_margin + column + 8, top)
            x = doc.x
            pdf.subheading(self.t(f"report.methods.{key}.title"), column)
            doc.set_x(x)
            pdf.paragraph(self.t(f"report.methods.{key}", **params), column, size=8)
            doc.set_x(x)


def build_report(
    store: FileStore,
    session_id: str,
    lang: str,
    paper: str = "a4",
    progress: ProgressCallback | None = None,
    *,
    analysis: SessionAnalysis | None = None,
) -> bytes:
    """The session's comparison report as PDF bytes (A4 or A3 landscape, in ru, kk or en).

    ``progress(fraction, message)`` hears how far it is (messages in ``lang``); pass an
    ``analysis`` already made by :func:`analyse_session` to skip computing it again.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if paper not in PAPER_SIZES_MM:
        raise ValueError(f"paper must be one of {tuple(PAPER_SIZES_MM)}, got {paper!r}")
    if progress is not None:
        progress(0.0, translate("report.progress.analysis", lang))
    analysis = analysis or analyse_session(store, session_id)
    return _Report(analysis, lang, paper, progress).build()
