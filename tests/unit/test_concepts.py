"""Concepts: drawings -> features, figures with known answers, edits, merge, file format."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import LineString, Point, box

from codesign.analysis.figures import concept_figures, zone_overlaps
from codesign.domain.concept import (
    Concept,
    concept_from_geojson,
    concept_to_geojson,
    delete_feature,
    edit_feature,
    merge_concepts,
)
from codesign.domain.drawings import apply_drawings
from codesign.errors import CodesignError, InvalidConceptError

SELECTED = {"zone": "playground", "path": "walkway", "amenity": "bench"}


def draw(paper, concept, shapes, selected=SELECTED, drafts=None):
    return apply_drawings(concept, shapes, paper.frame, selected, drafts)


@pytest.fixture
def empty():
    return Concept(site="test-site", team="team-1")


def test_new_drawings_take_the_selected_category_of_their_kind(paper, empty):
    out = draw(
        paper,
        empty,
        [
            paper.drawing(box(10, 10, 30, 20), draft="a"),
            paper.drawing(Point(50, 50), draft="b"),
            paper.drawing(LineString([(0, 50), (100, 50)]), draft="c"),
        ],
    )
    assert [(f.id, f.category, f.kind) for f in out.concept.features] == [
        ("f1", "playground", "zone"),
        ("f2", "bench", "amenity"),
        ("f3", "walkway", "path"),
    ]
    assert out.added == ("f1", "f2", "f3")
    assert out.drafts == {"a": "f1", "b": "f2", "c": "f3"}


def test_a_draft_reported_twice_is_stored_once(paper, empty):
    first = draw(paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a")])
    # the map reports again before it has received the saved concept
    again = draw(
        paper,
        first.concept,
        [paper.drawing(box(10, 10, 30, 20), draft="a"), paper.drawing(Point(5, 5), draft="b")],
        drafts=first.drafts,
    )
    assert [f.id for f in again.concept.features] == ["f1", "f2"]
    assert again.added == ("f2",)
    assert again.deleted == ()


def test_feature_missing_from_the_map_is_deleted_and_edited_geometry_kept(paper, empty):
    base = draw(
        paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a"), paper.drawing(Point(50, 50), draft="b")]
    ).concept
    moved = paper.drawing(Point(60, 60), id="f2", category="bench")
    out = draw(paper, base, [moved])
    assert out.deleted == ("f1",)
    assert out.changed == ("f2",)
    assert [f.id for f in out.concept.features] == ["f2"]


def test_a_rejected_drawing_loses_nothing_else(paper, empty):
    base = draw(paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a")]).concept
    out = draw(
        paper, base, [paper.drawing(box(10, 10, 30, 20), id="f1"), paper.drawing(box(300, 300, 320, 320), draft="z")]
    )
    assert [n.key for n in out.rejected] == ["geometry.outside_site"]
    assert out.concept.features == base.features
    assert not out.changed_anything


def test_figures_by_hand(paper, empty):
    out = draw(
        paper,
        empty,
        [
            paper.drawing(box(0, 0, 20, 10), draft="a"),  # playground 200 m²
            paper.drawing(box(10, 0, 30, 10), draft="b"),  # playground overlapping by 100 m²: union 300 m²
            paper.drawing(Point(50, 50), draft="c"),
            paper.drawing(Point(55, 50), draft="d"),
            paper.drawing(LineString([(0, 50), (100, 50)]), draft="e"),  # 100 m
            paper.drawing(LineString([(50, 0), (50, 30)]), draft="f"),  # 30 m
        ],
    )
    concept = edit_feature(out.concept, "f1", category_id="playground")
    fig = concept_figures(concept, paper.frame)
    # b snaps onto a's stored corners, which sit on the 1e-7 degree grid (up to 1 cm off): 300 m² within 0.3
    assert fig.zone_area_m2["playground"] == pytest.approx(300, abs=0.3)
    assert fig.zone_share("playground") == pytest.approx(0.03, abs=3e-5)
    assert fig.path_length_m["walkway"] == pytest.approx(130, abs=0.01)
    assert fig.amenity_count == {"bench": 2}


def test_overlapping_zones_of_different_categories_are_flagged(paper, empty):
    out = draw(
        paper, empty, [paper.drawing(box(0, 0, 20, 10), draft="a"), paper.drawing(box(10, 0, 30, 10), draft="b")]
    )
    assert zone_overlaps(out.concept, paper.frame) == []  # same category: no conflict
    concept = edit_feature(out.concept, "f2", category_id="lawn")
    [(a, b, area)] = zone_overlaps(concept, paper.frame)
    assert (a, b) == ("f1", "f2")
    assert area == pytest.approx(100, abs=0.1)


def test_edit_refuses_a_change_of_kind(paper, empty):
    concept = draw(paper, empty, [paper.drawing(Point(5, 5), draft="a")]).concept
    with pytest.raises(CodesignError) as err:
        edit_feature(concept, "f1", category_id="lawn")
    assert err.value.key == "error.kind_change"
    assert edit_feature(concept, "f1", category_id="lamp", note="тёплый свет").feature("f1").note == "тёплый свет"


def test_round_trip_keeps_everything(paper, empty):
    concept = draw(
        paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a"), paper.drawing(Point(50, 50), draft="b")]
    ).concept
    concept = edit_feature(concept, "f1", label="Горка <b>", note="Для малышей ӘҒҚҢӨҰҮҺІ")
    text = json.dumps(concept_to_geojson(concept), ensure_ascii=False)
    back = concept_from_geojson(json.loads(text))
    assert back == concept
    data = json.loads(text)
    assert data["features"][0]["properties"] == {
        "id": "f1",
        "category": "playground",
        "kind": "zone",
        "label": "Горка <b>",
        "note": "Для малышей ӘҒҚҢӨҰҮҺІ",
    }


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d.pop("codesign"), "concept.no_metadata"),
        (lambda d: d.update(type="Feature"), "concept.not_feature_collection"),
        (lambda d: d["features"][0]["properties"].update(category="swimming_pool"), "concept.unknown_category"),
        (lambda d: d["features"][0]["properties"].update(id="../x"), "concept.bad_feature_id"),
        (lambda d: d["features"][0]["geometry"]["coordinates"][0].pop(), "concept.bad_geometry"),
        (lambda d: d["features"][0]["properties"].update(category="bench"), "concept.kind_mismatch"),
        (lambda d: d["codesign"].update(title="x" * 121), "concept.too_long"),
    ],
)
def test_bad_concept_files_are_refused_with_a_reason(paper, empty, mutate, key):
    concept = draw(paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a")]).concept
    data = concept_to_geojson(concept)
    mutate(data)
    with pytest.raises(InvalidConceptError) as err:
        concept_from_geojson(data)
    assert err.value.key == key


def test_three_way_merge_keeps_both_tablets_work(paper, empty):
    base = draw(
        paper, empty, [paper.drawing(box(10, 10, 30, 20), draft="a"), paper.drawing(Point(50, 50), draft="b")]
    ).concept
    theirs = draw(
        paper,
        base,
        [
            paper.drawing(box(10, 10, 30, 20), id="f1"),
            paper.drawing(Point(50, 50), id="f2"),
            paper.drawing(Point(70, 70), draft="t"),
        ],
    ).concept  # they add f3
    mine = draw(
        paper, base, [paper.drawing(box(10, 10, 30, 20), id="f1"), paper.drawing(Point(20, 80), draft="m")]
    ).concept  # I delete f2, add f3
    merged, lost = merge_concepts(base, mine, theirs)
    assert lost == 0
    assert [f.id for f in merged.features] == ["f1", "f3", "f4"]
    assert merged.feature("f4").geometry.equals_exact(mine.feature("f3").geometry, 1e-9)
    mine_delete_f1 = delete_feature(base, "f1")
    theirs_edit_f1 = edit_feature(base, "f1", note="changed")
    merged, lost = merge_concepts(base, mine_delete_f1, theirs_edit_f1)
    assert lost == 1
    assert merged.feature("f1").note == "changed"
