"""Votes that settle disputes: contested regions grouped with known answers, the vote's rules."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from codesign.analysis.consensus import build_consensus
from codesign.analysis.disputes import contested_regions, group_adjacent
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.disputes import (
    DisputeVote,
    cast_ballot,
    close_vote,
    disputes_from_json,
    disputes_to_json,
    open_vote,
    region_tally,
    winner,
)
from codesign.errors import VoteRefused


def concept(paper, team, *items):
    features = [ConceptFeature(f"f{i}", cat, paper.lonlat(geom)) for i, (cat, geom) in enumerate(items, start=1)]
    return Concept("test-site", team, features=tuple(features))


@pytest.fixture
def disputed(paper):
    """Drawn on paper (the 100 m square), two teams:

    - west strip 0..40 x 0..20: team 1 a playground over all of it; team 2 a lawn on 0..20 and a
      sports ground on 20..40: two contested faces sharing the edge x = 20 -> one region of 800 m²,
      choices playground (1 voice on all 800 m²), then lawn and sports ground (1 voice on half each);
    - 60..80 x 0..10: plaza against parking -> a region of 200 m²;
    - 0..6 x 50..56: lawn against plaza, 36 m² -> below 50 m², left out;
    - 60..70 x 50..60 and 70..80 x 60..70: playground against dog area in two squares touching at
      one corner only -> two regions of 100 m² each, not one;
    - 30..50 x 80..100: both teams a lawn -> agreed, not contested.
    """
    t1 = concept(
        paper,
        "team-1",
        ("playground", box(0, 0, 40, 20)),
        ("plaza", box(60, 0, 80, 10)),
        ("lawn", box(0, 50, 6, 56)),
        ("playground", box(60, 50, 70, 60)),
        ("playground", box(70, 60, 80, 70)),
        ("lawn", box(30, 80, 50, 100)),
    )
    t2 = concept(
        paper,
        "team-2",
        ("lawn", box(0, 0, 20, 20)),
        ("sports_ground", box(20, 0, 40, 20)),
        ("parking", box(60, 0, 80, 10)),
        ("plaza", box(0, 50, 6, 56)),
        ("dog_area", box(60, 50, 70, 60)),
        ("dog_area", box(70, 60, 80, 70)),
        ("lawn", box(30, 80, 50, 100)),
    )
    return build_consensus([t1, t2], paper.frame)


def test_adjacent_contested_faces_are_one_region_and_corners_or_slivers_are_not(disputed, paper):
    regions = contested_regions(disputed, min_area_m2=50)
    assert [r.id for r in regions] == ["r1", "r2", "r3", "r4"]
    assert [round(r.area_m2, 3) for r in regions] == [800.0, 200.0, 100.0, 100.0]
    west = regions[0]
    assert west.choices[0] == "playground"
    assert set(west.choices[1:]) == {"lawn", "sports_ground"}
    assert west.support == pytest.approx((1.0, 0.5, 0.5))  # ties in taxonomy order
    drawn = paper.frame.to_metric(paper.lonlat(box(0, 0, 40, 20)))
    assert paper.frame.to_metric(west.geometry).hausdorff_distance(drawn) < 0.02  # m: the 0..40 x 0..20 strip
    assert set(regions[1].choices) == {"plaza", "parking"}
    assert {r.choices for r in regions[2:]} == {("playground", "dog_area")}
    assert regions[2].geometry.intersection(regions[3].geometry).area == 0


def test_a_higher_minimum_leaves_smaller_regions_out(disputed):
    assert [round(r.area_m2) for r in contested_regions(disputed, min_area_m2=150)] == [800, 200]


def test_group_adjacent_is_transitive_and_ignores_corners():
    import numpy as np

    faces = np.array([box(0, 0, 1, 1), box(2, 0, 3, 1), box(1, 0, 2, 1), box(3, 1, 4, 2)], dtype=object)
    assert group_adjacent(faces) == [[0, 1, 2], [3]]


def test_the_vote_counts_one_ballot_per_team_and_region_and_names_the_winner(disputed):
    regions = contested_regions(disputed)
    vote = open_vote(regions, opened_at="2026-12-03T10:00:00+00:00", voices=("team-1", "team-2"))
    vote = cast_ballot(vote, "team-1", "r1", "playground")
    vote = cast_ballot(vote, "team-2", "r1", "playground")
    vote = cast_ballot(vote, "team-2", "r1", "lawn")  # changes its mind: replaces its ballot
    vote = cast_ballot(vote, "team-3", "r1", "lawn")
    assert region_tally(vote, "r1") == {"playground": 1, "sports_ground": 0, "lawn": 2}
    assert winner(vote, "r1") == "lawn"
    vote = cast_ballot(vote, "team-1", "r2", "plaza")
    vote = cast_ballot(vote, "team-2", "r2", "parking")
    assert winner(vote, "r2") is None  # a tie
    assert winner(vote, "r3") is None  # nobody voted
    with pytest.raises(VoteRefused) as refused:
        cast_ballot(vote, "team-1", "r1", "parking")
    assert refused.value.key == "disputes.bad_choice"
    with pytest.raises(VoteRefused):
        cast_ballot(vote, "team-1", "r9", "lawn")
    closed = close_vote(vote)
    with pytest.raises(VoteRefused) as refused:
        cast_ballot(closed, "team-1", "r1", "playground")
    assert refused.value.key == "disputes.closed"
    back = disputes_from_json(disputes_to_json(closed))
    assert back.ballots == closed.ballots
    assert back.status == "closed"
    assert [r.choices for r in back.regions] == [r.choices for r in closed.regions]
    assert back.regions[0].geometry.equals_exact(closed.regions[0].geometry, 1e-12)


def test_no_contested_region_no_vote():
    with pytest.raises(VoteRefused) as refused:
        open_vote((), opened_at="", voices=())
    assert refused.value.key == "disputes.none"
    assert disputes_from_json(None) == DisputeVote()


def test_a_settled_vote_goes_into_the_joint_vision_with_a_known_area(paper, disputed):
    from codesign.analysis.disputes import vision_with_winners

    vision = concept(paper, "vision", ("lawn", box(0, 0, 40, 40)), ("bench", Point(10, 30)))
    vote = open_vote(contested_regions(disputed), opened_at="", voices=("team-1", "team-2"))
    vote = cast_ballot(vote, "team-1", "r1", "playground")
    vote = cast_ballot(vote, "team-2", "r1", "playground")
    vote = cast_ballot(vote, "team-1", "r2", "plaza")
    vote = cast_ballot(vote, "team-2", "r2", "parking")  # a tie: r2 stays as it was
    new = vision_with_winners(vision, vote, paper.frame)
    areas = {(f.category, f.label): round(paper.frame.to_metric(f.geometry).area) for f in new.features}
    assert areas == {("lawn", ""): 800, ("bench", ""): 0, ("playground", "r1"): 800}  # m², to 1 m²
    lawn = next(f for f in new.features if f.category == "lawn")
    assert paper.frame.to_metric(lawn.geometry).bounds == pytest.approx(
        paper.frame.to_metric(paper.lonlat(box(0, 20, 40, 40))).bounds, abs=0.01
    )
    assert vision_with_winners(vision, open_vote(vote.regions, opened_at="", voices=()), paper.frame) is vision


def test_teams_vote_on_tablets_and_the_facilitator_settles_into_the_vision(store, paper, disputed):
    from datetime import UTC, datetime

    from codesign.domain.session import VISION_OWNER
    from codesign.services.disputes import cast_dispute_ballot, send_disputes_to_vote, settle_disputes
    from codesign.services.gate import WriteGate, Writer, WriteRefused

    s = store.create_session(site="aksu-city-square", title="Спор", teams=[("A", None), ("B", None), ("C", None)])
    vote = send_disputes_to_vote(store, s.id, disputed, now=datetime(2026, 12, 3, 10, tzinfo=UTC))
    assert [r.id for r in vote.regions] == ["r1", "r2", "r3", "r4"]
    gates = {t.id: WriteGate(store, s.id, Writer.team(t.id, t.token)) for t in s.teams}
    cast_dispute_ballot(gates["team-1"], "r1", "lawn")
    cast_dispute_ballot(gates["team-2"], "r1", "lawn")
    cast_dispute_ballot(gates["team-3"], "r1", "playground")
    store.reissue_token(s.id, "team-3")
    with pytest.raises(WriteRefused) as refused:
        cast_dispute_ballot(gates["team-3"], "r1", "lawn")  # an old tablet after its link was reissued
    assert refused.value.key == "sketch.link_revoked"
    with pytest.raises(WriteRefused):
        cast_dispute_ballot(WriteGate(store, s.id, Writer.facilitator()), "r1", "lawn")  # ballots are the teams'
    closed, vision = settle_disputes(
        WriteGate(store, s.id, Writer.facilitator()), disputed, site="aksu-city-square", title="Общее видение"
    )
    assert closed.status == "closed"
    assert closed.applied_version == vision.version == store.latest_version(s.id, VISION_OWNER)
    r1 = next(f for f in vision.features if f.label == "r1")
    assert r1.category == "lawn"
    assert paper.frame.to_metric(r1.geometry).area == pytest.approx(800, abs=0.5)
    with pytest.raises(VoteRefused):
        cast_dispute_ballot(gates["team-1"], "r1", "playground")  # closed
    assert store.load_disputes(s.id).ballots == closed.ballots
