"""Vertex caps on every path in: drawing, import, store, copy. Huge shapes are refused before shapely.

A 200,000-vertex polygon (8 MB) drawn on a tablet once kept the server busy for about 140 s;
now it is refused from its list lengths alone (bench/vertex_bench.py measures how fast).
"""

from __future__ import annotations

import json
import math
from unittest import mock

import numpy as np
import pytest
from shapely.geometry import Point, Polygon

import codesign.domain.concept
import codesign.domain.geometry
from codesign.domain.concept import (
    MAX_CONCEPT_VERTICES,
    Concept,
    ConceptFeature,
    concept_from_geojson,
    concept_to_geojson,
    concept_vertices,
)
from codesign.domain.drawings import apply_drawings
from codesign.domain.geometry import MAX_SHAPE_VERTICES, clean_shape, count_positions
from codesign.domain.site import load_site
from codesign.errors import InvalidConceptError, InvalidGeometryError
from codesign.i18n import LANGUAGES, translate
from codesign.io.build import build_concept
from codesign.io.model import ImportedFile, RawFeature
from codesign.storage.copy import copy_sessions
from codesign.storage.files import FileStore

SITE = load_site("aksu-city-square")
FRAME = SITE.frame
C = SITE.boundary.centroid
SELECTED = {"zone": "lawn", "path": "walkway", "amenity": "bench"}


def ring(vertices: int, dx: float = 0.0, dy: float = 0.0, radius: float = 0.0004) -> list[list[float]]:
    """A closed, slightly jagged ring of exactly ``vertices`` positions (the last repeats the first) in the site."""
    angles = np.linspace(0, 2 * math.pi, vertices - 1, endpoint=False)
    r = radius * (1 + 0.1 * (np.arange(vertices - 1) % 2))
    points = np.column_stack([C.x + dx + r * np.cos(angles), C.y + dy + 0.6 * r * np.sin(angles)]).round(7).tolist()
    return [*points, points[0]]


def polygon(vertices: int, **where) -> dict:
    return {"type": "Polygon", "coordinates": [ring(vertices, **where)]}


def draft(geometry: dict, name: str = "d1") -> dict:
    return {"type": "Feature", "properties": {"draft": name}, "geometry": geometry}


@pytest.fixture
def no_shapely_for_big_shapes(monkeypatch):
    """Fail if anything reads the numbers of, or builds a shapely geometry from, a shape over the cap."""

    def guard(real, count_of):
        def checked(*args, **kwargs):
            assert count_of(*args) <= MAX_SHAPE_VERTICES, "a shape over the cap reached " + real.__name__
            return real(*args, **kwargs)

        return checked

    geometry_count = lambda g, *_: count_positions(g)  # noqa: E731
    monkeypatch.setattr(codesign.domain.geometry, "shape", guard(codesign.domain.geometry.shape, geometry_count))
    monkeypatch.setattr(codesign.domain.concept, "shape", guard(codesign.domain.concept.shape, geometry_count))
    monkeypatch.setattr(
        codesign.domain.geometry,
        "_positions_ok",
        guard(
            codesign.domain.geometry._positions_ok,
            lambda coords, depth: count_positions({"type": "Polygon", "coordinates": coords}) if depth == 2 else 0,
        ),
    )


# ----------------------------------------------------------------------------- counting


def test_count_positions_reads_list_lengths_only():
    assert count_positions(polygon(7)) == 7
    assert count_positions({"type": "MultiPolygon", "coordinates": [[ring(5), ring(6)], [ring(4)]]}) == 15
    assert count_positions({"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 2]]}) == 3
    assert count_positions({"type": "Point", "coordinates": [0, 0]}) == 1
    # malformed parts count as nothing (the coordinate checks refuse them afterwards)
    assert count_positions({"type": "Polygon", "coordinates": "x"}) == 0
    assert count_positions({"type": "Circle", "coordinates": [[0, 0]]}) == 0
    assert count_positions([]) == 0


# ----------------------------------------------------------------------------- drawing


def test_a_200000_vertex_drawing_is_refused_before_shapely_sees_it(no_shapely_for_big_shapes):
    huge = draft(polygon(200_000))
    assert len(json.dumps(huge)) > 5_000_000  # the 8 MB payload of the review
    concept = Concept(SITE.id, "team-1", features=(ConceptFeature("f1", "bench", Point(C.x, C.y)),))
    kept = {"type": "Feature", "properties": {"id": "f1"}, "geometry": {"type": "Point", "coordinates": [C.x, C.y]}}
    outcome = apply_drawings(concept, [kept, huge], FRAME, SELECTED)
    assert [(n.key, dict(n.params)) for n in outcome.rejected] == [
        ("geometry.too_many_vertices", {"count": 200_000, "limit": MAX_SHAPE_VERTICES})
    ]
    assert outcome.concept == concept
    assert not outcome.changed_anything


def test_a_shape_at_the_cap_is_kept_and_one_more_vertex_is_refused(no_shapely_for_big_shapes):
    assert clean_shape(polygon(MAX_SHAPE_VERTICES), FRAME).geometry.is_valid
    with pytest.raises(InvalidGeometryError) as err:
        clean_shape(polygon(MAX_SHAPE_VERTICES + 1), FRAME)
    assert (err.value.key, err.value.params) == (
        "geometry.too_many_vertices",
        {"count": MAX_SHAPE_VERTICES + 1, "limit": MAX_SHAPE_VERTICES},
    )


def test_a_huge_line_and_a_huge_multipolygon_are_refused_too(no_shapely_for_big_shapes):
    line = {"type": "LineString", "coordinates": ring(MAX_SHAPE_VERTICES + 1)[:-1] + [[C.x, C.y + 1e-4]]}
    parts = {"type": "MultiPolygon", "coordinates": [[ring(3000)], [ring(3000, dx=0.001)]]}
    for geometry in (line, parts):
        with pytest.raises(InvalidGeometryError) as err:
            clean_shape(geometry, FRAME)
        assert err.value.key == "geometry.too_many_vertices"


def test_editing_a_shape_into_a_huge_one_keeps_the_old_shape(no_shapely_for_big_shapes):
    small = apply_drawings(Concept(SITE.id, "team-1"), [draft(polygon(20))], FRAME, SELECTED).concept
    edited = {"type": "Feature", "properties": {"id": "f1"}, "geometry": polygon(50_000)}
    outcome = apply_drawings(small, [edited], FRAME, SELECTED)
    assert [n.key for n in outcome.rejected] == ["geometry.too_many_vertices"]
    assert outcome.concept == small


def concept_near_the_cap() -> tuple[Concept, list[dict]]:
    """Nine zones of MAX_SHAPE_VERTICES (room for one more), and the map's drawings of them."""
    places = [(dx * 0.0006, 0.0004) for dx in (-2, -1, 0, 1, 2)] + [(dx * 0.0006, -0.0004) for dx in (-2, -1, 1, 2)]
    drawings = [
        draft(polygon(MAX_SHAPE_VERTICES, dx=dx, dy=dy, radius=0.00015), f"d{i}") for i, (dx, dy) in enumerate(places)
    ]
    outcome = apply_drawings(Concept(SITE.id, "team-1"), drawings, FRAME, SELECTED)
    assert len(outcome.concept.features) == 9, outcome.rejected
    on_map = [
        {"type": "Feature", "properties": {"id": f.id}, "geometry": d["geometry"]}
        for f, d in zip(outcome.concept.features, drawings, strict=True)
    ]
    return outcome.concept, on_map


def new_zones(vertices: int) -> list[dict]:
    """Two more zones between the rows, of ``vertices`` each."""
    return [draft(polygon(vertices, dx=dx, radius=0.00015), f"n{i}") for i, dx in enumerate((-0.0003, 0.0003))]


def test_the_concept_cap_refuses_the_shape_that_would_pass_it_and_keeps_the_rest():
    concept, on_map = concept_near_the_cap()
    assert MAX_CONCEPT_VERTICES - MAX_SHAPE_VERTICES < concept_vertices(concept) + 4000 <= MAX_CONCEPT_VERTICES
    outcome = apply_drawings(concept, on_map + new_zones(4000), FRAME, SELECTED)
    assert outcome.added == ("f10",)
    [refused] = outcome.rejected
    assert refused.key == "concept.too_many_vertices"
    assert refused.params["limit"] == MAX_CONCEPT_VERTICES
    assert refused.params["count"] == concept_vertices(outcome.concept) + 4000
    assert concept_vertices(outcome.concept) <= MAX_CONCEPT_VERTICES
    assert outcome.concept.features[:9] == concept.features  # nothing else lost


def test_deleting_shapes_makes_room_in_the_same_drawing():
    concept, on_map = concept_near_the_cap()
    outcome = apply_drawings(concept, on_map[2:] + new_zones(MAX_SHAPE_VERTICES), FRAME, SELECTED)
    assert outcome.rejected == ()
    assert outcome.deleted == ("f1", "f2")
    assert len(outcome.added) == 2
    assert concept_vertices(outcome.concept) <= MAX_CONCEPT_VERTICES


# ----------------------------------------------------------------------------- stored concepts


def document(vertices_per_feature: int, features: int) -> dict:
    return {
        "type": "FeatureCollection",
        "codesign": {"format": "codesign-concept/1", "site": SITE.id, "team": "team-1", "version": 1},
        "features": [
            {
                "type": "Feature",
                "properties": {"id": f"f{i + 1}", "category": "lawn"},
                "geometry": polygon(vertices_per_feature, radius=0.0001),
            }
            for i in range(features)
        ],
    }


def test_a_stored_concept_over_the_concept_cap_is_refused_before_shapely(no_shapely_for_big_shapes):
    over = document(MAX_SHAPE_VERTICES, MAX_CONCEPT_VERTICES // MAX_SHAPE_VERTICES + 1)
    with pytest.raises(InvalidConceptError) as err:
        concept_from_geojson(over)
    assert (err.value.key, err.value.params) == (
        "concept.too_many_vertices",
        {"count": MAX_CONCEPT_VERTICES + MAX_SHAPE_VERTICES, "limit": MAX_CONCEPT_VERTICES},
    )


def test_a_stored_shape_over_the_shape_cap_is_refused_with_the_limit(no_shapely_for_big_shapes):
    with pytest.raises(InvalidConceptError) as err:
        concept_from_geojson(document(MAX_SHAPE_VERTICES + 1, 1))
    assert err.value.key == "concept.bad_geometry"
    assert str(MAX_SHAPE_VERTICES) in str(err.value.params["reason"])


def test_a_stored_concept_at_both_caps_reads_back():
    at_caps = document(MAX_SHAPE_VERTICES, MAX_CONCEPT_VERTICES // MAX_SHAPE_VERTICES)
    concept = concept_from_geojson(at_caps)
    assert concept_vertices(concept) == MAX_CONCEPT_VERTICES
    assert concept_from_geojson(concept_to_geojson(concept)) == concept


def test_no_store_saves_a_concept_over_the_caps(store):
    session = store.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    huge = Concept(SITE.id, "team-1", features=(ConceptFeature("f1", "lawn", Polygon(ring(MAX_SHAPE_VERTICES + 1))),))
    with pytest.raises(InvalidConceptError):
        store.save_concept(session.id, "team-1", huge, base_version=0)
    assert store.versions(session.id, "team-1") == []


@pytest.mark.file_store_only
def test_a_planted_version_over_the_cap_is_set_aside_not_read(store):
    session = store.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    store.save_concept(session.id, "team-1", Concept(SITE.id, "team-1", title="v1"), 0)
    planted = document(MAX_SHAPE_VERTICES, 11) | {}
    planted["codesign"] = planted["codesign"] | {"version": 2}
    path = store.root / session.id / "concepts" / "team-1" / "v000002.geojson"
    path.write_text(json.dumps(planted))
    assert store.load_latest(session.id, "team-1").title == "v1"
    [(owner, name, reason)] = store.damaged_versions(session.id)
    assert (owner, name) == ("team-1", "v000002.geojson")
    assert str(MAX_CONCEPT_VERTICES) in reason


def test_store_copy_refuses_a_source_version_over_the_cap(tmp_path, postgis_url):
    from codesign.storage.postgis import PostgisStore

    with PostgisStore(postgis_url) as database:
        session = database.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
        database.save_concept(session.id, "team-1", Concept(SITE.id, "team-1", title="v1"), 0)
        planted = document(MAX_SHAPE_VERTICES, 11)
        planted["codesign"]["version"] = 2
        with database._transaction() as conn:  # as written before the caps existed, past the app's checks
            conn.execute(
                "INSERT INTO concept_versions (session_id, owner, version, saved_at, size_bytes, document)"
                " VALUES (%s, 'team-1', 2, now(), 1, %s::jsonb)",
                (session.id, json.dumps(planted)),
            )
        target = FileStore(tmp_path / "copy")
        with pytest.raises(InvalidConceptError) as err:
            copy_sessions(database, target)
    assert err.value.key == "concept.too_many_vertices"
    assert target.list_sessions() == []  # all or nothing


# ----------------------------------------------------------------------------- import


def imported(*geometries) -> ImportedFile:
    features = tuple(RawFeature(g, {"class": "lawn", "name": f"Газон {i}"}) for i, g in enumerate(geometries, 1))
    return ImportedFile("plan.geojson", "GeoJSON", "EPSG:4326", features, (), ("class", "name"))


def test_an_imported_shape_over_the_cap_is_rejected_with_the_reason(no_shapely_for_big_shapes):
    small, huge = Polygon(ring(40)), Polygon(ring(MAX_SHAPE_VERTICES + 1, dx=0.0005))
    with mock.patch("codesign.io.build.clean_shape", wraps=codesign.io.build.clean_shape) as cleaned:
        result = build_concept(
            imported(small, huge), attribute="class", mapping={"lawn": "lawn"}, site=SITE, team="plan"
        )
    assert [f.label for f in result.concept.features] == ["Газон 1"]
    [(index, notice)] = result.rejected
    assert (index, notice.key, dict(notice.params)) == (
        2,
        "geometry.too_many_vertices",
        {"count": MAX_SHAPE_VERTICES + 1, "limit": MAX_SHAPE_VERTICES},
    )
    assert cleaned.call_count == 1  # the huge one was never repaired or clipped


def test_an_import_stops_taking_shapes_at_the_concept_cap():
    count = MAX_CONCEPT_VERTICES // MAX_SHAPE_VERTICES + 2
    shapes = [
        Polygon(ring(MAX_SHAPE_VERTICES, dx=(i % 6 - 2.5) * 2.4e-4, dy=(i // 6 - 1) * 2.4e-4, radius=1e-4))
        for i in range(count)
    ]
    result = build_concept(imported(*shapes), attribute="class", mapping={"lawn": "lawn"}, site=SITE, team="plan")
    assert len(result.concept.features) == MAX_CONCEPT_VERTICES // MAX_SHAPE_VERTICES
    assert [(i, n.key) for i, n in result.rejected] == [
        (count - 1, "concept.too_many_vertices"),
        (count, "concept.too_many_vertices"),
    ]
    assert concept_vertices(result.concept) <= MAX_CONCEPT_VERTICES
    assert concept_from_geojson(concept_to_geojson(result.concept)) == result.concept  # storable


# ----------------------------------------------------------------------------- messages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_messages_name_the_count_the_limit_and_the_fix(lang):
    shape_text = translate("geometry.too_many_vertices", lang, count=200_000, limit=MAX_SHAPE_VERTICES)
    concept_text = translate("concept.too_many_vertices", lang, count=55_000, limit=MAX_CONCEPT_VERTICES)
    assert "200000" in shape_text
    assert str(MAX_SHAPE_VERTICES) in shape_text
    assert "55000" in concept_text
    assert str(MAX_CONCEPT_VERTICES) in concept_text
    fix = {"ru": "Упростите", "kk": "жеңілдетіңіз", "en": "Simplify"}[lang]
    assert fix in shape_text
    assert fix in concept_text
