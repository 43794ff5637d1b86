"""``.streamlit/config.toml`` agrees with the app's own limits, and keeps tracebacks off screen."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Polygon

from codesign.domain.concept import (
    MAX_CONCEPT_VERTICES,
    MAX_FEATURES,
    MAX_LABEL,
    MAX_NOTE,
    Concept,
    ConceptFeature,
    concept_to_geojson,
    concept_vertices,
)
from codesign.domain.site import load_site
from codesign.io.model import DEFAULT_LIMITS
from codesign.render.folium_maps import concept_layer, sketch_map

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
SERVER = CONFIG["server"]
MB = 1_000_000  # server.maxMessageSize and maxWidgetStateSize count megabytes of 10^6 bytes
MIB = 1024 * 1024  # server.maxUploadSize counts 2^20 bytes


@pytest.fixture(scope="module")
def largest_concept() -> Concept:
    """A concept at every cap: MAX_FEATURES zones, MAX_CONCEPT_VERTICES vertices, full labels and notes.

    The text is control characters, which JSON writes as six bytes each (``\\u0001``).
    """
    site = load_site("aksu-city-square")
    centre = site.boundary.centroid
    per_zone = MAX_CONCEPT_VERTICES // MAX_FEATURES - 1  # and the closing position
    angles = np.linspace(0, 2 * math.pi, per_zone, endpoint=False)
    rng = np.random.default_rng(7)
    features = []
    for i in range(MAX_FEATURES):
        x, y = centre.x + rng.uniform(-1e-3, 1e-3), centre.y + rng.uniform(-5e-4, 5e-4)
        ring = (
            np.column_stack([x + 4e-5 * np.cos(angles), y + 3e-5 * np.sin(angles)]) + rng.random((per_zone, 2)) * 1e-9
        )
        features.append(
            ConceptFeature(f"f{i + 1}", "lawn", Polygon(ring), label="\x01" * MAX_LABEL, note="\x01" * MAX_NOTE)
        )
    concept = Concept(site.id, "team-1", features=tuple(features))
    assert concept_vertices(concept) == MAX_CONCEPT_VERTICES
    return concept


def browser_message(concept: Concept) -> int:
    """Bytes of what the sketch map reports for ``concept``: every feature, full precision, as JSON."""
    drawings = concept_to_geojson(concept)["features"]  # Leaflet.draw's group holds each feature with its properties
    return len(json.dumps({"all_drawings": drawings}, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def test_the_upload_limit_is_the_importers():
    assert SERVER["maxUploadSize"] * MIB == DEFAULT_LIMITS.max_bytes


def test_a_browser_may_send_the_largest_concept_and_not_much_more(largest_concept):
    largest = browser_message(largest_concept)
    inbound = min(SERVER["maxMessageSize"], SERVER["maxWidgetStateSize"]) * MB
    assert 1.5 * largest <= inbound <= 4 * largest, (largest, inbound)


def test_a_map_of_the_largest_concept_fits_one_message_with_room_for_more(largest_concept):
    site = load_site("aksu-city-square")
    m = sketch_map(site, "ru")
    concept_layer(largest_concept, "ru").add_to(m)
    sent = len(m.get_root().render().encode("utf-8"))
    assert 3 * sent <= SERVER["maxMessageSize"] * MB < 200 * MB  # explicitly set, below Streamlit's default


def test_tracebacks_stay_on_the_console():
    assert CONFIG["client"]["showErrorDetails"] == "none"
