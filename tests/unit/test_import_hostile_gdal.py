"""Uploads that attack the machine through GDAL (issue 11: High, and Medium 1 "expansion bombs").

Every file here is refused with a translated :class:`ImportFormatError` or read harmlessly, and
a canary (a random token in a local file, the facilitator secret, the process environment or a
local web server's answer) never appears in a result, a message, a stored or an exported file;
the local web server must receive no request at all.

The bombs (a 16 KB DXF whose MINSERT grid expands to a million entities, and its relatives) are
read in a child process that reports its peak resident memory above the idle process (VmHWM,
which counts GDAL's C allocations too) and the time taken: each must be refused within a
generous security bound (300 MB, 20 s). These are limits, not speed measurements.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import math
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codesign.domain.session import PLAN_OWNER
from codesign.errors import ImportFormatError
from codesign.i18n import LANGUAGES, translate
from codesign.io import read_file
from codesign.storage.files import FileStore

ROOT = Path(__file__).resolve().parents[2]
POINT = "POINT (76.93 52.03)"
MB = 1024 * 1024
#: The security bound for one hostile upload: peak memory above the idle process, and time.
MAX_EXTRA_MEMORY_MB = 300
MAX_SECONDS = 20


# ----------------------------------------------------------------------------- canaries


@pytest.fixture
def canary() -> str:
    return f"CANARY{secrets.token_hex(8)}"


@pytest.fixture
def local_secrets(tmp_path: Path, canary: str) -> dict[str, Path]:
    """A sentinel CSV and a fake sessions/.facilitator_secret, both holding the canary."""
    sentinel = tmp_path / "sentinel.csv"
    sentinel.write_text(f"secret,x,y\n{canary},76.93,52.03\n")
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    secret = sessions / ".facilitator_secret"
    secret.write_text(canary + "\n")
    wkt = tmp_path / "crs.wkt"
    datum = 'DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]'
    wkt.write_text(f'GEOGCS["{canary}",{datum},PRIMEM["G",0],UNIT["degree",0.0174532925199433]]')
    return {"sentinel": sentinel, "secret": secret, "wkt": wkt}


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]
    canary: str

    def _answer(self, body: bool) -> None:
        self.requests.append(f"{self.command} {self.path}")
        data = f"a,b\n{self.canary},2\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server(canary: str) -> Iterator[tuple[str, list[str]]]:
    """A local web server that answers every request with the canary, and the requests it got."""
    handler = type("Handler", (_Recorder,), {"requests": [], "canary": canary})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------- hostile files


def vrt(source: str, layer: str) -> bytes:
    """A GDAL VRT that turns every line of ``source`` (opened as CSV, no header) into a point on the site."""
    return f"""<OGRVRTDataSource><OGRVRTLayer name="plan">
<SrcDataSource>CSV:{source}</SrcDataSource>
<OpenOptions><OOI key="HEADERS">NO</OOI></OpenOptions>
<SrcSQL>SELECT *, '{POINT}' AS wkt FROM "{layer}"</SrcSQL>
<GeometryField encoding="WKT" field="wkt"/>
</OGRVRTLayer></OGRVRTDataSource>""".encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def shapefile_zip(shp: bytes) -> bytes:
    """plan.shp (the payload), with a .shx and .dbf so the zip looks like a shapefile."""
    return zipped({"plan.shp": shp, "plan.shx": b"\0" * 100, "plan.dbf": b"\x03" + b"\0" * 99})


def kml(body: str) -> bytes:
    return (
        f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>'.encode()
    )


def base_gpkg(path: Path) -> None:
    """A real one-layer GeoPackage ``zones`` (two points on the Aksu site), written by GDAL."""
    import geopandas
    import pyogrio
    import shapely

    frame = geopandas.GeoDataFrame(
        {"kind": ["lawn", "bench"]}, geometry=[shapely.Point(76.93, 52.03), shapely.Point(76.931, 52.031)], crs=4326
    )
    pyogrio.write_dataframe(frame, path, layer="zones", driver="GPKG")


def register_layer(con: sqlite3.Connection, name: str) -> None:
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, 4326)",
        (name, name),
    )
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', 4326, 0, 0)", (name,))


def gpkg_with(tmp_path: Path, statements: list[str], layers: list[str], *, schema_rows: list[tuple] = ()) -> bytes:
    """A GeoPackage with extra SQL run on it, ``schema_rows`` written into sqlite_master directly."""
    path = tmp_path / f"hostile-{secrets.token_hex(4)}.gpkg"
    base_gpkg(path)
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    for layer in layers:
        register_layer(con, layer)
    con.commit()
    if schema_rows:  # what SQLite itself would refuse to create: written last, straight into the schema
        version = con.execute("PRAGMA schema_version").fetchone()[0]
        con.execute("PRAGMA writable_schema=ON")
        for row in schema_rows:
            con.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES (?, ?, ?, 0, ?)", row)
        con.commit()
        con.execute(f"PRAGMA schema_version={version + 1}")
    con.close()
    return path.read_bytes()


def sqlite_not_gpkg(tmp_path: Path, sentinel: Path) -> bytes:
    """A plain SQLite database (no GeoPackage application id) with a VirtualOGR table on the sentinel."""
    path = tmp_path / "plain.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE zones (id INTEGER PRIMARY KEY, kind TEXT, wkt TEXT)")
    con.execute("INSERT INTO zones VALUES (1, 'lawn', ?)", (POINT,))
    con.execute("PRAGMA writable_schema=ON")
    con.execute(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'leak', 'leak', 0, ?)",
        (f"CREATE VIRTUAL TABLE leak USING VirtualOGR('CSV:{sentinel}')",),
    )
    con.commit()
    con.close()
    return path.read_bytes()


def hostile_files(tmp_path: Path, paths: dict[str, Path], url: str) -> dict[str, Callable[[], tuple[bytes, str]]]:
    """Every hostile upload: case id -> a builder of (bytes, the file name it is uploaded as)."""
    sentinel, secret = paths["sentinel"], paths["secret"]
    leak_vrt = vrt(str(sentinel), "sentinel")
    virtual_ogr = ("table", "leak", "leak", f"CREATE VIRTUAL TABLE leak USING VirtualOGR('CSV:{sentinel}')")
    leaky_view = "CREATE VIEW leaky AS SELECT z.fid AS fid, z.geom AS geom, leak.* FROM zones z, leak"
    pixel = f"gdal_get_pixel_value('{sentinel}', 1, 'georef', 0, 0)"
    other_db_view = "CREATE VIEW stolen AS SELECT z.fid AS fid, z.geom AS geom, s.* FROM zones z, other.secrets s"
    one_point = {
        "type": "Feature",
        "properties": {"kind": "lawn"},
        "geometry": {"type": "Point", "coordinates": [76.93, 52.03]},
    }

    link_crs = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}

    def with_crs(crs: dict) -> bytes:
        return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [one_point]}).encode()

    return {
        "shp-vrt-sentinel": lambda: (shapefile_zip(leak_vrt), "plan.zip"),
        "shp-vrt-facilitator-secret": lambda: (shapefile_zip(vrt(str(secret), ".facilitator_secret")), "plan.zip"),
        "shp-vrt-proc-environ": lambda: (shapefile_zip(vrt("/proc/self/environ", "environ")), "plan.zip"),
        "shp-vrt-vsicurl": lambda: (shapefile_zip(vrt(f"/vsicurl/{url}/plan.csv", "plan")), "plan.zip"),
        "shx-and-dbf-vrt": lambda: (
            zipped({"plan.shp": leak_vrt, "plan.shx": leak_vrt, "plan.dbf": leak_vrt}),
            "plan.zip",
        ),
        "vrt-as-geojson": lambda: (leak_vrt, "plan.geojson"),
        "vrt-as-kml": lambda: (leak_vrt, "plan.kml"),
        "vrt-as-gpkg": lambda: (leak_vrt, "plan.gpkg"),
        "vrt-as-dxf": lambda: (leak_vrt, "plan.dxf"),
        "vrt-as-osm": lambda: (leak_vrt, "plan.osm"),
        "vrt-in-kmz": lambda: (zipped({"doc.kml": leak_vrt}), "plan.kmz"),
        "vrt-beside-kml-in-kmz": lambda: (
            zipped(
                {
                    "doc.kml": kml("<Placemark><Point><coordinates>76.93,52.03</coordinates></Point></Placemark>"),
                    "files/plan.vrt": leak_vrt,
                }
            ),
            "plan.kmz",
        ),
        "gdalg-as-geojson": lambda: (
            json.dumps({"type": "gdal_streamed_alg", "command_line": f"gdal vector read CSV:{sentinel}"}).encode(),
            "plan.geojson",
        ),
        "geojson-crs-file": lambda: (
            with_crs({"type": "name", "properties": {"name": str(paths["wkt"])}}),
            "plan.geojson",
        ),
        "geojson-crs-link": lambda: (
            with_crs({"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}),
            "plan.geojson",
        ),
        "geojson-feature-crs-link": lambda: (
            json.dumps({"type": "FeatureCollection", "features": [one_point | {"crs": link_crs}]}).encode(),
            "plan.geojson",
        ),
        "geojson-geometry-crs-link": lambda: (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [one_point | {"geometry": one_point["geometry"] | {"crs": link_crs}}],
                }
            ).encode(),
            "plan.geojson",
        ),
        "kml-network-link-and-remote-style": lambda: (
            kml(
                f"<NetworkLink><Link><href>{url}/more.kml</href></Link></NetworkLink>"
                f"<NetworkLink><Link><href>{sentinel}</href></Link></NetworkLink>"
                f"<Placemark><styleUrl>{url}/styles.kml#s</styleUrl><name>lawn</name>"
                "<Point><coordinates>76.93,52.03</coordinates></Point></Placemark>"
            ),
            "plan.kml",
        ),
        "gpkg-virtual-ogr-table": lambda: (gpkg_with(tmp_path, [], ["leak"], schema_rows=[virtual_ogr]), "plan.gpkg"),
        "gpkg-virtual-ogr-view": lambda: (
            gpkg_with(tmp_path, [], ["leaky"], schema_rows=[virtual_ogr, ("view", "leaky", "leaky", leaky_view)]),
            "plan.gpkg",
        ),
        "gpkg-view-on-attached-database": lambda: (
            gpkg_with(tmp_path, [], ["stolen"], schema_rows=[("view", "stolen", "stolen", other_db_view)]),
            "plan.gpkg",
        ),
        "gpkg-view-load-extension": lambda: (
            gpkg_with(
                tmp_path,
                [f"CREATE VIEW loader AS SELECT fid, geom, load_extension('{sentinel}') AS x FROM zones"],
                ["loader"],
            ),
            "plan.gpkg",
        ),
        "gpkg-view-gdal-get-pixel-value": lambda: (
            gpkg_with(
                tmp_path,
                [f"CREATE VIEW pixel AS SELECT fid, geom, {pixel} AS x FROM zones"],
                ["pixel"],
            ),
            "plan.gpkg",
        ),
        "sqlite-not-gpkg-virtual-ogr": lambda: (sqlite_not_gpkg(tmp_path, sentinel), "plan.gpkg"),
    }


HOSTILE_CASES = [
    "shp-vrt-sentinel",
    "shp-vrt-facilitator-secret",
    "shp-vrt-proc-environ",
    "shp-vrt-vsicurl",
    "shx-and-dbf-vrt",
    "vrt-as-geojson",
    "vrt-as-kml",
    "vrt-as-gpkg",
    "vrt-as-dxf",
    "vrt-as-osm",
    "vrt-in-kmz",
    "vrt-beside-kml-in-kmz",
    "gdalg-as-geojson",
    "geojson-crs-file",
    "geojson-crs-link",
    "geojson-feature-crs-link",
    "geojson-geometry-crs-link",
    "kml-network-link-and-remote-style",
    "gpkg-virtual-ogr-table",
    "gpkg-virtual-ogr-view",
    "gpkg-view-on-attached-database",
    "gpkg-view-load-extension",
    "gpkg-view-gdal-get-pixel-value",
    "sqlite-not-gpkg-virtual-ogr",
]


def outcome_text(data: bytes, name: str) -> tuple[ImportFormatError | None, str]:
    """Import the file; return the refusal (or None) and everything a user could see, as one text."""
    try:
        imported = read_file(data, name)
    except ImportFormatError as err:
        shown = [str(err), repr(err.params)] + [translate(err.key, lang, **err.params) for lang in LANGUAGES]
        return err, "\n".join(shown)
    seen = [imported.file_name, imported.format, imported.source_crs, repr(imported.attributes)]
    seen += [repr(notice) for notice in imported.notices]
    seen += [repr(feature.properties) + feature.geometry.wkt for feature in imported.features]
    return None, "\n".join(seen)


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_file_is_refused_or_harmless_and_never_leaks(case, tmp_path, local_secrets, web_server, canary):
    url, requests = web_server
    data, name = hostile_files(tmp_path, local_secrets, url)[case]()
    refusal, shown = outcome_text(data, name)
    assert canary not in shown
    environment = Path("/proc/self/environ").read_bytes().decode(errors="replace").split("\0")
    assert not [entry for entry in environment if len(entry) > 6 and entry in shown], "the environment leaked"
    assert requests == [], f"GDAL fetched {requests}"
    if refusal is not None:
        assert refusal.key != "import.unreadable", f"GDAL's own words reached the user: {refusal}"
        for lang in LANGUAGES:
            assert translate(refusal.key, lang, **refusal.params) != refusal.key


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("shp-vrt-sentinel", "import.not_shapefile"),
        ("shx-and-dbf-vrt", "import.not_shapefile"),
        ("vrt-as-gpkg", "import.unknown_format"),
        ("vrt-in-kmz", "import.kmz_no_kml"),
        ("gpkg-virtual-ogr-table", "import.gpkg_unsafe"),
        ("gpkg-virtual-ogr-view", "import.gpkg_unsafe"),
        ("gpkg-view-on-attached-database", "import.gpkg_damaged"),
        ("gpkg-view-load-extension", "import.gpkg_unsafe"),
        ("sqlite-not-gpkg-virtual-ogr", "import.not_geopackage"),
    ],
)
def test_the_refusal_names_what_is_wrong(case, key, tmp_path, local_secrets, web_server):
    data, name = hostile_files(tmp_path, local_secrets, web_server[0])[case]()
    refusal, _ = outcome_text(data, name)
    assert refusal is not None
    assert refusal.key == key


def test_the_kml_with_network_links_keeps_its_own_placemark(tmp_path, local_secrets, web_server):
    data, name = hostile_files(tmp_path, local_secrets, web_server[0])["kml-network-link-and-remote-style"]()
    imported = read_file(data, name)
    assert [f.properties.get("Name") or f.properties.get("name") for f in imported.features] == ["lawn"]


# ----------------------------------------------------------------------------- GDAL's configuration


def _pristine_environment() -> dict[str, str]:
    """This process's environment without the options codesign put there (a child must set them itself)."""
    from codesign.gdal_env import GDAL_OPTIONS

    return {name: value for name, value in os.environ.items() if name not in GDAL_OPTIONS}


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_gdal_keeps_only_the_drivers_the_importer_needs():
    from codesign.gdal_env import ALLOWED_DRIVERS, checked_pyogrio

    assert set(checked_pyogrio().list_drivers()) == ALLOWED_DRIVERS
    assert {"DXF", "ESRI Shapefile", "GPKG", "GeoJSON", "KML", "LIBKML", "OSM"} == ALLOWED_DRIVERS


CLI_HELP = (
    "import runpy, sys\nsys.argv = ['codesign', '--help']\n"
    "try:\n    runpy.run_module('codesign', run_name='__main__')\nexcept SystemExit:\n    pass"
)
PROBE = (
    "import os, json\nprint(json.dumps([sorted(pyogrio.list_drivers()), os.environ['CPL_VSIL_CURL_ALLOWED_FILENAME']]))"
)


@pytest.mark.parametrize("name", ["plan.shp", "plan.vrt", "plan.kml", "plan.gpkg", "plan.dxf", "plan.osm"])
def test_gdal_itself_cannot_open_a_vrt_even_past_the_importers_checks(name, tmp_path, local_secrets, canary):
    """Straight to GDAL, skipping the magic-byte checks: no driver left can open the VRT."""
    from codesign.gdal_env import checked_pyogrio

    path = tmp_path / name
    path.write_bytes(vrt(str(local_secrets["sentinel"]), "sentinel"))
    with pytest.raises(Exception) as caught:  # noqa: PT011 - whichever error GDAL gives, as long as it gives one
        checked_pyogrio().read_dataframe(path)
    assert canary not in str(caught.value)


def test_gdal_itself_makes_no_request_even_past_the_importers_checks(tmp_path, web_server):
    """Straight to GDAL, skipping codesign's checks: a CRS link, a geometry's CRS link, /vsicurl/, a URL."""
    from codesign.gdal_env import checked_pyogrio, http_refused

    url, requests = web_server
    gdal = checked_pyogrio()
    assert http_refused()
    link = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}
    point = {"type": "Point", "coordinates": [76.93, 52.03], "crs": link}
    root = tmp_path / "root.geojson"
    root.write_text(json.dumps({"type": "FeatureCollection", "crs": link, "features": []}))
    geometry = tmp_path / "geometry.geojson"
    feature = {"type": "Feature", "properties": {}, "geometry": point}
    geometry.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    for source in (root, geometry, f"/vsicurl/{url}/plan.geojson", f"{url}/plan.geojson", f"GeoJSON:{url}/p.json"):
        with contextlib.suppress(Exception):  # refusing is fine, fetching is not
            gdal.read_dataframe(source)
    assert requests == []


@pytest.mark.parametrize(
    "code",
    [
        "import codesign, pyogrio",  # the app and the tests: pages import codesign first
        "import codesign.io.reader, pyogrio",  # a single module still loads the package first
        CLI_HELP + "\nimport pyogrio",  # python -m codesign
    ],
)
def test_a_fresh_process_gets_the_options_before_pyogrio_loads(code):
    probe = code + "\n" + PROBE
    done = _python(probe, env=_pristine_environment())
    assert done.returncode == 0, done.stderr
    drivers, curl = json.loads(done.stdout.strip().splitlines()[-1])
    assert drivers == ["DXF", "ESRI Shapefile", "GPKG", "GeoJSON", "KML", "LIBKML", "OSM"]
    assert curl == "/vsicurl/codesign-network-disabled.invalid"


def test_pyogrio_loaded_before_codesign_means_no_imports_at_all():
    done = _python(
        "import pyogrio\n"
        "from codesign.io import read_file\n"
        "from codesign.errors import ImportFormatError\n"
        'data = b\'{"type": "Point", "coordinates": [76.93, 52.03]}\'\n'
        "try:\n    read_file(data, 'p.geojson')\n    print('imported')\n"
        "except ImportFormatError as err:\n    print(err.key)\n",
        env=_pristine_environment(),
    )
    assert done.stdout.strip() == "import.gdal_unsafe", done.stderr


# ----------------------------------------------------------------------------- CLI, store and exports


def test_cli_import_of_the_environ_vrt_leaks_nothing_to_output_store_or_exports(tmp_path, canary):
    """``/proc/self/environ`` holds what the process started with: the canary is put there."""
    sessions = tmp_path / "sessions"
    store = FileStore(sessions)
    session = store.create_session(site="aksu-city-square", title="Forum", teams=[("A", None)])
    upload = tmp_path / "plan.zip"
    upload.write_bytes(shapefile_zip(vrt("/proc/self/environ", "environ")))
    # first in the environment block: the CSV driver reads /proc/self/environ up to the first NUL
    env = {"CODESIGN_TEST_CANARY": canary, **os.environ, "CODESIGN_SESSIONS_DIR": str(sessions)}
    env.pop("CODESIGN_DATABASE_URL", None)

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "codesign", "--lang", "en", "import", *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )

    legit = ROOT / "tests/data/generated/aksu_plan_ru.geojson"
    for owner in (["plan", session.id], ["concept", session.id, "team-1"]):
        assert cli(*owner, str(legit), "--map", "Неизвестный объект=flower_beds").returncode == 0
    for command in (["plan", session.id], ["concept", session.id, "team-1"]):
        done = cli(*command, str(upload))
        assert done.returncode == 2, done.stdout + done.stderr
        assert canary not in done.stdout + done.stderr
        assert "is not part of a shapefile" in done.stderr
    assert store.latest_version(session.id, PLAN_OWNER) == store.latest_version(session.id, "team-1") == 1
    from codesign.export import export_geojson_zip, export_gpkg
    from codesign.services.analysis import load_analysis

    analysis = load_analysis(store, session.id)
    export_gpkg(analysis, tmp_path / "out.gpkg")
    export_geojson_zip(analysis, tmp_path / "out.zip")
    for path in [*sessions.rglob("*"), tmp_path / "out.gpkg", tmp_path / "out.zip"]:
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path


# ----------------------------------------------------------------------------- expansion bombs


def dxf(entities: str, blocks: str = "") -> bytes:
    return (
        "0\nSECTION\n2\nHEADER\n0\nENDSEC\n0\nSECTION\n2\nBLOCKS\n"
        + blocks
        + "0\nENDSEC\n0\nSECTION\n2\nENTITIES\n"
        + entities
        + "0\nENDSEC\n0\nEOF\n"
    ).encode()


def dxf_block(name: str, body: str) -> str:
    return f"0\nBLOCK\n8\n0\n2\n{name}\n70\n0\n10\n0\n20\n0\n30\n0\n3\n{name}\n1\n\n{body}0\nENDBLK\n8\n0\n"


def dxf_line(x: float = 0) -> str:
    return f"0\nLINE\n8\nzones\n10\n{x}\n20\n0\n30\n0\n11\n{x + 1}\n21\n1\n31\n0\n"


def dxf_insert(block: str, columns: int = 1, rows: int = 1, x: float = 500000) -> str:
    return f"0\nINSERT\n8\nzones\n2\n{block}\n10\n{x}\n20\n5763000\n30\n0\n70\n{columns}\n71\n{rows}\n44\n1\n45\n1\n"


def minsert_bomb() -> bytes:
    """The issue's bomb: one block with a line, inserted as a 1000 x 1000 grid (a million lines)."""
    return dxf(dxf_insert("B", 1000, 1000), dxf_block("B", dxf_line()))


def huge_grid_bomb() -> bytes:
    return dxf(dxf_insert("B", 32767, 32767), dxf_block("B", dxf_line()))


def nested_bomb(depth: int = 6, fan: int = 10) -> bytes:
    """Blocks of blocks: each level inserts the one below ten times (10**6 lines from 3 KB)."""
    blocks = dxf_block("L0", dxf_line())
    for level in range(1, depth + 1):
        blocks += dxf_block(f"L{level}", "".join(dxf_insert(f"L{level - 1}", x=i) for i in range(fan)))
    return dxf(dxf_insert(f"L{depth}"), blocks)


def fat_block_bomb() -> bytes:
    """Few inserts of one big block: 500 inserts x 2000 lines (few features, a million lines)."""
    return dxf("".join(dxf_insert("F", x=500000 + i) for i in range(500)), dxf_block("F", dxf_line() * 2000))


def circle_bomb() -> bytes:
    """300,000 circles in 12 MB: each becomes a 90-vertex ring in GDAL."""
    return dxf("".join(f"0\nCIRCLE\n8\nz\n10\n{500000 + i}\n20\n5763000\n30\n0\n40\n1\n" for i in range(300_000)))


def bulge_bomb() -> bytes:
    """One LWPOLYLINE of 400,000 half-circle arcs (bulge 1): tens of millions of vertices once drawn."""
    vertices = "".join(f"10\n{500000 + i}\n20\n5763000\n42\n1\n" for i in range(400_000))
    return dxf(f"0\nLWPOLYLINE\n8\nz\n90\n400000\n70\n0\n{vertices}")


def placemark_bomb() -> bytes:
    """A 19 MB KML with 200,000 tiny placemarks."""
    marks = "".join(
        f"<Placemark><name>p{i}</name><Point><coordinates>76.9{i % 1000},52.0</coordinates></Point></Placemark>"
        for i in range(200_000)
    )
    return kml(marks)


def osm_bomb() -> bytes:
    """150,000 tagged nodes and 20,000 ways in 19 MB of OSM XML."""
    parts = ['<?xml version="1.0"?><osm version="0.6">']
    nodes = 150_000
    for i in range(1, nodes + 1):
        parts.append(f'<node id="{i}" lat="52.0{i % 1000}" lon="76.9{i % 997}"><tag k="amenity" v="bench"/></node>')
    for way in range(1, 20_001):
        refs = "".join(f'<nd ref="{(way * 20 + j) % nodes + 1}"/>' for j in range(20))
        parts.append(f'<way id="{way}">{refs}<tag k="highway" v="footway"/></way>')
    parts.append("</osm>")
    return "".join(parts).encode()


def osm_relation_bomb() -> bytes:
    """One 1000-node closed way used 300,000 times by one multipolygon relation (300 million vertices)."""
    parts = ['<?xml version="1.0"?><osm version="0.6">']
    for i in range(1, 1001):
        parts.append(f'<node id="{i}" lat="{52 + (i % 100) / 10000}" lon="{76.9 + (i // 100) / 10000}"/>')
    refs = "".join(f'<nd ref="{i}"/>' for i in range(1, 1001)) + '<nd ref="1"/>'
    parts.append(f'<way id="1">{refs}</way>')
    members = '<member type="way" ref="1" role="outer"/>' * 300_000
    parts.append(f'<relation id="1">{members}<tag k="type" v="multipolygon"/><tag k="leisure" v="park"/></relation>')
    parts.append("</osm>")
    return "".join(parts).encode()


def gpkg_view_bomb(tmp_path: Path, where: str = "") -> bytes:
    """A 200 KB GeoPackage whose registered view cross-joins a 1000-row table with itself three times."""
    import geopandas
    import pyogrio
    import shapely

    path = tmp_path / f"view-bomb-{len(where)}.gpkg"
    points = [shapely.Point(76.9 + i * 1e-5, 52.0) for i in range(1000)]
    frame = geopandas.GeoDataFrame({"kind": ["lawn"] * 1000}, geometry=points, crs=4326)
    pyogrio.write_dataframe(frame, path, layer="t", driver="GPKG")
    con = sqlite3.connect(path)
    con.execute(f"CREATE VIEW bomb AS SELECT a.fid AS fid, a.geom AS geom, b.kind AS kind FROM t a, t b, t c {where}")
    register_layer(con, "bomb")
    con.commit()
    con.close()
    return path.read_bytes()


def gpkg_empty_view_bomb(tmp_path: Path) -> bytes:
    """The same cross join, filtered to no row at all: a billion rows to look at for nothing."""
    return gpkg_view_bomb(tmp_path, "WHERE a.fid + b.fid + c.fid < 0")


def geojson_position_bomb() -> bytes:
    """24 MB of ``[0,0]``: four million positions (small integers cost Python lists, not floats)."""
    body = ",".join(["[0,0]"] * (4 * 1024 * 1024))
    return ('{"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[' + body + "]}}").encode()


def dbf_bomb(count: int = 18_000) -> bytes:
    """A zipped shapefile: 18,000 points, each with 10 KB of text attributes (183 MB unzipped)."""
    import struct

    width = 254
    fields = 40
    header = struct.pack("<BBBBIHH20x", 3, 126, 1, 1, count, 32 + 32 * fields + 1, 1 + fields * width)
    descriptors = b"".join(struct.pack("<11sc4xBB14x", f"F{i}".encode(), b"C", width, 0) for i in range(fields))
    record = b" " + b"".join((f"{i:03d}" * 85)[:width].encode() for i in range(fields))
    dbf = header + descriptors + b"\r" + record * count + b"\x1a"
    shp_records = b"".join(struct.pack(">ii", i + 1, 10) + struct.pack("<idd", 1, 76.93, 52.03) for i in range(count))
    shp_length = (100 + len(shp_records)) // 2
    shp_header = struct.pack(">i20xi", 9994, shp_length) + struct.pack(
        "<ii4d4d", 1000, 1, 76.93, 52.03, 76.93, 52.03, 0, 0, 0, 0
    )
    shx_header = struct.pack(">i20xi", 9994, (100 + 8 * count) // 2) + shp_header[28:]
    shx = shx_header + b"".join(struct.pack(">ii", (100 + 28 * i) // 2, 10) for i in range(count))
    return zipped({"plan.shp": shp_header + shp_records, "plan.shx": shx, "plan.dbf": dbf})


def largest_geojson() -> bytes:
    """Control: a 23 MB GeoJSON of 1000 wavy zones with 999 vertices each (999,000 vertices): imported."""
    features = []
    for zone in range(1000):
        cx, cy = 76.93 + (zone % 40) * 0.0005, 52.03 + (zone // 40) * 0.0005
        ring = [
            [round(cx + 0.0002 * math.cos(a / 998 * math.tau), 7), round(cy + 0.0001 * math.sin(a / 998 * math.tau), 7)]
            for a in range(998)
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "lawn"},
                "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def largest_kml() -> bytes:
    """Control: 19,000 placemarks of 50-vertex polygons (950,000 vertices, 20 MB): imported."""
    marks = []
    for mark in range(19_000):
        cx, cy = 76.93 + (mark % 150) * 0.0001, 52.03 + (mark // 150) * 0.0001
        ring = " ".join(
            f"{cx + 0.00004 * math.cos(a / 49 * math.tau):.7f},{cy + 0.00002 * math.sin(a / 49 * math.tau):.7f}"
            for a in range(50)
        )
        marks.append(
            f"<Placemark><name>lawn</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )
    return kml("".join(marks))


def largest_dxf_blocks() -> bytes:
    """Control: 19,000 inserts of a 20-line block (19,000 features, 760,000 vertices): imported."""
    inserts = "".join(dxf_insert("T", x=500000 + i % 200) for i in range(19_000))
    return dxf(inserts, dxf_block("T", "".join(dxf_line(i) for i in range(20))))


def largest_osm() -> bytes:
    """Control: 100,000 nodes and 19,000 tagged 40-node ways (760,000 vertices, 24 MB): imported."""
    parts = ['<?xml version="1.0"?><osm version="0.6">']
    for i in range(1, 100_001):
        parts.append(f'<node id="{i}" lat="{52.03 + (i % 300) * 1e-5:.7f}" lon="{76.93 + (i // 300) * 1e-5:.7f}"/>')
    for way in range(1, 19_001):
        refs = "".join(f'<nd ref="{(way * 7 + j) % 100_000 + 1}"/>' for j in range(40))
        parts.append(f'<way id="{way}">{refs}<tag k="highway" v="footway"/></way>')
    parts.append("</osm>")
    return "".join(parts).encode()


def largest_shapefile_text() -> bytes:
    """Control: 6000 points with 10 KB of text each (61 MB of attributes, under the 64 MB limit): imported."""
    return dbf_bomb(6000)


BOMBS: dict[str, tuple[Callable[..., bytes], str, str]] = {
    # case: (builder, upload name, the refusal, or "imported" for the largest files that are accepted)
    "dxf-minsert-1000x1000": (minsert_bomb, "plan.dxf", "import.too_many_features"),
    "dxf-minsert-32767x32767": (huge_grid_bomb, "plan.dxf", "import.too_many_features"),
    "dxf-nested-blocks": (nested_bomb, "plan.dxf", "import.too_many_vertices"),
    "dxf-fat-block": (fat_block_bomb, "plan.dxf", "import.too_many_vertices"),
    "dxf-300k-circles": (circle_bomb, "plan.dxf", "import.too_many_vertices"),
    "dxf-bulged-polyline": (bulge_bomb, "plan.dxf", "import.too_many_vertices"),
    "kml-200k-placemarks": (placemark_bomb, "plan.kml", "import.too_many_features"),
    "osm-nodes-and-ways": (osm_bomb, "plan.osm", "import.osm_too_many"),
    "osm-relation-members": (osm_relation_bomb, "plan.osm", "import.too_many_vertices"),
    "gpkg-view-cross-join": (gpkg_view_bomb, "plan.gpkg", "import.over_feature_limit"),
    "gpkg-view-empty-cross-join": (gpkg_empty_view_bomb, "plan.gpkg", "import.gpkg_too_costly"),
    "geojson-4m-positions": (geojson_position_bomb, "plan.geojson", "import.too_many_vertices"),
    "shapefile-183mb-dbf": (dbf_bomb, "plan.zip", "import.too_much_text"),
    "largest-geojson": (largest_geojson, "plan.geojson", "imported"),
    "largest-kml": (largest_kml, "plan.kml", "imported"),
    "largest-dxf-blocks": (largest_dxf_blocks, "plan.dxf", "imported"),
    "largest-osm": (largest_osm, "plan.osm", "imported"),
    "largest-shapefile-text": (largest_shapefile_text, "plan.zip", "imported"),
}

_CHILD = """
import json, sys, time
from codesign.io import read_file
from codesign.errors import ImportFormatError

def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM")}

warm = b'{"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "Point", "coordinates": [76.9, 52.0]}}'
read_file(warm, "warm.geojson")  # GDAL, PROJ and the drivers loaded: the idle app
for path, name in json.loads(sys.argv[1]):
    data = open(path, "rb").read()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # reset the peak (VmHWM) to the current resident size
    idle = status()["VmRSS"]
    start = time.perf_counter()
    try:
        read_file(data, name, crs="EPSG:32643" if name.endswith(".dxf") else None)
        outcome = "imported"
    except ImportFormatError as err:
        outcome = err.key
    seconds = time.perf_counter() - start
    del data
    print(json.dumps({"path": path, "outcome": outcome, "extra_mb": status()["VmHWM"] - idle,
                      "seconds": round(seconds, 2)}), flush=True)
"""


@pytest.fixture(scope="module")
def bomb_results(tmp_path_factory) -> dict[str, dict]:
    """Every bomb read in one child process (peak reset between files): case -> outcome, MB, s."""
    folder = tmp_path_factory.mktemp("bombs")
    files = []
    for case, (build, name, _) in BOMBS.items():
        data = build(folder) if build in (gpkg_view_bomb, gpkg_empty_view_bomb) else build()
        path = folder / case
        path.write_bytes(data)
        files.append((str(path), name))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {Path(r["path"]).name: r | {"size_mb": round(Path(r["path"]).stat().st_size / MB, 2)} for r in results}


@pytest.mark.parametrize("case", list(BOMBS))
def test_expansion_bomb_is_refused_quickly_within_the_memory_bound(case, bomb_results):
    result = bomb_results[case]
    print(f"{case}: {result}")
    assert result["outcome"] == BOMBS[case][2]
    assert result["extra_mb"] < MAX_EXTRA_MEMORY_MB, result
    assert result["seconds"] < MAX_SECONDS, result


# ----------------------------------------------------------------------------- the censuses against GDAL

DXF_TEXT = "0\nTEXT\n8\nz\n10\n0\n20\n0\n30\n0\n40\n1\n1\nhello\n"
DXF_SAMPLES = {
    "block of 3 lines, 2 x 2 grid": dxf(dxf_insert("B", 2, 2), dxf_block("B", dxf_line() * 3)),
    "block of lines and a text, 2 x 2": dxf(dxf_insert("B", 2, 2), dxf_block("B", dxf_line() * 3 + DXF_TEXT)),
    "nested blocks": dxf(
        dxf_insert("A", 1, 3), dxf_block("B", dxf_line() * 2) + dxf_block("A", dxf_line() + dxf_insert("B", 2, 1))
    ),
    "circle": dxf("0\nCIRCLE\n8\nz\n10\n0\n20\n0\n30\n0\n40\n1\n"),
    "arc of 90 degrees": dxf("0\nARC\n8\nz\n10\n0\n20\n0\n30\n0\n40\n1\n50\n0\n51\n90\n"),
    "half-circle bulge": dxf(
        "0\nLWPOLYLINE\n8\nz\n90\n3\n70\n0\n10\n0\n20\n0\n42\n1\n10\n10\n20\n0\n42\n0\n10\n20\n20\n0\n"
    ),
    "empty block": dxf(dxf_insert("E", 5, 5), dxf_block("E", "")),
    "cubic spline of 4 control points": dxf(
        "0\nSPLINE\n8\nz\n70\n8\n71\n3\n72\n8\n73\n4\n74\n0\n"
        + "".join(f"40\n{k}\n" for k in (0, 0, 0, 0, 1, 1, 1, 1))
        + "".join(f"10\n{x}\n20\n{y}\n30\n0\n" for x, y in ((0, 0), (1, 2), (3, 2), (4, 0)))
    ),
    "half ellipse": dxf("0\nELLIPSE\n8\nz\n10\n0\n20\n0\n30\n0\n11\n2\n21\n0\n31\n0\n40\n0.5\n41\n0\n42\n3.14159\n"),
    "hatch with an arc edge and a seed point": dxf(
        "0\nHATCH\n8\nz\n10\n0\n20\n0\n30\n0\n2\nSOLID\n70\n1\n71\n0\n91\n1\n92\n1\n93\n2\n"
        "72\n2\n10\n0\n20\n0\n40\n1\n50\n0\n51\n180\n73\n1\n72\n1\n10\n-1\n20\n0\n11\n1\n21\n0\n"
        "97\n0\n75\n0\n76\n1\n98\n1\n10\n0\n20\n0.5\n"
    ),
    "the Aksu plan": (ROOT / "tests/data/generated/aksu_plan_utm43.dxf").read_bytes(),
}


@pytest.mark.parametrize("sample", list(DXF_SAMPLES))
def test_the_dxf_census_counts_gdals_features_and_never_more_vertices(sample, tmp_path):
    import shapely

    from codesign.gdal_env import checked_pyogrio
    from codesign.io.dxf_census import dxf_census

    path = tmp_path / "sample.dxf"
    path.write_bytes(DXF_SAMPLES[sample])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL warns that the empty block does not exist
        _, _, wkb, _ = checked_pyogrio().raw.read(path)
    drawn = int(shapely.get_num_coordinates(shapely.from_wkb(wkb)).sum()) if wkb is not None else 0
    census = dxf_census(DXF_SAMPLES[sample])
    assert census.features == (len(wkb) if wkb is not None else 0)
    assert 0.9 * drawn <= census.vertices <= drawn


def test_a_block_that_inserts_itself_is_refused():
    loop = dxf(dxf_insert("A"), dxf_block("A", dxf_line() + dxf_insert("B")) + dxf_block("B", dxf_insert("A")))
    with pytest.raises(ImportFormatError) as caught:
        read_file(loop, "plan.dxf", crs="EPSG:32643")
    assert caught.value.key == "import.dxf_block_loop"


def test_the_kml_census_counts_placemarks_coordinates_and_folders():
    from codesign.io.census import xml_census

    marks = "".join(
        f"<Folder><Placemark><LineString><coordinates>{' '.join(['76.9,52.0,0'] * (i + 2))}"
        "</coordinates></LineString></Placemark></Folder>"
        for i in range(3)
    )
    census = xml_census(kml(marks))
    assert (census.root, census.features, census.vertices, census.layers) == ("kml", 3, 2 + 3 + 4, 4)


def test_the_osm_census_expands_relation_members_to_their_ways():
    from codesign.io.census import xml_census

    osm = (
        b'<osm><node id="1" lat="52" lon="76"><tag k="amenity" v="bench"/></node><node id="2" lat="52" lon="76"/>'
        b'<way id="7"><nd ref="1"/><nd ref="2"/><nd ref="1"/></way>'
        b'<relation id="9"><member type="way" ref="7"/><member type="way" ref="7"/><tag k="type" v="x"/></relation>'
        b"</osm>"
    )
    census = xml_census(osm)
    assert (census.features, census.vertices) == (1 + 1, 1 + 2 * 3)  # the bench, the relation; way 7 untagged


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"hello, not a drawing", "plan.dxf", "import.not_dxf"),
        (b"hello, not a database", "plan.gpkg", "import.not_geopackage"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "plan.gpkg", "import.not_geopackage"),
    ],
)
def test_a_file_named_for_a_format_must_have_its_magic_bytes(data, name, key):
    with pytest.raises(ImportFormatError) as caught:
        read_file(data, name)
    assert caught.value.key == key


def test_too_many_kml_folders_for_the_size_are_refused_before_gdal_parses_each():
    padding = "x" * 2000
    folders = "".join(
        f"<Folder><name>f{i}</name><description>{padding}</description><Placemark><Point>"
        "<coordinates>76.93,52.03</coordinates></Point></Placemark></Folder>"
        for i in range(2000)
    )
    with pytest.raises(ImportFormatError) as caught:
        read_file(kml(folders), "plan.kml")
    assert caught.value.key == "import.too_many_layers"
    assert caught.value.params["count"] == 2001  # the document and its 2000 folders
