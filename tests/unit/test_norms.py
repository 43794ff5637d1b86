"""Design-norm checks with answers worked out on paper.

The site is the 100 m x 100 m test square (``paper``); x runs east, y north, in metres from its
south-west corner. A building stands 5 m west of the site (x -25..-5). Entrances: west (0, 50) and
east (100, 50). Each rule kind has a passing and a failing case, an ``n/a``, a shape with a hole
and a feature touching the boundary.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point, Polygon, box, mapping

from codesign.analysis.norms import check_concept
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.rules import Rule, RulePack
from codesign.domain.site import Site

TITLE = {"ru": "т", "kk": "т", "en": "t"}
BUILDING = box(-25, 0, -5, 100)


@pytest.fixture
def square(paper):
    """The test square as a site, with the building west of it and two entrances."""
    entrances = [("west", Point(0, 50)), ("east", Point(100, 50))]
    meta = {
        "name": TITLE,
        "entrance": [{"id": name, "lon": paper.lonlat(p).x, "lat": paper.lonlat(p).y} for name, p in entrances],
    }
    context = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"layer": "building"}, "geometry": mapping(paper.lonlat(BUILDING))}
        ],
    }
    return Site("paper-square", Path("."), meta, paper.lonlat(box(0, 0, 100, 100)), context)


def concept(paper, *shapes):
    """A concept of (category, shape in paper metres) pairs: f1, f2, ..."""
    features = tuple(ConceptFeature(f"f{i}", cat, paper.lonlat(geom)) for i, (cat, geom) in enumerate(shapes, start=1))
    return Concept("paper-square", "team-1", features=features)


def check(square, paper_concept, kind, **params):
    rule = Rule("r", kind, TITLE, "illustrative", params)
    return check_concept(paper_concept, RulePack("p", TITLE, (rule,)), square).results[0]


# ---------------------------------------------------------------------- shares and areas
@pytest.mark.parametrize(
    ("lawn", "status", "share"),
    [
        (box(0, 0, 60, 100), "pass", 0.60),  # 6,000 of 10,000 m², touching three edges
        (box(0, 0, 50, 100), "fail", 0.50),
    ],
)
def test_min_share_of_greenery(paper, square, lawn, status, share):
    result = check(square, concept(paper, ("lawn", lawn)), "min_share", categories=["lawn"], value=0.6)
    assert result.status == status
    assert result.measured == pytest.approx(share, abs=1e-4)
    assert result.required == 0.6


def test_min_share_counts_a_hole_out_and_overlaps_once(paper, square):
    # Lawn over the whole square with a 20 x 20 hole (9,600 m²), a tree planting overlapping it
    # and the hole (x 40..60, y 40..70: 200 m² of it in the hole): 9,800 m² = 0.98.
    donut = Polygon(box(0, 0, 100, 100).exterior.coords, [box(40, 40, 60, 60).exterior.coords])
    c = concept(paper, ("lawn", donut), ("tree_planting", box(40, 50, 60, 70)), ("playground", box(40, 40, 60, 50)))
    result = check(square, c, "min_share", categories=["lawn", "tree_planting"], value=0.99)
    assert result.status == "fail"
    assert result.measured == pytest.approx(0.98, abs=1e-4)


def test_max_share_names_the_zones_at_fault(paper, square):
    c = concept(paper, ("parking", box(0, 0, 20, 20)), ("lawn", box(50, 50, 60, 60)))  # 400 m² = 0.04
    failing = check(square, c, "max_share", categories=["parking"], value=0.02)
    assert (failing.status, failing.features) == ("fail", ("f1",))
    assert failing.measured == pytest.approx(0.04, abs=1e-5)
    assert failing.where.area == pytest.approx(400, abs=0.5)
    assert check(square, c, "max_share", categories=["parking"], value=0.05).status == "pass"
    assert check(square, c, "max_share", categories=["cafe"], value=0.05).status == "pass"  # none: 0 %


@pytest.mark.parametrize(
    ("kind", "playground", "status", "area"),
    [
        ("min_area", box(0, 0, 20, 15), "pass", 300.0),
        ("min_area", box(0, 0, 10, 10), "fail", 100.0),
        ("max_area", box(0, 0, 10, 10), "pass", 100.0),
        ("max_area", box(0, 0, 20, 20), "fail", 400.0),
    ],
)
def test_total_area(paper, square, kind, playground, status, area):
    result = check(square, concept(paper, ("playground", playground)), kind, categories=["playground"], value_m2=300)
    assert (result.status, result.unit) == (status, "m2")
    assert result.measured == pytest.approx(area, abs=0.05)


def test_min_area_with_none_of_the_category_fails_with_nothing_measured(paper, square):
    result = check(
        square, concept(paper, ("lawn", box(0, 0, 10, 10))), "min_area", categories=["flower_beds"], value_m2=50
    )
    assert (result.status, result.measured) == ("fail", 0.0)


def test_an_empty_concept_is_not_checked(paper, square):
    result = check(square, concept(paper), "min_share", categories=["lawn"], value=0.6)
    assert (result.status, result.measured, result.required) == ("n/a", None, 0.6)


# ---------------------------------------------------------------------- minimum distance
@pytest.mark.parametrize(("value", "status"), [(25, "fail"), (20, "pass"), (15, "pass")])
def test_min_distance_edge_to_edge(paper, square, value, status):
    # Parking x 0..10 (on the west edge), playground x 30..50: 20 m apart edge to edge.
    c = concept(paper, ("parking", box(0, 0, 10, 10)), ("playground", box(30, 0, 50, 10)))
    result = check(square, c, "min_distance", **{"from": ["parking"], "to": ["playground"], "value_m": value})
    assert result.status == status
    assert result.measured == pytest.approx(20.0, abs=0.02)
    if status == "fail":
        assert result.features == ("f1", "f2")
        assert result.where.area == pytest.approx(300, abs=0.5)


def test_min_distance_diagonal_gap(paper, square):
    # Corner (10, 10) to corner (13, 14): a 3-4-5 triangle.
    c = concept(paper, ("parking", box(0, 0, 10, 10)), ("playground", box(13, 14, 20, 20)))
    result = check(square, c, "min_distance", **{"from": ["parking"], "to": ["playground"], "value_m": 25})
    assert result.measured == pytest.approx(5.0, abs=0.02)


def test_min_distance_to_a_playground_with_a_hole_is_to_its_inner_edge(paper, square):
    # A ring-shaped playground (outer 20..80, hole 40..60); parking 45..55 sits in the hole,
    # 5 m from the ring's inner edge, not 0 m.
    ring = Polygon(box(20, 20, 80, 80).exterior.coords, [box(40, 40, 60, 60).exterior.coords])
    c = concept(paper, ("parking", box(45, 45, 55, 55)), ("playground", ring))
    result = check(square, c, "min_distance", **{"from": ["parking"], "to": ["playground"], "value_m": 25})
    assert result.status == "fail"
    assert result.measured == pytest.approx(5.0, abs=0.02)


def test_min_distance_to_a_context_building(paper, square):
    # A dog area touching the west edge: 5 m from the building across the edge.
    c = concept(paper, ("dog_area", box(0, 40, 10, 50)))
    result = check(square, c, "min_distance", **{"from": ["dog_area"], "to": ["building"], "value_m": 40})
    assert (result.status, result.features) == ("fail", ("f1",))
    assert result.measured == pytest.approx(5.0, abs=0.02)
    far = concept(paper, ("dog_area", box(60, 40, 70, 50)))  # 65 m from the building
    assert (
        check(square, far, "min_distance", **{"from": ["dog_area"], "to": ["building"], "value_m": 40}).status == "pass"
    )


def test_min_distance_between_features_of_one_category_skips_a_feature_and_itself(paper, square):
    c = concept(paper, ("dog_area", box(0, 0, 10, 10)), ("dog_area", box(40, 0, 50, 10)))
    result = check(square, c, "min_distance", **{"from": ["dog_area"], "to": ["dog_area"], "value_m": 40})
    assert (result.status, result.measured) == ("fail", pytest.approx(30.0, abs=0.02))
    alone = concept(paper, ("dog_area", box(0, 0, 10, 10)))
    assert (
        check(square, alone, "min_distance", **{"from": ["dog_area"], "to": ["dog_area"], "value_m": 40}).status
        == "n/a"
    )


def test_min_distance_with_nothing_on_one_side_is_not_applicable(paper, square):
    c = concept(paper, ("playground", box(30, 0, 50, 10)))
    result = check(square, c, "min_distance", **{"from": ["parking"], "to": ["playground"], "value_m": 25})
    assert (result.status, result.measured) == ("n/a", None)


def test_overlapping_zones_are_zero_apart(paper, square):
    c = concept(paper, ("parking", box(0, 0, 10, 10)), ("playground", box(5, 5, 20, 20)))
    result = check(square, c, "min_distance", **{"from": ["parking"], "to": ["playground"], "value_m": 25})
    assert (result.status, result.measured) == ("fail", 0.0)


# ---------------------------------------------------------------------- maximum distance
@pytest.mark.parametrize(
    ("bench", "status", "farthest"),
    [
        (Point(0, 0), "fail", math.hypot(20, 20)),  # the playground's far corner, 28.28 m
        (Point(10, 10), "pass", math.hypot(10, 10)),  # in the middle: every corner 14.14 m
    ],
)
def test_max_distance_every_part_within_reach(paper, square, bench, status, farthest):
    # The playground touches the south and west edges of the site.
    c = concept(paper, ("playground", box(0, 0, 20, 20)), ("bench", bench))
    result = check(square, c, "max_distance", **{"from": ["playground"], "to": ["bench"], "value_m": 20})
    assert result.status == status
    assert result.measured == pytest.approx(farthest, abs=0.05)
    if status == "fail":
        assert result.features == ("f1",)
        # Out of reach: the part of the square beyond a 20 m circle around its corner.
        assert result.where.area == pytest.approx(400 - math.pi * 20**2 / 4, rel=0.01)


def test_max_distance_farthest_point_inside_the_zone(paper, square):
    # Benches at the four corners of a 40 m square: the farthest point is its centre, 28.28 m.
    benches = [("bench", Point(x, y)) for x in (0, 40) for y in (0, 40)]
    c = concept(paper, ("playground", box(0, 0, 40, 40)), *benches)
    result = check(square, c, "max_distance", **{"from": ["playground"], "to": ["bench"], "value_m": 25})
    assert result.status == "fail"
    assert result.measured == pytest.approx(math.hypot(20, 20), abs=0.05)


def test_max_distance_from_a_ring_with_a_bench_in_its_hole(paper, square):
    ring = Polygon(box(20, 20, 80, 80).exterior.coords, [box(40, 40, 60, 60).exterior.coords])
    c = concept(paper, ("playground", ring), ("bench", Point(50, 50)))
    result = check(square, c, "max_distance", **{"from": ["playground"], "to": ["bench"], "value_m": 20})
    assert result.status == "fail"
    assert result.measured == pytest.approx(math.hypot(30, 30), abs=0.05)


def test_max_distance_without_any_target_fails_and_without_a_source_is_not_applicable(paper, square):
    lonely = concept(paper, ("playground", box(0, 0, 20, 20)))
    result = check(square, lonely, "max_distance", **{"from": ["playground"], "to": ["bench"], "value_m": 20})
    assert (result.status, result.measured, result.features) == ("fail", None, ("f1",))
    benches = concept(paper, ("bench", Point(5, 5)))
    result = check(square, benches, "max_distance", **{"from": ["playground"], "to": ["bench"], "value_m": 20})
    assert result.status == "n/a"


# ---------------------------------------------------------------------- counts per area
def test_count_per_area_rounds_up_and_counts_bins_nearby(paper, square):
    # Plaza 40 x 50 = 2,000 m²: one bin per 800 m² -> 3 bins. Two inside, one 8 m east of it
    # (counts, within 10 m), one 15 m east (too far).
    bins = [Point(10, 10), Point(20, 20), Point(48, 10), Point(55, 10)]
    c = concept(paper, ("plaza", box(0, 0, 40, 50)), *(("bin", b) for b in bins))
    result = check(square, c, "min_count_per_area", amenity=["bin"], categories=["plaza"], per_m2=800)
    assert (result.status, result.measured, result.required, result.unit) == ("pass", 3.0, 3.0, "items")
    fewer = concept(paper, ("plaza", box(0, 0, 40, 50)), *(("bin", b) for b in bins[:2]))
    result = check(square, fewer, "min_count_per_area", amenity=["bin"], categories=["plaza"], per_m2=800)
    assert (result.status, result.measured, result.required) == ("fail", 2.0, 3.0)
    assert result.where.area == pytest.approx(2000, abs=0.5)


def test_count_per_area_counts_walkways_with_their_width(paper, square):
    # A 100 m walkway across the site, 3 m wide: 300 m²; one bin per 200 m² -> 2 bins.
    c = concept(paper, ("walkway", LineString([(0, 50), (100, 50)])), ("bin", Point(50, 51)))
    result = check(square, c, "min_count_per_area", amenity=["bin"], categories=["walkway"], per_m2=200)
    assert (result.status, result.measured, result.required) == ("fail", 1.0, 2.0)
    assert result.where.area == pytest.approx(300, abs=0.5)


def test_count_per_area_of_the_whole_site_and_not_applicable_without_area(paper, square):
    trees = concept(paper, *(("tree", Point(10 * i + 5, 50)) for i in range(10)))
    # 10,000 m² at one tree per 1,000 m²: 10 needed, 10 drawn.
    result = check(square, trees, "min_count_per_area", amenity=["tree"], per_m2=1000)
    assert (result.status, result.measured, result.required) == ("pass", 10.0, 10.0)
    result = check(square, trees, "min_count_per_area", amenity=["bin"], categories=["plaza"], per_m2=800)
    assert result.status == "n/a"


# ---------------------------------------------------------------------- paths joining the entrances
def test_paths_connect_all_entrances(paper, square):
    c = concept(paper, ("walkway", LineString([(0, 50), (100, 50)])))
    result = check(square, c, "paths_connect", categories=["walkway"])
    assert (result.status, result.measured, result.required, result.unit) == ("pass", 2.0, 2.0, "entrances")


def test_paths_with_a_gap_join_one_entrance_of_two(paper, square):
    c = concept(paper, ("walkway", LineString([(0, 50), (40, 50)])), ("walkway", LineString([(60, 50), (100, 50)])))
    result = check(square, c, "paths_connect", categories=["walkway"])
    assert (result.status, result.measured, result.required) == ("fail", 1.0, 2.0)
    assert result.where.geom_type in ("GeometryCollection", "Point")
    # A plaza over the gap joins them when the rule counts plazas.
    bridged = concept(
        paper,
        ("walkway", LineString([(0, 50), (40, 50)])),
        ("walkway", LineString([(60, 50), (100, 50)])),
        ("plaza", box(35, 40, 65, 60)),
    )
    assert check(square, bridged, "paths_connect", categories=["walkway", "plaza"]).status == "pass"
    assert check(square, bridged, "paths_connect", categories=["walkway"]).status == "fail"


def test_paths_connect_snaps_entrances_and_fails_without_paths(paper, square):
    near = concept(paper, ("walkway", LineString([(8, 50), (92, 52)])))  # 8 m short of each entrance
    assert check(square, near, "paths_connect").status == "pass"
    far = concept(paper, ("walkway", LineString([(15, 50), (85, 50)])))  # 15 m short
    assert check(square, far, "paths_connect", snap_m=10).measured == 0.0
    none = concept(paper, ("lawn", box(0, 0, 10, 10)))
    assert (check(square, none, "paths_connect").status, check(square, none, "paths_connect").measured) == ("fail", 0.0)


def test_paths_connect_without_entrances_is_not_applicable(paper):
    no_entrances = Site("paper-bare", Path("."), {"name": TITLE}, paper.lonlat(box(0, 0, 100, 100)), {"features": []})
    c = concept(paper, ("walkway", LineString([(0, 50), (100, 50)])))
    assert check(no_entrances, c, "paths_connect").status == "n/a"


# ---------------------------------------------------------------------- the whole pack
def test_report_json_follows_docs_check_format(paper, square):
    c = concept(paper, ("parking", box(0, 0, 10, 10)), ("playground", box(30, 0, 50, 10)))
    rule = Rule(
        "parking-playground",
        "min_distance",
        TITLE,
        "illustrative",
        {"from": ["parking"], "to": ["playground"], "value_m": 25},
    )
    report = check_concept(c, RulePack("p", TITLE, (rule,), illustrative=True), square)
    assert report.to_json() == {
        "pack": "p",
        "illustrative": True,
        "rules": [
            {
                "id": "parking-playground",
                "kind": "min_distance",
                "status": "fail",
                "measured": pytest.approx(20.0, abs=0.02),
                "required": 25.0,
                "unit": "m",
                "source": "illustrative",
                "features": ["f1", "f2"],
            }
        ],
    }
    assert report.count("fail") == 1


def test_entrances_may_come_from_the_sites_context(paper):
    context = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"layer": "entrance", "name": "gate"},
                "geometry": mapping(paper.lonlat(p)),
            }
            for p in (Point(50, 0), Point(50, 100))
        ],
    }
    site = Site("paper-gates", Path("."), {"name": TITLE}, paper.lonlat(box(0, 0, 100, 100)), context)
    across = concept(paper, ("walkway", LineString([(50, 0), (50, 100)])))
    assert check(site, across, "paths_connect").status == "pass"
    sideways = concept(paper, ("walkway", LineString([(0, 50), (100, 50)])))
    result = check(site, sideways, "paths_connect")
    assert (result.status, result.measured, result.required) == ("fail", 0.0, 2.0)
