"""Write the importer's own test fixtures into ``tests/data/generated/`` (run from the repo root).

    .venv/bin/python tests/data/make_fixtures.py

Plans are laid out inside the illustrative Aksu site: its boundary
(``data/parks/aksu-city-square/site.geojson``) is projected to UTM 43N (EPSG:32643) and
the zones are rectangles of known size around its centre, so tests can compare areas
with hand-computed figures. The DXF is written by GDAL's own DXF writer (through
pyogrio), like a plan exported from QGIS; it has no CRS, as CAD files usually do not.
The bad files (zip bomb, path traversal, XML entities, deep nesting...) are built here
so that nothing hostile has to be downloaded. Zip entries get a fixed date so reruns
give the same bytes (the GeoPackage and the shapefile's .dbf still carry today's date).
"""

from __future__ import annotations

import io
import json
import sys
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, box, shape

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "generated"
SITE = ROOT / "data" / "parks" / "aksu-city-square" / "site.geojson"
UTM = "EPSG:32643"
TO_UTM = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
TO_LONLAT = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
FIXED_DATE = (2026, 12, 1, 0, 0, 0)


def to_utm(geom):
    return shapely.transform(geom, lambda c: _stack(*TO_UTM.transform(c[:, 0], c[:, 1])))


def to_lonlat(geom):
    return shapely.transform(geom, lambda c: _stack(*TO_LONLAT.transform(c[:, 0], c[:, 1])))


def _stack(x, y):
    import numpy as np

    return np.column_stack([x, y])


def plan_utm() -> dict[str, shapely.Geometry]:
    """The metric plan: zones of known area (600, 375, 1200 m²), a bench and a 160 m path."""
    boundary = to_utm(shape(json.loads(SITE.read_text(encoding="utf-8"))["features"][0]["geometry"]))
    cx, cy = (round(v) for v in boundary.centroid.coords[0])
    shapes = {
        "playground": box(cx - 60, cy + 10, cx - 30, cy + 30),  # 30 m x 20 m = 600 m²
        "parking": box(cx + 40, cy - 40, cx + 65, cy - 25),  # 25 m x 15 m = 375 m²
        "lawn": box(cx - 20, cy - 30, cx + 20, cy),  # 40 m x 30 m = 1200 m²
        "bench": Point(cx, cy + 20),
        "path": LineString([(cx - 80, cy - 5), (cx + 80, cy - 5)]),  # 160 m
        "half_outside": box(cx + 100, cy - 10, cx + 140, cy + 10),  # crosses the east edge
    }
    for name, geom in shapes.items():
        if name != "half_outside":
            assert boundary.buffer(-1).contains(geom), name
    assert boundary.intersects(shapes["half_outside"])
    assert not boundary.contains(shapes["half_outside"])
    return shapes


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A deflated zip archive with fixed dates (the same bytes on every run)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    path.write_bytes(zip_bytes(members))


def feature_collection(features: list[dict], **extra) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False, indent=1)


def geojson_feature(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    p = plan_utm()
    ll = {name: to_lonlat(geom) for name, geom in p.items()}

    # 1. DXF from GDAL's writer, in EPSG:32643 metres without a CRS; the lawn is a closed polyline as in CAD
    dxf = gpd.GeoDataFrame(
        {"Layer": ["ZONE_PLAYGROUND", "ZONE_PARKING", "Озеленение", "BENCH", "PATH"]},
        geometry=[p["playground"], p["parking"], p["lawn"].exterior, p["bench"], p["path"]],
    )
    dxf_path = OUT / "aksu_plan_utm43.dxf"
    dxf_path.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "crs was not provided": that is the point
        pyogrio.write_dataframe(dxf, dxf_path, driver="DXF")

    # 2. A plan as geojson.io or QGIS would write it (WGS84), Russian and English values
    plan = [
        geojson_feature(ll["playground"], type="Детская площадка", name="Горка"),
        geojson_feature(ll["parking"], type="Parking"),
        geojson_feature(ll["lawn"], type="Газон"),
        geojson_feature(ll["half_outside"], type="Газон", name="Газон у дороги"),
        geojson_feature(ll["bench"], type="Скамейка"),
        geojson_feature(ll["path"], type="Пешеходная дорожка"),
        geojson_feature(ll["bench"].buffer(0.00002), type="Неизвестный объект"),
    ]
    (OUT / "aksu_plan_ru.geojson").write_text(feature_collection(plan), encoding="utf-8")

    # 3. The same plan exported by QGIS in UTM with the legacy "crs" member
    crs_member = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32643"}}
    utm_plan = [geojson_feature(p[n], type=t) for n, t in (("playground", "Playground"), ("lawn", "Lawn"))]
    (OUT / "aksu_plan_utm43_crs.geojson").write_text(
        feature_collection(utm_plan, name="plan", crs=crs_member), encoding="utf-8"
    )

    # 4. Zipped shapefile (EPSG:32643 .prj, UTF-8 .cpg), zones only
    shp = gpd.GeoDataFrame(
        {"type": ["Детская площадка", "Автостоянка", "Газон", "Беседка"]},
        geometry=[p["playground"], p["parking"], p["lawn"], p["bench"].buffer(3)],
        crs=UTM,
    )
    folder = OUT / "_shp"
    folder.mkdir(exist_ok=True)
    pyogrio.write_dataframe(shp, folder / "plan.shp", encoding="UTF-8")
    members = {f"plan/{f.name}": f.read_bytes() for f in sorted(folder.iterdir())}
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    members["plan/plan.dbf"] = members["plan/plan.dbf"][:1] + bytes([126, 12, 1]) + members["plan/plan.dbf"][4:]
    write_zip(OUT / "aksu_plan_shapefile.zip", members)

    # 5. KMZ as Google Earth writes it: folders become layers, names say what things are
    def kml_polygon(geom) -> str:
        coords = " ".join(f"{x:.7f},{y:.7f},0" for x, y in geom.exterior.coords)
        ring = f"<LinearRing><coordinates>{coords}</coordinates></LinearRing>"
        return f"<Polygon><outerBoundaryIs>{ring}</outerBoundaryIs></Polygon>"

    bench = ll["bench"]
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>План сквера</name>
<Folder><name>Детские площадки</name>
<Placemark><name>Детская площадка</name>{kml_polygon(ll["playground"])}</Placemark></Folder>
<Folder><name>Озеленение</name>
<Placemark><name>Газон</name>{kml_polygon(ll["lawn"])}</Placemark></Folder>
<Folder><name>Малые формы</name>
<Placemark><name>Скамейка</name><Point><coordinates>{bench.x:.7f},{bench.y:.7f},0</coordinates></Point></Placemark>
</Folder></Document></kml>
"""
    write_zip(OUT / "aksu_plan.kmz", {"doc.kml": kml.encode("utf-8")})

    # 6. GeoPackage with two layers (merged on import)
    gpkg = OUT / "aksu_plan.gpkg"
    gpkg.unlink(missing_ok=True)
    zones = gpd.GeoDataFrame({"category": ["Детская площадка", "Газон"]}, geometry=[ll["playground"], ll["lawn"]])
    pyogrio.write_dataframe(zones.set_crs(4326), gpkg, layer="zones")
    amenities = gpd.GeoDataFrame({"category": ["Скамейка"]}, geometry=[ll["bench"]], crs=4326)
    pyogrio.write_dataframe(amenities, gpkg, layer="amenities", append=True)

    # 7. OSM XML: a playground way, a bench node, a footway
    corners = list(ll["playground"].exterior.coords)[:4]
    nodes = [f'<node id="{i}" version="1" lat="{y:.7f}" lon="{x:.7f}"/>' for i, (x, y) in enumerate(corners, start=1)]
    (ax, ay), (bx, by) = ll["path"].coords
    osm = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<osm version="0.6" generator="tests/data/make_fixtures.py">',
            *nodes,
            f'<node id="5" version="1" lat="{bench.y:.7f}" lon="{bench.x:.7f}"><tag k="amenity" v="bench"/></node>',
            f'<node id="6" version="1" lat="{ay:.7f}" lon="{ax:.7f}"/>',
            f'<node id="7" version="1" lat="{by:.7f}" lon="{bx:.7f}"/>',
            '<way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>'
            '<tag k="leisure" v="playground"/><tag k="name" v="Детская площадка"/></way>',
            '<way id="11" version="1"><nd ref="6"/><nd ref="7"/><tag k="highway" v="footway"/></way>',
            "</osm>",
            "",
        ]
    )
    (OUT / "aksu_plan.osm").write_text(osm, encoding="utf-8")

    # 8. Bad archives
    write_zip(
        OUT / "zip_without_shp.zip", {"README.txt": b"the plan", "plan.geojson": b'{"type": "FeatureCollection"}'}
    )
    write_zip(OUT / "zip_path_traversal.zip", {"../../evil.shp": b"\x00\x00\x27\x0a", "plan.shx": b""})
    write_zip(OUT / "zip_bomb.zip", {"bomb.shp": bytes(201 * 1024 * 1024)})
    write_zip(OUT / "kmz_without_kml.kmz", {"files/photo.png": b"\x89PNG\r\n\x1a\n"})
    (OUT / "zip_truncated.zip").write_bytes(zip_bytes({"plan.shp": b"x" * 1000})[:60])

    # 9. Bad text files
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    lol = "".join(entities)  # "billion laughs": 10^9 copies of "lol" once expanded
    (OUT / "xml_entities.kml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE kml [{lol}]>\n<kml><Document><name>&lol9;</name></Document></kml>\n',
        encoding="utf-8",
    )
    (OUT / "deeply_nested.geojson").write_text(
        '{"type": "Point", "coordinates": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8"
    )
    (OUT / "nan_coordinates.geojson").write_text(
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [NaN, 52.0]}}',
        encoding="utf-8",
    )
    (OUT / "notes.txt").write_text("Скамейки поставить вдоль аллеи.\n", encoding="utf-8")
    (OUT / "drawing.dwg").write_bytes(b"AC1032\x00\x00\x00\x00\x00\x00" + bytes(52))
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
