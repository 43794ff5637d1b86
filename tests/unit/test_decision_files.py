"""Costs, the joint vision's provenance and the room's reasons in the files: GeoPackage, GeoJSON, DXF, CSV.

Drawn on paper around the centre of the Aksu square (metres), three teams and the plan:

- team-1 and team-2 draw the same 40 x 20 playground (800 m²) in the south-west, team-3 a sports
  ground there; the plan has a 50 x 50 lawn there;
- a 50 x 50 lawn (2,500 m²) in the north-east by team-1, its halves by team-2 and team-3; the plan
  has the same lawn;
- a bench each (team-1's and team-2's 2 m apart); the plan has a bench near them.

Prices: playground 1,000 per m², lawn 10 per m², bench 50, sports ground unpriced. By hand:
team-1 costs 800,000 + 25,000 + 50 = 825,050; the plan 2 x 2,500 x 10 + 50 = 50,050; against
the plan team-1 has +800,000 of playground, -25,000 of lawn and 0 of benches.
"""

from __future__ import annotations

import io
import json
import zipfile

import ezdxf
import pandas as pd
import pyogrio
import pytest
from shapely.affinity import translate
from shapely.geometry import Point, box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.prices import parse_price_list, with_budget
from codesign.domain.reasons import Reason, difference_key, record_reason
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.export import export_csv, export_dxf, export_geojson_zip, export_gpkg
from codesign.export.dxf_provenance import APPID, PROVENANCE_LAYER
from codesign.services.analysis import load_analysis, voices
from codesign.services.vision import draw_joint_vision
from codesign.storage.files import FileStore

SITE = "aksu-city-square"
PRICES = 'currency = "KZT"\n[zone]\nplayground = 1000\nlawn = 10\n[amenity]\nbench = 50\n'


def _concept(frame, owner, *shapes) -> Concept:
    c = frame.boundary.centroid
    features = tuple(
        ConceptFeature(f"f{i}", cid, frame.to_lonlat(translate(geom, c.x - 50, c.y - 50)))
        for i, (cid, geom) in enumerate(shapes, start=1)
    )
    return Concept(SITE, owner, features=features)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    session = store.create_session(
        site=SITE, title="Решение", teams=[("Орлы", None), ("Соколы", None), ("Совы {x}", None)]
    )
    frame = load_site(SITE).frame
    drawn = {
        "team-1": [("playground", box(0, 0, 40, 20)), ("lawn", box(50, 50, 100, 100)), ("bench", Point(80, 10))],
        "team-2": [("playground", box(0, 0, 40, 20)), ("lawn", box(50, 50, 100, 75)), ("bench", Point(82, 10))],
        "team-3": [("sports_ground", box(0, 0, 40, 20)), ("lawn", box(50, 75, 100, 100)), ("bench", Point(50, 90))],
        PLAN_OWNER: [("lawn", box(0, 0, 50, 50)), ("lawn", box(50, 50, 100, 100)), ("bench", Point(81, 12))],
    }
    for owner, shapes in drawn.items():
        store.save_concept(session.id, owner, _concept(frame, owner, *shapes), 0)
    first = load_analysis(store, session.id)
    vision = draw_joint_vision(store, session, first.consensus, voices(store, session), title="Вместе")
    store.save_concept(session.id, VISION_OWNER, vision, 0)
    store.update_costing(
        session.id, lambda c: with_budget(type(c)(parse_price_list(PRICES, "city"), source="uploaded"), 1_000_000)
    )
    key = next(k for k in map(difference_key, first.comparisons["team-1"].sentences()) if k and "playground" in k)
    notice = next(n for n in first.comparisons["team-1"].sentences() if difference_key(n) == key)
    reason = Reason("team-1", key, ("children", "safety"), "Детям негде играть", notice, "2026-12-03T13:00:00Z")
    store.update_reasons(session.id, lambda rs: record_reason(rs, reason))
    analysis = load_analysis(store, session.id)
    folder = tmp_path_factory.mktemp("out")
    export_geojson_zip(analysis, folder / "g.zip")
    export_csv(analysis, folder / "c.zip")
    return {
        "analysis": analysis,
        "key": key,
        "gpkg": export_gpkg(analysis, folder / "o.gpkg"),
        "dxf": export_dxf(analysis, folder / "o.dxf", "ru"),
        "geojson": folder / "g.zip",
        "csv": folder / "c.zip",
    }


def _csv(path) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(path) as archive:
        return {n[:-4]: pd.read_csv(io.BytesIO(archive.read(n)), keep_default_na=False) for n in archive.namelist()}


def test_the_geopackage_has_cost_columns_and_the_visions_provenance(files):
    team = pyogrio.read_dataframe(files["gpkg"], layer="concept_team_1").set_index("feature_id")
    assert team.loc["f1", "category"] == "playground"
    assert team.loc["f1", "quantity"] == pytest.approx(800, abs=0.1)
    assert team.loc["f1", "cost"] == pytest.approx(800_000, abs=100)
    assert (team.loc["f1", "unit"], team.loc["f1", "unit_price"], team.loc["f1", "currency"]) == ("m2", 1000, "KZT")
    assert team.loc["f3", "cost"] == 50  # one bench
    vision = pyogrio.read_dataframe(files["gpkg"], layer="vision").set_index("category")
    playground = vision.loc["playground"]
    assert playground.origin == "consensus"
    assert playground.teams == "team-1, team-2"
    assert playground.team_names == "Орлы, Соколы"
    assert (playground.support, playground.voices) == (2, 3)
    assert (playground.plan_same_use, playground.plan_use) == ("no", "lawn")
    assert vision.loc["lawn"].plan_same_use == "yes"
    assert vision.loc["lawn"].teams == "team-1, team-2, team-3"


def test_the_geojson_properties_carry_the_provenance(files):
    with zipfile.ZipFile(files["geojson"]) as archive:
        vision = json.loads(archive.read("vision.geojson"))
    props = {f["properties"]["category"]: f["properties"] for f in vision["features"]}
    assert props["bench"]["teams"] == "team-1, team-2"
    assert props["bench"]["plan_same_use"] == "yes"
    assert (props["playground"]["support"], props["playground"]["voices"]) == (2, 3)
    assert props["playground"]["cost"] == pytest.approx(800_000, abs=100)


def test_the_dxf_carries_the_provenance_as_extended_data_and_labels(files):
    doc = ezdxf.readfile(files["dxf"])
    tagged = [e for e in doc.modelspace() if e.dxf.layer.startswith("VISION__") and e.has_xdata(APPID)]
    values = [dict(v.split("=", 1) for _, v in e.get_xdata(APPID)) for e in tagged if e.dxftype() != "MTEXT"]
    playground = next(v for v in values if v["category"] == "playground")
    assert playground | {"feature": ""} == {
        "feature": "",
        "category": "playground",
        "origin": "consensus",
        "edited": "no",
        "teams": "team-1,team-2",
        "support": "2/3",
        "votes": "0",
        "ground_votes": "0",
        "plan_same_use": "no",
        "plan_use": "lawn",
    }
    labels = [e.text for e in doc.modelspace().query(f'MTEXT[layer=="{PROVENANCE_LAYER}"]')]
    assert len(labels) == len(files["analysis"].vision.features)
    lawn = next(text for text in labels if text.split("\\P")[0].endswith("Газон"))
    assert "Орлы, Соколы, Совы \\{x\\}" in lawn  # a team's braces are literal, not MTEXT formatting
    assert "2 из 3" in lawn


def test_the_csv_cost_tables_by_hand(files):
    tables = _csv(files["csv"])
    summary = tables["cost_summary"].set_index("owner")
    assert summary.loc["team-1", "total"] == pytest.approx(825_050, abs=100)
    assert summary.loc[PLAN_OWNER, "total"] == pytest.approx(50_050, abs=5)  # coordinates kept to 7 decimals: ±0.5 m²
    assert summary.loc["team-1", "share_of_budget"] == pytest.approx(0.825, abs=0.0001)
    assert summary.loc["team-3", "unpriced"] == "sports_ground"
    vs_plan = tables["cost_vs_plan"]
    team_1 = vs_plan[vs_plan.owner == "team-1"].set_index("category")
    assert float(team_1.loc["playground", "difference"]) == pytest.approx(800_000, abs=100)
    assert float(team_1.loc["lawn", "difference"]) == pytest.approx(-25_000, abs=5)
    assert float(team_1.loc["bench", "difference"]) == 0
    by_category = tables["cost_by_category"]
    plan_lawn = by_category[(by_category.owner == PLAN_OWNER) & (by_category.category == "lawn")]
    assert plan_lawn.quantity.item() == pytest.approx(5000, abs=0.5)


def test_the_csv_has_the_reasons_and_the_places_they_explain(files):
    tables = _csv(files["csv"])
    reasons = tables["reasons"]
    assert len(reasons) == 1
    row = reasons.iloc[0]
    assert (row.owner, row.team_name, row.difference) == ("team-1", "Орлы", files["key"])
    assert row.choices == "safety, children"
    assert row.choices_ru == "безопасность, дети"
    assert row.text == "Детям негде играть"
    assert bool(row.still_listed)
    asks = tables["residents_ask"]
    playground = asks[asks.category == "playground"].iloc[0]
    assert playground.reasons_en == "safety, children"
    assert playground.reason_words == "Орлы: Детям негде играть"
    assert str(row.asked_places) == str(list(asks.category).index("playground") + 1)
    provenance = tables["vision_provenance"].set_index("category")
    assert provenance.loc["playground", "team_names"] == "Орлы, Соколы"
