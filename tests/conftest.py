"""Shared fixtures: a square test site with known areas, and temporary stores."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import shapely
from pyproj import CRS
from shapely.geometry import box, mapping

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from codesign.geometry import MetricFrame  # noqa: E402
from codesign.store import FileStore  # noqa: E402

#: South-west corner of the test site in UTM 43N metres (near Aksu's centre).
ORIGIN = (630000.0, 5767000.0)


class Paper:
    """Shapes drawn 'on paper' in metres relative to the site's south-west corner."""

    def __init__(self) -> None:
        crs = CRS.from_epsg(32643)
        from pyproj import Transformer

        self._to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        self.frame = MetricFrame(self.lonlat(box(0, 0, 100, 100)), crs)

    def lonlat(self, geom):
        """A shape in paper metres -> lon/lat shapely geometry (unrounded)."""

        def move(coords):
            import numpy as np

            x, y = self._to_ll.transform(coords[:, 0] + ORIGIN[0], coords[:, 1] + ORIGIN[1])
            return np.column_stack([x, y])

        return shapely.transform(geom, move)

    def geojson(self, geom) -> dict:
        """A shape in paper metres -> raw GeoJSON geometry with lists."""
        from codesign.geometry import to_geojson_geometry

        return to_geojson_geometry(self.lonlat(geom))

    def drawing(self, geom, **props) -> dict:
        return {"type": "Feature", "properties": props, "geometry": self.geojson(geom)}


@pytest.fixture(scope="session")
def paper() -> Paper:
    return Paper()


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "sessions")


@pytest.fixture
def square():
    return mapping
