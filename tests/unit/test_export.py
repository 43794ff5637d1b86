"""The files for the architecture department read back with the same numbers as the analysis:
GeoPackage (geopandas), DXF (ezdxf and GDAL), zipped GeoJSON, zipped CSV (pandas, formula-safe)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import ezdxf
import geopandas
import pandas as pd
import pyogrio
import pytest
import shapely

from codesign.analysis.consensus import joint_vision
from codesign.analysis.figures import concept_figures
from codesign.cli import main
from codesign.domain.concept import concept_from_geojson
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.export import (
    concept_layer_name,
    dxf_layer_name,
    export_csv,
    export_dxf,
    export_geojson_zip,
    export_gpkg,
    export_to,
    neutralise_cell,
)
from codesign.i18n import translate
from codesign.services.analysis import load_analysis
from codesign.services.demo import ensure_demo_session
from codesign.storage.files import FileStore

FORMULA = "=cmd|' /C calc'!A0"
SITE = "aksu-city-square"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """The demo's two concepts and plan, a third team named like a spreadsheet formula, and a joint vision."""
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    demo = ensure_demo_session(store)
    session = store.create_session(site=SITE, title="Экспорт", teams=[("Жасыл аула", None), (FORMULA, None)])
    for team, source in zip(session.teams, ("team-1", "team-2"), strict=True):
        store.save_concept(session.id, team.id, store.load_latest(demo.id, source), 0)
    store.save_concept(session.id, PLAN_OWNER, store.load_latest(demo.id, PLAN_OWNER), 0)
    first = load_analysis(store, session.id)
    store.save_concept(session.id, VISION_OWNER, joint_vision(first.consensus, site=SITE, title="Вместе"), 0)
    analysis = load_analysis(store, session.id)
    folder = tmp_path_factory.mktemp("out")
    files = {
        "gpkg": export_gpkg(analysis, folder / "out.gpkg"),
        "dxf": export_dxf(analysis, folder / "out.dxf"),
    }
    export_geojson_zip(analysis, folder / "out-geojson.zip")
    export_csv(analysis, folder / "out-csv.zip")
    files |= {"geojson": folder / "out-geojson.zip", "csv": folder / "out-csv.zip"}
    return store, session.id, analysis, files


def metric_areas(gdf: geopandas.GeoDataFrame, analysis) -> pd.Series:
    return gdf.to_crs(analysis.frame.crs).area


# ---------------------------------------------------------------- GeoPackage


def test_the_geopackage_has_a_layer_per_concept_and_the_analysis_layers(workshop):
    _, _, analysis, files = workshop
    layers = [name for name, _ in pyogrio.list_layers(files["gpkg"])]
    assert layers == [
        "site",
        "plan",
        "concept_team_1",
        "concept_team_2",
        "vision",
        "consensus_faces",
        "amenity_clusters",
        "residents_ask",
        "plan_agrees",
        "check_failures",
    ]
    for owner, concept in analysis.concepts():
        gdf = geopandas.read_file(files["gpkg"], layer=concept_layer_name(owner))
        assert gdf.crs.to_epsg() == 4326
        assert list(gdf.feature_id) == [f.id for f in concept.features]
        assert list(gdf.category) == [f.category for f in concept.features]


def test_geopackage_areas_equal_the_concepts_metric_areas(workshop):
    _, _, analysis, files = workshop
    for owner, concept in analysis.concepts():
        gdf = geopandas.read_file(files["gpkg"], layer=concept_layer_name(owner))
        figures = concept_figures(concept, analysis.frame)
        zones = gdf[gdf.kind == "zone"]
        read_back = metric_areas(zones, analysis)
        assert read_back.to_numpy() == pytest.approx(zones.area_m2.to_numpy(), rel=0.005)
        for cid, area in figures.zone_area_m2.items():
            union = shapely.union_all(zones[zones.category == cid].to_crs(analysis.frame.crs).geometry.to_numpy())
            assert union.area == pytest.approx(area, rel=0.005), (owner, cid)
        paths = gdf[gdf.kind == "path"]
        for cid, length in figures.path_length_m.items():
            assert paths[paths.category == cid].length_m.sum() == pytest.approx(length, rel=0.005)
        amenities = gdf[gdf.kind == "amenity"]
        assert amenities.category.value_counts().to_dict() == figures.amenity_count


def test_geopackage_consensus_faces_clusters_and_places(workshop):
    _, _, analysis, files = workshop
    consensus = analysis.consensus
    faces = geopandas.read_file(files["gpkg"], layer="consensus_faces")
    assert faces.area_m2.sum() == pytest.approx(float(consensus.areas.sum()), rel=0.001)
    assert metric_areas(faces, analysis).sum() == pytest.approx(float(consensus.areas.sum()), rel=0.005)
    for state in ("agreed", "contested", "single"):
        assert faces[faces.state == state].area_m2.sum() == pytest.approx(consensus.area_in(state), rel=0.001, abs=0.1)
    assert len(faces) < len(consensus.faces)  # dissolved
    assert set(faces.state) <= {"agreed", "contested", "single"}
    lawn = faces[faces.majority == "lawn"]
    assert (lawn.n_lawn >= 1).all()
    assert set(lawn.voices) == {2}
    clusters = geopandas.read_file(files["gpkg"], layer="amenity_clusters")
    assert len(clusters) == len(consensus.clusters)
    assert list(clusters.support) == [round(c.support, 4) for c in consensus.clusters]
    asks = geopandas.read_file(files["gpkg"], layer="residents_ask")
    assert list(asks.area_m2) == [round(p.area_m2, 2) for p in analysis.asks]
    assert metric_areas(asks, analysis).to_numpy() == pytest.approx([p.area_m2 for p in analysis.asks], rel=0.005)


# ---------------------------------------------------------------- DXF


def shoelace(points: list[tuple[float, float]]) -> float:
    """Signed area of a closed ring (counter-clockwise positive)."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))


def test_the_dxf_has_a_layer_per_concept_and_category_with_closed_polylines_of_the_right_area(workshop):
    _, _, analysis, files = workshop
    doc = ezdxf.readfile(files["dxf"])
    assert doc.units == ezdxf.units.M
    modelspace = doc.modelspace()
    layers = {layer.dxf.name for layer in doc.layers}
    assert {"TEAM_1__PLAYGROUND", "PLAN__PARKING", "VISION__LAWN", "SITE__BOUNDARY", "CONSENSUS__LAWN"} <= layers
    frame = analysis.frame
    for owner, concept in analysis.concepts():
        figures = concept_figures(concept, frame)
        for cid in figures.zone_area_m2:
            name = dxf_layer_name(owner, cid)
            polylines = modelspace.query(f'LWPOLYLINE[layer=="{name}"]')
            assert len(polylines), name
            assert all(p.closed for p in polylines), name
            drawn = sum(shoelace([(x, y) for x, y, *_ in p.get_points()]) for p in polylines)
            features = [f for f in concept.features if f.category == cid]
            assert drawn == pytest.approx(sum(frame.to_metric(f.geometry).area for f in features), rel=0.005)
            overlapping = len(features) > 1 and shapely.union_all([f.geometry for f in features]).area < sum(
                f.geometry.area for f in features
            ) * (1 - 1e-6)
            if not overlapping:
                assert drawn == pytest.approx(figures.zone_area_m2[cid], rel=0.005), name
        for cid, count in figures.amenity_count.items():
            assert len(modelspace.query(f'POINT[layer=="{dxf_layer_name(owner, cid)}"]')) == count
        for cid, length in figures.path_length_m.items():
            lines = modelspace.query(f'LWPOLYLINE[layer=="{dxf_layer_name(owner, cid)}"]')
            drawn = sum(shapely.LineString([(x, y) for x, y, *_ in p.get_points()]).length for p in lines)
            assert drawn == pytest.approx(length, rel=0.005)
    site = modelspace.query('LWPOLYLINE[layer=="SITE__BOUNDARY"]')
    assert shoelace([(x, y) for x, y, *_ in site[0].get_points()]) == pytest.approx(frame.area_m2, rel=0.001)


def test_gdal_reads_the_dxf(workshop):
    _, _, analysis, files = workshop
    gdf = pyogrio.read_dataframe(files["dxf"])
    assert len(gdf) == len(ezdxf.readfile(files["dxf"]).modelspace())
    playground = gdf[gdf.Layer == "TEAM_1__PLAYGROUND"]
    assert len(playground)
    assert set(playground.geom_type) == {"LineString"}
    assert playground.geometry.iloc[0].is_closed
    with _closed_as_polygons():
        polygons = pyogrio.read_dataframe(files["dxf"])
    zones = polygons[polygons.Layer == "TEAM_1__PLAYGROUND"]
    area = concept_figures(analysis.teams[0][1], analysis.frame).zone_area_m2["playground"]
    assert zones.geometry.area.sum() == pytest.approx(area, rel=0.005)


class _closed_as_polygons:  # noqa: N801 - used as a context manager
    """GDAL's DXF option to read closed polylines as polygons, for one read."""

    def __enter__(self) -> None:
        pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": True})

    def __exit__(self, *exc: object) -> None:
        pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": None})


# ---------------------------------------------------------------- GeoJSON


def test_the_geojson_zip_holds_one_wgs84_file_per_layer(workshop):
    _, _, analysis, files = workshop
    with zipfile.ZipFile(files["geojson"]) as archive:
        names = archive.namelist()
        assert names == [f"{name}.geojson" for name, _ in pyogrio.list_layers(files["gpkg"])]
        team = json.loads(archive.read("concept_team_2.geojson"))
    assert team["type"] == "FeatureCollection"
    assert "crs" not in team
    concept = analysis.teams[1][1]
    assert [f["properties"]["feature_id"] for f in team["features"]] == [f.id for f in concept.features]
    assert team["features"][0]["properties"]["team_name"] == FORMULA  # GeoJSON is data, not a spreadsheet
    lon, lat = shapely.geometry.shape(team["features"][0]["geometry"]).representative_point().coords[0]
    assert 76 < lon < 78
    assert 51 < lat < 53


# ---------------------------------------------------------------- CSV


def read_tables(path) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(path) as archive:
        return {name[:-4]: pd.read_csv(io.BytesIO(archive.read(name))) for name in archive.namelist()}


def test_the_csv_tables_hold_the_numbers_of_compare_and_consensus(workshop):
    _, _, analysis, files = workshop
    tables = read_tables(files["csv"])
    assert set(tables) == {
        "concept_figures",
        "comparison_summary",
        "comparison_categories",
        "plan_zone_outcomes",
        "amenity_counts",
        "amenity_matches",
        "path_lengths",
        "consensus_summary",
        "consensus_k_of_n",
        "amenity_clusters",
        "residents_ask",
        "plan_agrees",
        "cost_summary",
        "cost_by_category",
        "cost_vs_plan",
        "vision_provenance",
        "reasons",
    }
    categories = tables["comparison_categories"]
    for owner, result in analysis.comparisons.items():
        data = result.to_json()
        mine = categories[categories.owner == owner].set_index("category")
        for cid, figures in data["categories"].items():
            for column, value in figures.items():
                assert mine.loc[cid, column] == pytest.approx(value), (owner, cid, column)
        summary = tables["comparison_summary"].set_index("owner").loc[owner]
        assert summary.agreement == data["agreement"]
        assert summary.kappa == data["kappa"]
        zones = tables["plan_zone_outcomes"]
        assert list(zones[zones.owner == owner].outcome) == [z["outcome"] for z in data["zones"]]
        matches = tables["amenity_matches"]
        assert len(matches[matches.owner == owner]) == len(data["amenities"]["matched"])
    consensus = analysis.consensus.to_json()
    k_of_n = tables["consensus_k_of_n"]
    for cid, by_k in consensus["k_of_n"].items():
        for k, area in by_k.items():
            row = k_of_n[(k_of_n.category == cid) & (k_of_n.k == int(k))]
            assert row.area_m2.item() == pytest.approx(area)
    summary = tables["consensus_summary"].iloc[0]
    assert summary.agreed_m2 == consensus["agreed_m2"]
    assert summary.fleiss_kappa == consensus["fleiss_kappa"]
    assert len(tables["amenity_clusters"]) == len(consensus["amenity_clusters"])
    figures = tables["concept_figures"]
    team_1 = figures[(figures.owner == "team-1") & (figures.kind == "zone")].set_index("category")
    for cid, area in analysis.figures["team-1"].zone_area_m2.items():
        assert team_1.loc[cid, "value"] == pytest.approx(round(area, 2))


def test_csv_cells_that_look_like_formulas_are_neutralised(workshop):
    _, _, _, files = workshop
    tables = read_tables(files["csv"])
    names = set(tables["comparison_summary"].team_name) | set(tables["concept_figures"].team_name)
    assert f"'{FORMULA}" in names
    assert FORMULA not in names
    for table in tables.values():
        for column in table.columns:
            texts = [v for v in table[column] if isinstance(v, str)]
            assert not [v for v in texts if v[:1] in ("=", "+", "-", "@", "\t", "\r")], column
    kappa = tables["comparison_summary"].kappa
    assert kappa.dtype.kind == "f"  # numbers (negative ones too) stay numbers


def test_neutralise_cell():
    assert [neutralise_cell(v) for v in ("=1+1", "+7", "-x", "@SUM", "\tx", "ok", -3.5, 0)] == [
        "'=1+1",
        "'+7",
        "'-x",
        "'@SUM",
        "'\tx",
        "ok",
        -3.5,
        0,
    ]


def test_csv_into_a_folder(workshop, tmp_path):
    _, _, analysis, _ = workshop
    export_csv(analysis, tmp_path / "tables")
    frame = pd.read_csv(tmp_path / "tables" / "comparison_summary.csv")
    assert list(frame.owner) == ["team-1", "team-2", "vision"]


def test_export_to_gives_bytes_of_each_format(workshop):
    _, _, analysis, files = workshop
    data = {fmt: export_to(fmt, analysis) for fmt in ("gpkg", "dxf", "geojson", "csv")}
    assert data["gpkg"].startswith(b"SQLite format 3")
    assert b"SECTION" in data["dxf"][:40]
    assert data["geojson"].startswith(b"PK")
    assert data["csv"].startswith(b"PK")
    entities = len(ezdxf.read(io.StringIO(data["dxf"].decode("utf-8"))).modelspace())
    assert entities == len(ezdxf.readfile(files["dxf"]).modelspace())
    with pytest.raises(ValueError, match="format"):
        export_to("shp", analysis)


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("fmt", ["gpkg", "dxf", "geojson", "csv"])
def test_cli_export(workshop, tmp_path, monkeypatch, capsys, fmt):
    store, session_id, _, _ = workshop
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(store.root))
    out = tmp_path / f"out.{fmt}"
    assert main(["export", session_id, "--format", fmt, "--out", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert str(out) in capsys.readouterr().out


def test_cli_export_refusals_are_translated(workshop, tmp_path, monkeypatch, capsys):
    store, _, _, _ = workshop
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(store.root))
    empty = store.create_session(site=SITE, title="Пусто", teams=[("Одна", None)])
    assert main(["--lang", "kk", "export", empty.id, "--format", "csv", "--out", str(tmp_path / "x.zip")]) == 2
    assert translate("cli.no_concepts", "kk", session_id=empty.id) in capsys.readouterr().err
    assert main(["--lang", "ru", "export", "nope", "--format", "gpkg", "--out", str(tmp_path / "x.gpkg")]) == 2
    assert translate("error.session_not_found", "ru", session_id="nope") in capsys.readouterr().err
    assert not (tmp_path / "x.gpkg").exists()


def test_a_concept_with_a_hole_exports_its_hole(tmp_path):
    """A zone with a hole: the GeoPackage keeps the hole; the DXF has it as its own (clockwise) polyline."""
    store = FileStore(tmp_path / "sessions")
    session = store.create_session(site=SITE, title="Дырка", teams=[("Орлы", None)])
    site = load_site(SITE)
    centre = site.frame.boundary.centroid
    ring = shapely.Point(centre.x, centre.y).buffer(40).difference(shapely.Point(centre.x, centre.y).buffer(15))
    geometry = shapely.orient_polygons(site.frame.to_lonlat(ring), exterior_cw=False)
    concept = concept_from_geojson(
        {
            "type": "FeatureCollection",
            "codesign": {"format": "codesign-concept/1", "site": SITE, "team": "team-1"},
            "features": [
                {
                    "type": "Feature",
                    "id": "f1",
                    "geometry": shapely.geometry.mapping(geometry),
                    "properties": {"id": "f1", "category": "lawn", "kind": "zone"},
                }
            ],
        }
    )
    store.save_concept(session.id, "team-1", replace(concept, title="Кольцо"), 0)
    analysis = load_analysis(store, session.id)
    export_dxf(analysis, tmp_path / "ring.dxf")
    rings = ezdxf.readfile(tmp_path / "ring.dxf").modelspace().query('LWPOLYLINE[layer=="TEAM_1__LAWN"]')
    areas = sorted(shoelace([(x, y) for x, y, *_ in p.get_points()]) for p in rings)
    assert len(areas) == 2
    assert areas[0] < 0 < areas[1]
    assert sum(areas) == pytest.approx(ring.area, rel=0.005)
    export_gpkg(analysis, tmp_path / "ring.gpkg")
    back = geopandas.read_file(tmp_path / "ring.gpkg", layer="concept_team_1")
    assert len(back.geometry.iloc[0].interiors) == 1
    assert back.to_crs(site.frame.crs).area.iloc[0] == pytest.approx(ring.area, rel=0.005)


def test_the_geopackage_has_where_each_concept_fails_a_norm(workshop):
    _, _, analysis, files = workshop
    failures = geopandas.read_file(files["gpkg"], layer="check_failures")
    assert failures.crs.to_epsg() == 4326
    expected = {
        (owner, r.rule.id)
        for owner, report in analysis.norms.items()
        for r in report.results
        if r.status == "fail" and not r.where.is_empty
    }
    assert set(zip(failures.owner, failures.rule_id, strict=True)) == expected
    assert expected  # the demo's concepts fail some of the illustrative rules
    assert set(failures.pack) == {"aksu-illustrative"}
    assert set(failures.source) == {"illustrative"}
    row = failures[(failures.owner == "team-2") & (failures.rule_id == "built-share")]
    assert list(row.unit) == ["share"] * len(row)
    assert row.measured.iloc[0] == pytest.approx(analysis.norms["team-2"].result("built-share").measured)
    assert row.title_kk.iloc[0] == "Кафе мен сахна саябақтың 3 %-ынан аспасын"
