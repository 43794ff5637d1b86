"""Offline folium maps: local assets only, user text never becomes HTML."""

from __future__ import annotations

from shapely.geometry import Point

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import load_site
from codesign.render.folium_maps import STATIC_URL, concept_layer, context_geojson, sketch_map

HOSTILE = '"><svg onload=alert(1)><script>alert(2)</script>\u202e'


def test_sketch_map_uses_only_vendored_assets_and_no_tiles():
    site = load_site("aksu-city-square")
    m = sketch_map(site, "ru")
    html = m.get_root().render()
    assert "cdn" not in html.lower()
    assert "tile.openstreetmap" not in html
    assert f"{STATIC_URL}/vendor/leaflet/leaflet.js" in html
    assert "L.Control.Draw" in html
    assert '"doubleClickZoom": false' in html  # two quick taps must not zoom mid-drawing


def test_context_layers_are_trimmed_and_labelled():
    site = load_site("aksu-city-square")
    ctx = context_geojson(site)
    layers = {f["properties"]["layer"] for f in ctx["features"]}
    assert {"street", "building", "path", "tree", "label"} <= layers
    labels = [f["properties"]["name"] for f in ctx["features"] if f["properties"]["layer"] == "label"]
    assert "ул. Ленина" in labels


def test_user_text_reaches_the_map_as_escaped_json_only():
    concept = Concept(
        "aksu-city-square",
        "team-1",
        features=(ConceptFeature("f1", "bench", Point(76.937, 52.036), label=HOSTILE, note=HOSTILE),),
    )
    layer = concept_layer(concept, "ru")
    site = load_site("aksu-city-square")
    m = sketch_map(site, "ru")
    layer.add_to(m)
    html = m.get_root().render()
    assert "<script>alert(2)" not in html
    assert "<svg onload" not in html
    assert "\\u003cscript\\u003ealert(2)" in html  # still there, as inert JSON text
    assert "textContent" in html  # tooltips are set as text, not HTML
