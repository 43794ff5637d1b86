"""Costs, the joint vision's provenance and the room's reasons in the files: GeoPackage, GeoJSON, DXF, CSV.

The session is :func:`tests.support.decisions.decision_session` (its costs worked out by hand there).
"""

from __future__ import annotations

import io
import json
import zipfile

import ezdxf
import pandas as pd
import pyogrio
import pytest

from codesign.domain.reasons import Reason, difference_key, record_reason
from codesign.domain.session import PLAN_OWNER
from codesign.export import export_csv, export_dxf, export_geojson_zip, export_gpkg
from codesign.export.dxf_provenance import APPID, PROVENANCE_LAYER
from codesign.services.analysis import load_analysis
from codesign.storage.files import FileStore
from tests.support.decisions import decision_session


def record_playground_reason(store, session_id):
    """The room's reason for team-1's playground where the plan has a lawn: children, safety and words."""
    sentences = load_analysis(store, session_id).comparisons["team-1"].sentences()
    notice = next(n for n in sentences if (difference_key(n) or "").endswith(":playground"))
    key = difference_key(notice)
    reason = Reason("team-1", key, ("children", "safety"), "Детям негде играть", notice, "2026-12-03T13:00:00Z")
    store.update_reasons(session_id, lambda rs: record_reason(rs, reason))
    return key


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    session = decision_session(store)
    key = record_playground_reason(store, session.id)
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


def test_hostile_words_in_a_reason_stay_text_in_the_csv_and_the_report(tmp_path):
    from pypdf import PdfReader

    from codesign.report import build_report

    store = FileStore(tmp_path)
    session = decision_session(store, vision=False)
    key = record_playground_reason(store, session.id)
    words = '=HYPERLINK("http://evil","x") **жирный** <b>'
    store.update_reasons(session.id, lambda rs: record_reason(rs, Reason("team-1", key, ("other",), words)))
    analysis = load_analysis(store, session.id)
    buffer = io.BytesIO()
    export_csv(analysis, buffer)
    tables = _csv(buffer)
    assert tables["reasons"].text.tolist() == [f"'{words}"]
    pdf = build_report(analysis, "en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "**жирный** <b>" in text
