"""python -m codesign compare / consensus: the documented JSON, readable sentences, refusals."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from codesign.analysis.compare import compare_concepts, describe
from codesign.analysis.consensus import build_consensus, consensus_sentences, describe_finding
from codesign.cli import main
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.services.demo import ensure_demo_session
from codesign.storage.files import FileStore

DOCS = Path(__file__).resolve().parents[2] / "docs"
SESSION = "aksu-demo"


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


def plain(data: dict) -> dict:
    """What the CLI's JSON reads back as (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def frame():
    return load_site("aksu-city-square").frame


# ---------------------------------------------------------------- compare


def test_compare_json_has_the_documented_keys_and_the_numbers_of_compare_concepts(store, capsys):
    code, out, err = run(capsys, "compare", SESSION, "--team", "team-1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "a",
        "b",
        "site_area_m2",
        "designed_m2",
        "agreement",
        "kappa",
        "categories",
        "zones",
        "amenities",
        "paths",
        "confusion_m2",
    }
    assert set(data["amenities"]) == {"match_distance_m", "counts", "matched", "new", "missing"}
    assert set(next(iter(data["categories"].values()))) == {
        "a_m2",
        "b_m2",
        "intersection_m2",
        "iou",
        "added_m2",
        "removed_m2",
    }
    assert set(data["zones"][0]) == {
        "id",
        "category",
        "area_m2",
        "outcome",
        "dominant",
        "shares",
        "moved_to",
        "moved_m2",
    }
    doc = (DOCS / "compare-format.md").read_text(encoding="utf-8")
    for key in [*data, *data["amenities"], *data["zones"][0], *next(iter(data["categories"].values()))]:
        assert f"`{key}" in doc or f"{key}`" in doc, key
    direct = compare_concepts(store.load_latest(SESSION, "team-1"), store.load_latest(SESSION, PLAN_OWNER), frame())
    assert data == plain(direct.to_json())
    assert (data["a"], data["b"]) == ("team-1", PLAN_OWNER)
    assert 0 < data["agreement"] < 1
    assert data["amenities"]["match_distance_m"] == 10.0


def test_compare_team_against_team_with_a_distance(store, capsys):
    code, out, err = run(
        capsys, "compare", SESSION, "--team", "team-2", "--against", "team-1", "--distance", "25", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    a, b = store.load_latest(SESSION, "team-2"), store.load_latest(SESSION, "team-1")
    assert data == plain(compare_concepts(a, b, frame(), match_distance_m=25.0).to_json())
    assert (data["a"], data["b"]) == ("team-2", "team-1")
    assert data["amenities"]["match_distance_m"] == 25.0
    assert len(data["amenities"]["matched"]) >= len(compare_concepts(a, b, frame(), match_distance_m=10.0).matches)


def test_compare_against_the_vision_before_there_is_one_is_refused(store, capsys):
    code, out, err = run(capsys, "compare", SESSION, "--team", "team-1", "--against", "vision")
    assert code == 2
    assert out == ""
    assert "Nothing has been saved for “Joint vision” yet." in err
    code, _, err = run(capsys, "--lang", "ru", "compare", SESSION, "--team", "team-1", "--against", "vision")
    assert code == 2
    assert "Для «Общее видение» пока ничего не сохранено." in err


def test_compare_the_vision_once_saved(store, capsys):
    vision = replace(store.load_latest(SESSION, "team-2"), team=VISION_OWNER)
    store.save_concept(SESSION, VISION_OWNER, vision, 0)
    code, out, err = run(capsys, "compare", SESSION, "--team", "vision", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["a"], data["b"]) == (VISION_OWNER, PLAN_OWNER)
    team2 = json.loads(run(capsys, "compare", SESSION, "--team", "team-2", "--json")[1])
    assert data["categories"] == team2["categories"]


def test_compare_readable_output_in_russian(store, capsys):
    code, out, err = run(capsys, "--lang", "ru", "compare", SESSION, "--team", "team-1")
    assert code == 0, err
    result = compare_concepts(store.load_latest(SESSION, "team-1"), store.load_latest(SESSION, PLAN_OWNER), frame())
    sentences = [describe(notice, "ru") for notice in result.sentences()]
    assert sentences
    for sentence in sentences:
        assert sentence in out
    assert "в концепции «Газон»" in out
    assert "Agreement: 68,2 %" in out  # numbers written the Russian way
    assert "Cohen's kappa" in out
    assert "Детская площадка [playground]" in out
    assert re.search(r"f2 +Парковка \[parking\] .* m² +replaced +Посадка деревьев 41,6 %", out)  # plan zones
    assert "Скамейка [bench]" in out  # amenity counts


# ---------------------------------------------------------------- consensus

CONSENSUS_KEYS = {
    "voices",
    "threshold",
    "site_area_m2",
    "designed_m2",
    "agreed_m2",
    "contested_m2",
    "single_m2",
    "faces",
    "fleiss_kappa",
    "k_of_n",
    "amenity_clusters",
}


def test_consensus_json_has_the_documented_keys_and_the_numbers_of_build_consensus(store, capsys):
    code, out, err = run(capsys, "consensus", SESSION, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == CONSENSUS_KEYS
    assert {"type", "support", "lon", "lat", "teams", "points"} == set(data["amenity_clusters"][0])
    doc = (DOCS / "consensus-format.md").read_text(encoding="utf-8")
    for key in [*data, *data["amenity_clusters"][0]]:
        assert f"`{key}" in doc or f"{key}`" in doc, key
    teams = [store.load_latest(SESSION, t) for t in ("team-1", "team-2")]
    assert data == plain(build_consensus(teams, frame()).to_json())
    assert data["voices"] == ["team-1", "team-2"]
    assert data["k_of_n"]["plaza"] == {"1": pytest.approx(2588.11, abs=0.01), "2": pytest.approx(2588.11, abs=0.01)}
    total = data["agreed_m2"] + data["contested_m2"] + data["single_m2"]
    assert total == pytest.approx(data["designed_m2"], abs=0.05)


def test_consensus_with_the_plan_adds_a_voice(store, capsys):
    code, out, err = run(capsys, "consensus", SESSION, "--with-plan", "--distance", "20", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["voices"] == ["team-1", "team-2", PLAN_OWNER]
    concepts = [store.load_latest(SESSION, o) for o in ("team-1", "team-2", PLAN_OWNER)]
    assert data == plain(build_consensus(concepts, frame(), cluster_distance_m=20.0).to_json())
    assert all(set(ks) == {"1", "2", "3"} for ks in data["k_of_n"].values())


def test_the_threshold_changes_what_is_agreed(store, capsys):
    """Three voices: at 0.5 two alike suffice, at 1 all three must agree (as k-of-N says)."""
    half = json.loads(run(capsys, "consensus", SESSION, "--with-plan", "--json")[1])
    full = json.loads(run(capsys, "consensus", SESSION, "--with-plan", "--threshold", "1", "--json")[1])
    assert full["threshold"] == 1.0
    assert full["agreed_m2"] < half["agreed_m2"]
    assert half["agreed_m2"] == pytest.approx(sum(ks["2"] for ks in half["k_of_n"].values()), abs=0.1)
    assert full["agreed_m2"] == pytest.approx(sum(ks["3"] for ks in full["k_of_n"].values()), abs=0.1)
    assert full["designed_m2"] == half["designed_m2"]
    concepts = [store.load_latest(SESSION, o) for o in ("team-1", "team-2", PLAN_OWNER)]
    assert full["agreed_m2"] == round(build_consensus(concepts, frame(), threshold=1.0).area_in("agreed"), 2)


def test_consensus_readable_output_in_russian(store, capsys):
    code, out, err = run(capsys, "--lang", "ru", "consensus", SESSION)
    assert code == 0, err
    teams = [store.load_latest(SESSION, t) for t in ("team-1", "team-2")]
    result = build_consensus(teams, frame())
    sentences = [describe_finding(n, "ru") for n in consensus_sentences(result, store.load_latest(SESSION, PLAN_OWNER))]
    assert sentences
    for sentence in sentences:
        assert sentence in out
    assert "2 из 2 команд размещают" in out
    assert "Жасыл аула (team-1), Семьи Аксу (team-2)" in out
    for word in ("agreed", "contested", "single", "Fleiss' kappa", "k≥2"):
        assert word in out


def test_consensus_with_plan_but_no_plan_saved_notes_it(store, capsys):
    session = store.create_session(site="aksu-city-square", title="Без плана", teams=[("A", None), ("B", None)])
    store.save_concept(session.id, "team-1", store.load_latest(SESSION, "team-1"), 0)
    code, out, err = run(capsys, "consensus", session.id, "--with-plan", "--json")
    assert code == 0
    assert json.loads(out)["voices"] == ["team-1"]
    assert json.loads(out)["fleiss_kappa"] is None
    assert "Nothing has been saved for “Akimat plan” yet." in err


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compare", "missing-session", "--team", "team-1"], "Session “missing-session” was not found."),
        (["compare", SESSION, "--team", "team-9"], "Team “team-9” is not in this session."),
        (["compare", SESSION, "--team", "team-1", "--against", "team-7"], "Team “team-7” is not in this session."),
        (["consensus", "missing-session"], "Session “missing-session” was not found."),
        (["consensus", "../etc"], "not valid"),
        (["--lang", "kk", "compare", SESSION, "--team", "team-9"], "«team-9» командасы бұл сессияда табылмады."),
    ],
)
def test_refusals_exit_2_with_the_reason(store, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err


def test_nothing_saved_yet(store, capsys):
    session = store.create_session(site="aksu-city-square", title="Пусто", teams=[("A", None), ("B", None)])
    code, out, err = run(capsys, "consensus", session.id)
    assert (code, out) == (2, "")
    assert f"No team has saved a concept in session “{session.id}” yet." in err
    code, _, err = run(capsys, "--lang", "ru", "consensus", session.id, "--with-plan")
    assert code == 2
    assert f"В сессии «{session.id}» пока ни одна команда не сохранила концепцию." in err
    code, _, err = run(capsys, "--lang", "kk", "compare", session.id, "--team", "team-2")
    assert code == 2
    assert "«A (team-1)»" not in err
    assert "«B (team-2)» үшін әзірге ештеңе сақталмаған." in err


@pytest.mark.parametrize(
    "argv",
    [
        ["consensus", SESSION, "--threshold", "0"],
        ["consensus", SESSION, "--threshold", "1.5"],
        ["consensus", SESSION, "--distance", "-3"],
        ["compare", SESSION, "--team", "team-1", "--distance", "nan"],
        ["compare", SESSION],
    ],
)
def test_bad_options_exit_2(store, capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
