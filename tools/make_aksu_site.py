"""Generate the bundled, ILLUSTRATIVE demo site ``aksu-city-square``.

No surveyed outline of the Aksu city square is public, so every geometry this
script writes is invented (but plausible): the park outline, the streets,
buildings, paths and trees around and inside it, the akimat's plan and two
resident teams' concepts.  Everything is built in metres in a local frame whose
origin is the park centre, rotated onto the street grid, placed in UTM 43N
(EPSG:32643) and converted to WGS84 with pyproj.  The script is deterministic
(fixed seed, no network) so re-running it reproduces the files byte for byte.

Usage::

    .venv/bin/python tools/make_aksu_site.py          # write the files, then check them
    .venv/bin/python tools/make_aksu_site.py --check  # only check the written files

Writes ``data/parks/aksu-city-square/{site.geojson, context.geojson,
akimat_plan.geojson, demo/team-1.geojson, demo/team-2.geojson}``.  ``site.toml``
and the READMEs are hand-written; ``--check`` also checks ``site.toml``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box, shape
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, unary_union

SITE_ID = "aksu-city-square"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from codesign.domain.taxonomy import categories  # noqa: E402

OUT = ROOT / "data" / "parks" / SITE_ID

CENTRE_LONLAT = (76.9372, 52.0362)  # near the OSM node of Aksu (76.9341, 52.0354), city-centre side
GRID_ROTATION_DEG = 8.0  # the street grid is turned 8 degrees anticlockwise from UTM east
SEED = 20261201
DECIMALS = 7
SAVED_AT = "2026-12-01T{}:00+00:00"

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32643", always_xy=True)
TO_WGS84 = Transformer.from_crs("EPSG:32643", "EPSG:4326", always_xy=True)
E0, N0 = TO_UTM.transform(*CENTRE_LONLAT)

MITRE = {"join_style": "mitre", "mitre_limit": 5.0}


# --------------------------------------------------------------------------- frames


def local_to_utm(geom):
    """Local park frame (metres, x along the long side) -> EPSG:32643."""
    g = affinity.rotate(geom, GRID_ROTATION_DEG, origin=(0, 0), use_radians=False)
    return affinity.translate(g, E0, N0)


def _coords_to_lonlat(coords):
    out = []
    for x, y in coords:
        lon, lat = TO_WGS84.transform(x, y)
        out.append([round(lon, DECIMALS), round(lat, DECIMALS)])
    return out


def to_geojson_geometry(local_geom) -> dict:
    """Local-frame shapely geometry -> RFC 7946 geometry dict (CCW exteriors, 7 decimals)."""
    g = local_to_utm(local_geom)
    if isinstance(g, Polygon):
        g = orient(g, 1.0)  # exterior CCW, holes CW; rotation+translation+UTM->lon/lat keep handedness
        return {
            "type": "Polygon",
            "coordinates": [_coords_to_lonlat(g.exterior.coords)] + [_coords_to_lonlat(r.coords) for r in g.interiors],
        }
    if isinstance(g, LineString):
        return {"type": "LineString", "coordinates": _coords_to_lonlat(g.coords)}
    if isinstance(g, Point):
        return {"type": "Point", "coordinates": _coords_to_lonlat(g.coords)[0]}
    raise TypeError(f"unsupported geometry {g.geom_type}")


def lonlat_geom_to_utm(geom_dict):
    """RFC 7946 geometry dict -> shapely geometry in EPSG:32643 (for the checks)."""
    g = shape(geom_dict)

    def conv(coords):
        return [TO_UTM.transform(x, y) for x, y in coords]

    if g.geom_type == "Polygon":
        return Polygon(conv(g.exterior.coords), [conv(r.coords) for r in g.interiors])
    if g.geom_type == "LineString":
        return LineString(conv(g.coords))
    if g.geom_type == "Point":
        return Point(TO_UTM.transform(g.x, g.y))
    raise TypeError(g.geom_type)


def dump_collection(header: dict, features: list[dict]) -> str:
    """Compact JSON, one feature per line (small files, readable diffs)."""
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":"))
    assert head.endswith("}")
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return head[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


# --------------------------------------------------------------------------- the park

# A slightly irregular block, ~226 m x 156 m: the south side follows ul. Lenina,
# which is not quite parallel to ul. Astana; a small kink on the west side; the
# north-east corner is chamfered at the crossing of ul. Astana and ul. Pushkina.
PARK = Polygon([(-113, -78), (113, -75), (114, 56), (92, 78), (-112, 78), (-114, 10)])
assert PARK.is_valid
assert PARK.exterior.is_ccw


def south_edge_y(x: float) -> float:
    return -78 + 3 * (x + 113) / 226


# --------------------------------------------------------------------------- context

# (name, (x0, y0), (x1, y1), half-width in metres incl. pavements)
STREETS = [
    ("ул. Астана", (-370, 92), (370, 92), 10),
    ("ул. Ленина", (-370, south_edge_y(-370) - 13), (370, south_edge_y(370) - 13), 11),
    ("пр. Независимости", (-127, -345), (-127, 345), 13),
    ("ул. Пушкина", (128, -345), (128, 345), 9),
    ("ул. Гагарина", (-370, 262), (370, 262), 9),
    ("ул. Энергетиков", (-370, -252), (370, -252), 10),
    ("ул. Торайгырова", (-332, -345), (-332, 345), 9),
    ("ул. Строителей", (332, -345), (332, 345), 9),
    ("пер. Школьный", (0, 92), (0, 262), 6),
    ("ул. Мира", (128, -172), (332, -172), 7),
    ("ул. Абая", (-230, -90), (-230, -252), 7),
]

# Buildings: (x, y, length, depth, name) in the local frame; rotated 90 degrees when depth > length.
# Soviet five-storey slabs are 60-84 m x 12 m; shops and houses are smaller.
HAND_BUILDINGS = [
    # west of the park, across pr. Nezavisimosti (city-centre side)
    (-163, 40, 26, 44, "Дом культуры «Энергетик»"),
    (-163, -35, 22, 40, "Торговый центр"),
    (-214, 60, 60, 12, None),
    (-214, 8, 60, 12, None),
    (-214, -45, 60, 12, None),
    (-285, 60, 60, 12, None),
    (-285, 8, 60, 12, None),
    (-285, -45, 60, 12, None),
    # north of the park, across ul. Astana (school in the west half)
    (-62, 150, 70, 18, "Школа № 2"),
    (-62, 118, 16, 10, "Магазин"),
    (-100, 205, 12, 48, None),
    (-45, 232, 60, 12, None),
    (48, 118, 60, 12, None),
    (48, 168, 60, 12, None),
    (48, 214, 60, 12, None),
    (100, 150, 12, 60, None),
    # east of the park, across ul. Pushkina
    (162, 40, 12, 60, None),
    (162, -40, 12, 60, None),
    (222, 60, 60, 12, None),
    (222, 0, 60, 12, None),
    (222, -55, 60, 12, None),
    (295, 30, 12, 72, None),
    (292, -62, 16, 14, "Аптека"),
    # south of the park, across ul. Lenina
    (-65, -122, 84, 12, None),
    (60, -122, 84, 12, None),
    (-65, -172, 60, 12, None),
    (60, -172, 60, 12, None),
    (-100, -222, 18, 12, "Почта"),
    (0, -222, 60, 12, None),
    (90, -222, 24, 14, "Магазин"),
    # corner blocks
    (-190, 125, 60, 12, None),
    (-285, 125, 60, 12, None),
    (-190, 200, 60, 12, None),
    (-285, 200, 60, 12, None),
    (-245, 240, 14, 10, None),
    (190, 125, 60, 12, None),
    (285, 125, 60, 12, None),
    (190, 200, 60, 12, None),
    (290, 205, 12, 60, None),
    (-190, -150, 12, 56, None),
    (-170, -215, 50, 14, "Детский сад"),
    (-285, -130, 60, 12, None),
    (-285, -200, 60, 12, None),
    (190, -125, 84, 12, None),
    (280, -125, 50, 12, None),
    (180, -215, 60, 12, None),
    (285, -212, 40, 14, None),
]

# Private houses (10 x 9 m) in a row along ul. Gagarina, east of the lane.
HOUSE_ROW = [(x, 242, 10, 9, None) for x in (22, 40, 58, 76, 94)]


def building_polygon(x, y, length, depth, rng):
    b = box(x - length / 2, y - depth / 2, x + length / 2, y + depth / 2)
    return affinity.rotate(b, rng.uniform(-1.5, 1.5), origin=(x, y))


def existing_paths():
    """Paths inside the park today (local frame)."""
    ring = PARK.buffer(-8, **MITRE).exterior
    return [
        ("Прогулочная дорожка по периметру", LineString(ring.coords)),
        ("Старая диагональная тропа", LineString([(-110.5, -75.5), (-40, -29), (-5, -6), (101.5, 66.5)])),
        ("Дорожка к фонтану", LineString([(-113, 2), (-60, 1), (-8, 0)])),
        (None, LineString([(0, 77), (0, 8)])),
    ]


FOUNTAIN = Point(0, 0).buffer(6.0, quad_segs=8)


def existing_trees(rng, paths):
    """Old trees in rows along the edges, plus a few clusters."""
    pts = []
    row = PARK.buffer(-3.5, **MITRE).exterior
    n = int(row.length // 13)
    for i in range(n):
        p = row.interpolate(i * row.length / n)
        if rng.random() < 0.12:  # gaps where trees died
            continue
        pts.append(Point(p.x + rng.uniform(-0.6, 0.6), p.y + rng.uniform(-0.6, 0.6)))
    clusters = [(-70, 40, 7), (55, -40, 6), (-60, -52, 5), (50, 35, 5), (-30, 55, 4)]
    for cx, cy, k in clusters:
        for _ in range(k):
            pts.append(Point(cx + rng.uniform(-12, 12), cy + rng.uniform(-9, 9)))
    path_zone = unary_union([ln.buffer(2.0) for _, ln in paths] + [FOUNTAIN.buffer(2)])
    inner = PARK.buffer(-1.5)
    keep = []
    for p in pts:
        if inner.contains(p) and not path_zone.contains(p) and all(p.distance(q) > 4 for q in keep):
            keep.append(p)
    return keep


def make_context(rng):
    feats = []
    street_zone = []
    for name, a, b, hw in STREETS:
        ln = LineString([a, b])
        feats.append(("street", name, ln))
        street_zone.append(ln.buffer(hw + 4, cap_style="flat"))
    street_zone = unary_union(street_zone)
    park_zone = PARK.buffer(14)
    clashes = []
    for x, y, length, depth, name in HAND_BUILDINGS + HOUSE_ROW:
        poly = building_polygon(x, y, length, depth, rng)
        if poly.intersects(street_zone) or poly.intersects(park_zone):
            clashes.append((x, y))
        feats.append(("building", name, poly))
    if clashes:
        raise SystemExit(f"buildings touching a street or the park: {clashes}")
    paths = existing_paths()
    for name, ln in paths:
        feats.append(("path", name, ln))
    feats.append(("water", "Старый фонтан (не работает)", FOUNTAIN))
    for p in existing_trees(rng, paths):
        feats.append(("tree", None, p))
    out = []
    for layer, name, g in feats:
        props = {"layer": layer, "name": name}
        out.append({"type": "Feature", "geometry": to_geojson_geometry(g), "properties": props})
    return out


# --------------------------------------------------------------------------- concepts

ZONE_MIN_AREA = 50.0
INSET = 0.25  # zones are shrunk by this much so neighbours never touch after rounding


def parts(geom):
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]


def left_of(line: LineString, reach: float = 1000.0) -> Polygon:
    """The half-plane left of the infinite line through ``line``'s first and last points."""
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy)
    ux, uy = dx / n * reach, dy / n * reach
    return Polygon([(x0 - ux, y0 - uy), (x1 + ux, y1 + uy), (x1 + ux - uy, y1 + uy + ux), (x0 - ux - uy, y0 - uy + ux)])


def offset_point(line: LineString, t: float, side: float) -> Point:
    """Point at fraction ``t`` along ``line``, ``side`` metres to its left (negative: right)."""
    d = t * line.length
    p = line.interpolate(d)
    a, b = line.interpolate(max(d - 0.5, 0)), line.interpolate(min(d + 0.5, line.length))
    dx, dy = b.x - a.x, b.y - a.y
    n = math.hypot(dx, dy) or 1.0
    return Point(p.x - dy / n * side, p.y + dx / n * side)


class Concept:
    def __init__(self):
        self.inner = PARK.buffer(-0.6, **MITRE)
        self.paths: list[tuple[str, LineString, str, str]] = []
        self.zones: list[tuple[str, Polygon, str, str]] = []
        self.amenities: list[tuple[str, Point, str, str]] = []
        self.placed = Polygon()

    @property
    def corridors(self):
        return unary_union([ln.buffer(2.6, cap_style="flat") for _, ln, _, _ in self.paths])

    def path(self, category, line, label="", note=""):
        line = line.intersection(self.inner)
        if line.geom_type != "LineString":
            line = linemerge(line)
        assert line.geom_type == "LineString", line.geom_type
        self.paths.append((category, line, label, note))

    def zone(self, category, region, label="", note="", cut_paths=True, interior=True, min_area=ZONE_MIN_AREA):
        area = self.inner.buffer(-15.4, **MITRE) if interior else self.inner
        g = region.intersection(area).difference(self.placed)
        if cut_paths:
            g = g.difference(self.corridors)
        g = g.buffer(0)
        self.placed = unary_union([self.placed, g])
        for p in sorted(parts(g), key=lambda p: -p.area):
            if p.area < min_area:
                continue
            p = p.buffer(-INSET, **MITRE).simplify(0.05)
            for q in parts(p):
                assert not q.interiors, f"{category} zone has a hole"
                if q.area >= ZONE_MIN_AREA:
                    self.zones.append((category, q, label, note))

    def amenity(self, category, pt, label="", note=""):
        self.amenities.append((category, pt, label, note))

    def along(self, category, line, ts, side, label=""):
        for t in ts:
            self.amenity(category, offset_point(line, t, side), label)

    def features(self):
        feats = []
        rows = (
            [(c, g, lab, n, "zone") for c, g, lab, n in self.zones]
            + [(c, g, lab, n, "path") for c, g, lab, n in self.paths]
            + [(c, g, lab, n, "amenity") for c, g, lab, n in self.amenities]
        )
        for i, (cat, g, label, note, kind) in enumerate(rows, start=1):
            fid = f"f{i}"
            feats.append(
                {
                    "type": "Feature",
                    "id": fid,
                    "geometry": to_geojson_geometry(g),
                    "properties": {"id": fid, "category": cat, "kind": kind, "label": label, "note": note},
                }
            )
        return feats


BAND = PARK.buffer(-0.6, **MITRE).difference(PARK.buffer(-10.4, **MITRE))  # the tree belt along the streets
PARKING = box(62, -80, 120, -44)
PLAZA = box(-30, -22, 30, 22)

N_S_AXIS = LineString([(0, 77.6), (0, south_edge_y(0) + 0.4)])
E_W_AXIS = LineString([(-113.6, 0), (113.3, 0)])
OLD_DIAGONAL_SW = LineString([(-110.5, -75.5), (-30, -22)])
OLD_DIAGONAL_NE = LineString([(30, 22), (102, 66)])
PERIMETER = LineString(PARK.buffer(-12.8, **MITRE).exterior.coords)


def belts(c: Concept, corner_cut_se: bool):
    """Two L-shaped tree belts along the streets, split at the NW corner (and SE if no parking)."""
    band = BAND.difference(c.placed)
    # split the ring at the NW corner along the diagonal and at the SE corner
    cut = LineString([(-140, 104), (-95, 59)]).buffer(0.8, cap_style="flat")
    cut_se = LineString([(140, -102), (95, -57)]).buffer(0.8, cap_style="flat")
    band = band.difference(cut)
    if corner_cut_se:
        band = band.difference(cut_se)
    north_east = band.intersection(Polygon([(-140, 104), (200, 104), (200, -200), (140, -102), (95, -57), (-95, 59)]))
    west_south = band.difference(north_east)
    c.zone("tree_planting", north_east, "Аллея вдоль ул. Астана и ул. Пушкина", cut_paths=False, interior=False)
    c.zone("tree_planting", west_south, "Аллея вдоль пр. Независимости и ул. Ленина", cut_paths=False, interior=False)


def akimat():
    c = Concept()
    c.path("walkway", PERIMETER.difference(PARKING.buffer(1.5)), "Прогулочная аллея")
    c.path("walkway", N_S_AXIS, "Главная аллея")
    c.path("walkway", E_W_AXIS, "", "")
    c.path("walkway", OLD_DIAGONAL_SW, "", "Сохраняем сложившуюся тропу, мостим плиткой")

    c.zone("plaza", PLAZA, "Центральная площадь", "Фонтан в центре восстанавливается", cut_paths=False)
    c.zone("parking", PARKING, "Парковка", "Около 60 машино-мест, въезд с ул. Ленина", cut_paths=False, interior=False)
    belts(c, corner_cut_se=False)
    c.zone("stage", box(-28, 22, -3, 38), "Летняя сцена", "Зрители стоят на площади")
    c.zone("flower_beds", box(3, 22, 28, 34), "Цветник")
    c.zone("playground", box(-98, 26, -44, 64), "Детская площадка")
    c.zone("sports_ground", box(42, 4, 98, 34), "Спортивная площадка", "Мини-футбол и баскетбол")
    c.zone("cafe", box(-82, -22, -54, -3), "Кафе")
    c.zone("lawn", box(-100, 3, -3, 70), "")
    c.zone("lawn", box(3, 3, 100, 70), "")
    c.zone("lawn", box(-100, -70, -3, -3).intersection(left_of(OLD_DIAGONAL_SW)), "")
    c.zone("tree_planting", box(-100, -70, -3, -3), "Берёзовая роща")
    c.zone("lawn", box(3, -70, 100, -3), "")

    # amenities (~25)
    plaza_edge = PLAZA.buffer(-2.5, **MITRE).exterior
    c.amenity("art_object", Point(0, 0), "Фонтан", "Реконструкция старого фонтана")
    for t in (0.1, 0.25, 0.4, 0.6, 0.75, 0.9):
        c.amenity("bench", plaza_edge.interpolate(t, normalized=True))
    c.along("bench", PERIMETER.difference(PARKING.buffer(1.5)), [0.2, 0.4, 0.6], 2.2)
    c.along("lamp", N_S_AXIS, [0.15, 0.85], -2.2)
    c.along("lamp", E_W_AXIS, [0.2, 0.8], 2.2)
    c.amenity("lamp", Point(-27, -19))
    c.amenity("lamp", Point(27, 19))
    for x, y in [(-25, -19.5), (25, 19.5), (-25, 19.5), (70, -3.2)]:
        c.amenity("bin", Point(x, y))
    c.amenity("info_board", Point(-103, 4.5), "Схема сквера")
    c.amenity("info_board", Point(95, 59.5), "Схема сквера")
    c.amenity("drinking_water", Point(-48, 30))
    c.amenity("bike_rack", Point(-103, -5))
    c.amenity("toilet", Point(-55, -28))
    return c


def team_1():
    c = Concept()
    full_diag = LineString([(-110.5, -75.5), (-30, -22), (30, 22), (102, 66)])
    c.path("walkway", PERIMETER, "Прогулочное кольцо")
    c.path("walkway", full_diag, "Старая диагональ", "Оставить тропу, по которой все ходят")
    c.path("walkway", E_W_AXIS)
    c.path("walkway", LineString([(0, 22), (0, 77.6)]))

    c.zone("plaza", PLAZA, "Центральная площадь", cut_paths=False)
    belts(c, corner_cut_se=True)
    c.zone("playground", box(-98, 3, -36, 64), "Большая детская площадка", "Отдельные зоны для малышей и школьников")
    c.zone("dog_area", box(52, -64, 100, -32), "Площадка для выгула собак", "С ограждением и урнами")
    c.zone("water_feature", Point(42, 58).buffer(8, quad_segs=6), "Пруд с кувшинками")
    c.zone(
        "quiet_rest",
        box(3, 3, 100, 70).intersection(left_of(OLD_DIAGONAL_NE)),
        "Тихий сад",
        "Без музыки, скамейки в тени",
    )
    c.zone("lawn", box(3, -70, 100, 60), "")
    c.zone("lawn", box(-100, 3, -3, 70), "")
    c.zone("tree_planting", box(-100, -70, -3, -3).difference(left_of(OLD_DIAGONAL_SW)), "Яблоневый сад")
    c.zone("lawn", box(-100, -70, -3, -3), "")

    perim = c.paths[0][1]
    c.along("bench", perim, [0.05, 0.3, 0.55, 0.8], 2.2)
    for x, y in [(20, 50), (28, 45), (60, 54), (12, 38)]:
        c.amenity("bench", Point(x, y))
    c.along("lamp", E_W_AXIS, [0.2, 0.8], 2.2)
    c.along("lamp", full_diag, [0.2, 0.8], 2.2)
    c.amenity("bin", Point(-25, 19.5))
    c.amenity("bin", Point(25, -19.5))
    c.amenity("bin", Point(60, -35.5))
    c.amenity("drinking_water", Point(-38, 9))
    c.amenity("shade_pavilion", Point(-60, 40), "Навес для родителей")
    for x, y in [(-18, 10), (18, -10), (-14, -14)]:
        c.amenity("tree", Point(x, y), "", "Новое дерево на площади")
    return c


def team_2():
    c = Concept()
    c.path(
        "cycle_path",
        PERIMETER.difference(PARKING.buffer(1.5)),
        "Вело-прогулочное кольцо",
        "Дорожка для велосипедов и самокатов",
    )
    c.path("walkway", N_S_AXIS)
    c.path("walkway", E_W_AXIS)

    c.zone("plaza", PLAZA, "Центральная площадь", "Ярмарки и праздники", cut_paths=False)
    c.zone("parking", PARKING, "Парковка", "", cut_paths=False, interior=False)
    belts(c, corner_cut_se=False)
    c.zone("sports_ground", box(6, -56, 56, -20), "Стадион", "Футбол летом, каток зимой")
    c.zone("workout", box(60, -36, 98, -6), "Воркаут")
    c.zone("stage", box(44, 0, 84, 28), "Сцена для праздников", "Наурыз, День города")
    c.zone("cafe", box(-28, 22, -3, 40), "Кафе", "С летней верандой")
    c.zone("playground", box(-98, 26, -44, 64), "Детская площадка")
    c.zone("lawn", box(-100, 3, -3, 70))
    c.zone("lawn", box(3, 3, 100, 70))
    c.zone("lawn", box(-100, -70, -3, -3))

    perim = c.paths[0][1]
    c.along("bench", perim, [0.1, 0.35, 0.6, 0.85], 2.2)
    for x, y in [(64, 39), (72, 39), (-26, -19.5), (26, -19.5)]:
        c.amenity("bench", Point(x, y))
    c.along("lamp", N_S_AXIS, [0.15, 0.85], -2.2)
    c.along("lamp", E_W_AXIS, [0.15, 0.85], -2.2)
    c.amenity("lamp", Point(-27, 19))
    c.amenity("bin", Point(-24, 19.5))
    c.amenity("bin", Point(40, -17.5))
    c.amenity("bike_rack", Point(-100, -45))
    c.amenity("bike_rack", Point(3.2, -70))
    c.amenity("toilet", Point(-36, 40))
    c.amenity("drinking_water", Point(58, -4))
    c.amenity("shade_pavilion", Point(-50, 60), "Навес")
    return c


CONCEPTS = [
    (
        "akimat_plan.geojson",
        "akimat",
        akimat,
        "План акимата (иллюстративный)",
        "Иллюстративный план благоустройства от акимата: центральная площадь с восстановленным фонтаном, "
        "детская и спортивная площадки, летняя сцена, кафе и парковка у ул. Ленина.",
        "09:00",
    ),
    (
        "demo/team-1.geojson",
        "team-1",
        team_1,
        "Зелёный сквер для всех",
        "Команда «Жасыл аула»: больше зелени и тишины — без парковки, с большой детской площадкой, "
        "площадкой для собак и тихим садом.",
        "10:30",
    ),
    (
        "demo/team-2.geojson",
        "team-2",
        team_2,
        "Активный сквер для семей",
        "Команда «Семьи Аксу»: сквер для активного отдыха всей семьёй — стадион и воркаут вместо газона, "
        "сцена для праздников и кафе.",
        "11:15",
    ),
]


# --------------------------------------------------------------------------- write


def write_all():
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "demo").mkdir(exist_ok=True)
    site = {
        "type": "Feature",
        "geometry": to_geojson_geometry(PARK),
        "properties": {"id": SITE_ID, "name": "Городской сквер Аксу"},
    }
    (OUT / "site.geojson").write_text(dump_collection({"type": "FeatureCollection"}, [site]), encoding="utf-8")
    (OUT / "context.geojson").write_text(
        dump_collection({"type": "FeatureCollection"}, make_context(rng)), encoding="utf-8"
    )
    for fname, team, build, title, description, hhmm in CONCEPTS:
        header = {
            "type": "FeatureCollection",
            "codesign": {
                "format": "codesign-concept/1",
                "site": SITE_ID,
                "team": team,
                "title": title,
                "description": description,
                "version": 1,
                "saved_at": SAVED_AT.format(hhmm),
                "illustrative": True,
            },
        }
        (OUT / fname).write_text(dump_collection(header, build().features()), encoding="utf-8")


# --------------------------------------------------------------------------- check

ALLOWED = {kind: {c.id for c in categories(kind)} for kind in ("zone", "path", "amenity")}
KIND_OF_TYPE = {"Polygon": "zone", "LineString": "path", "Point": "amenity"}


def _check_coords(geom_dict, problems, where):
    def walk(c):
        if isinstance(c[0], (int, float)):
            for v in c:
                if round(v, DECIMALS) != v:
                    problems.append(f"{where}: coordinate {v} has more than {DECIMALS} decimals")
        else:
            for x in c:
                walk(x)

    walk(geom_dict["coordinates"])
    if geom_dict["type"] == "Polygon":
        for i, ring in enumerate(geom_dict["coordinates"]):
            if ring[0] != ring[-1]:
                problems.append(f"{where}: ring {i} not closed")
        lr = Polygon(geom_dict["coordinates"][0]).exterior
        if not lr.is_ccw:
            problems.append(f"{where}: exterior not counter-clockwise")


def check() -> int:
    problems: list[str] = []
    site = json.loads((OUT / "site.geojson").read_text(encoding="utf-8"))
    assert site["type"] == "FeatureCollection"
    assert len(site["features"]) == 1
    sf = site["features"][0]
    assert sf["geometry"]["type"] == "Polygon", sf["geometry"]["type"]
    assert sf["properties"]["id"] == SITE_ID
    _check_coords(sf["geometry"], problems, "site")
    boundary = lonlat_geom_to_utm(sf["geometry"])
    if not boundary.is_valid:
        problems.append("site: boundary invalid")
    c = shape(sf["geometry"]).centroid
    b = shape(sf["geometry"]).bounds
    mrr = boundary.minimum_rotated_rectangle.exterior.coords
    sides = sorted({round(math.dist(mrr[i], mrr[i + 1]), 1) for i in range(4)})
    print(
        f"site: area {boundary.area:,.0f} m2 ({boundary.area / 1e4:.2f} ha), centroid lon {c.x:.5f} lat {c.y:.5f}, "
        f"min. rotated rectangle {sides[-1]} x {sides[0]} m, bbox {tuple(round(v, 5) for v in b)}"
    )
    if not 30_000 <= boundary.area <= 38_000:
        problems.append(f"site: area {boundary.area:.0f} m2 out of 3.0-3.8 ha")

    ctx = json.loads((OUT / "context.geojson").read_text(encoding="utf-8"))
    by_layer = defaultdict(int)
    far = 0
    for i, f in enumerate(ctx["features"]):
        p = f["properties"]
        if set(p) != {"layer", "name"} or p["layer"] not in {"street", "building", "path", "tree", "water"}:
            problems.append(f"context #{i}: bad properties {p}")
        by_layer[p["layer"]] += 1
        _check_coords(f["geometry"], problems, f"context #{i}")
        g = lonlat_geom_to_utm(f["geometry"])
        if not g.is_valid:
            problems.append(f"context #{i}: invalid")
        if p["layer"] == "building" and g.intersects(boundary):
            problems.append(f"context #{i}: building overlaps the park")
        if p["layer"] in {"tree", "water", "path"} and not boundary.buffer(0.01).contains(g):
            problems.append(f"context #{i}: {p['layer']} outside the park")
        if boundary.distance(g) > 260:
            far += 1
    print(f"context: {dict(by_layer)}; features farther than 260 m from the park: {far}")

    for fname, team, *_ in CONCEPTS:
        fc = json.loads((OUT / fname).read_text(encoding="utf-8"))
        meta = fc["codesign"]
        if meta["team"] != team or meta["site"] != SITE_ID or meta["format"] != "codesign-concept/1":
            problems.append(f"{fname}: bad header {meta}")
        zones = []
        area_by_cat = defaultdict(float)
        count_by_kind = defaultdict(int)
        count_by_cat = defaultdict(int)
        for i, f in enumerate(fc["features"], start=1):
            where = f"{fname} {f.get('id')}"
            p = f["properties"]
            if f["id"] != f"f{i}" or p["id"] != f"f{i}":
                problems.append(f"{where}: id not f{i}")
            kind = KIND_OF_TYPE.get(f["geometry"]["type"])
            if p["kind"] != kind or p["category"] not in ALLOWED.get(kind, ()):
                problems.append(f"{where}: kind/category {p['kind']}/{p['category']} for {f['geometry']['type']}")
            if set(p) != {"id", "category", "kind", "label", "note"}:
                problems.append(f"{where}: properties {sorted(p)}")
            _check_coords(f["geometry"], problems, where)
            g = lonlat_geom_to_utm(f["geometry"])
            if not g.is_valid or (kind == "path" and not g.is_simple):
                problems.append(f"{where}: invalid / self-intersecting")
            if not boundary.buffer(0.01).contains(g):
                problems.append(f"{where}: not inside the boundary")
            count_by_kind[kind] += 1
            count_by_cat[p["category"]] += 1
            if kind == "zone":
                if g.area < ZONE_MIN_AREA:
                    problems.append(f"{where}: zone {g.area:.1f} m2 < {ZONE_MIN_AREA}")
                area_by_cat[p["category"]] += g.area
                zones.append((f["id"], g))
        worst = 0.0
        for a in range(len(zones)):
            for b2 in range(a + 1, len(zones)):
                ov = zones[a][1].intersection(zones[b2][1]).area
                worst = max(worst, ov)
                if ov > 0.01:
                    problems.append(f"{fname}: {zones[a][0]} and {zones[b2][0]} overlap {ov:.3f} m2")
        covered = sum(area_by_cat.values())
        print(
            f"\n{fname} (team {team}): {dict(count_by_kind)}; zones cover {covered:,.0f} m2 = "
            f"{covered / boundary.area:.0%} of the park; max zone-zone overlap {worst:.4f} m2"
        )
        for cat, area in sorted(area_by_cat.items(), key=lambda kv: -kv[1]):
            print(f"  {cat:<14} {count_by_cat[cat]:>2} x  {area:>8,.0f} m2")
        others = {k: v for k, v in count_by_cat.items() if k not in area_by_cat}
        print(f"  paths/amenities: {others}")

    meta = tomllib.loads((OUT / "site.toml").read_text(encoding="utf-8"))
    if meta.get("id") != SITE_ID or meta.get("illustrative") is not True:
        problems.append("site.toml: id / illustrative")
    if "crs" in json.dumps(meta).lower():
        problems.append("site.toml: must not name a CRS (the app derives UTM from the boundary)")
    for table in ("name", "city", "region", "notice"):
        if set(meta.get(table, {})) != {"ru", "kk", "en"}:
            problems.append(f"site.toml: [{table}] needs ru, kk, en")
    if not all("data/parks/README.md" in v for v in meta.get("notice", {}).values()):
        problems.append("site.toml: every notice must point to data/parks/README.md")
    if sf["properties"]["name"] != meta["name"]["ru"]:
        problems.append("site.geojson name differs from site.toml name.ru")

    print("\nfile sizes:")
    for path in sorted(OUT.rglob("*")):
        if path.is_file():
            print(f"  {path.relative_to(ROOT)}  {path.stat().st_size:,} B")
    if (OUT / "context.geojson").stat().st_size > 120_000:
        problems.append("context.geojson over 120 KB")

    if problems:
        print("\nPROBLEMS:")
        for p in problems:
            print("  " + p)
        return 1
    print("\nall checks passed")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the written files")
    args = ap.parse_args(argv)
    if not args.check:
        write_all()
    return check()


if __name__ == "__main__":
    sys.exit(main())
