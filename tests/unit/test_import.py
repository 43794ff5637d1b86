"""The plan importer: every fixture imported or refused with a named reason, metric checks
with hand-computed answers, limits, the second site and the CLI.

The metric fixtures in ``tests/data/generated/`` are written by ``tests/data/make_fixtures.py``:
zones of 30 m x 20 m (600 m²), 25 m x 15 m (375 m²) and 40 m x 30 m (1200 m²) around the
centre of the Aksu site in UTM 43N, a bench, a 160 m path and a zone crossing the east edge.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box, mapping, shape

from codesign.cli import main
from codesign.domain.session import PLAN_OWNER
from codesign.domain.site import Site, load_site
from codesign.errors import CodesignError, ImportFormatError
from codesign.i18n import LANGUAGES, catalogue, translate
from codesign.io import (
    FORMATS,
    ImportLimits,
    build_concept,
    import_site,
    read_file,
    suggest_category,
    suggest_mapping,
)
from codesign.storage.files import FileStore

DATA = Path(__file__).resolve().parents[1] / "data"
GENERATED = DATA / "generated"
ROOT = DATA.parents[1]
NOT_FIXTURES = {"ATTRIBUTION.md", "make_fixtures.py"}

#: Every file under tests/data: "ok" (imported without a site) or the key it is refused with.
EXPECTED = {
    "antimeridian/input/almost-180.json": "ok",
    "antimeridian/input/both-poles.json": "ok",
    "antimeridian/input/complex-split.json": "ok",
    "antimeridian/input/crossing-latitude.json": "ok",
    "antimeridian/input/cw-only.json": "ok",
    "antimeridian/input/cw-split.json": "ok",
    "antimeridian/input/extra-crossing.json": "ok",
    "antimeridian/input/force-north-pole.json": "ok",
    "antimeridian/input/great-circle.json": "ok",
    "antimeridian/input/issues-124.json": "ok",
    "antimeridian/input/issues-164.json": "ok",
    "antimeridian/input/issues-171.json": "ok",
    "antimeridian/input/issues-174.json": "ok",
    "antimeridian/input/issues-182.json": "ok",
    "antimeridian/input/issues-187.json": "import.unclosed_ring",
    "antimeridian/input/issues-201.json": "ok",
    "antimeridian/input/issues-81.json": "ok",
    "antimeridian/input/latitude-band.json": "ok",
    "antimeridian/input/line.json": "ok",
    "antimeridian/input/multi-line.json": "ok",
    "antimeridian/input/multi-no-antimeridian.json": "ok",
    "antimeridian/input/multi-split.json": "ok",
    "antimeridian/input/north-pole.json": "ok",
    "antimeridian/input/one-ccw-hole.json": "ok",
    "antimeridian/input/one-hole.json": "ok",
    "antimeridian/input/over-180.json": "import.out_of_range",
    "antimeridian/input/overlap.json": "ok",
    "antimeridian/input/point-on-antimeridian.json": "ok",
    "antimeridian/input/simple-with-ccw-hole.json": "ok",
    "antimeridian/input/simple.json": "ok",
    "antimeridian/input/south-pole.json": "ok",
    "antimeridian/input/split.json": "ok",
    "antimeridian/input/two-holes.json": "ok",
    "gdal/featurecollection_pointz.json": "ok",
    "gdal/kml/kml_with_space_content_in_coordinates.kml": "import.empty",
    "gdal/kml/non_conformant_multi.kml": "ok",
    "gdal/kml/truncated.kml": "import.xml_syntax",
    "gdal/point_with_utf8bom.json": "ok",
    "gdal/srs_name.geojson": "import.degrees_as_metres",
    "generated/aksu_plan.gpkg": "ok",
    "generated/aksu_plan.kmz": "ok",
    "generated/aksu_plan.osm": "ok",
    "generated/aksu_plan_ru.geojson": "ok",
    "generated/aksu_plan_shapefile.zip": "ok",
    "generated/aksu_plan_utm43.dxf": "import.needs_crs",
    "generated/aksu_plan_utm43_crs.geojson": "ok",
    "generated/deeply_nested.geojson": "import.too_deep",
    "generated/drawing.dwg": "import.unknown_format",
    "generated/kmz_without_kml.kmz": "import.kmz_no_kml",
    "generated/nan_coordinates.geojson": "import.non_finite",
    "generated/notes.txt": "import.unknown_format",
    "generated/xml_entities.kml": "import.xml_entities",
    "generated/zip_bomb.zip": "import.zip_too_large",
    "generated/zip_path_traversal.zip": "import.zip_unsafe_path",
    "generated/zip_truncated.zip": "import.bad_zip",
    "generated/zip_without_shp.zip": "import.zip_no_shp",
    "geojson-schema/invalid/feature/1d-point.json": "import.bad_coordinates",
    "geojson-schema/invalid/feature/boolean-id.json": "import.bad_feature_member",
    "geojson-schema/invalid/feature/no-geometry.json": "import.bad_feature_member",
    "geojson-schema/invalid/feature/no-properties.json": "ok",
    "geojson-schema/invalid/feature/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/feature/object-id.json": "import.bad_feature_member",
    "geojson-schema/invalid/featurecollection/no-features.json": "import.bad_member",
    "geojson-schema/invalid/featurecollection/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/geometrycollection/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/geometrycollection/bad-geometry.json": "import.geometry_type",
    "geojson-schema/invalid/geometrycollection/no-geometries.json": "import.bad_feature_member",
    "geojson-schema/invalid/geometrycollection/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/linestring/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/linestring/bad-bbox.json": "import.bad_bbox",
    "geojson-schema/invalid/linestring/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/linestring/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/multilinestring/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/multilinestring/bad-bbox.json": "import.bad_bbox",
    "geojson-schema/invalid/multilinestring/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/multilinestring/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/multipoint/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/multipoint/bad-bbox.json": "import.bad_bbox",
    "geojson-schema/invalid/multipoint/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/multipoint/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/multipolygon/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/multipolygon/bad-bbox.json": "import.bad_bbox",
    "geojson-schema/invalid/multipolygon/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/multipolygon/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/point/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/point/bad-bbox.json": "import.bad_bbox",
    "geojson-schema/invalid/point/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/point/no-type.json": "import.not_geojson",
    "geojson-schema/invalid/polygon/1d.json": "import.bad_coordinates",
    "geojson-schema/invalid/polygon/bad-type.json": "import.not_geojson",
    "geojson-schema/invalid/polygon/no-coordinates.json": "import.bad_feature_member",
    "geojson-schema/invalid/polygon/no-type.json": "import.not_geojson",
    "geojson-schema/valid/feature/basic.json": "ok",
    "geojson-schema/valid/feature/empty-polygon.json": "import.empty",
    "geojson-schema/valid/feature/null-geometry.json": "import.empty",
    "geojson-schema/valid/feature/with-number-id.json": "ok",
    "geojson-schema/valid/feature/with-string-id.json": "ok",
    "geojson-schema/valid/featurecollection/basic.json": "ok",
    "geojson-schema/valid/featurecollection/empty.json": "import.empty",
    "geojson-schema/valid/geometrycollection/3d.json": "ok",
    "geojson-schema/valid/geometrycollection/basic.json": "ok",
    "geojson-schema/valid/geometrycollection/bbox.json": "ok",
    "geojson-schema/valid/linestring/3d.json": "ok",
    "geojson-schema/valid/linestring/basic.json": "ok",
    "geojson-schema/valid/linestring/bbox.json": "ok",
    "geojson-schema/valid/multilinestring/3d.json": "ok",
    "geojson-schema/valid/multilinestring/basic.json": "ok",
    "geojson-schema/valid/multilinestring/bbox.json": "ok",
    "geojson-schema/valid/multipoint/3d.json": "ok",
    "geojson-schema/valid/multipoint/basic.json": "ok",
    "geojson-schema/valid/multipoint/bbox.json": "ok",
    "geojson-schema/valid/multipolygon/3d.json": "ok",
    "geojson-schema/valid/multipolygon/basic.json": "ok",
    "geojson-schema/valid/multipolygon/bbox.json": "ok",
    "geojson-schema/valid/point/3d.json": "ok",
    "geojson-schema/valid/point/basic.json": "ok",
    "geojson-schema/valid/point/bbox.json": "ok",
    "geojson-schema/valid/point/extended.json": "ok",
    "geojson-schema/valid/polygon/3d.json": "ok",
    "geojson-schema/valid/polygon/basic.json": "ok",
    "geojson-schema/valid/polygon/bbox.json": "ok",
    "geojson-schema/valid/polygon/extended.json": "ok",
    "geojsonhint/bad/bad-duplicate-properties.geojson": "import.duplicate_key",
    "geojsonhint/bad/bad-featurelist.geojson": "import.bad_coordinates",
    "geojsonhint/bad/bad-json.geojson": "import.json_syntax",
    "geojsonhint/bad/bad-object-type.geojson": "import.not_geojson",
    "geojsonhint/bad/bad-polygon-interiorring-rhr.geojson": "ok",
    "geojsonhint/bad/bad-polygonloop.geojson": "import.bad_coordinates",
    "geojsonhint/bad/bad-properties-as-array.geojson": "import.bad_feature_member",
    "geojsonhint/bad/badcoord.geojson": "import.bad_coordinates",
    "geojsonhint/bad/badcoordtype.geojson": "import.bad_coordinates",
    "geojsonhint/bad/badfeature.geojson": "import.bad_feature",
    "geojsonhint/bad/badfeatureid.geojson": "import.bad_feature_member",
    "geojsonhint/bad/bbox-4or6elements.geojson": "import.bad_bbox",
    "geojsonhint/bad/bbox-contains-string.geojson": "import.bad_bbox",
    "geojsonhint/bad/bbox-string.geojson": "import.bad_bbox",
    "geojsonhint/bad/different-first-last.geojson": "import.unclosed_ring",
    "geojsonhint/bad/different-first-size.geojson": "ok",
    "geojsonhint/bad/excessive_precision_truncated.geojson": "ok",
    "geojsonhint/bad/expected_object.geojson": "import.bad_feature_member",
    "geojsonhint/bad/false.geojson": "import.geometry_type",
    "geojsonhint/bad/feature_changed_semantics.geojson": "import.misplaced_member",
    "geojsonhint/bad/featurecollection-obj.geojson": "import.bad_member",
    "geojsonhint/bad/featurecollection-type-case.geojson": "import.type_case",
    "geojsonhint/bad/featurecollection.geojson": "import.bad_member",
    "geojsonhint/bad/featurecollection_changed_semantics.geojson": "import.misplaced_member",
    "geojsonhint/bad/geometry_changed_semantics.geojson": "import.misplaced_member",
    "geojsonhint/bad/geometrycollection_nested.geojson": "ok",
    "geojsonhint/bad/geometrycollection_single.geojson": "ok",
    "geojsonhint/bad/multiple_problems.geojson": "import.bad_feature_member",
    "geojsonhint/bad/multipoint-multidimension.geojson": "import.bad_coordinates",
    "geojsonhint/bad/multipoint-nondimension.geojson": "import.bad_coordinates",
    "geojsonhint/bad/nofeaturetype.geojson": "import.bad_feature",
    "geojsonhint/bad/notype.geojson": "import.not_geojson",
    "geojsonhint/bad/point-labeled-as-a-multipolygon.geojson": "import.bad_coordinates",
    "geojsonhint/bad/point-string.geojson": "import.bad_coordinates",
    "geojsonhint/bad/point-toofew.geojson": "import.bad_coordinates",
    "geojsonhint/bad/point-toomany.geojson": "import.bad_coordinates",
    "geojsonhint/bad/point.geojson": "import.bad_feature_member",
    "geojsonhint/bad/polygon_winding_order.geojson": "ok",
    "geojsonhint/bad/rootstring.geojson": "import.not_geojson",
    "geojsonhint/bad/short-line.geojson": "import.short_line",
    "geojsonhint/bad/short-linearring.geojson": "import.short_ring",
    "geojsonhint/bad/short-multilinestring.geojson": "import.short_line",
    "geojsonhint/bad/stringcoord.geojson": "import.bad_coordinates",
    "geojsonhint/bad/unknowntype.geojson": "import.not_geojson",
    "geojsonhint/good/good-feature-with-id.geojson": "ok",
    "geojsonhint/good/good-feature-with-string-id.geojson": "ok",
    "geojsonhint/good/good-feature.geojson": "ok",
    "geojsonhint/good/good-featurecollection-bbox.geojson": "ok",
    "geojsonhint/good/good-featurecollection-bbox3d.geojson": "ok",
    "geojsonhint/good/good-featurecollection-extensions.geojson": "ok",
    "geojsonhint/good/good-featurecollection.geojson": "ok",
    "geojsonhint/good/good-geometrycollection.geojson": "ok",
    "geojsonhint/good/good-linestring.geojson": "ok",
    "geojsonhint/good/good-multilinestring.geojson": "ok",
    "geojsonhint/good/good-multipoint.geojson": "ok",
    "geojsonhint/good/good-point-3d.geojson": "ok",
    "geojsonhint/good/good-point.geojson": "ok",
    "geojsonhint/good/good-polygon.geojson": "ok",
    "geojsonhint/good/issue82.geojson": "import.out_of_range",
    "geojsonhint/good/multipolygon.geojson": "ok",
    "geojsonhint/good/nullgeometry.geojson": "import.empty",
    "geojsonhint/good/nullproperties.geojson": "ok",
    "kazakhstan/geokz_adm2_2024_aksu_rudny_khromtau_mugalzhar.geojson": "ok",
    "kazakhstan/osm_place_nodes_erg_towns.geojson": "ok",
    "park_substitute/philadelphia_parks_playgrounds_overpass_turbo.geojson": "ok",
    "park_substitute/three_rivers_scidmore_park_osm.geojson": "ok",
    "togeojson/cdata.kml": "ok",
    "togeojson/cdata.kml.geojson": "ok",
    "togeojson/extended_data.kml": "ok",
    "togeojson/extended_data.kml.geojson": "ok",
    "togeojson/gxmultitrack.kml": "ok",
    "togeojson/gxmultitrack.kml.geojson": "ok",
    "togeojson/gxtrack.kml": "ok",
    "togeojson/gxtrack.kml.geojson": "ok",
    "togeojson/inline_style.kml": "ok",
    "togeojson/inline_style.kml.geojson": "ok",
    "togeojson/linestring.kml": "ok",
    "togeojson/linestring.kml.geojson": "ok",
    "togeojson/multigeometry.kml": "ok",
    "togeojson/multigeometry.kml.geojson": "ok",
    "togeojson/multigeometry_discrete.kml": "ok",
    "togeojson/multigeometry_discrete.kml.geojson": "ok",
    "togeojson/nogeomplacemark.kml": "import.empty",
    "togeojson/nogeomplacemark.kml.geojson": "import.empty",
    "togeojson/noname.kml": "ok",
    "togeojson/noname.kml.geojson": "ok",
    "togeojson/point.kml": "ok",
    "togeojson/point.kml.geojson": "ok",
    "togeojson/polygon.kml": "ok",
    "togeojson/polygon.kml.geojson": "ok",
    "togeojson/selfclosing.kml": "import.empty",
    "togeojson/selfclosing.kml.geojson": "import.bad_coordinates",
    "togeojson/simpledata.kml": "ok",
    "togeojson/simpledata.kml.geojson": "ok",
    "togeojson/style.kml": "ok",
    "togeojson/style.kml.geojson": "ok",
    "togeojson/style_url.kml": "ok",
    "togeojson/style_url.kml.geojson": "ok",
    "togeojson/timespan.kml": "import.unclosed_ring",
    "togeojson/timespan.kml.geojson": "import.short_ring",
    "togeojson/twopoints.kml": "ok",
    "togeojson/twopoints.kml.geojson": "ok",
    "turf/turf-boolean-valid/false/GeometryCollection/empty-geometry-collection.geojson": "import.empty",
    "turf/turf-boolean-valid/false/GeometryCollection/malformed-geometry-in-collection.geojson": "import.bad_coordinates",  # noqa: E501
    "turf/turf-boolean-valid/false/GeometryCollection/nested-collection.geojson": "ok",
    "turf/turf-boolean-valid/false/GeometryCollection/no-type-in-nested-geometry.geojson": "import.geometry_type",
    "turf/turf-boolean-valid/false/GeometryCollection/non-geometry-in-collection.geojson": "import.geometry_type",
    "turf/turf-boolean-valid/false/MultiPoint/multipoint.geojson": "import.bad_coordinates",
    "turf/turf-boolean-valid/false/MultiPolygon/multipoly-with-2-vertices-touching.geojson": "ok",
    "turf/turf-boolean-valid/false/MultiPolygon/multipolygons-overlap.geojson": "ok",
    "turf/turf-boolean-valid/false/MultiPolygon/not-enough-coords.geojson": "import.short_ring",
    "turf/turf-boolean-valid/false/Point/point.geojson": "import.bad_coordinates",
    "turf/turf-boolean-valid/false/Polygon/not-closing-ring.geojson": "import.unclosed_ring",
    "turf/turf-boolean-valid/false/Polygon/not-enough-coords.geojson": "import.short_ring",
    "turf/turf-boolean-valid/false/Polygon/polygon-with-hole-2-vertices-touching.geojson": "ok",
    "turf/turf-boolean-valid/false/Polygon/polygon-with-puncture.geojson": "ok",
    "turf/turf-boolean-valid/false/Polygon/polygon-with-spike.geojson": "ok",
    "turf/turf-boolean-valid/true/GeometryCollection/geometry-collection.geojson": "ok",
    "turf/turf-boolean-valid/true/LineString/linestring.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiLineString/multilinestring.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiPoint/multipoint-with-z.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiPoint/multipoint.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiPolygon/multipolygon-touch.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiPolygon/multipolygon-with-hole.geojson": "ok",
    "turf/turf-boolean-valid/true/MultiPolygon/multipolygon.geojson": "ok",
    "turf/turf-boolean-valid/true/Point/point-with-z.geojson": "ok",
    "turf/turf-boolean-valid/true/Point/point.geojson": "ok",
    "turf/turf-boolean-valid/true/Polygon/polygon-internal-hole.geojson": "ok",
    "turf/turf-boolean-valid/true/Polygon/polygon-with-hole-1-vertice-touching.geojson": "ok",
    "turf/turf-boolean-valid/true/Polygon/polygon.geojson": "ok",
    "turf/turf-kinks/in/hourglass.geojson": "ok",
    "turf/turf-kinks/in/issue-2627.geojson": "ok",
    "turf/turf-kinks/in/multi-linestring.geojson": "ok",
    "turf/turf-kinks/in/multi-polygon.geojson": "ok",
    "turf/turf-kinks/in/open-hourglass.geojson": "ok",
    "turf/turf-kinks/in/switzerlandKinked.geojson": "ok",
    "turf/turf-kinks/in/triple.geojson": "ok",
    "turf/turf-projection/mercator/featureCollection.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/fiji.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/geometry.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/line.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/multiLine.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/multiPolygon.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/passed-180th-meridian.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/passed-180th-meridian2.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/point.geojson": "import.metres_as_degrees",
    "turf/turf-projection/mercator/polygon.geojson": "import.metres_as_degrees",
    "turf/turf-projection/wgs84/featureCollection.geojson": "ok",
    "turf/turf-projection/wgs84/fiji.geojson": "import.out_of_range",
    "turf/turf-projection/wgs84/geometry.geojson": "ok",
    "turf/turf-projection/wgs84/multiLine.geojson": "ok",
    "turf/turf-projection/wgs84/multiPolygon.geojson": "ok",
    "turf/turf-projection/wgs84/passed-180th-meridian.geojson": "import.out_of_range",
    "turf/turf-projection/wgs84/passed-180th-meridian2.geojson": "import.out_of_range",
    "turf/turf-projection/wgs84/point.geojson": "ok",
    "turf/turf-projection/wgs84/polygon.geojson": "ok",
    "turf/turf-rewind/in/feature-collection.geojson": "ok",
    "turf/turf-rewind/in/geometry-polygon-counter-clockwise.geojson": "ok",
    "turf/turf-rewind/in/line-clockwise.geojson": "ok",
    "turf/turf-rewind/in/line-counter-clockwise.geojson": "ok",
    "turf/turf-rewind/in/polygon-clockwise.geojson": "ok",
    "turf/turf-rewind/in/polygon-counter-clockwise.geojson": "ok",
    "turf/turf-unkink-polygon/in/complex.geojson": "ok",
    "turf/turf-unkink-polygon/in/hourglass.geojson": "ok",
    "turf/turf-unkink-polygon/in/hourglassFeatureCollection.geojson": "ok",
    "turf/turf-unkink-polygon/in/hourglassFeatureCollectionMultiPolygon.geojson": "ok",
    "turf/turf-unkink-polygon/in/hourglassMultiPolygon.geojson": "ok",
    "turf/turf-unkink-polygon/in/issue-#1094.geojson": "ok",
    "turf/turf-unkink-polygon/in/polygon-with-holes.geojson": "ok",
    "turf/turf-unkink-polygon/in/polygon.geojson": "ok",
}


def _fixtures() -> list[str]:
    return sorted(
        str(path.relative_to(DATA)) for path in DATA.rglob("*") if path.is_file() and path.name not in NOT_FIXTURES
    )


def _read(name: str, **kwargs) -> object:
    return read_file((GENERATED / name).read_bytes(), name, **kwargs)


def _refusal(data: bytes, name: str, **kwargs) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as caught:
        read_file(data, name, **kwargs)
    return caught.value


@pytest.fixture(scope="module")
def aksu() -> Site:
    return load_site("aksu-city-square")


@pytest.fixture(scope="module")
def paper_site(paper) -> Site:
    """The 100 m x 100 m test square of conftest as a site."""
    return Site(id="paper-square", folder=Path("."), meta={}, boundary=paper.lonlat(box(0, 0, 100, 100)), context={})


# ----------------------------------------------------------------------------- every fixture


def test_every_fixture_has_an_expectation():
    assert sorted(EXPECTED) == _fixtures(), "add new files in tests/data to EXPECTED (or remove stale entries)"


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_fixture_is_imported_or_refused_with_its_reason(relative):
    path = DATA / relative
    expected = EXPECTED[relative]
    if expected == "ok":
        imported = read_file(path.read_bytes(), path.name)
        assert imported.format in FORMATS
        assert imported.features
        geometries = np.array([f.geometry for f in imported.features])
        assert not shapely.has_z(geometries).any()
        assert not any(g.geom_type in ("GeometryCollection", "MultiPoint") for g in geometries)
        xy = shapely.get_coordinates(geometries)
        assert (np.abs(xy[:, 0]) <= 180).all()
        assert (np.abs(xy[:, 1]) <= 90).all()
        for notice in imported.notices:
            assert notice.key in catalogue("en"), notice.key
    else:
        err = _refusal(path.read_bytes(), path.name)
        assert err.key == expected, str(err)
        for lang in LANGUAGES:  # a real sentence in every language, never the bare key or a traceback
            message = translate(err.key, lang, **err.params)
            assert err.key in catalogue(lang)
            assert "{" not in message, message


def test_fixture_table_covers_the_required_refusals():
    assert EXPECTED["geojsonhint/good/issue82.geojson"] == "import.out_of_range"
    assert EXPECTED["gdal/srs_name.geojson"] == "import.degrees_as_metres"
    assert EXPECTED["gdal/kml/truncated.kml"] == "import.xml_syntax"
    assert {EXPECTED[f] for f in EXPECTED if f.startswith("turf/turf-projection/mercator/")} == {
        "import.metres_as_degrees"
    }
    refusals = {key for key in EXPECTED.values() if key != "ok"}
    for key in ("import.json_syntax", "import.unclosed_ring", "import.short_ring", "import.zip_no_shp"):
        assert key in refusals
    for key in ("import.zip_unsafe_path", "import.zip_too_large", "import.xml_entities", "import.unknown_format"):
        assert key in refusals
    for key in ("import.too_deep", "import.empty", "import.needs_crs", "import.non_finite"):
        assert key in refusals


def test_mislabelled_crs_is_explained_with_the_fix():
    err = _refusal((DATA / "gdal/srs_name.geojson").read_bytes(), "srs_name.geojson")
    assert err.params["crs"] == "EPSG:26915"
    assert "EPSG:4326" in str(err)
    imported = read_file((DATA / "gdal/srs_name.geojson").read_bytes(), "srs_name.geojson", crs="EPSG:4326")
    assert [n.key for n in imported.notices] == ["import.parts_split", "import.crs_overridden"]


def test_bom_is_stripped_with_a_notice_and_z_dropped():
    imported = read_file((DATA / "gdal/point_with_utf8bom.json").read_bytes(), "point.json")
    assert [n.key for n in imported.notices] == ["import.bom_removed"]
    pointz = read_file((DATA / "gdal/featurecollection_pointz.json").read_bytes(), "pointz.json")
    assert [n.key for n in pointz.notices] == ["import.z_dropped"]
    assert not pointz.features[0].geometry.has_z


def test_syntax_error_names_line_and_column():
    err = _refusal(b'{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "x": 1}]}', "a.geojson")
    assert (err.key, err.params) == ("import.json_syntax", {"line": 3, "column": 22})
    assert "line 3, column 22" in str(err)
    assert "строке 3, позиция 22" in translate(err.key, "ru", **err.params)


def test_geometry_collection_is_exploded_and_layers_merged():
    imported = read_file((DATA / "geojsonhint/good/good-geometrycollection.geojson").read_bytes(), "gc.geojson")
    assert [f.geometry.geom_type for f in imported.features] == ["Point", "LineString"]
    gpkg = _read("aksu_plan.gpkg")
    assert gpkg.format == "GPKG"
    assert {f.properties["layer"] for f in gpkg.features} == {"zones", "amenities"}
    assert gpkg.notices[0].key == "import.layers_merged"


# ----------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("Детская площадка", None, "playground"),
        ("детская игровая площадка", None, "playground"),
        ("Playground", None, "playground"),
        ("PLAYGROUND ", None, "playground"),
        ("Балалар алаңы", None, "playground"),
        ("Детские площадки", None, "playground"),
        ("Детская плошадка", None, "playground"),  # misspelt
        ("Автостоянка", None, "parking"),
        ("Газон", None, "lawn"),
        ("ZONE_PARKING", None, "parking"),
        ("Озеленение", None, "lawn"),
        ("Зелёная зона", None, "lawn"),
        ("leisure=playground", None, "playground"),
        ("amenity=bench", None, "bench"),
        ("leisure=pitch", None, "sports_ground"),
        ("highway=footway", None, "walkway"),
        ("Скамейка", "amenity", "bench"),
        ("Аллея", "path", "walkway"),
        ("Аллея", "zone", "tree_planting"),
        ("Аллея", None, None),  # a walkway or a tree-lined strip: ambiguous without the geometry
        ("Газон", "amenity", None),
        ("leisure=park", None, None),
        ("building=yes", None, None),
        ("площадка", None, None),
        ("12", None, None),
        (None, None, None),
    ],
)
def test_suggest_category(value, kind, expected):
    assert suggest_category(value, kind) == expected


def test_a_codesign_concept_maps_trivially():
    data = (ROOT / "data/parks/aksu-city-square/akimat_plan.geojson").read_bytes()
    imported = read_file(data, "akimat_plan.geojson")
    assert imported.notices[0].key == "import.codesign_concept"
    suggestion = suggest_mapping(imported)
    assert suggestion.attribute == "category"
    assert suggestion.mapping == {value: value for value in suggestion.values}


def test_suggest_mapping_picks_the_attribute_that_maps_best(aksu):
    imported = _read("aksu_plan_ru.geojson", site=aksu)
    assert imported.attributes == ("type", "name")
    suggestion = suggest_mapping(imported)
    assert suggestion.attribute == "type"
    assert suggestion.values["Газон"].count == 2
    assert suggestion.values["Скамейка"].kinds == ("amenity",)
    assert suggestion.mapping == {
        "Газон": "lawn",
        "Parking": "parking",
        "Детская площадка": "playground",
        "Неизвестный объект": None,
        "Пешеходная дорожка": "walkway",
        "Скамейка": "bench",
    }
    by_name = suggest_mapping(imported, "name")
    assert by_name.values[""].count == 5  # features without a name


def test_osm_tags_become_an_attribute():
    imported = _read("aksu_plan.osm")
    assert imported.format == "OSM"
    assert imported.attributes[0] == "osm_tag"
    assert suggest_mapping(imported).mapping == {
        "amenity=bench": "bench",
        "highway=footway": "walkway",
        "leisure=playground": "playground",
    }


# ----------------------------------------------------------------------------- building concepts


def test_plan_values_map_and_a_zone_crossing_the_edge_is_clipped(aksu):
    imported = _read("aksu_plan_ru.geojson", site=aksu)
    suggestion = suggest_mapping(imported)
    result = build_concept(imported, attribute="type", mapping=suggestion.mapping, site=aksu, team="plan")
    concept = result.concept
    assert [(f.id, f.category) for f in concept.features] == [
        ("f1", "playground"),
        ("f2", "parking"),
        ("f3", "lawn"),
        ("f4", "lawn"),
        ("f5", "bench"),
        ("f6", "walkway"),
    ]
    areas = [aksu.frame.to_metric(f.geometry).area for f in concept.features[:3]]
    assert areas == pytest.approx([600, 375, 1200], rel=0.005)
    assert result.unmapped == ((7, "Неизвестный объект", "Polygon"),)
    assert result.rejected == ()
    [(index, notice)] = result.notices
    assert (index, notice.key) == (4, "geometry.clipped_zone")
    assert notice.params["area"] + aksu.frame.to_metric(concept.features[3].geometry).area == pytest.approx(800, abs=1)
    assert concept.features[0].label == "Горка"
    assert concept.source == {
        "file": "aksu_plan_ru.geojson",
        "format": "GeoJSON",
        "crs": "EPSG:4326",
        "attribute": "type",
        "mapping": suggestion.mapping,
    }


def test_half_outside_zone_keeps_exactly_the_inside_half(paper, paper_site):
    zone = {"type": "Feature", "properties": {"kind": "Газон"}, "geometry": paper.geojson(box(90, 10, 110, 30))}
    data = json.dumps({"type": "FeatureCollection", "features": [zone]}).encode()
    imported = read_file(data, "half.geojson", site=paper_site)
    result = build_concept(imported, attribute="kind", mapping={"Газон": "lawn"}, site=paper_site, team="team-1")
    [feature] = result.concept.features
    assert paper_site.frame.to_metric(feature.geometry).area == pytest.approx(200, abs=0.5)  # 10 m x 20 m inside
    [(index, notice)] = result.notices
    assert (index, notice.key, notice.params["area"]) == (1, "geometry.clipped_zone", 200)


def test_kinds_are_fitted_or_rejected_never_dropped(paper, paper_site):
    features = [
        paper.drawing(box(10, 10, 20, 20), what="Скамейка"),  # area -> amenity: its inner point
        paper.drawing(shapely.LineString([(30, 30), (60, 30)]), what="Газон"),  # open line -> zone: rejected
        paper.drawing(shapely.Point(50, 50), what="Детская площадка"),  # point -> zone: rejected
        paper.drawing(shapely.Point(500, 500), what="Скамейка"),  # outside the site
        paper.drawing(box(40, 40, 40.5, 40.5), what="Газон"),  # 0.25 m²: too small
        paper.drawing(shapely.LineString([(70, 70), (90, 70), (90, 90), (70, 90), (70, 70)]), what="Газон"),
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    imported = read_file(data, "kinds.geojson", site=paper_site)
    mapping = {"Скамейка": "bench", "Газон": "lawn", "Детская площадка": "playground"}
    result = build_concept(imported, attribute="what", mapping=mapping, site=paper_site, team="team-1")
    assert [f.category for f in result.concept.features] == ["bench", "lawn"]
    bench, closed_lawn = result.concept.features
    assert paper_site.frame.to_metric(bench.geometry).within(
        paper_site.frame.to_metric(paper.lonlat(box(10, 10, 20, 20)))
    )
    assert paper_site.frame.to_metric(closed_lawn.geometry).area == pytest.approx(400, abs=0.5)  # 20 m x 20 m
    assert [(i, n.key) for i, n in result.rejected] == [
        (2, "import.wrong_kind"),
        (3, "import.wrong_kind"),
        (4, "geometry.point_outside"),
        (5, "geometry.too_small"),
    ]
    assert [(i, n.key) for i, n in result.notices] == [
        (1, "import.point_from_zone"),
        (6, "import.zone_from_closed_line"),
    ]
    accounted = len(result.concept.features) + len(result.rejected) + len(result.unmapped)
    assert accounted == len(imported.features)


def test_unknown_category_in_mapping_is_refused(aksu):
    imported = _read("aksu_plan_ru.geojson", site=aksu)
    with pytest.raises(CodesignError) as caught:
        build_concept(imported, attribute="type", mapping={"Газон": "meadow"}, site=aksu, team="plan")
    assert caught.value.key == "error.unknown_category"


# ----------------------------------------------------------------------------- CAD, CRS and placement


def test_dxf_in_utm_metres_needs_the_crs_and_then_lands_on_the_site(aksu):
    err = _refusal((GENERATED / "aksu_plan_utm43.dxf").read_bytes(), "plan.dxf", site=aksu)
    assert err.key == "import.needs_crs"
    assert err.params["epsg"] == "EPSG:32643"
    assert "EPSG:32643" in translate(err.key, "kk", **err.params)
    imported = _read("aksu_plan_utm43.dxf", site=aksu, crs="EPSG:32643")
    assert (imported.format, imported.source_crs, imported.attributes[0]) == ("DXF", "EPSG:32643", "Layer")
    suggestion = suggest_mapping(imported)
    assert suggestion.mapping == {
        "BENCH": "bench",
        "PATH": "walkway",
        "ZONE_PARKING": "parking",
        "ZONE_PLAYGROUND": "playground",
        "Озеленение": "lawn",  # UTF-8 that GDAL read as a one-byte code page, repaired
    }
    result = build_concept(imported, attribute="Layer", mapping=suggestion.mapping, site=aksu, team="plan")
    assert result.rejected == ()
    assert result.unmapped == ()
    boundary = aksu.frame.boundary
    metric = {f.category: aksu.frame.to_metric(f.geometry) for f in result.concept.features}
    assert all(boundary.covers(geom) for geom in metric.values())
    assert metric["playground"].area == pytest.approx(600, rel=0.005)
    assert metric["parking"].area == pytest.approx(375, rel=0.005)
    assert metric["lawn"].area == pytest.approx(1200, rel=0.005)  # drawn as a closed polyline
    assert metric["walkway"].length == pytest.approx(160, rel=0.005)


def test_geojson_in_utm_without_crs_is_metres_posing_as_degrees(aksu):
    raw = json.loads((GENERATED / "aksu_plan_utm43_crs.geojson").read_text(encoding="utf-8"))
    del raw["crs"]
    data = json.dumps(raw).encode()
    err = _refusal(data, "plan.geojson", site=aksu)
    assert (err.key, err.params["suggestion"]) == ("import.metres_as_degrees", "EPSG:32643")
    assert len(read_file(data, "plan.geojson", site=aksu, crs="EPSG:32643").features) == 2
    legacy = _read("aksu_plan_utm43_crs.geojson", site=aksu)  # the legacy "crs" member is honoured
    assert (legacy.source_crs, legacy.notices) == ("EPSG:32643", ())
    lawn = aksu.frame.to_metric(legacy.features[1].geometry)
    assert lawn.area == pytest.approx(1200, rel=1e-6)
    assert _refusal(data, "plan.geojson", crs="EPSG:99999999").key == "import.bad_crs"


def _moved(data: bytes, move) -> bytes:
    raw = json.loads(data)
    for feature in raw["features"]:
        geom = shapely.transform(shape(feature["geometry"]), move)
        feature["geometry"] = json.loads(json.dumps(mapping(geom)))
    return json.dumps(raw).encode()


def test_swapped_lat_lon_is_detected(aksu):
    data = _moved((GENERATED / "aksu_plan_ru.geojson").read_bytes(), lambda c: c[:, ::-1])
    err = _refusal(data, "swapped.geojson", site=aksu)
    assert err.key == "import.swapped_latlon"
    assert "longitude first" in str(err)
    assert read_file(data, "swapped.geojson").features  # without a site both orders are plausible


def test_a_copy_6_km_east_of_the_site_is_far_from_site(aksu):
    to_lonlat = Transformer.from_crs("EPSG:32643", "EPSG:4326", always_xy=True)
    boundary = aksu.frame.boundary
    east = shapely.get_coordinates(boundary)[np.argmax(shapely.get_coordinates(boundary)[:, 0])]
    lon, lat = to_lonlat.transform(east[0] + 6000, east[1])  # due east of the easternmost corner: 6.0 km away
    point = {
        "type": "Feature",
        "properties": {"type": "Скамейка"},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [point]}).encode()
    err = _refusal(data, "far.geojson", site=aksu)
    assert (err.key, err.params["distance"], err.params["limit"]) == ("import.far_from_site", 6.0, 5)
    assert "6.0 km" in str(err)


# ----------------------------------------------------------------------------- archives and formats


def test_zipped_shapefile_is_read_with_its_prj(aksu):
    imported = _read("aksu_plan_shapefile.zip", site=aksu)
    assert (imported.format, imported.source_crs, len(imported.features)) == ("ESRI Shapefile", "EPSG:32643", 4)
    suggestion = suggest_mapping(imported)
    assert suggestion.mapping == {
        "Автостоянка": "parking",
        "Беседка": "shade_pavilion",
        "Газон": "lawn",
        "Детская площадка": "playground",
    }
    result = build_concept(imported, attribute="type", mapping=suggestion.mapping, site=aksu, team="plan")
    assert [f.category for f in result.concept.features] == ["playground", "parking", "lawn", "shade_pavilion"]
    assert [(i, n.key) for i, n in result.notices] == [(4, "import.point_from_zone")]


def test_kmz_folders_become_a_layer_attribute(aksu):
    imported = _read("aksu_plan.kmz", site=aksu)
    assert imported.format == "KMZ"
    assert {f.properties["layer"] for f in imported.features} == {"Детские площадки", "Озеленение", "Малые формы"}
    assert suggest_mapping(imported).attribute == "Name"
    assert suggest_mapping(imported, "layer").mapping == {
        "Детские площадки": "playground",
        "Малые формы": None,
        "Озеленение": "lawn",
    }


def test_zip_without_shp_and_a_bare_shp_are_refused_with_the_fix():
    err = _refusal((GENERATED / "zip_without_shp.zip").read_bytes(), "plan.zip")
    assert err.key == "import.zip_no_shp"
    assert _refusal(b"\x00\x00\x27\x0a" + bytes(96), "plan.shp").key == "import.shp_alone"
    members = {}
    with zipfile.ZipFile(GENERATED / "aksu_plan_shapefile.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist() if not name.endswith(".shx")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    err = _refusal(buffer.getvalue(), "plan.zip")
    assert (err.key, err.params) == ("import.shp_missing_part", {"name": "plan.shp", "part": ".shx"})


# ----------------------------------------------------------------------------- limits


def test_limits_are_refused_with_the_limit_named():
    data = (GENERATED / "aksu_plan_ru.geojson").read_bytes()
    err = _refusal(data + b" " * (1024 * 1024), "big.geojson", limits=ImportLimits(max_bytes=1024 * 1024))
    assert err.key == "import.too_large"
    assert "the limit is 1 MB" in str(err)
    err = _refusal(data, "plan.geojson", limits=ImportLimits(max_features=3))
    assert (err.key, err.params) == ("import.too_many_features", {"count": 7, "limit": 3})
    assert "at most 3" in str(err)
    err = _refusal(data, "plan.geojson", limits=ImportLimits(max_vertices=20))
    assert (err.key, err.params) == ("import.too_many_vertices", {"limit": 20})
    assert "more than 20 vertices" in str(err)
    dxf = (GENERATED / "aksu_plan_utm43.dxf").read_bytes()
    err = _refusal(dxf, "plan.dxf", crs="EPSG:32643", limits=ImportLimits(max_features=3))
    assert (err.key, err.params["limit"]) == ("import.too_many_features", 3)
    err = _refusal(dxf, "plan.dxf", crs="EPSG:32643", limits=ImportLimits(max_vertices=10))
    assert err.key == "import.too_many_vertices"
    shp = (GENERATED / "aksu_plan_shapefile.zip").read_bytes()
    err = _refusal(shp, "plan.zip", limits=ImportLimits(max_unzipped_bytes=1024))
    assert err.key == "import.zip_too_large"


# ----------------------------------------------------------------------------- sites


def test_the_three_rivers_site_loads_in_utm_16n():
    site = load_site("three-rivers-scidmore-park")
    assert site.frame.crs.to_epsg() == 32616
    assert "OpenStreetMap contributors" in site.attribution
    assert "ODbL" in site.attribution
    assert site.illustrative
    assert "OpenStreetMap" in site.notice("ru")
    assert "Ақсу" in site.notice("kk")
    assert "Aksu" in site.notice("en")
    assert {f["properties"]["layer"] for f in site.context["features"]} == {
        "street",
        "building",
        "path",
        "tree",
        "water",
    }


def test_import_site_writes_a_loadable_site_and_refuses_to_overwrite(tmp_path, monkeypatch):
    data = (DATA / "park_substitute/three_rivers_scidmore_park_osm.geojson").read_bytes()
    monkeypatch.setenv("CODESIGN_PARKS_DIR", str(tmp_path))

    def scidmore(feature) -> bool:
        return feature.properties.get("name") == "Scidmore Park"

    folder = import_site(data, "osm.geojson", "scidmore-test", boundary_filter=scidmore, names={"en": "Scidmore"})
    assert folder == tmp_path / "scidmore-test"
    site = load_site("scidmore-test")
    assert site.frame.crs.to_epsg() == 32616
    assert site.frame.area_m2 == pytest.approx(41_204, rel=0.001)
    assert (site.name("ru"), site.illustrative) == ("Scidmore", False)
    assert "OpenStreetMap contributors" in site.attribution
    distances = [
        site.frame.boundary.distance(site.frame.to_metric(shape(f["geometry"]))) for f in site.context["features"]
    ]
    assert max(distances) <= 300.5
    with pytest.raises(CodesignError) as caught:
        import_site(data, "osm.geojson", "scidmore-test", boundary_filter=scidmore)
    assert caught.value.key == "import.site_exists"
    import_site(data, "osm.geojson", "scidmore-test", overwrite=True)  # default: the largest polygon
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scidmore-test"]


def test_the_osm_park_imports_as_a_plan_on_its_own_site():
    site = load_site("three-rivers-scidmore-park")
    data = (DATA / "park_substitute/three_rivers_scidmore_park_osm.geojson").read_bytes()
    imported = read_file(data, "osm.geojson", site=site)
    suggestion = suggest_mapping(imported)
    assert suggestion.attribute == "osm_tag"
    for tag, expected in [
        ("leisure=playground", "playground"),
        ("amenity=bench", "bench"),
        ("leisure=pitch", "sports_ground"),
        ("highway=footway", "walkway"),
    ]:
        assert suggestion.values[tag].suggested == expected
    assert suggestion.values["amenity=bench"].count == 13
    result = build_concept(imported, attribute="osm_tag", mapping=suggestion.mapping, site=site, team="plan")
    assert {"bench", "walkway", "shade_pavilion"} <= {f.category for f in result.concept.features}
    accounted = len(result.concept.features) + len(result.rejected) + len(result.unmapped)
    assert accounted == len(imported.features)


# ----------------------------------------------------------------------------- command line


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    return store, store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])


def test_cli_import_plan_saves_a_new_plan_version_with_its_mapping(session, capsys):
    store, s = session
    plan = str(GENERATED / "aksu_plan_ru.geojson")
    assert main(["import", "plan", s.id, plan, "--map", "Неизвестный объект=flower_beds"]) == 0
    out = capsys.readouterr().out
    assert "Saved plan version 1" in out
    assert "#4: The part of the zone outside the site was cut off" in out
    saved = store.load_latest(s.id, PLAN_OWNER)
    assert len(saved.features) == 7
    assert saved.source["attribute"] == "type"
    assert saved.source["mapping"]["Неизвестный объект"] == "flower_beds"
    assert saved.source["mapping"]["Газон"] == "lawn"
    assert main(["import", "plan", s.id, plan]) == 0  # based on the latest version: version 2
    out = capsys.readouterr().out
    assert "Unmapped, not imported (1 features):\n  Неизвестный объект: 1 (Polygon)" in out
    assert store.latest_version(s.id, PLAN_OWNER) == 2


def test_cli_import_concept_for_a_team(session, capsys):
    store, s = session
    dxf = str(GENERATED / "aksu_plan_utm43.dxf")
    assert main(["import", "concept", s.id, "team-1", dxf, "--crs", "EPSG:32643", "--title", "Эскиз"]) == 0
    concept = store.load_latest(s.id, "team-1")
    assert (concept.title, len(concept.features), concept.source["crs"]) == ("Эскиз", 5, "EPSG:32643")
    assert main(["import", "concept", s.id, "team-9", dxf, "--crs", "EPSG:32643"]) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["aksu_plan_utm43.dxf"], "Импортируйте его снова, указав код EPSG"),
        (["zip_without_shp.zip"], "В zip-архиве нет shapefile"),
        (["aksu_plan_ru.geojson", "--attribute", "colour"], "В файле нет атрибута «colour»"),
        (["aksu_plan_ru.geojson", "--map", "Газон"], "нужно записать в виде ИМЯ=ЗНАЧЕНИЕ"),
        (["aksu_plan_ru.geojson", "--attribute", "name", "--map", "Газон у дороги="], "ничего не сохранено"),
        (["no-such-file.geojson"], "Не удаётся открыть файл"),
    ],
)
def test_cli_refusal_exits_2_and_saves_nothing(session, capsys, argv, message):
    store, s = session
    path = str(GENERATED / argv[0])
    assert main(["--lang", "ru", "import", "plan", s.id, path, *argv[1:]]) == 2
    assert message in capsys.readouterr().err
    assert store.latest_version(s.id, PLAN_OWNER) == 0


def test_cli_import_site(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CODESIGN_PARKS_DIR", str(tmp_path))
    park = str(DATA / "park_substitute/three_rivers_scidmore_park_osm.geojson")
    argv = ["import", "site", "scidmore-cli", park, "--where", "name=Scidmore Park", "--name-ru", "Парк Скидмор"]
    assert main(argv) == 0
    assert "metric CRS EPSG:32616" in capsys.readouterr().out
    assert load_site("scidmore-cli").name("kk") == "Парк Скидмор"
    assert main(argv) == 2
    assert "already exists" in capsys.readouterr().err
