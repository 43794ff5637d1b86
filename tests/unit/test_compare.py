"""Comparison metrics on shapes drawn on paper, with answers worked out by hand.

The site is the 100 m x 100 m test square (10,000 m²).
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from codesign.analysis.compare import UNASSIGNED, categorical_map, compare_concepts, kappa_from_confusion
from codesign.domain.concept import Concept, ConceptFeature


def concept(paper, team, *items):
    features = [ConceptFeature(f"f{i}", cat, paper.lonlat(geom)) for i, (cat, geom) in enumerate(items, start=1)]
    return Concept("test-site", team, features=tuple(features))


def test_two_squares_offset_by_half_a_side(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 20, 20)))
    b = concept(paper, "plan", ("playground", box(10, 0, 30, 20)))
    result = compare_concepts(a, b, paper.frame)
    pg = result.categories["playground"]
    assert pg.a_m2 == pytest.approx(400, abs=0.1)
    assert pg.b_m2 == pytest.approx(400, abs=0.1)
    assert pg.intersection_m2 == pytest.approx(200, abs=0.1)
    assert pg.iou == pytest.approx(1 / 3, abs=1e-3)
    assert (pg.added_m2, pg.removed_m2) == (pytest.approx(200, abs=0.1), pytest.approx(200, abs=0.1))
    assert result.designed_m2 == pytest.approx(600, abs=0.1)
    assert result.agreement == pytest.approx(1 / 3, abs=1e-3)
    # confusion (m²): pg/pg 200, pg/none 200, none/pg 200, none/none 9,400 -> po 0.96, pe 0.9232
    assert result.kappa == pytest.approx(23 / 48, abs=1e-3)
    assert result.zones[0].outcome == "kept"  # half of the plan's zone is still playground
    assert result.zones[0].shares == {
        "playground": pytest.approx(0.5, abs=1e-4),
        UNASSIGNED: pytest.approx(0.5, abs=1e-4),
    }


def test_identical_concepts_agree_fully(paper):
    a = concept(paper, "team-1", ("lawn", box(0, 0, 50, 50)), ("plaza", box(50, 50, 70, 70)))
    result = compare_concepts(a, a, paper.frame)
    assert result.agreement == pytest.approx(1)
    assert result.kappa == pytest.approx(1)


def test_plan_zone_outcomes_kept_replaced_dropped_moved(paper):
    plan = concept(
        paper,
        "plan",
        ("lawn", box(0, 0, 40, 20)),  # f1: concept splits it 600 playground / 200 sports -> replaced
        ("parking", box(60, 60, 80, 80)),  # f2: nothing there in the concept -> dropped
        ("plaza", box(50, 0, 60, 10)),  # f3: concept has a plaza elsewhere -> moved
        ("flower_beds", box(0, 90, 10, 100)),  # f4: same in the concept -> kept
    )
    team = concept(
        paper,
        "team-1",
        ("playground", box(0, 0, 30, 20)),
        ("sports_ground", box(30, 0, 40, 20)),
        ("plaza", box(80, 0, 100, 10)),
        ("flower_beds", box(0, 90, 10, 100)),
    )
    result = compare_concepts(team, plan, paper.frame)
    by_id = {z.id: z for z in result.zones}
    assert by_id["f1"].outcome == "replaced"
    assert by_id["f1"].dominant == "playground"
    assert by_id["f1"].shares == {
        "playground": pytest.approx(0.75, abs=1e-4),
        "sports_ground": pytest.approx(0.25, abs=1e-4),
    }
    assert by_id["f2"].outcome == "dropped"
    assert by_id["f3"].outcome == "moved"
    assert by_id["f3"].moved_m2 == pytest.approx(200, abs=0.1)
    assert by_id["f4"].outcome == "kept"
    keys = [n.key for n in result.sentences()]
    assert keys[0] == "compare.sentence.replaced"  # the largest difference first: 600 m² of lawn -> playground
    assert result.sentences()[0].params["area"] == pytest.approx(600, abs=0.1)
    assert "compare.sentence.added" in keys  # sports ground is not in the plan


def test_later_zones_cover_earlier_ones(paper):
    team = concept(paper, "team-1", ("lawn", box(0, 0, 40, 40)), ("playground", box(10, 10, 20, 20)))
    cats = categorical_map(team, paper.frame)
    assert cats["lawn"].area == pytest.approx(1500, abs=0.1)
    assert cats["playground"].area == pytest.approx(100, abs=0.1)


def test_amenities_at_9_and_11_metres(paper):
    plan = concept(paper, "plan", ("bench", Point(50, 50)), ("lamp", Point(20, 80)))
    team = concept(paper, "team-1", ("bench", Point(59, 50)), ("lamp", Point(31, 80)), ("bin", Point(5, 5)))
    result = compare_concepts(team, plan, paper.frame)
    assert [(m.category, m.a_id, m.b_id, round(m.distance_m, 2)) for m in result.matches] == [
        ("bench", "f1", "f1", 9.0)
    ]
    assert result.new_amenities == ("f2", "f3")  # the lamp 11 m away and the bin
    assert result.missing_amenities == ("f2",)
    assert result.amenity_counts == {"bench": (1, 1), "lamp": (1, 1), "bin": (1, 0)}
    wider = compare_concepts(team, plan, paper.frame, match_distance_m=12)
    assert len(wider.matches) == 2


def test_kappa_against_a_hand_worked_confusion_matrix():
    # po = 75/100; row shares .4 .3 .3, column shares .35 .3 .35 -> pe = .335
    matrix = [[30, 5, 5], [5, 20, 5], [0, 5, 25]]
    assert kappa_from_confusion(matrix) == pytest.approx((0.75 - 0.335) / (1 - 0.335))
    assert kappa_from_confusion([[0, 10], [10, 0]]) == pytest.approx(-1)


def test_team_against_team_and_json_form(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 20, 20)), ("walkway", paper_line()))
    b = concept(paper, "team-2", ("dog_area", box(0, 0, 20, 20)))
    data = compare_concepts(a, b, paper.frame).to_json()
    assert data["a"] == "team-1"
    assert data["b"] == "team-2"
    assert data["categories"]["playground"] == {
        "a_m2": pytest.approx(400, abs=0.1),
        "b_m2": 0.0,
        "intersection_m2": 0.0,
        "iou": 0.0,
        "added_m2": pytest.approx(400, abs=0.1),
        "removed_m2": 0.0,
    }
    assert data["agreement"] == 0.0
    assert data["zones"][0]["outcome"] == "replaced"
    assert data["paths"]["walkway"]["a_m"] == pytest.approx(100, abs=0.01)


def paper_line():
    from shapely.geometry import LineString

    return LineString([(0, 50), (100, 50)])


def test_agreement_map_by_hand(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 20, 20)), ("lawn", box(40, 40, 60, 60)))
    b = concept(paper, "plan", ("playground", box(10, 0, 30, 20)), ("parking", box(40, 40, 50, 60)))
    states = {
        k: paper.frame.to_metric(g).area
        for k, g in __import__("codesign.analysis.compare", fromlist=["x"]).agreement_map(a, b, paper.frame).items()
    }
    assert states == {
        "same": pytest.approx(200, abs=0.2),
        "a_only": pytest.approx(400, abs=0.2),
        "b_only": pytest.approx(200, abs=0.2),
        "different": pytest.approx(200, abs=0.2),
    }


def test_sentences_read_well_in_each_language(paper):
    from codesign.analysis.compare import describe

    plan = concept(paper, "plan", ("parking", box(0, 0, 40, 16)))
    team = concept(paper, "team-1", ("playground", box(0, 0, 40, 16)))
    [first, *_] = compare_concepts(team, plan, paper.frame).sentences()
    assert describe(first, "en") == "Where the plan has “Parking”, the concept has “Playground”: 640 m²."
    assert describe(first, "ru") == "Где в плане «Парковка», в концепции «Детская площадка»: 640 м²."
    assert "640" in describe(first, "kk")
