"""Consensus on hand-drawn concepts with known answers (the 100 m test square)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, Polygon, box

from codesign.analysis.consensus import build_consensus, fleiss_kappa, joint_vision
from codesign.domain.concept import Concept, ConceptFeature


def concept(paper, team, *items):
    features = [ConceptFeature(f"f{i}", cat, paper.lonlat(geom)) for i, (cat, geom) in enumerate(items, start=1)]
    return Concept("test-site", team, features=tuple(features))


def ring_with_hole():
    return Polygon(box(60, 60, 100, 100).exterior.coords, [box(70, 70, 80, 80).exterior.coords])


@pytest.fixture
def three(paper):
    t1 = concept(
        paper,
        "team-1",
        ("playground", box(0, 0, 40, 40)),
        ("sports_ground", box(0, 60, 20, 80)),
        ("lawn", ring_with_hole()),
        ("bench", Point(50, 50)),
    )
    t2 = concept(
        paper,
        "team-2",
        ("playground", box(20, 0, 60, 40)),
        ("lawn", box(0, 60, 20, 80)),
        ("lawn", box(70, 70, 80, 80)),
        ("bench", Point(61, 50)),
    )
    t3 = concept(paper, "team-3", ("lawn", box(20, 0, 40, 40)), ("bench", Point(74, 50)))
    return [t1, t2, t3]


def test_three_hand_drawn_concepts(paper, three):
    result = build_consensus(three, paper.frame)
    # x 20-40: 2 playgrounds + 1 lawn -> agreed 800; x 0-20 and 40-60: one playground each -> single 1,600;
    # the sports/lawn square: contested 400; the lawn ring (1,500) and the lawn in its hole (100): single
    assert result.area_in("agreed") == pytest.approx(800, abs=0.1)
    assert result.area_in("contested") == pytest.approx(400, abs=0.1)
    assert result.area_in("single") == pytest.approx(3200, abs=0.1)
    assert float(result.areas.sum()) == pytest.approx(4400, abs=0.1)
    k = result.k_of_n()
    assert k["playground"] == {1: pytest.approx(2400, abs=0.1), 2: pytest.approx(800, abs=0.1), 3: 0.0}
    assert k["lawn"][1] == pytest.approx(2800, abs=0.1)
    assert k["lawn"][2] == 0.0
    assert k["sports_ground"] == {1: pytest.approx(400, abs=0.1), 2: 0.0, 3: 0.0}


def test_fleiss_kappa_matches_the_table_worked_by_hand(paper, three):
    result = build_consensus(three, paper.frame)
    # rows: playground, lawn, sports, unassigned counts of 3 voices; weights: m²
    table = [[1, 0, 0, 2], [2, 1, 0, 0], [1, 0, 0, 2], [0, 1, 1, 1], [0, 1, 0, 2], [0, 1, 0, 2], [0, 0, 0, 3]]
    weights = [800, 800, 800, 400, 1500, 100, 10_000 - 4400]
    assert result.fleiss_kappa == pytest.approx(fleiss_kappa(table, weights), abs=1e-6)
    # by hand: P_i = 1/3, 1/3, 1/3, 0, 1/3, 1/3, 1 -> P = (3800/3 + 5600) / 10000
    p_bar = (4000 / 3 + 5600) / 10_000
    p_j = [
        (800 + 1600 + 800) / 30_000,
        (800 + 400 + 1500 + 100) / 30_000,
        400 / 30_000,
        (1600 + 1600 + 400 + 3000 + 200 + 16_800) / 30_000,
    ]
    p_e = sum(p * p for p in p_j)
    assert result.fleiss_kappa == pytest.approx((p_bar - p_e) / (1 - p_e), abs=1e-6)


def test_ties_are_contested_not_agreed(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 10, 10)))
    b = concept(paper, "team-2", ("lawn", box(0, 0, 10, 10)))
    result = build_consensus([a, b], paper.frame)
    assert result.states == ("contested",)
    assert result.majority == ("playground",)  # ties broken by taxonomy order, but not agreed
    same = build_consensus([a, concept(paper, "team-2", ("playground", box(0, 0, 10, 10)))], paper.frame)
    assert same.states == ("agreed",)
    assert same.fleiss_kappa == pytest.approx(1.0)


def test_a_concept_with_no_zones_still_counts_as_a_voice(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 10, 10)))
    b = concept(paper, "team-2", ("bench", Point(50, 50)))
    result = build_consensus([a, b], paper.frame)
    assert result.n == 2
    assert result.states == ("single",)  # 1 of 2 reaches the threshold of a half, but one voice is no agreement


def test_a_single_team(paper):
    a = concept(paper, "team-1", ("playground", box(0, 0, 10, 10)), ("lawn", box(5, 0, 15, 10)))
    result = build_consensus([a], paper.frame)
    assert result.fleiss_kappa is None
    assert set(result.states) == {"agreed"}
    assert float(result.areas.sum()) == pytest.approx(150, abs=0.1)  # the later lawn covers half the playground
    assert result.k_of_n()["playground"][1] == pytest.approx(50, abs=0.1)


def test_no_zones_at_all(paper):
    result = build_consensus([concept(paper, "team-1", ("bench", Point(5, 5)))], paper.frame)
    assert result.states == ()
    assert result.to_json()["agreed_m2"] == 0


def test_amenity_clusters_at_11_and_13_metres(paper, three):
    clusters = build_consensus(three, paper.frame).clusters
    assert [(c.category, c.teams, round(c.support, 3), c.points) for c in clusters] == [
        ("bench", ("team-1", "team-2"), 0.667, 2),
        ("bench", ("team-3",), 0.333, 1),
    ]
    middle = paper.frame.to_metric(Point(clusters[0].lon, clusters[0].lat))
    expected = paper.frame.to_metric(paper.lonlat(Point(55.5, 50)))
    assert middle.distance(expected) < 0.05


def test_joint_vision_from_agreed_faces_and_supported_clusters(paper, three):
    result = build_consensus(three, paper.frame)
    vision = joint_vision(result, site="test-site", title="Общее видение")
    zones = [f for f in vision.features if f.kind == "zone"]
    assert [(f.category, round(paper.frame.to_metric(f.geometry).area)) for f in zones] == [("playground", 800)]
    assert [f.category for f in vision.features if f.kind == "amenity"] == ["bench"]
    assert vision.source["voices"] == ["team-1", "team-2", "team-3"]


def test_results_are_deterministic(paper, three):
    first = build_consensus(three, paper.frame).to_json()
    assert build_consensus(three, paper.frame).to_json() == first


@pytest.mark.parametrize(("teams", "features", "seed"), [(5, 40, 1), (12, 80, 2), (3, 30, 3)])
def test_face_areas_add_up_to_the_union_of_all_concepts(teams, features, seed):
    import shapely

    from bench.synthetic import generate_concepts
    from codesign.analysis.compare import categorical_map
    from codesign.domain.site import load_site

    site = load_site("aksu-city-square")
    concepts = generate_concepts(site, teams=teams, features=features, seed=seed)
    result = build_consensus(concepts, site.frame)
    union = shapely.union_all([g for c in concepts for g in categorical_map(c, site.frame).values()]).area
    assert abs(float(result.areas.sum()) - union) / union < 1e-6
    total = result.area_in("agreed") + result.area_in("contested") + result.area_in("single")
    assert total == pytest.approx(float(result.areas.sum()), rel=1e-12)


def test_a_later_zone_of_a_team_covers_its_earlier_ones(paper):
    # team-1: a lawn, then a playground drawn over its right half, then the same playground again
    t1 = concept(
        paper,
        "team-1",
        ("lawn", box(0, 0, 40, 40)),
        ("playground", box(20, 0, 40, 40)),
        ("playground", box(20, 0, 40, 40)),
    )
    # team-2: a playground, then trees over part of it; a bow-tie (two triangles) in the corner
    bow_tie = Polygon([(80, 80), (100, 100), (100, 80), (80, 100)])
    t2 = concept(paper, "team-2", ("playground", box(20, 0, 60, 40)), ("tree_planting", box(50, 0, 60, 40)))
    t2 = Concept("test-site", "team-2", features=(*t2.features, ConceptFeature("f9", "lawn", paper.lonlat(bow_tie))))
    result = build_consensus([t1, t2], paper.frame)
    k = {cid: {n: round(a, 3) for n, a in ks.items()} for cid, ks in result.k_of_n().items()}
    # by hand: lawn 20 x 40 (team-1) + the bow-tie's two triangles 2 x 100 (team-2)
    assert k["lawn"] == {1: 1000.0, 2: 0.0}
    # playground: 20..40 twice (each team once, the duplicate counts once), 40..50 by team-2
    assert k["playground"] == {1: 1200.0, 2: 800.0}
    assert k["tree_planting"] == {1: 400.0, 2: 0.0}
    assert float(result.counts.sum(axis=1).max()) == 2  # never more votes than teams
    assert float(result.areas.sum()) == pytest.approx(40 * 60 + 200, rel=1e-9)


CASES = [("realistic", 5, 40, 1), ("realistic", 12, 80, 2), ("realistic", 3, 30, 3), ("blocks", 5, 40, 1)]


@pytest.mark.parametrize(("generator", "teams", "zones", "seed"), CASES)
def test_the_overlay_gives_the_k_of_n_areas_of_flattening_each_team_first(generator, teams, zones, seed):
    import shapely

    from bench.realistic import generate_realistic
    from bench.synthetic import generate_concepts
    from codesign.domain.site import load_site
    from tests.support.flattened_consensus import flattened_faces, k_of_n

    site = load_site("aksu-city-square")
    if generator == "realistic":
        concepts = generate_realistic(site, teams=teams, zones=zones, seed=seed)
    else:
        concepts = generate_concepts(site, teams=teams, features=zones, seed=seed)
    new = build_consensus(concepts, site.frame).k_of_n()
    faces, counts = flattened_faces(concepts, site.frame)
    old = k_of_n(shapely.area(faces), counts, teams)
    assert new.keys() == old.keys()
    for cid in old:
        for k in range(1, teams + 1):
            # both snap to the 0.1 mm grid, at different steps (the old one after flattening):
            # they differ by at most a few mm² on hundreds to thousands of m²
            assert new[cid][k] == pytest.approx(old[cid][k], rel=2e-4, abs=0.02), (cid, k)


@pytest.mark.parametrize(("teams", "zones", "seed"), [(5, 40, 7), (4, 30, 11)])
def test_each_face_counts_what_each_teams_flattened_map_says_there(teams, zones, seed):
    # The truth at sample points: each team's categorical map (later zones on top) says which
    # category it gives the point; the face holding the point must count exactly that.
    # (5, 40, 7) is a case where the old flattened overlay lost a team's vote on 25 m².
    import random

    import numpy as np
    import shapely

    from bench.realistic import generate_realistic
    from codesign.analysis.compare import categorical_map
    from codesign.analysis.consensus import _ZONE_IDS
    from codesign.domain.site import load_site

    site = load_site("aksu-city-square")
    concepts = generate_realistic(site, teams=teams, zones=zones, seed=seed)
    result = build_consensus(concepts, site.frame)
    maps = [categorical_map(c, site.frame) for c in concepts]
    edges = shapely.union_all([shapely.boundary(g) for m in maps for g in m.values()])
    tree = shapely.STRtree(result.faces)
    rng = random.Random(seed)
    minx, miny, maxx, maxy = site.frame.boundary.bounds
    checked = 0
    while checked < 400:
        point = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not site.frame.boundary.contains(point) or edges.distance(point) < 0.01:
            continue  # the overlay's 0.1 mm grid may move an edge; keep clear of them
        expected = np.zeros(len(_ZONE_IDS), dtype=int)
        for m in maps:
            for cid, geom in m.items():
                if geom.contains(point):
                    expected[_ZONE_IDS.index(cid)] += 1
        hits = tree.query(point, predicate="within")
        got = result.counts[hits[0]] if len(hits) else np.zeros(len(_ZONE_IDS), dtype=int)
        assert len(hits) <= 1
        assert got.tolist() == expected.tolist(), point
        checked += 1
