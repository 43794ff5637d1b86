"""Snapping a drawn shape to the team's other shapes: known answers on paper, then through apply_drawings."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from codesign.domain.concept import Concept
from codesign.domain.drawings import apply_drawings
from codesign.domain.snapping import SNAP_TOLERANCE_M, snap_to_neighbours

LEFT = box(0, 0, 10, 10)


def shared_edge_length(a, b) -> float:
    return a.boundary.intersection(b.boundary).length


def test_corners_within_tolerance_go_to_the_neighbours_corners():
    drawn = Polygon([(10.8, 0.4), (20, 0), (20, 10), (10.6, 9.5)])  # 0.89 m and 0.78 m off
    out = snap_to_neighbours(drawn, [LEFT])
    assert out.moved == 2
    assert out.inserted == 0
    assert out.shift_m == pytest.approx(np.hypot(0.8, 0.4))
    assert out.geometry.equals(Polygon([(10, 0), (20, 0), (20, 10), (10, 10)]))
    assert out.geometry.intersection(LEFT).area == 0
    assert shared_edge_length(out.geometry, LEFT) == pytest.approx(10)
    # no gap: the two make one polygon of 200 m²
    union = shapely.union_all([out.geometry, LEFT])
    assert union.geom_type == "Polygon"
    assert union.area == pytest.approx(200)


def test_an_overlap_of_a_metre_is_removed():
    drawn = box(9, 0, 20, 10)  # overlaps LEFT by 10 m²
    out = snap_to_neighbours(drawn, [LEFT])
    assert out.geometry.intersection(LEFT).area == pytest.approx(0)
    assert out.geometry.area == pytest.approx(100)


def test_nothing_further_than_the_tolerance_moves():
    assert not snap_to_neighbours(box(11.6, 0, 20, 10), [LEFT]).changed  # 1.6 m gap: left as drawn
    out = snap_to_neighbours(box(11.4, 0, 20, 10), [LEFT])  # 1.4 m gap: closed
    assert out.changed
    assert out.shift_m == pytest.approx(1.4)
    assert out.geometry.equals(box(10, 0, 20, 10))


def test_a_corner_lands_on_an_edge_when_no_corner_is_near():
    drawn = Polygon([(10.5, 3), (20, 3), (20, 7), (10.5, 7)])  # beside the middle of LEFT's right edge
    out = snap_to_neighbours(drawn, [LEFT])
    assert out.moved == 2
    assert out.geometry.equals(box(10, 3, 20, 7))
    assert shared_edge_length(out.geometry, LEFT) == pytest.approx(4)


def test_a_neighbours_corners_are_added_to_a_long_edge():
    # a long zone under two small ones; its top edge runs 0.5 m below their bottoms
    top_left, top_right = box(0, 10, 10, 20), box(10, 10, 20, 20)
    drawn = Polygon([(-5, 0), (25, 0), (25, 9.5), (-5, 9.5)])
    out = snap_to_neighbours(drawn, [top_left, top_right])
    assert out.moved == 0
    assert out.inserted == 3  # (0, 10), (10, 10), (20, 10)
    assert shared_edge_length(out.geometry, top_left) == pytest.approx(10)
    assert shared_edge_length(out.geometry, top_right) == pytest.approx(10)
    assert out.geometry.intersection(top_left).area == pytest.approx(0)


def test_a_path_end_snaps_onto_a_zone_edge():
    out = snap_to_neighbours(LineString([(30, 5), (11, 5)]), [LEFT])
    assert out.geometry.equals(LineString([(30, 5), (10, 5)]))
    assert out.shift_m == pytest.approx(1)


def test_points_and_far_shapes_are_left_alone():
    assert snap_to_neighbours(Point(10.5, 5), [LEFT]).geometry.equals(Point(10.5, 5))
    assert snap_to_neighbours(box(30, 0, 40, 10), [LEFT]).geometry.equals(box(30, 0, 40, 10))
    assert not snap_to_neighbours(box(11, 0, 20, 10), [Point(10, 5)]).changed  # amenities are no targets


def test_a_zone_that_would_collapse_is_kept_as_drawn():
    tiny = box(10.2, 10.2, 11, 11)  # every corner within 1.5 m of LEFT's corner (10, 10)
    out = snap_to_neighbours(tiny, [LEFT])
    assert not out.changed
    assert out.geometry.equals(tiny)


def test_no_point_ever_moves_further_than_the_tolerance():
    rng = np.random.default_rng(15)
    neighbours = [box(0, 0, 10, 10), box(12, 0, 20, 8), LineString([(0, 12), (20, 13)])]
    for _ in range(200):
        centre = rng.uniform(-5, 25, 2)
        corners = centre + rng.uniform(-6, 6, (5, 2))
        drawn = shapely.convex_hull(shapely.multipoints(corners))
        if drawn.geom_type != "Polygon":
            continue
        out = snap_to_neighbours(drawn, neighbours)
        assert out.shift_m <= SNAP_TOLERANCE_M + 1e-9
        # every corner of the result lies within the tolerance of the outline as drawn, and back
        corners = shapely.points(shapely.get_coordinates(out.geometry))
        assert shapely.distance(corners, drawn.boundary).max() <= SNAP_TOLERANCE_M + 1e-9
        assert shapely.hausdorff_distance(out.geometry, drawn) <= SNAP_TOLERANCE_M + 1e-9
        assert out.geometry.is_valid


# ----------------------------------------------------------------------------- through apply_drawings


SELECTED = {"zone": "playground", "path": "walkway", "amenity": "bench"}


def test_a_second_rectangle_drawn_a_metre_off_shares_the_first_ones_edge(paper):
    first = apply_drawings(
        Concept(site="s", team="t"), [paper.drawing(box(10, 10, 30, 30), draft="a")], paper.frame, SELECTED
    )
    assert [n.key for _, n in first.notices] == []
    second = apply_drawings(
        first.concept,
        [paper.drawing(box(10, 10, 30, 30), id="f1"), paper.drawing(box(31, 10.8, 50, 29.4), draft="b")],
        paper.frame,
        SELECTED,
    )
    a, b = (paper.frame.to_metric(f.geometry) for f in second.concept.features)
    assert a.intersection(b).area == pytest.approx(0, abs=1e-3)
    assert shared_edge_length(a, b) == pytest.approx(20, abs=0.01)
    assert shapely.union_all([a, b]).geom_type == "Polygon"  # no sliver of gap
    snapped = [n for _, n in second.notices if n.key == "geometry.snapped"]
    assert len(snapped) == 1
    assert snapped[0].params["count"] == 2
    assert snapped[0].params["shift"] == round(100 * np.hypot(1, 0.8))  # the worse corner, in cm


def test_an_untouched_shape_never_moves_and_amenities_never_snap(paper):
    drawings = [paper.drawing(box(10, 10, 30, 30), draft="a"), paper.drawing(box(31, 10, 50, 30), draft="b")]
    out = apply_drawings(Concept(site="s", team="t"), drawings, paper.frame, SELECTED)
    a_before = out.concept.features[0].geometry
    bench = paper.drawing(Point(30.5, 20), draft="c")
    again = apply_drawings(
        out.concept,
        [paper.drawing(box(10, 10, 30, 30), id="f1"), paper.drawing(box(31, 10, 50, 30), id="f2"), bench],
        paper.frame,
        SELECTED,
    )
    assert again.concept.features[0].geometry.equals_exact(a_before, 0)
    assert paper.frame.to_metric(again.concept.features[2].geometry).distance(
        paper.frame.to_metric(paper.lonlat(Point(30.5, 20)))
    ) == pytest.approx(0, abs=0.02)


def test_the_editor_says_so_as_news_not_as_a_warning(paper):
    from codesign.domain.editing import EditSession
    from tests.unit.test_editing import Counter

    editing = EditSession.open(Counter(), lambda: None, owner="t", site="s")
    editing.draw([paper.drawing(box(10, 10, 30, 30), draft="a")], paper.frame, SELECTED)
    assert editing.messages == ()
    editing.draw(
        [paper.drawing(box(10, 10, 30, 30), id="f1"), paper.drawing(box(30.5, 10, 50, 30), draft="b")],
        paper.frame,
        SELECTED,
    )
    assert [(m.level, m.notice.key) for m in editing.messages] == [("info", "geometry.snapped")]


def test_a_shape_reshaped_on_the_map_snaps_to_the_others(paper):
    drawings = [paper.drawing(box(10, 10, 30, 30), draft="a"), paper.drawing(box(40, 10, 60, 30), draft="b")]
    out = apply_drawings(Concept(site="s", team="t"), drawings, paper.frame, SELECTED)
    # the team drags b's left corners to about a metre from a's right edge
    moved = paper.drawing(Polygon([(31, 10.5), (60, 10), (60, 30), (30.8, 29.2)]), id="f2")
    again = apply_drawings(out.concept, [paper.drawing(box(10, 10, 30, 30), id="f1"), moved], paper.frame, SELECTED)
    assert again.changed == ("f2",)
    a, b = (paper.frame.to_metric(f.geometry) for f in again.concept.features)
    assert shared_edge_length(a, b) == pytest.approx(20, abs=0.01)
    assert a.intersection(b).area == pytest.approx(0, abs=1e-3)
    assert [n.key for _, n in again.notices] == ["geometry.snapped"]
