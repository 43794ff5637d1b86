"""Geometry validation, repair and clipping, with areas computed by hand on paper.

The test site is a 100 m x 100 m square (10,000 m²) in UTM 43N near Aksu.
"""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from codesign.domain.geometry import check_raw_geometry, clean_shape
from codesign.errors import InvalidGeometryError


def test_site_frame_is_utm_43n_and_measures_the_square(paper):
    assert paper.frame.crs.to_epsg() == 32643
    assert paper.frame.area_m2 == pytest.approx(10_000, rel=1e-6)


def test_derived_crs_for_aksu_is_utm_43n():
    from codesign.domain.geometry import MetricFrame

    frame = MetricFrame.from_boundary(box(76.93, 52.03, 76.94, 52.04))
    assert frame.crs.to_epsg() == 32643


def test_rectangle_inside_keeps_its_area(paper):
    shape = clean_shape(paper.geojson(box(10, 10, 30, 20)), paper.frame)
    assert shape.kind == "zone"
    assert shape.area_m2 == pytest.approx(200, abs=0.05)
    assert shape.notices == ()


def test_zone_half_outside_is_clipped_and_user_told(paper):
    shape = clean_shape(paper.geojson(box(90, 10, 110, 30)), paper.frame)  # 20 x 20, half outside
    assert shape.area_m2 == pytest.approx(200, abs=0.05)
    assert [n.key for n in shape.notices] == ["geometry.clipped_zone"]
    assert shape.notices[0].params["area"] == 200


def test_bowtie_is_repaired_into_two_triangles(paper):
    bowtie = Polygon([(10, 10), (30, 30), (30, 10), (10, 30), (10, 10)])  # crosses at (20, 20)
    shape = clean_shape(paper.geojson(bowtie), paper.frame)
    # two triangles, each base 20 m and height 10 m: 2 * 100 m²
    assert shape.area_m2 == pytest.approx(200, abs=0.05)
    assert shape.notices[0].key == "geometry.repaired"
    assert shape.notices[0].params["parts"] == 2
    assert shape.geometry.is_valid


def test_zone_orientation_follows_the_right_hand_rule(paper):
    clockwise = Polygon([(10, 10), (10, 30), (30, 30), (30, 10), (10, 10)])
    shape = clean_shape(paper.geojson(clockwise), paper.frame)
    assert shape.geometry.exterior.is_ccw


@pytest.mark.parametrize(
    ("geom", "key"),
    [
        (box(10, 10, 10.5, 10.5), "geometry.too_small"),  # 0.25 m²
        (Polygon([(10, 10), (20, 20), (30, 30), (10, 10)]), "geometry.too_small"),  # collinear: 0 m²
        (Polygon([(10, 10), (20, 20), (10, 10), (10, 10)]), "geometry.too_few_points"),
        (box(200, 200, 220, 220), "geometry.outside_site"),
        (Point(150, 50), "geometry.point_outside"),
        (LineString([(150, 10), (160, 20)]), "geometry.outside_site"),
        (LineString([(10, 10), (10.3, 10.3)]), "geometry.too_short"),
    ],
)
def test_unusable_shapes_are_refused_with_a_reason(paper, geom, key):
    with pytest.raises(InvalidGeometryError) as err:
        clean_shape(paper.geojson(geom), paper.frame)
    assert err.value.key == key


def test_point_outside_says_how_far(paper):
    with pytest.raises(InvalidGeometryError) as err:
        clean_shape(paper.geojson(Point(150, 50)), paper.frame)
    assert err.value.params["distance"] == 50


def test_path_crossing_the_edge_is_clipped(paper):
    shape = clean_shape(paper.geojson(LineString([(50, 50), (150, 50)])), paper.frame)
    assert shape.kind == "path"
    assert shape.length_m == pytest.approx(50, abs=0.01)
    assert shape.notices[0].key == "geometry.clipped_path"
    assert shape.notices[0].params["length"] == 50


def test_amenity_inside_is_kept(paper):
    shape = clean_shape(paper.geojson(Point(50, 50)), paper.frame)
    assert shape.kind == "amenity"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "geometry.unclosed_ring"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "geometry.short_ring"),
        ({"type": "Point", "coordinates": [math.nan, 1]}, "geometry.bad_coordinates"),
        ({"type": "Point", "coordinates": [math.inf, 1]}, "geometry.bad_coordinates"),
        ({"type": "Point", "coordinates": ["76.9", "52.0"]}, "geometry.bad_coordinates"),
        ({"type": "Point", "coordinates": [7690000, 5200000]}, "geometry.out_of_range"),
        ({"type": "LineString", "coordinates": [[0, 0]]}, "geometry.short_line"),
        ({"type": "Polygon", "coordinates": []}, "geometry.empty"),
        ({"type": "Circle", "coordinates": [0, 0]}, "geometry.unsupported_type"),
        ({"coordinates": [0, 0]}, "geometry.missing"),
        (None, "geometry.missing"),
    ],
)
def test_raw_geojson_problems_shapely_would_hide(raw, key):
    with pytest.raises(InvalidGeometryError) as err:
        check_raw_geometry(raw)
    assert err.value.key == key
