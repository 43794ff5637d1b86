"""Provenance of the joint vision: hand-drawn concepts, the teams and k/N of each feature, kept through edits."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, box, mapping

from codesign.analysis.consensus import build_consensus, joint_vision
from codesign.domain.concept import (
    Concept,
    ConceptFeature,
    concept_from_geojson,
    concept_to_geojson,
    edit_feature,
    merge_concepts,
)
from codesign.domain.drawings import apply_drawings
from codesign.domain.provenance import ROOM, Provenance
from codesign.domain.votes import CONSENSUS_TARGET, Vote
from codesign.errors import InvalidConceptError


def concept(paper, team, *shapes) -> Concept:
    features = tuple(ConceptFeature(f"f{i}", cid, paper.lonlat(geom)) for i, (cid, geom) in enumerate(shapes, start=1))
    return Concept("test-site", team, features=features)


@pytest.fixture
def three(paper):
    """Drawn on paper (metres, a 100 x 100 site):

    - the same 40 x 20 playground in the south-west by team-1 and team-2, a sports ground there by team-3;
    - a 50 x 50 lawn in the north-east by team-1; its lower half by team-2, its upper half by team-3;
    - benches 2 m apart by team-1 and team-2 (a cluster of 2 of 3), one far away by team-3.
    """
    return [
        concept(
            paper,
            "team-1",
            ("playground", box(0, 0, 40, 20)),
            ("lawn", box(50, 50, 100, 100)),
            ("bench", Point(80, 10)),
        ),
        concept(
            paper, "team-2", ("playground", box(0, 0, 40, 20)), ("lawn", box(50, 50, 100, 75)), ("bench", Point(82, 10))
        ),
        concept(
            paper,
            "team-3",
            ("sports_ground", box(0, 0, 40, 20)),
            ("lawn", box(50, 75, 100, 100)),
            ("bench", Point(50, 90)),
        ),
    ]


@pytest.fixture
def plan(paper):
    return concept(
        paper, "plan", ("lawn", box(0, 0, 50, 50)), ("lawn", box(50, 50, 100, 100)), ("bench", Point(81, 12))
    )


VOTES = (
    Vote("team-3", "", "team-1", "f1"),  # team-1's playground
    Vote("team-1", "", "team-2", "f2"),  # team-2's lawn
    Vote("team-2", "", "team-1", "f3"),  # team-1's bench, twice
    Vote("team-3", "", "team-1", "f3"),
    Vote("team-3", "", CONSENSUS_TARGET, "lawn"),  # the agreed lawn
)


def stored(vision: Concept) -> Concept:
    """The vision as the store gives it back (coordinates to 7 decimals, as the map sends them)."""
    return concept_from_geojson(json.loads(json.dumps(concept_to_geojson(vision))))


def by_category(vision):
    return {f.category: f for f in vision.features}


def test_three_teams_each_feature_knows_its_teams_support_votes_and_the_plan(paper, three, plan):
    result = build_consensus(three, paper.frame)
    vision = joint_vision(result, site="test-site", concepts=three, plan=plan, votes=VOTES)
    found = by_category(vision)
    assert list(found) == ["playground", "lawn", "bench"]
    playground, lawn, bench = found["playground"], found["lawn"], found["bench"]
    assert round(paper.frame.to_metric(playground.geometry).area) == 800
    # two of three give it a playground (team-3 a sports ground); the plan has a lawn there
    assert playground.provenance == Provenance(
        "consensus", ("team-1", "team-2"), support=2, voices=3, votes=1, plan_same_use=False, plan_use="lawn"
    )
    # all three teams draw part of the lawn; every spot of it has two: k = 2 of 3; the plan has it too
    assert round(paper.frame.to_metric(lawn.geometry).area) == 2500
    assert lawn.provenance == Provenance(
        "consensus",
        ("team-1", "team-2", "team-3"),
        support=2,
        voices=3,
        votes=1,
        ground_votes=1,
        plan_same_use=True,
        plan_use="lawn",
    )
    # the benches of team-1 and team-2, 2 m apart; the plan has a bench 2 m away
    assert bench.provenance == Provenance(
        "consensus", ("team-1", "team-2"), support=2, voices=3, votes=2, plan_same_use=True, plan_use="bench"
    )


def test_two_teams_without_a_plan(paper, three):
    two = three[:2]
    vision = joint_vision(build_consensus(two, paper.frame), site="test-site", concepts=two)
    found = by_category(vision)
    assert found["playground"].provenance == Provenance("consensus", ("team-1", "team-2"), support=2, voices=2)
    # team-2 draws only the lower half of the lawn: only that half is agreed (2 of 2)
    assert round(paper.frame.to_metric(found["lawn"].geometry).area) == 1250
    assert found["lawn"].provenance.teams == ("team-1", "team-2")
    assert found["lawn"].provenance.plan_same_use is None


def test_provenance_travels_in_the_geojson_and_older_files_still_read(paper, three, plan):
    vision = joint_vision(build_consensus(three, paper.frame), site="test-site", concepts=three, plan=plan, votes=VOTES)
    data = json.loads(json.dumps(concept_to_geojson(vision)))
    assert data["features"][0]["properties"]["provenance"] == {
        "origin": "consensus",
        "teams": ["team-1", "team-2"],
        "support": 2,
        "voices": 3,
        "votes": 1,
        "ground_votes": 0,
        "plan_same_use": False,
        "plan_use": "lawn",
        "edited": False,
    }
    assert concept_from_geojson(data) == vision
    for feature in data["features"]:
        del feature["properties"]["provenance"]
    older = concept_from_geojson(data)
    assert [f.provenance for f in older.features] == [None, None, None]
    newer = json.loads(json.dumps(concept_to_geojson(vision)))
    newer["features"][0]["properties"]["provenance"]["confidence"] = 0.9  # a member from a newer version
    assert concept_from_geojson(newer).features[0].provenance.teams == ("team-1", "team-2")


@pytest.mark.parametrize(
    "bad",
    [
        "consensus",
        {"origin": "somewhere"},
        {"origin": "consensus", "teams": "team-1"},
        {"origin": "consensus", "support": -1},
        {"origin": "consensus", "votes": True},
        {"origin": "consensus", "plan_same_use": "yes"},
        {"origin": "consensus", "teams": ["x" * 65]},
    ],
)
def test_a_malformed_provenance_is_refused(bad):
    data = {
        "type": "FeatureCollection",
        "codesign": {"format": "codesign-concept/1", "site": "s", "team": "vision"},
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "f1", "category": "bench", "provenance": bad},
                "geometry": mapping(Point(76.93, 52.03)),
            }
        ],
    }
    with pytest.raises(InvalidConceptError) as caught:
        concept_from_geojson(data)
    assert caught.value.params["field"].startswith("provenance")


def test_edited_in_the_room_keeps_its_provenance_and_new_shapes_say_they_were_drawn_there(paper, three, plan):
    vision = stored(
        joint_vision(build_consensus(three, paper.frame), site="test-site", concepts=three, plan=plan, votes=VOTES)
    )
    playground = vision.feature("f1")
    drawings = [
        {"type": "Feature", "properties": {"id": "f1"}, "geometry": paper.geojson(box(0, 0, 30, 20))},  # reshaped
        {"type": "Feature", "properties": {"id": "f2"}, "geometry": mapping(vision.feature("f2").geometry)},
        {"type": "Feature", "properties": {"id": "f3"}, "geometry": mapping(vision.feature("f3").geometry)},
        paper.drawing(box(60, 10, 70, 20), draft="d1"),  # drawn new in the room
    ]
    outcome = apply_drawings(vision, drawings, paper.frame, {"zone": "dog_area", "path": "walkway", "amenity": "bench"})
    assert outcome.changed == ("f1",)
    assert outcome.added == ("f4",)
    after = outcome.concept
    assert after.feature("f1").provenance == Provenance(
        "consensus", ("team-1", "team-2"), 2, 3, 1, 0, False, "lawn", edited=True
    )
    assert after.feature("f1").provenance.teams == playground.provenance.teams
    assert after.feature("f2").provenance == vision.feature("f2").provenance  # untouched
    assert after.feature("f4").provenance == ROOM
    relabelled = edit_feature(after, "f2", label="Большой газон")
    assert relabelled.feature("f2").provenance.edited is False  # a name is not a change of the design
    recategorised = edit_feature(after, "f2", category_id="tree_planting")
    assert recategorised.feature("f2").provenance.edited is True
    assert recategorised.feature("f4").provenance == ROOM
    again = concept_from_geojson(json.loads(json.dumps(concept_to_geojson(recategorised))))
    assert again == recategorised


def test_a_teams_concept_carries_no_provenance(paper):
    team = Concept("test-site", "team-1")
    outcome = apply_drawings(team, [paper.drawing(box(10, 10, 20, 20), draft="d1")], paper.frame, {"zone": "lawn"})
    assert outcome.concept.features[0].provenance is None


def test_a_merge_keeps_the_provenance_of_both_sides(paper, three):
    vision = stored(joint_vision(build_consensus(three, paper.frame), site="test-site", concepts=three))
    mine = apply_drawings(
        vision,
        [
            *(
                {"type": "Feature", "properties": {"id": f.id}, "geometry": mapping(f.geometry)}
                for f in vision.features
            ),
            paper.drawing(box(60, 10, 70, 20), draft="d1"),
        ],
        paper.frame,
        {"zone": "dog_area"},
    ).concept
    theirs = edit_feature(vision, "f1", label="Горка")
    merged, lost = merge_concepts(vision, mine, theirs)
    assert lost == 0
    assert merged.feature("f1").provenance == vision.feature("f1").provenance
    assert merged.features[-1].provenance == ROOM
