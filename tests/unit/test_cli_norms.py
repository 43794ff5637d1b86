"""python -m codesign check: the documented JSON, the session's or a given pack, refusals."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from shapely.geometry import box

from codesign.cli import main
from codesign.domain.concept import ConceptFeature
from codesign.domain.rules import StoredPack
from codesign.domain.site import load_site
from codesign.services.demo import ensure_demo_session
from codesign.storage.files import FileStore

SESSION = "aksu-demo"
PACK = """[pack]
id = "city"
title = { ru = "Город", kk = "Қала", en = "City" }

[[rule]]
id = "parking-playground"
kind = "min_distance"
from = ["parking"]
to = ["playground"]
value_m = 200
source = "СП РК 3.01-101-2013, п. 0 (example)"
title = { ru = "Парковка", kk = "Тұрақ", en = "Parking far from playgrounds" }
"""


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    ensure_demo_session(store)
    return store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_json_follows_docs_check_format(store, capsys):
    code, out, err = run(capsys, "check", SESSION, "--team", "plan", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["pack"], data["illustrative"], data["owner"], data["version"]) == (
        "aksu-illustrative",
        True,
        "plan",
        1,
    )
    rules = {r["id"]: r for r in data["rules"]}
    assert set(rules["parking-playground"]) == {
        "id",
        "kind",
        "status",
        "measured",
        "required",
        "unit",
        "source",
        "features",
    }
    assert all(r["source"] == "illustrative" for r in data["rules"])
    assert rules["parking-playground"]["status"] == "pass"
    assert rules["parking-playground"]["required"] == 25.0
    assert {r["status"] for r in data["rules"]} <= {"pass", "fail", "n/a"}


def test_a_parking_drawn_next_to_the_playground_fails(store, capsys):
    plan = store.load_latest(SESSION, "plan")
    playground = next(f for f in plan.features if f.category == "playground")
    frame = load_site("aksu-city-square").frame
    west, south, _, north = frame.to_metric(playground.geometry).bounds
    parking = frame.to_lonlat(box(west - 30, south, west - 10, north))  # 10 m west of it
    store.save_concept(
        SESSION,
        "plan",
        replace(plan, features=(*plan.features, ConceptFeature("f99", "parking", parking))),
        plan.version,
    )
    code, out, _ = run(capsys, "check", SESSION, "--team", "plan", "--json")
    rule = next(r for r in json.loads(out)["rules"] if r["id"] == "parking-playground")
    assert (rule["status"], rule["measured"]) == ("fail", pytest.approx(10.0, abs=0.05))
    assert "f99" in rule["features"]


def test_the_uploaded_pack_and_a_given_file_are_used(store, capsys, tmp_path):
    store.save_rules(SESSION, StoredPack("city.toml", PACK))
    code, out, _ = run(capsys, "check", SESSION, "--team", "plan", "--json")
    data = json.loads(out)
    assert (data["pack"], data["illustrative"], [r["status"] for r in data["rules"]]) == ("city", False, ["fail"])
    other = tmp_path / "other.toml"
    other.write_text(PACK.replace('id = "city"', 'id = "other"').replace("200", "5"), encoding="utf-8")
    code, out, _ = run(capsys, "check", SESSION, "--team", "plan", "--rules", str(other), "--json")
    assert (json.loads(out)["pack"], json.loads(out)["rules"][0]["status"]) == ("other", "pass")


def test_the_table_reads_in_the_language_asked(store, capsys):
    code, out, _ = run(capsys, "--lang", "kk", "check", SESSION, "--team", "team-1")
    assert code == 0
    assert "Көлік тұрағы балалар алаңдарына 25 м-ден жақын емес" in out  # the full title, not the badge
    assert "иллюстрациялық" in out


def test_a_malformed_pack_is_refused_with_its_line(store, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(PACK.replace('to = ["playground"]', 'to = ["playgound"]'), encoding="utf-8")
    code, out, err = run(capsys, "check", SESSION, "--team", "plan", "--rules", str(bad))
    assert (code, out) == (2, "")
    assert "bad.toml is refused (line 9)" in err
    assert "unknown category in to: playgound" in err


def test_unknown_team_and_nothing_saved_are_refused(store, capsys):
    assert run(capsys, "check", SESSION, "--team", "team-9")[0] == 2
    code, _, err = run(capsys, "check", SESSION, "--team", "vision")
    assert code == 2
    assert "vision" in err.lower()
